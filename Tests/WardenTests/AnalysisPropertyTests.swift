import Testing

@testable import Warden
@testable import WardenTools

/// The analysis proved by brute force: random policies (fixed seed) over a few facts, every
/// device of a space that holds the split points and values between and beyond them evaluated on
/// the real engine. Every exact "never fires", "always fires", "shadowed", "duplicate" and
/// "unreachable action" holds on every device; every diff class's example device changes
/// decision; and no device changes decision outside the reported classes.
@Suite struct AnalysisPropertyTests {
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
        mutating func pick<T>(_ xs: [T]) -> T? { xs.isEmpty ? nil : xs[int(xs.count)] }
    }

    /// The facts a generated policy may read, and the brute-force values of each (nil: missing).
    static let space: [String: [Value?]] = [
        "threatLevel": (0..<4).map { .enumMember(.threatLevel, $0) } + [nil],
        "rooted": [.bool(true), .bool(false), nil],
        "pinAttempts": ([-1, 0, 1, 2, 3, 4, 5, 6, 7, 50] as [Int64]).map { .int($0) } + [nil],
        "osVersion": ["8", "9", "9.5", "10", "10.0.1", "10.1", "10.2", "11", "11.0.1", "12"].compactMap {
            Version($0).map { .version($0) }
        } + [nil],
        "manufacturer": ["a", "b", "c", "zz"].map { .string($0) } + [nil],
        "groups": [[], ["g1"], ["g2"], ["g1", "g2"], ["g3"]].map { .list($0.map { .string($0) }) } + [nil],
    ]

    struct Generator {
        var rng: SplitMix64
        var facts: [String] = []

        mutating func atom() -> String {
            let ops = ["==", "!=", "<", "<=", ">", ">="]
            switch rng.pick(facts) ?? "rooted" {
            case "threatLevel":
                return "threatLevel \(rng.pick(ops) ?? "==") \(rng.pick(["secured", "low", "medium", "high"]) ?? "low")"
            case "rooted": return rng.pick(["rooted", "!rooted", "has(rooted)", "rooted == false"]) ?? "rooted"
            case "pinAttempts":
                return rng.int(6) == 0 ? "!has(pinAttempts)" : "pinAttempts \(rng.pick(ops) ?? "<") \(rng.int(7))"
            case "osVersion":
                return "osVersion \(rng.pick(ops) ?? "<") \"\(rng.pick(["9", "10", "10.1", "11"]) ?? "10")\""
            case "manufacturer":
                return rng.pick([
                    "manufacturer == \"a\"", "manufacturer != \"b\"", "manufacturer in [\"a\", \"c\"]",
                    "has(manufacturer)",
                ]) ?? "manufacturer == \"a\""
            default:
                return rng.pick(["\"g1\" in groups", "!(\"g2\" in groups)", "\"g1\" in groups && \"g2\" in groups"])
                    ?? "\"g1\" in groups"
            }
        }

        mutating func condition(_ depth: Int) -> String {
            guard depth > 0, rng.int(3) != 0 else { return atom() }
            switch rng.int(4) {
            case 0: return "(\(condition(depth - 1)) && \(condition(depth - 1)))"
            case 1: return "(\(condition(depth - 1)) || \(condition(depth - 1)))"
            case 2: return "!(\(condition(depth - 1)))"
            default: return "(\(condition(depth - 1)) ? \(condition(depth - 1)) : \(condition(depth - 1)))"
            }
        }

        mutating func action() -> String { rng.pick(["allow", "warn", "blockAccess", "wipeData"]) ?? "warn" }

        mutating func rules() -> [String] {
            (0..<(2 + rng.int(4))).map { _ in "when \(condition(2)) then \(action())" }
        }

        static func source(_ onError: String, _ rules: [String]) -> String {
            "policy \"p\" onError \(onError)\n"
                + rules.enumerated().map { "rule \"r\($0.offset)\" \($0.element)\n" }.joined()
        }

        /// A changed version of a policy: an action, a condition, a rule removed or added, onError.
        mutating func mutate(_ onError: String, _ rules: [String]) -> (String, [String]) {
            var rules = rules
            switch rng.int(5) {
            case 0 where !rules.isEmpty:
                let i = rng.int(rules.count)
                rules[i] = rules[i].replacingOccurrences(
                    of: #"then \w+$"#, with: "then \(action())", options: .regularExpression)
            case 1 where !rules.isEmpty: rules[rng.int(rules.count)] = "when \(condition(2)) then \(action())"
            case 2 where rules.count > 1: rules.remove(at: rng.int(rules.count))
            case 3: return (rng.pick(["allow", "warn", "blockAccess", "wipeData"]) ?? "allow", rules)
            default: rules.append("when \(condition(2)) then \(action())")
            }
            return (onError, rules)
        }
    }

    /// Every device of the brute-force space over `names`.
    static func devices(_ names: [String]) -> [[String: Value]] {
        var out: [[String: Value]] = [[:]]
        for n in names {
            let values = space[n] ?? [nil]
            out = out.flatMap { d in
                values.map { v in
                    var e = d
                    if let v { e[n] = v }
                    return e
                }
            }
        }
        return out
    }

    static let policies = 240

    @Test func exactFindingsHoldOnEveryDeviceAndDiffClassesCoverEveryChange() throws {
        var rng = SplitMix64(state: 0x5EED_2026)
        var checked = (never: 0, always: 0, shadowed: 0, unreachable: 0, classes: 0, changedDevices: 0)
        var compiled = 0
        let engine = Engine()
        for _ in 0..<Self.policies {
            var g = Generator(rng: rng)
            var names = Array(Self.space.keys).sorted()
            var chosen: [String] = []
            for _ in 0..<3 {
                guard !names.isEmpty else { break }
                chosen.append(names.remove(at: g.rng.int(names.count)))
            }
            g.facts = chosen
            let onError = g.action()
            let rules = g.rules()
            var (newOnError, newRules) = g.mutate(onError, rules)
            // Half the time a second change: several groups of changed rules.
            if g.rng.int(2) == 0 { (newOnError, newRules) = g.mutate(newOnError, newRules) }
            rng = g.rng
            let oldText = Generator.source(onError, rules)
            let newText = Generator.source(newOnError, newRules)
            guard let a = try? engine.compile(oldText), let b = try? engine.compile(newText) else {
                Issue.record("a generated policy does not compile:\n\(oldText)\n\(newText)")
                continue
            }
            compiled += 1
            let all = Self.devices(chosen.sorted())
            let inputsA = all.map { a.input($0) }
            let decisionsA = inputsA.map { a.evaluate($0) }

            // analyze
            let analyzer = PolicyAnalyzer(program: a)
            for f in analyzer.run().findings where f.exact {
                switch f.kind {
                case .neverFires:
                    let name = try #require(f.rule.map { a.policy.rules[$0].name })
                    #expect(!decisionsA.contains { $0.fired.contains { $0.name == name } }, "never:\n\(oldText)")
                    checked.never += 1
                case .alwaysFires:
                    let ri = try #require(f.rule)
                    let name = a.policy.rules[ri].name
                    let needs = analyzer.context.rules[ri].slots.map { a.schema.facts[$0].name }
                    for (d, dec) in zip(all, decisionsA) where needs.allSatisfy({ d[$0] != nil }) {
                        #expect(dec.fired.contains { $0.name == name }, "always \(name) on \(d):\n\(oldText)")
                    }
                    checked.always += 1
                case .shadowed, .duplicate:
                    let r = try #require(f.rule.map { a.policy.rules[$0].name })
                    let s = try #require(f.other.map { a.policy.rules[$0].name })
                    for (d, dec) in zip(all, decisionsA) where dec.fired.contains(where: { $0.name == r }) {
                        #expect(dec.fired.contains { $0.name == s }, "\(r) shadowed by \(s) on \(d):\n\(oldText)")
                    }
                    checked.shadowed += 1
                case .unreachableAction:
                    let action = try #require(f.action)
                    #expect(!decisionsA.contains { $0.action == action }, "unreachable \(action):\n\(oldText)")
                    checked.unreachable += 1
                default: break
                }
            }

            // diff
            let differ = PolicyDiffer(old: a, new: b)
            let report = differ.run()
            #expect(report.unanswered.isEmpty, "\(report.unanswered)")
            for c in report.classes {
                let e = try #require(c.example, "no example for \(c.from) → \(c.to):\n\(oldText)\n\(newText)")
                guard case .success(let d) = a.device(json: Array(e.utf8)) else {
                    Issue.record("not a device: \(e)")
                    continue
                }
                #expect(a.evaluate(d.input).action != b.evaluate(d.input).action, "\(e):\n\(oldText)\n\(newText)")
                checked.classes += 1
            }
            let cellSets = report.classes.map { Set($0.cells) }
            for (d, (input, decA)) in zip(all, zip(inputsA, decisionsA)) {
                let decB = b.evaluate(input)
                guard decA.action != decB.action else { continue }
                checked.changedDevices += 1
                let covered = report.classes.indices.contains { i in
                    let cell = report.classes[i].slots.map { slot in
                        differ.old.domains.cellIndex(slot: slot, value: d[a.schema.facts[slot].name]) ?? -1
                    }
                    return cellSets[i].contains(cell)
                }
                #expect(
                    covered, "\(d) changes \(decA.action) → \(decB.action) outside the classes:\n\(oldText)\n\(newText)"
                )
            }
        }
        #expect(compiled >= 200)
        // The run is not vacuous: each kind of answer was checked many times.
        #expect(checked.never >= 20 && checked.always >= 20 && checked.shadowed >= 20, "\(checked)")
        #expect(checked.unreachable >= 20 && checked.classes >= 100 && checked.changedDevices >= 1000, "\(checked)")
    }
}
