import Testing

@testable import Warden

/// `Schema.adding(facts:)` says why it rejects a host fact (issue 12, part 3).
@Suite struct SchemaExtensionTests {
    func rejection(_ facts: [FactDefinition]) -> SchemaError? {
        do {
            _ = try Schema.builtIn.adding(facts: facts)
            return nil
        } catch {
            return error
        }
    }

    @Test func addingAFactTheSchemaAlreadyDeclaresNamesItAndSaysSo() {
        let e = rejection([FactDefinition("batteryPercent", .int, ""), FactDefinition("rooted", .bool, "")])
        #expect(e == SchemaError(.alreadyDeclared, fact: "rooted"))
        #expect(e?.description == "the schema already declares a fact `rooted`")
    }

    @Test func aFactGivenTwiceInOneListIsRejectedAsDeclaredTwice() {
        let e = rejection([FactDefinition("score", .int, ""), FactDefinition("score", .double, "")])
        #expect(e == SchemaError(.declaredTwice, fact: "score"))
    }

    @Test func aNameNoPolicyCouldWriteIsRejected() {
        #expect(
            rejection([FactDefinition("risk score", .int, "")]) == SchemaError(.notAnIdentifier, fact: "risk score"))
        #expect(rejection([FactDefinition("1st", .int, "")]) == SchemaError(.notAnIdentifier, fact: "1st"))
        #expect(rejection([FactDefinition("", .int, "")]) == SchemaError(.notAnIdentifier, fact: ""))
        #expect(rejection([FactDefinition("när", .int, "")]) == SchemaError(.notAnIdentifier, fact: "när"))
        #expect(rejection([FactDefinition("when", .bool, "")]) == SchemaError(.reservedWord, fact: "when"))
        #expect(rejection([FactDefinition("allow", .bool, "")]) == SchemaError(.reservedWord, fact: "allow"))
    }

    @Test func aFactOfTheErrorTypeIsRejected() {
        #expect(rejection([FactDefinition("broken", .error, "")]) == SchemaError(.invalidType, fact: "broken"))
    }

    @Test func validHostFactsAreAddedAfterTheBuiltInsAndCompile() throws {
        let schema = try Schema.builtIn.adding(facts: [
            FactDefinition("riskScore", .int, "host risk"), FactDefinition("_tag2", .string, ""),
        ])
        #expect(schema.facts.count == Schema.builtIn.facts.count + 2)
        #expect(schema.fact(named: "riskScore")?.type == .int)
        let program = try Engine(schema: schema).compile("rule \"risky\" when riskScore > 70 then blockAccess")
        #expect(program.evaluate(program.input(["riskScore": .int(90)])).action == .blockAccess)
    }

    @Test func theSchemaIsUnchangedWhenAddingFails() {
        #expect(rejection([FactDefinition("fine", .int, ""), FactDefinition("rooted", .bool, "")]) != nil)
        #expect(Schema.builtIn.fact(named: "fine") == nil)
    }
}
