import Testing

@testable import Warden
@testable import WardenTools

/// Host-defined enums: declared with their members and whether they are ordered, used as fact
/// types (and in lists), named bare or qualified in policies, refused with a reason when a name
/// would be ambiguous; and strict mode, where a rule naming a built-in fact the host does not
/// supply fails to compile.
@Suite struct HostEnumTests {
    static let tier = EnumType("Tier", members: ["bronze", "silver", "gold", "low"], ordered: true)
    static let region = EnumType("Region", members: ["emea", "amer", "apac"], ordered: false)

    static func schema() throws -> Schema {
        try Schema.builtIn.adding(facts: [
            FactDefinition("tier", .enumeration(tier), "the customer tier"),
            FactDefinition("region", .enumeration(region), "the user's region"),
            FactDefinition("regions", .list(.enumeration(region)), "regions the user works in"),
        ])
    }

    static func diagnostics(_ text: String, schema: Schema) -> [Diagnostic] {
        Engine(schema: schema).diagnose(SourceFile(name: "p.warden", text: text)).filter { $0.severity == .error }
    }

    @Test func aValueDoesNotGrowWithHostEnums() {
        // Version's payload (an array and a string) is the largest; an enum member is a reference and an Int.
        #expect(MemoryLayout<Value>.size == 25)
        #expect(MemoryLayout<EnumType>.size == 8)
    }

    @Test func aHostEnumFactIsNamedBareQualifiedOrAsAString() throws {
        let schema = try Self.schema()
        #expect(
            schema.enums.map(\.name) == ["ThreatLevel", "PlayIntegrity", "DeviceLock", "Management", "Tier", "Region"])
        let program = try Engine(schema: schema).compile(
            """
            rule "top" when tier >= silver && region == emea then warn
            rule "q" when tier == Tier.gold then blockAccess
            rule "s" when region != "apac" && amer in regions then warn
            rule "low" when tier == low && threatLevel == low then warn
            """)
        let input = try program.input(strict: [
            "tier": .string("gold"), "region": .string("emea"), "regions": .list([.string("amer")]),
            "threatLevel": .string("low"),
        ])
        let d = program.evaluate(input)
        #expect(d.action == .blockAccess)
        #expect(d.fired.map(\.name) == ["top", "q", "s"])
        #expect(program.referenceEvaluate(input) == d)
        // `low` is a Tier beside `tier` and a ThreatLevel beside `threatLevel`.
        let low = try program.input(strict: ["tier": .string("low"), "threatLevel": .string("low")])
        #expect(program.evaluate(low).fired.map(\.name).contains("low"))
        #expect(program.referenceEvaluate(low) == program.evaluate(low))
        // Scalar host enum facts are typed words on the compiled path (a list of them is not).
        let fast = try Engine(schema: schema).compile(
            #"rule "a" when tier >= silver && region != apac then warn rule "b" when tier == Tier.low then warn"#)
        #expect(fast.compiled.fallbackCount == 0, "host enum comparisons are compiled")
    }

    @Test func theCheckerTreatsHostEnumsAsItTreatsBuiltInOnes() throws {
        let schema = try Self.schema()
        func messages(_ text: String) -> [String] {
            Self.diagnostics(text, schema: schema).map { "\($0.code.rawValue) \($0.message)" }
        }
        #expect(
            messages("when region < amer then warn") == ["W0402 `Region` is not ordered: `<` does not apply"])
        #expect(
            messages("when tier == platinum then warn").first?.hasPrefix(
                "W0304 `platinum` is not a member of `Tier` (bronze, silver, gold, low)") == true)
        #expect(messages("when tier == threatLevel then warn").first?.hasPrefix("W0402") == true)
        #expect(
            messages("when (rooted ? Tier.gold : ThreatLevel.high) == tier then warn").first?.hasPrefix("W0402") == true
        )
        #expect(messages("let gold = 1\nwhen tier == silver then warn").first?.hasPrefix("W0306") == true)
        #expect(messages("when tier == Tier.golden then warn").first?.hasPrefix("W0304") == true)
        #expect(messages("when bronze < gold then warn") == [], "the only enum with both")
        #expect(messages("when type(tier) == Tier then warn") == [])
    }

    @Test func aBadEnumIsRefusedWithItsReason() throws {
        func reason(_ e: EnumType) -> SchemaError? {
            do {
                _ = try Schema.builtIn.adding(enums: [e])
                return nil
            } catch { return error }
        }
        #expect(reason(EnumType("Tier", members: [], ordered: true))?.reason == .noMembers)
        #expect(reason(EnumType("Tier", members: ["a", "a"], ordered: true))?.reason == .declaredTwice)
        #expect(reason(EnumType("Tier", members: ["a b"], ordered: true))?.member == "a b")
        #expect(reason(EnumType("Tier", members: ["when"], ordered: true))?.reason == .reservedWord)
        #expect(reason(EnumType("ThreatLevel", members: ["a"], ordered: true))?.reason == .nameTaken)
        #expect(reason(EnumType("version", members: ["a"], ordered: true))?.reason == .nameTaken)
        #expect(reason(EnumType("rooted", members: ["a"], ordered: true))?.reason == .nameTaken)
        #expect(reason(EnumType("Tier", members: ["int"], ordered: true))?.reason == .nameTaken)
        #expect(reason(EnumType("1Tier", members: ["a"], ordered: true))?.reason == .notAnIdentifier)
        let clash = reason(EnumType("Tier", members: ["gold", "rooted"], ordered: true))
        #expect(clash?.reason == .memberNamedLikeFact)
        #expect(
            clash?.description
                == "the fact `rooted` and a member of the enum `Tier` have one name: a bare `rooted` would be ambiguous"
        )
        #expect(reason(.threatLevel) == nil, "a built-in enum is already there")
        #expect(reason(EnumType("Tier", members: ["low", "high"], ordered: true)) == nil, "members shared: allowed")
        // A fact named like a member, and the same enum used by two facts.
        let withTier = try Schema.builtIn.adding(enums: [Self.tier])
        #expect(throws: SchemaError.self) { try withTier.adding(facts: [FactDefinition("gold", .bool, "")]) }
        #expect(throws: SchemaError.self) { try withTier.adding(facts: [FactDefinition("Tier", .bool, "")]) }
        let twice = try withTier.adding(facts: [
            FactDefinition("a", .enumeration(Self.tier), ""), FactDefinition("b", .list(.enumeration(Self.tier)), ""),
        ])
        #expect(twice.enums.count == 5)
        let other = EnumType("Tier", members: ["x"], ordered: false)
        #expect(throws: SchemaError.self) { try twice.adding(facts: [FactDefinition("c", .enumeration(other), "")]) }
    }

    @Test func membersAreMadeByName() throws {
        #expect(Builtins.sameValue(try Value(enum: "ThreatLevel", "high"), .enumMember(.threatLevel, 3)))
        let schema = try Self.schema()
        #expect(Builtins.sameValue(try schema.value(enum: "Tier", "gold"), .enumMember(Self.tier, 2)))
        #expect(Builtins.sameValue(try Value.enumMember(Self.region, named: "apac"), .enumMember(Self.region, 2)))
        do {
            _ = try schema.value(enum: "Teir", "gold")
            Issue.record("an unknown enum was accepted")
        } catch { #expect(error.message == "unknown enum `Teir`; did you mean `Tier`?") }
        #expect(throws: FactsError.self) { try schema.value(enum: "Tier", "platinum") }
        #expect(throws: FactsError.self) { try Value(enum: "Tier", "gold") }
        // An equal enum declared again is the same type.
        let again = EnumType("Tier", members: ["bronze", "silver", "gold", "low"], ordered: true)
        #expect(again == Self.tier)
        #expect(Builtins.sameValue(.enumMember(again, 1), .enumMember(Self.tier, 1)))
    }

    @Test func theToolsShowHostEnums() throws {
        let schema = try Self.schema()
        let overview = SchemaText.overview(schema)
        #expect(overview.contains("Tier           bronze < silver < gold < low"))
        #expect(overview.contains("Region         emea, amer, apac  (unordered)"))
        #expect(SchemaText.entry("Tier", in: schema) == "enum Tier: bronze < silver < gold < low\n")
        #expect(SchemaText.entry("tier", in: schema)?.contains("members: bronze < silver < gold < low") == true)
        #expect(["region", "Region"].contains(SchemaText.suggestion("Regoin", in: schema) ?? ""))
        let json = try Engine(schema: schema).compile(#"rule "r" when tier > silver then warn"#)
        let d = try json.device(json: Array(#"{"tier":"gold"}"#.utf8)).get()
        #expect(json.evaluate(d.input).action == .warn)
        let bad = try json.device(json: Array(#"{"tier":"golden"}"#.utf8)).get()
        #expect(bad.input.factErrors.first?.message.contains("not a member of Tier") == true)
    }

    @Test func theREPLShowsCompletesAndEvaluatesHostEnums() throws {
        var session = Session(engine: Engine(schema: try Self.schema()))
        #expect(session.handle(":schema Tier").output == "enum Tier: bronze < silver < gold < low\n")
        #expect(session.handle(":schema").output.contains("Region         emea, amer, apac  (unordered)"))
        #expect(session.completions(for: "Ti", lineBefore: "") == ["Tier"])
        #expect(session.completions(for: "si", lineBefore: "tier > ").contains("silver"))
        #expect(session.completions(for: "Tier.g", lineBefore: "tier == ").contains("Tier.gold"))
        #expect(!session.handle(":set tier = gold").failed)
        #expect(session.handle("tier >= silver").output.hasPrefix("true"))
        #expect(session.handle("region < amer").failed, "Region is unordered")
    }

    // MARK: - Strict mode

    @Test func strictModeRefusesABuiltInFactTheHostDoesNotSupply() throws {
        let schema = try Self.schema()
        let engine = Engine(schema: schema, suppliedFacts: ["threatLevel", "rooted"])
        let text = "when rooted || osVersion < \"13\" || !has(patchLevel) || tier > silver then blockAccess"
        do {
            _ = try engine.compile(text, name: "p.warden")
            Issue.record("an unsupplied fact compiled")
        } catch {
            let errors = error.diagnostics.filter { $0.severity == .error }
            #expect(errors.map(\.code) == [.unsuppliedFact, .unsuppliedFact])
            #expect(errors.map(\.data.fact) == ["osVersion", "patchLevel"])
            #expect(errors.first?.message == "this host does not supply the fact `osVersion`")
            #expect(errors.first?.notes.first?.message == "the host supplies `threatLevel`, `rooted`")
            let rendered = error.rendered()
            #expect(rendered.contains("p.warden:1:16: error[W0308]"))
            #expect(rendered.contains("\n               ^~~~~~~~~\n"))
        }
        // Supplied and host facts compile; without strict mode everything does.
        #expect(throws: Never.self) {
            try engine.compile("when rooted && threatLevel > low && tier > silver then warn")
        }
        #expect(throws: Never.self) { try Engine(schema: schema).compile(text) }
        // Expressions (REPL, `warden expr`) and policy sets are strict too.
        #expect(throws: CompileError.self) { try engine.compileExpression("osVersion") }
        #expect(throws: CompileError.self) {
            try engine.compile([SourceFile(name: "a.warden", text: "when model == \"x\" then warn")])
        }
    }
}
