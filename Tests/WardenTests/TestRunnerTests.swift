import Testing

@testable import Warden
@testable import WardenTools

@Suite struct TestRunnerTests {
    static let policy = """
        policy "p" onError blockAccess
        rule "high" when threatLevel > medium then blockAccess "risk"
        rule "rooted" when rooted then wipeData, set DefenderDeviceTag = "rooted"
        rule "old" when osVersion < "11" then warn
        when pinAttempts > 3 then warn

        test "high threat" {
          given { threatLevel: high, rooted: false, osVersion: "14", pinAttempts: 0 }
          expect blockAccess
          fired ["high"]
        }
        test "wrong action" {
          given { threatLevel: low, rooted: true, osVersion: "14", pinAttempts: 0 }
          expect warn
        }
        test "wrong fired list" {
          given { threatLevel: high, rooted: true, osVersion: "10", pinAttempts: 0 }
          expect wipeData
          fired ["rooted", "high"]
        }
        test "config matches" {
          given { threatLevel: low, rooted: true, osVersion: "14", pinAttempts: 0 }
          expect wipeData
          config { DefenderDeviceTag = "rooted" vpn = 1 }
        }
        test "config differs" {
          given { threatLevel: low, rooted: false, osVersion: "14", pinAttempts: 0 }
          expect allow
          config { DefenderDeviceTag = "rooted" }
        }
        test "missing facts fail closed" {
          given { rooted: false }
          expect blockAccess
        }
        """

    static func program() throws -> Program { try Engine().compile(policy) }

    static func result(_ name: String) throws -> TestResult {
        let r = try program().runTests().first { $0.name == name }
        return try #require(r)
    }

    @Test func runsEveryTestInSourceOrder() throws {
        let results = try Self.program().runTests()
        #expect(
            results.map(\.name) == [
                "high threat", "wrong action", "wrong fired list", "config matches", "config differs",
                "missing facts fail closed",
            ])
        #expect(results.map { $0.passed() } == [true, false, false, true, false, true])
    }

    @Test func comparesTheAction() throws {
        let r = try Self.result("wrong action")
        #expect(r.mismatches == ["expected warn, got wipeData"])
        #expect(r.decision.action == .wipeData)
    }

    @Test func comparesTheExactFiredListInOrder() throws {
        let r = try Self.result("wrong fired list")
        #expect(r.mismatches == [#"expected fired ["rooted", "high"], got ["high", "rooted", "old"]"#])
    }

    @Test func comparesExpectedConfigurationValues() throws {
        #expect(try Self.result("config matches").mismatches.isEmpty)
        let r = try Self.result("config differs")
        #expect(r.mismatches == [#"expected config DefenderDeviceTag = "rooted", got no value"#])
    }

    @Test func factsNotGivenAreMissingAndErrorsFailOnlyUnderStrict() throws {
        let r = try Self.result("missing facts fail closed")
        #expect(r.decision.errors.count == 3)
        #expect(r.passed(strict: false))
        #expect(!r.passed(strict: true))
    }

    @Test func filterRunsMatchingTests() throws {
        let results = try Self.program().runTests(filter: "config")
        #expect(results.map(\.name) == ["config matches", "config differs"])
        #expect(try Self.program().runTests(filter: "no such test").isEmpty)
    }

    @Test func coverageListsRulesNoTestFired() throws {
        let p = try Self.program()
        #expect(p.rulesNotFired(by: p.runTests()) == ["rule#4"])
        #expect(p.rulesNotFired(by: p.runTests(filter: "high threat")) == ["rooted", "old", "rule#4"])
    }

    @Test func testsNeverChangeWhatEvalDoes() throws {
        let withTests = try Self.program()
        let rulesOnly = Self.policy.split(separator: "\n").prefix(5).joined(separator: "\n")
        let without = try Engine().compile(rulesOnly)
        let input: [String: Value] = ["threatLevel": .enumMember(.threatLevel, 3), "rooted": .bool(true)]
        let a = withTests.evaluate(withTests.input(input))
        let b = without.evaluate(without.input(input))
        #expect(a == b)
        #expect(without.testCount == 0 && withTests.testCount == 6)
    }

    @Test func failingTestTextShowsExpectationDecisionAndExplanation() throws {
        let p = try Self.program()
        let r = try Self.result("wrong action")
        let text = TestText.render(r, file: "p.warden", program: p, strict: false)
        #expect(text.hasPrefix("FAIL p.warden: wrong action\n  expected warn, got wipeData\n  decision: wipeData\n"))
        #expect(text.contains(#"fired "rooted" → wipeData"#))
        #expect(text.contains(#"| rule "rooted" when rooted then wipeData, set DefenderDeviceTag = "rooted""#))
        let pass = TestText.render(try Self.result("high threat"), file: "p.warden", program: p, strict: false)
        #expect(pass == "PASS p.warden: high threat\n")
        let errors = TestText.render(
            try Self.result("missing facts fail closed"), file: "p.warden", program: p, strict: false)
        #expect(errors.hasPrefix("PASS p.warden: missing facts fail closed\n  the decision has errors"))
        #expect(
            errors.contains("error[W0901] in \"high\" (line 2) → blockAccess (onError): fact `threatLevel` is missing"))
        let strict = TestText.render(
            try Self.result("missing facts fail closed"), file: "p.warden", program: p, strict: true)
        #expect(strict.hasPrefix("FAIL p.warden: missing facts fail closed\n  the decision has errors (--strict)\n"))
    }

    @Test func coverageText() throws {
        let p = try Self.program()
        #expect(
            TestText.coverage(p.runTests(), file: "p.warden", program: p)
                == "coverage p.warden (\"p\"): 3 of 4 rules fired by tests; never fired:\n  \"rule#4\" (line 5)\n")
    }

    @Test func givenValuesAtTheEdgeOfTheirTypeWork() throws {
        let p = try Engine().compile(
            """
            when pinAttempts > 3 then warn
            test "t" { given { pinAttempts: 9223372036854775807 } expect warn }
            """)
        #expect(p.runTests().map { $0.passed() } == [true])
    }
}
