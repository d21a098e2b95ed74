import Testing

/// `warden schema --functions` lists the table of built-ins.
@Suite struct SchemaFunctionsCLITests {
    @Test func schemaFunctionsListsEveryBuiltInWithItsOverloadsAndCost() throws {
        let r = try CLI.run(["schema", "--functions"])
        #expect(r.status == 0)
        for name in ["size", "matches", "has", "all", "exists_one", "version", "daysBetween"] {
            #expect(r.stdout.contains("  \(name)  ("), "\(name)")
        }
        #expect(r.stdout.contains("daysBetween(date, date) -> int"))
        #expect(r.stdout.contains("(function, warden only)"))
        #expect(r.stdout.contains("cost: "))
    }
}
