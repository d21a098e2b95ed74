// libFuzzer target (f), differential: the bytes drive a small generator of well-typed policies
// (enums, versions, dates, ints with arithmetic, strings, lists, lets, comprehension macros, regex
// `matches`, ternaries) and of devices (facts of the right type, sometimes the wrong one, sometimes
// missing). Each policy is compiled with small limits and every device decided three ways: the
// compiled engine (`evaluate(_:)`), a `DeviceBatch` (`evaluate(_:at:into:)`) and the reference
// tree-walking evaluator alone. A crash, trap, hang (-timeout) or any difference is a finding.
@_spi(Fuzzing) import Warden

@_cdecl("LLVMFuzzerTestOneInput")
public func wardenFuzzEval(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzEval.run(bytes)
    return 0
}

/// The bytes, read one at a time (zeros once they run out).
struct ByteSource {
    let bytes: [UInt8]
    var at = 0
    mutating func next() -> Int {
        guard at < bytes.count else { return 0 }
        at += 1
        return Int(bytes[at - 1])
    }
    mutating func pick<T>(_ xs: [T]) -> T { xs[next() % xs.count] }
    var exhausted: Bool { at >= bytes.count }
}

enum FuzzEval {
    static let threat = ["secured", "low", "medium", "high"], integrity = ["none", "basic", "device", "strong"]
    static let lock = ["none", "low", "medium", "high"], management = ["unmanaged", "androidEnterprise", "deviceAdmin"]
    static let versions = ["9", "10.3", "11", "11.0", "13.0.2", "5.0.6000", "16.7", "1.2.3.4", "65536.0"]
    static let dates = ["2023-06-01", "2024-01-01", "2024-02-29", "2024-09-30", "1970-01-01"]
    static let strings = [
        "", "acme", "Pixel 8", "Galaxy S22", "a-very-long-vendor-name", "Finance", "BYOD", "Kiosk", "é",
    ]
    static let regexes = ["^(Pixel|Galaxy) [0-9]+[a-z]*$", "(a|b)*c", "^$", ".*", "[A-Z]", "x{2,3}", "(a*)*b"]
    static let cmp = ["<", "<=", ">", ">=", "==", "!="]
    static let actions = ["allow", "warn", "blockAccess", "wipeData"]

    struct Gen {
        var src: ByteSource
        var boolLets: [String] = []
        var listLets: [String] = []

        mutating func q(_ s: String) -> String { "\"" + s + "\"" }

        mutating func leaf() -> String {
            let c = src.pick(FuzzEval.cmp)
            switch src.next() % 24 {
            case 0: return "threatLevel \(c) \(src.pick(FuzzEval.threat))"
            case 1: return "playIntegrity \(c) \(src.pick(FuzzEval.integrity))"
            case 2: return "deviceLock in [\(src.pick(FuzzEval.lock)), \(src.pick(FuzzEval.lock))]"
            case 3: return "management \(src.next() % 2 == 0 ? "==" : "!=") \(src.pick(FuzzEval.management))"
            case 4:
                return
                    "\(src.pick(["osVersion", "appVersion", "companyPortalVersion", "sdkVersion"])) \(c) \(q(src.pick(FuzzEval.versions)))"
            case 5: return "osVersion \(c) version(\(q(src.pick(FuzzEval.versions))))"
            case 6: return "patchLevel \(c) \(q(src.pick(FuzzEval.dates)))"
            case 7: return "daysBetween(patchLevel, today) \(c) \(src.next() * 3 - 100)"
            case 8:
                return
                    "\(src.pick(["offlineMinutes", "pinAttempts", "companyPortalAgeDays"])) \(c) \(src.next() * 5 - 50)"
            case 9: return "offlineMinutes + pinAttempts * \(src.next() % 9 - 2) \(c) \(src.next() * 4)"
            case 10: return "offlineMinutes / (pinAttempts - \(src.next() % 6)) \(c) \(src.next())"
            case 11: return "offlineMinutes % \(src.next() % 7) == \(src.next() % 4)"
            case 12: return "manufacturer \(src.next() % 2 == 0 ? "==" : "!=") \(q(src.pick(FuzzEval.strings)))"
            case 13:
                if let l = listLets.isEmpty ? nil : src.pick(listLets), src.next() % 2 == 0 {
                    return "manufacturer in \(l)"
                }
                return "manufacturer in [\(q(src.pick(FuzzEval.strings))), \(q(src.pick(FuzzEval.strings)))]"
            case 14:
                return "model.\(src.pick(["startsWith", "endsWith", "contains"]))(\(q(src.pick(FuzzEval.strings))))"
            case 15: return "model.matches(\(q(src.pick(FuzzEval.regexes))))"
            case 16: return "\(src.pick(["lower", "upper"]))(manufacturer) == \(q(src.pick(FuzzEval.strings)))"
            case 17: return "size(model) \(c) \(src.next() % 30)"
            case 18: return "model + \(q(src.pick(FuzzEval.strings))) == \(q(src.pick(FuzzEval.strings)))"
            case 19: return "\(q(src.pick(FuzzEval.strings))) in \(src.pick(["tags", "groups"]))"
            case 20:
                let m = src.pick(["exists", "all", "exists_one"])
                return "tags.\(m)(t, t.startsWith(\(q(src.pick(FuzzEval.strings)))) || size(t) \(c) \(src.next() % 12))"
            case 21:
                return "groups.filter(g, g.matches(\(q(src.pick(FuzzEval.regexes))))).size() \(c) \(src.next() % 3)"
            case 22: return "tags.map(t, t + \"!\").exists(g, g == \(q(src.pick(FuzzEval.strings) + "!")))"
            default:
                if !boolLets.isEmpty, src.next() % 2 == 0 { return src.pick(boolLets) }
                return src.pick([
                    "rooted", "accountDisabled", "!defenderActive", "has(osVersion)", "has(model) && size(tags) > 1",
                ])
            }
        }

        mutating func condition(_ depth: Int) -> String {
            guard depth < 4, !src.exhausted else { return leaf() }
            switch src.next() % 7 {
            case 0: return "(\(condition(depth + 1)) && \(condition(depth + 1)))"
            case 1: return "(\(condition(depth + 1)) || \(condition(depth + 1)))"
            case 2: return "!(\(condition(depth + 1)))"
            case 3: return "(\(condition(depth + 1)) ? \(condition(depth + 1)) : \(condition(depth + 1)))"
            default: return leaf()
            }
        }

        mutating func policy() -> String {
            var text = "policy \"generated\" onError \(src.pick(FuzzEval.actions))\n"
            for i in 0..<(src.next() % 3) {
                text += "let l\(i) = [\(q(src.pick(FuzzEval.strings))), \(q(src.pick(FuzzEval.strings)))]\n"
                listLets.append("l\(i)")
            }
            for i in 0..<(src.next() % 4) {
                text += "let b\(i) = \(condition(2))\n"
                boolLets.append("b\(i)")
            }
            for i in 0..<(1 + src.next() % 5) {
                text += "rule \"r\(i)\" when \(condition(0)) then \(src.pick(FuzzEval.actions))"
                if src.next() % 5 == 0 { text += ", set DefenderDeviceTag = \(q(src.pick(FuzzEval.strings)))" }
                text += "\n"
            }
            return text
        }

        /// A value for a fact: mostly its own type, sometimes another, sometimes absent (nil).
        mutating func value(_ type: WardenType) -> Value? {
            let k = src.next()
            switch k % 16 {
            case 0, 1: return nil
            case 2: return .string(src.pick(FuzzEval.strings))
            case 3: return .int(Int64(src.next()) - 100)
            default: break
            }
            switch type {
            case .bool: return .bool(k & 16 != 0)
            case .int:
                let edge: [Int64] = [0, 1, -1, 720, Int64.max, Int64.min, 5]
                return .int(src.next() % 3 == 0 ? src.pick(edge) : Int64(src.next() * 7))
            case .string: return .string(src.pick(FuzzEval.strings))
            case .date: return .date(Day(daysSinceEpoch: 19_000 + src.next() * 5))
            case .version: return Version(src.pick(FuzzEval.versions)).map(Value.version)
            case .enumeration(let e): return .enumMember(e, src.next() % max(1, e.members.count))
            case .list: return .list((0..<(src.next() % 4)).map { _ in .string(src.pick(FuzzEval.strings)) })
            default: return nil
            }
        }
    }

    static func run(_ bytes: [UInt8]) {
        var gen = Gen(src: ByteSource(bytes: bytes))
        let text = gen.policy()
        var limits = Limits()
        limits.maxSteps = 20 + gen.src.next() * 4
        limits.maxStringBytes = 16 + gen.src.next() * 8
        limits.maxListLength = 1 + gen.src.next() % 16
        // Per-decision budgets, small enough that generated policies reach them.
        limits.maxDecisionSteps = 40 + gen.src.next() * 16
        limits.maxDecisionBytes = 64 + gen.src.next() * 64
        let program: Program
        do {
            program = try Engine(limits: limits).compile(text, name: "generated.warden")
        } catch {
            // The generator writes only well-typed policies: a compile error is a generator bug
            // or a checker regression; either way worth a look.
            fatalError("generated policy does not compile:\n\(text)\n\(error.rendered())")
        }
        let schema = program.schema
        var inputs: [Input] = []
        for _ in 0..<(1 + gen.src.next() % 4) {
            var facts: [String: Value] = [:]
            for f in schema.facts { if let v = gen.value(f.type) { facts[f.name] = v } }
            inputs.append(program.input(facts))
        }
        var batch = DeviceBatch(program: program)
        for input in inputs { batch.append(input) }
        var decision = Decision()
        for (i, input) in inputs.enumerated() {
            let compiled = program.evaluate(input)
            let reference = program.referenceDecision(input)
            program.evaluate(batch, at: i, into: &decision)
            // Every path must agree at every limit too (the compiled path charges the reference's
            // cost and hands a decision that reaches a limit to the reference).
            guard compiled == reference, decision == reference else {
                fatalError(
                    "decisions differ on device \(i)\npolicy:\n\(text)\ncompiled:  \(compiled)\nbatch:     \(decision)\nreference: \(reference)"
                )
            }
        }
    }
}
