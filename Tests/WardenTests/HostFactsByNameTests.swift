import Testing

@testable import Warden

/// Facts given by name from Swift (enum members by their names, not ordinals), the strict mode
/// that throws for an unknown fact or a wrong type, and the compiled path deciding as the
/// reference with host facts and host functions.
@Suite struct HostFactsByNameTests {
    static let policy = #"rule "hot" when threatLevel > medium then blockAccess"#

    @Test func anEnumMemberIsNamedNotNumbered() throws {
        #expect(Builtins.sameValue(try Value.enumMember(.threatLevel, named: "high"), .enumMember(.threatLevel, 3)))
        #expect(
            Builtins.sameValue(try Value.enumMember(.management, named: "deviceAdmin"), .enumMember(.management, 2)))
        do {
            _ = try Value.enumMember(.threatLevel, named: "critical")
            Issue.record("an unknown member was accepted")
        } catch {
            #expect(error.message == "`critical` is not a member of `ThreatLevel` (secured, low, medium, high)")
        }
    }

    @Test func inputSetTakesAMembersName() throws {
        let program = try Engine().compile(Self.policy)
        var input = program.input([:])
        try input.set("threatLevel", "high", in: program.schema)
        #expect(program.evaluate(input).action == .blockAccess)
        try input.set("threatLevel", "medium", in: program.schema)
        #expect(program.evaluate(input).action == .allow)
        try input.set("threatLevel", .enumMember(.threatLevel, named: "high"), in: program.schema)
        #expect(program.evaluate(input) == program.referenceEvaluate(input))
        #expect(program.evaluate(input).action == .blockAccess)
    }

    @Test func inputSetThrowsAndLeavesTheInputUnchanged() throws {
        let program = try Engine().compile(Self.policy)
        var input = program.input([:])
        try input.set("threatLevel", "low", in: program.schema)
        func message(_ body: (inout Input) throws -> Void) -> String? {
            do {
                try body(&input)
                return nil
            } catch { return (error as? FactsError)?.message ?? "not a FactsError: \(error)" }
        }
        #expect(
            message { try $0.set("threatLevl", "high", in: program.schema) }
                == "unknown fact `threatLevl`; did you mean `threatLevel`?")
        #expect(
            message { try $0.set("threatLevel", "critical", in: program.schema) }
                == "fact `threatLevel`: `critical` is not a member of `ThreatLevel` (secured, low, medium, high)")
        #expect(
            message { try $0.set("threatLevel", .int(3), in: program.schema) }
                == "fact `threatLevel`: expected `ThreatLevel`, got `int`")
        #expect(
            message { try $0.set("rooted", "yes", in: program.schema) }
                == "fact `rooted`: expected `bool`, got `string`")
        #expect(
            Builtins.sameValue(input.fact("threatLevel", in: program.schema), .enumMember(.threatLevel, 1)), "unchanged"
        )
        #expect(input.factErrors.isEmpty)
    }

    @Test func strictInputThrowsWhereTheLenientOneRecords() throws {
        let program = try Engine().compile(Self.policy)
        let lenient = program.input(["threatLevl": .string("high"), "rooted": .int(1)])
        #expect(lenient.unknownNames == ["threatLevl"])
        #expect(lenient.factErrors.count == 1)
        #expect(throws: FactsError.self) { try program.input(strict: ["threatLevl": .string("high")]) }
        #expect(throws: FactsError.self) { try program.input(strict: ["rooted": .int(1)]) }
        let strict = try program.input(strict: ["threatLevel": .string("high"), "tags": .list([.string("byod")])])
        #expect(program.evaluate(strict).action == .blockAccess)
    }

    @Test func theLenientInputTakesMemberNamesAndRecordsAnUnknownOne() throws {
        let program = try Engine().compile(Self.policy)
        #expect(program.evaluate(program.input(["threatLevel": .string("high")])).action == .blockAccess)
        let bad = program.input(["threatLevel": .string("critical")])
        #expect(bad.factErrors.map(\.code) == [.malformedFact])
        #expect(bad.factErrors.first?.message.contains("`critical` is not a member of `ThreatLevel`") == true)
        #expect(program.evaluate(bad).action == .blockAccess, "the rule reading it errs: onError")
    }

    // MARK: - The compiled path with host facts and host functions

    static let hostFacts = [
        FactDefinition("riskScore", .int, "0 to 100"),
        FactDefinition("tier", .string, "the customer tier"),
        FactDefinition("vip", .bool, "a VIP user"),
        FactDefinition("labels", .list(.string), "host labels"),
        FactDefinition("hostLock", .enumeration(.deviceLock), "the host's view of the lock"),
        FactDefinition("lastSeen", .date, "the last check-in"),
        FactDefinition("agentVersion", .version, "the host agent's version"),
    ]

    static let hostFunctions = [
        HostFunction(name: "weight", parameters: [.string], result: .int) { args in
            guard case .string(let s)? = args.first else { return .failure(EvalError(.invalidArgument, "weight")) }
            if s == "fail" { return .failure(EvalError(.custom, "weight failed")) }
            return .success(.int(Int64(s.utf8.count * 10)))
        },
        HostFunction(name: "trusted", parameters: [.list(.string)], result: .bool) { args in
            guard case .list(let items)? = args.first else { return .failure(EvalError(.invalidArgument, "trusted")) }
            return .success(.bool(items.contains { if case .string("corp") = $0 { true } else { false } }))
        },
        // Returns the wrong type for "x": the result check makes the rule err on both paths.
        HostFunction(name: "shaky", parameters: [.string], result: .int) { args in
            guard case .string(let s)? = args.first else { return .failure(EvalError(.invalidArgument, "shaky")) }
            return s == "x" ? .success(.string("oops")) : .success(.int(1))
        },
    ]

    static let conditions = [
        "riskScore > 70", "riskScore >= 50 && vip", "tier == \"gold\" || vip", "\"beta\" in labels",
        "hostLock < medium", "hostLock == high && riskScore < 10", "weight(tier) > 30", "trusted(labels)",
        "shaky(tier) == 1", "lastSeen < date(\"2024-01-01\")", "agentVersion >= version(\"2.1\")",
        "has(riskScore) && riskScore / 2 > 20", "size(labels) > 1 && !vip", "threatLevel > low && riskScore > 40",
        "labels.exists(l, weight(l) > 40)", "tier.startsWith(\"pl\") && hostLock != none",
    ]

    static func device(_ rng: inout SplitMix) -> String {
        var fields: [String] = []
        func maybe(_ key: String, _ values: [String]) {
            if rng.chance(0.8) { fields.append("\"\(key)\": \(rng.pick(values))") }
        }
        maybe("riskScore", ["0", "9", "45", "50", "71", "100", "\"high\"", "1e3"])
        maybe("tier", ["\"gold\"", "\"plat\"", "\"x\"", "\"fail\"", "\"\"", "7"])
        maybe("vip", ["true", "false", "\"yes\""])
        maybe("labels", ["[]", "[\"beta\"]", "[\"corp\", \"beta\"]", "[\"a-long-label\"]", "[1]"])
        maybe("hostLock", ["\"none\"", "\"low\"", "\"medium\"", "\"high\"", "\"max\""])
        maybe("lastSeen", ["\"2023-12-31\"", "\"2024-06-01\"", "\"2024-13-01\""])
        maybe("agentVersion", ["\"2.0\"", "\"2.1.3\"", "\"x.y\""])
        maybe("threatLevel", ["\"low\"", "\"high\""])
        return "{" + fields.joined(separator: ", ") + "}"
    }

    @Test func compiledDecidesAsTheReferenceWithHostFactsAndFunctions() throws {
        let schema = try Schema.builtIn.adding(facts: Self.hostFacts)
        let engine = Engine(schema: schema, functions: Self.hostFunctions)
        var rng = SplitMix(seed: 120_004)
        var checked = 0
        for n in 0..<4 {
            var text = "policy \"host \(n)\"\n"
            for (i, c) in Self.conditions.enumerated() where rng.chance(0.7) || n == 0 {
                text += "rule \"r\(i)\" when \(c) then \(rng.pick(["warn", "blockAccess", "wipeData"]))\n"
            }
            let program = try engine.compile(text)
            for _ in 0..<1_500 {
                let line = Self.device(&rng)
                if let d = CompiledEquivalenceTests.difference(program, line) {
                    Issue.record("policy \(n), device \(line): \(d)\n\(text)")
                    return
                }
                checked += 1
            }
        }
        #expect(checked == 6_000)
    }

    @Test func hostFactsFromSwiftByNameDecideAsFromJSON() throws {
        let schema = try Schema.builtIn.adding(facts: Self.hostFacts)
        let program = try Engine(schema: schema, functions: Self.hostFunctions).compile(
            #"rule "r" when hostLock < medium && trusted(labels) && weight(tier) > 30 then blockAccess"#)
        let json = try program.device(json: Array(#"{"hostLock":"low","labels":["corp"],"tier":"gold"}"#.utf8)).get()
        let named = try program.input(strict: [
            "hostLock": .string("low"), "labels": .list([.string("corp")]), "tier": .string("gold"),
        ])
        #expect(program.evaluate(named) == program.evaluate(json.input))
        #expect(program.evaluate(named).action == .blockAccess)
        #expect(program.referenceEvaluate(named) == program.evaluate(named))
    }
}
