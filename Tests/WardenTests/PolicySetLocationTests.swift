import Testing

@testable import Warden
@testable import WardenTools

/// In a policy set of several files, every location in text output names its file: rule errors in
/// `eval --explain` and in `warden test`, coverage lines, configuration origins and decision warnings.
@Suite struct PolicySetLocationTests {
    static func set() throws -> Program {
        let a = SourceFile(
            name: "a.warden",
            text: """
                rule "old" when osVersion < "13" then warn
                test "old warns" { given { osVersion: "12" } expect blockAccess }

                """)
        let b = SourceFile(
            name: "b.warden",
            text: """
                # the second file
                rule "hot" when threatLevel > low then blockAccess
                rule "never" when false then warn
                test "hot without facts" { given { osVersion: "14" } expect allow }

                """)
        return try Engine().compile([a, b])
    }

    @Test func evalExplanationNamesTheFileOfFiredRulesAndRuleErrors() throws {
        let p = try Self.set()
        let d = p.evaluate(try p.device(json: Array(#"{"osVersion":"12"}"#.utf8)).get().input)
        let text = DecisionText.render(d, program: p, device: "1", explain: true, showConfig: false)
        #expect(
            text == """
                device 1: blockAccess
                  fired "old" → warn
                    a.warden:1 | rule "old" when osVersion < "13" then warn
                  error[W0901] in "hot" → blockAccess (onError): fact `threatLevel` is missing
                    b.warden:2 | rule "hot" when threatLevel > low then blockAccess

                """, "\(text)")
    }

    @Test func testFailureAndErrorLinesNameTheFile() throws {
        let p = try Self.set()
        let results = p.runTests()
        let failing = try #require(results.first { $0.name == "hot without facts" })
        #expect(failing.file == "b.warden")
        let text = TestText.render(failing, file: failing.file ?? "?", program: p, strict: false)
        #expect(text.hasPrefix("FAIL b.warden: hot without facts\n  expected allow, got blockAccess\n"), "\(text)")
        #expect(text.contains("    b.warden:2 | rule \"hot\" when threatLevel > low then blockAccess\n"), "\(text)")
        let passing = try #require(results.first { $0.name == "old warns" })
        let passText = TestText.render(passing, file: passing.file ?? "?", program: p, strict: false)
        #expect(
            passText == """
                PASS a.warden: old warns
                  the decision has errors (they fail the test under --strict):
                  error[W0901] in "hot" (b.warden:2) → blockAccess (onError): fact `threatLevel` is missing

                """, "\(passText)")
    }

    @Test func coverageNamesTheFileOfEachRuleNeverFired() throws {
        let p = try Self.set()
        let text = TestText.coverage(p.runTests(), file: "a.warden b.warden", program: p)
        #expect(text.hasSuffix("never fired:\n  \"hot\" (b.warden:2)\n  \"never\" (b.warden:3)\n"), "\(text)")
    }

    @Test func aSingleFileKeepsPlainLineNumbers() throws {
        let p = try Engine().compile(
            SourceFile(name: "p.warden", text: "rule \"hot\" when threatLevel > low then warn\n"))
        let d = p.evaluate(try p.device(json: Array("{}".utf8)).get().input)
        #expect(TestText.errorLines(d, program: p).contains("error[W0901] in \"hot\" (line 1) → "))
    }

    @Test func conflictWarningsAndConfigOriginsNameTheFile() throws {
        let a = SourceFile(
            name: "a.warden",
            text: "config \"Pilot\" for groups [\"Pilot\"] {\n  DefenderMAMConfigs = 1\n  vpn = 1\n}\n")
        let b = SourceFile(
            name: "b.warden",
            text: "\nconfig \"Legacy\" for groups [\"Legacy\"] {\n  DefenderMAMConfigs = 1\n  vpn = 0\n}\n")
        let p = try Engine().compile([a, b])
        let d = p.evaluate(try p.device(json: Array(#"{"groups":["Pilot","Legacy"]}"#.utf8)).get().input)
        let text = DecisionText.render(d, program: p, device: "1", explain: true, showConfig: true)
        #expect(text.contains("config `Pilot` (a.warden:1)"), "\(text)")
        #expect(text.contains("config `Legacy` (b.warden:2)"), "\(text)")
        #expect(text.contains("vpn = 0                 ← config \"Legacy\" (b.warden:2)\n"), "\(text)")
    }
}
