import Foundation
import Testing

/// In a policy set of several files, `warden test` and `warden eval --explain` name the file of
/// every location they print (rule errors, coverage, source lines).
@Suite struct PolicySetLocationCLITests {
    static func set(_ name: String) throws -> String {
        try PolicySetCLITests.folder(
            name,
            [
                "a.warden":
                    "rule \"old\" when osVersion < \"13\" then warn\ntest \"old\" { given { osVersion: \"12\" } expect blockAccess }\n",
                "b.warden":
                    "# b\nrule \"hot\" when threatLevel > low then blockAccess\nrule \"never\" when false then warn\n"
                    + "test \"calm\" { given { osVersion: \"14\" } expect allow }\n",
            ])
    }

    @Test func testOutputNamesTheFileOfEveryErrorAndCoverageLine() throws {
        let dir = try Self.set("locations-test")
        let r = try CLI.run(["test", dir, "--coverage"])
        #expect(r.status == 1)
        #expect(
            r.stdout == """
                PASS \(dir)/a.warden: old
                  the decision has errors (they fail the test under --strict):
                  error[W0901] in "hot" (\(dir)/b.warden:2) → blockAccess (onError): fact `threatLevel` is missing
                FAIL \(dir)/b.warden: calm
                  expected allow, got blockAccess
                  decision: blockAccess
                  error[W0901] in "hot" → blockAccess (onError): fact `threatLevel` is missing
                    \(dir)/b.warden:2 | rule "hot" when threatLevel > low then blockAccess
                    facts: threatLevel missing
                    when: threatLevel missing > low → error
                coverage \(dir): 1 of 3 rules fired by tests; never fired:
                  "hot" (\(dir)/b.warden:2)
                  "never" (\(dir)/b.warden:3)
                1 passed, 1 failed

                """, "\(r.stdout)")
    }

    @Test func evalExplainNamesTheFileOfRuleErrors() throws {
        let dir = try Self.set("locations-eval")
        let facts = try CLI.temp("locations.jsonl", "{\"id\": 1, \"osVersion\": \"12\"}\n")
        let r = try CLI.run(["eval", dir, "--facts", facts, "--explain"])
        #expect(
            r.stdout == """
                device 1: blockAccess
                  fired "old" → warn
                    \(dir)/a.warden:1 | rule "old" when osVersion < "13" then warn
                    facts: osVersion = 12
                    when: osVersion 12 < "13"
                  error[W0901] in "hot" → blockAccess (onError): fact `threatLevel` is missing
                    \(dir)/b.warden:2 | rule "hot" when threatLevel > low then blockAccess
                    facts: threatLevel missing
                    when: threatLevel missing > low → error

                """, "\(r.stdout)")
    }
}
