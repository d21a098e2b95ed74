import Testing

@testable import Warden
@testable import WardenTools

/// The compiled path, the batch path and the reference evaluator decide alike over host facts of
/// every schema type (host enums ordered and unordered, lists of them) and host functions (taking
/// and returning host enums, failing, returning the wrong type), on generated policies and devices
/// (valid, malformed and missing facts).
@Suite struct HostEquivalenceTests {
    static let tier = EnumType("Tier", members: ["bronze", "silver", "gold", "low"], ordered: true)
    static let region = EnumType("Region", members: ["emea", "amer", "apac"], ordered: false)

    static let facts = [
        FactDefinition("score", .int, "a risk score"),
        FactDefinition("team", .string, "the user's team"),
        FactDefinition("vip", .bool, "a VIP user"),
        FactDefinition("agent", .version, "the host agent's version"),
        FactDefinition("seen", .date, "the last check-in"),
        FactDefinition("labels", .list(.string), "host labels"),
        FactDefinition("tier", .enumeration(tier), "the customer tier"),
        FactDefinition("region", .enumeration(region), "the user's region"),
        FactDefinition("regions", .list(.enumeration(region)), "regions the user works in"),
        FactDefinition("hostLock", .enumeration(.deviceLock), "the host's view of the lock"),
    ]

    static let functions = [
        // The tier's rank; fails for `low`.
        HostFunction(name: "rank", parameters: [.enumeration(tier)], result: .int) { args in
            guard case .enumMember(_, let o)? = args.first else { return .failure(EvalError(.invalidArgument, "rank")) }
            return o == 3 ? .failure(EvalError(.custom, "no rank for low")) : .success(.int(Int64(o * 10)))
        },
        // The tier a score earns.
        HostFunction(name: "tierOf", parameters: [.int], result: .enumeration(tier)) { args in
            guard case .int(let i)? = args.first else { return .failure(EvalError(.invalidArgument, "tierOf")) }
            return .success(.enumMember(tier, Int(i.magnitude % 3)))
        },
        // A region's office; returns the wrong type for `apac` (the result check makes the rule err).
        HostFunction(name: "office", parameters: [.enumeration(region)], result: .string) { args in
            guard case .enumMember(_, let o)? = args.first else {
                return .failure(EvalError(.invalidArgument, "office"))
            }
            return o == 2 ? .success(.int(7)) : .success(.string(o == 0 ? "dublin" : "austin"))
        },
        HostFunction(name: "trusted", parameters: [.list(.string)], result: .bool) { args in
            guard case .list(let items)? = args.first else { return .failure(EvalError(.invalidArgument, "trusted")) }
            return .success(.bool(items.contains { if case .string("corp") = $0 { true } else { false } }))
        },
    ]

    static let atoms = [
        "score > 50", "score % 7 == 3", "team == \"red\"", "team.startsWith(\"bl\")", "vip", "!vip",
        "agent >= \"2.1\"", "agent < \"10\"", "seen < \"2024-01-01\"", "\"beta\" in labels", "size(labels) > 1",
        "tier >= silver", "tier == gold", "tier != Tier.low", "tier in [bronze, low]", "tier < gold",
        "region == emea", "region != apac", "region in [amer, apac]", "emea in regions",
        "regions.exists(r, r == apac)", "size(regions) == 0", "hostLock > low", "hostLock == none",
        "rank(tier) > 5", "tierOf(score) == gold", "tierOf(score) > tier", "office(region) == \"dublin\"",
        "trusted(labels)", "has(tier)", "has(regions) && size(regions) > 1", "threatLevel > low",
        "(vip ? gold : bronze) == tier", "[tier, Tier.gold].exists(t, t == silver)",
    ]

    static func condition(_ r: inout SplitMix, depth: Int = 0) -> String {
        if depth >= 2 || r.chance(0.4) { return r.pick(atoms) }
        let a = condition(&r, depth: depth + 1)
        let b = condition(&r, depth: depth + 1)
        switch r.int(4) {
        case 0: return "(\(a) && \(b))"
        case 1: return "(\(a) || \(b))"
        case 2: return "!(\(a))"
        default: return "(\(a) ? \(b) : \(condition(&r, depth: depth + 1)))"
        }
    }

    static func policy(_ r: inout SplitMix, rules: Int) -> String {
        var text = "policy \"host\"\n"
        for i in 0..<rules {
            text += "rule \"r\(i)\" when \(condition(&r)) then \(r.pick(["warn", "blockAccess", "wipeData"]))\n"
        }
        return text
    }

    static func device(_ r: inout SplitMix) -> String {
        var fields: [String] = []
        func maybe(_ key: String, _ values: [String]) {
            if r.chance(0.85) { fields.append("\"\(key)\": \(r.pick(values))") }
        }
        maybe("score", ["0", "9", "45", "51", "71", "-3", "\"high\""])
        maybe("team", ["\"red\"", "\"blue\"", "\"a-very-long-team-name\"", "\"\"", "7"])
        maybe("vip", ["true", "false", "\"yes\""])
        maybe("agent", ["\"2.0\"", "\"2.1.3\"", "\"11\"", "\"x.y\""])
        maybe("seen", ["\"2023-12-31\"", "\"2024-06-01\"", "\"2024-13-01\""])
        maybe("labels", ["[]", "[\"beta\"]", "[\"corp\", \"beta\"]", "[1]"])
        maybe("tier", ["\"bronze\"", "\"silver\"", "\"gold\"", "\"low\"", "\"platinum\"", "2"])
        maybe("region", ["\"emea\"", "\"amer\"", "\"apac\"", "\"mars\""])
        maybe("regions", ["[]", "[\"apac\"]", "[\"emea\", \"amer\"]", "[\"mars\"]", "\"emea\""])
        maybe("hostLock", ["\"none\"", "\"low\"", "\"high\"", "\"max\""])
        maybe("threatLevel", ["\"low\"", "\"high\""])
        return "{" + fields.joined(separator: ", ") + "}"
    }

    @Test func compiledBatchAndReferenceDecideAlikeOverHostFactsAndFunctions() throws {
        let schema = try Schema.builtIn.adding(facts: Self.facts)
        let engine = Engine(schema: schema, functions: Self.functions)
        var rng = SplitMix(seed: 12_004)
        let devices = (0..<1_000).map { _ in Self.device(&rng) }
        var checked = 0
        var outcomes: Set<[String]> = []
        for n in 0..<3 {
            let text = Self.policy(&rng, rules: 25)
            let program = try engine.compile(text)
            for line in devices {
                if let d = CompiledEquivalenceTests.difference(program, line) {
                    Issue.record("policy \(n), device \(line): \(d)\n\(text)")
                    return
                }
                checked += 1
            }
            for line in devices.prefix(200) {
                if case .success(let d) = program.device(json: Array(line.utf8)) {
                    outcomes.insert(program.evaluate(d.input).fired.map(\.name))
                }
            }
            if let d = CompiledEquivalenceTests.batchDifference(program, devices) {
                Issue.record("policy \(n): \(d)\n\(text)")
                return
            }
        }
        #expect(checked == 3_000)
        #expect(outcomes.count >= 100, "the generated rules fire differently on different devices")
    }

    @Test func everyAtomDecidesAlikeAlone() throws {
        // One rule per atom, so that a difference names the construct.
        let schema = try Schema.builtIn.adding(facts: Self.facts)
        let engine = Engine(schema: schema, functions: Self.functions)
        var rng = SplitMix(seed: 77)
        let devices = (0..<300).map { _ in Self.device(&rng) }
        for atom in Self.atoms {
            let program = try engine.compile("rule \"a\" when \(atom) then blockAccess")
            for line in devices {
                if let d = CompiledEquivalenceTests.difference(program, line) {
                    Issue.record("`\(atom)`, device \(line): \(d)")
                    break
                }
            }
            if let d = CompiledEquivalenceTests.batchDifference(program, devices) { Issue.record("`\(atom)`: \(d)") }
        }
    }

    @Test func hostEnumFactsFromSwiftDecideAsFromJSON() throws {
        let schema = try Schema.builtIn.adding(facts: Self.facts)
        let program = try Engine(schema: schema, functions: Self.functions).compile(
            #"rule "r" when tier > silver && office(region) == "dublin" && apac in regions then blockAccess"#)
        let json = try program.device(json: Array(#"{"tier":"gold","region":"emea","regions":["apac"]}"#.utf8)).get()
        let named = try program.input(strict: [
            "tier": try schema.value(enum: "Tier", "gold"), "region": .string("emea"),
            "regions": .list([.enumMember(Self.region, 2)]),
        ])
        #expect(program.evaluate(named) == program.evaluate(json.input))
        #expect(program.evaluate(named).action == .blockAccess)
        #expect(program.referenceEvaluate(named) == program.evaluate(named))
    }
}
