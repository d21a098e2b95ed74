import Warden

// Running a policy's `test` blocks (LANGUAGE.md §7). A test gives facts as constants, runs the
// ordinary decision (`Program.evaluate`) and compares the action, the exact list of fired named
// rules (when given) and expected configuration values. Tests never change what `evaluate` does.

/// The outcome of one `test` block.
public struct TestResult: Sendable {
    /// The test's name.
    public let name: String
    /// The 1-based source line of the `test` keyword.
    public let line: Int
    /// The expected severity action.
    public let expected: Action
    /// The rule names that must fire, in order, when the test says `fired [...]`.
    public let expectedFired: [String]?
    /// Expected configuration values (`config { KEY = value }` in the test).
    public let expectedConfig: [Decision.ConfigEntry]
    /// The decision the policy made for the given facts.
    public let decision: Decision
    /// Why the test failed, one line each (empty when the decision matched); errors in the
    /// decision are not listed here (see `passed(strict:)`).
    public let mismatches: [String]
    /// The test's file, when the policy is a set of several files.
    public var file: String? = nil
    /// For a test whose decision did not match or had errors, the decision with its evidence (what
    /// `warden test` prints under a failure).
    public var explanation: Decision.Explanation? = nil

    /// Whether the decision matched. Under `strict`, errors in the decision fail the test too.
    public func passed(strict: Bool = false) -> Bool {
        mismatches.isEmpty && (!strict || decision.errors.isEmpty)
    }
}

extension Program {
    /// The number of `test` blocks in the policy.
    public var testCount: Int { policy.tests.count }

    /// Runs the policy's tests whose name contains `filter` (all when `nil` or empty), in source order.
    public func runTests(filter: String? = nil) -> [TestResult] {
        var results: [TestResult] = []
        for test in policy.tests {
            if let filter, !filter.isEmpty, !test.name.contains(filter) { continue }
            results.append(run(test))
        }
        return results
    }

    /// The rules that no result's decision fired, in source order (coverage).
    public func rulesNotFired(by results: [TestResult]) -> [String] {
        var fired = Set<String>()
        for r in results { for f in r.decision.fired { fired.insert(f.name) } }
        return policy.rules.map(\.name).filter { !fired.contains($0) }
    }

    func run(_ test: CheckedTest) -> TestResult {
        var input = Input(slots: schema.facts.count)
        var givenErrors: [String] = []
        var state = EvalState(facts: Array(repeating: nil, count: schema.facts.count), limits: engine.limits.evalLimits)
        for g in test.given {
            state.steps = 0
            let name = g.slot < schema.facts.count ? schema.facts[g.slot].name : "?"
            switch evaluator.evaluate(g.expr, &state) {
            case .success(let v) where g.slot < schema.facts.count && v.conforms(to: schema.facts[g.slot].type):
                if g.slot < input.facts.count { input.facts[g.slot] = v }
            case .success(let v):
                // Given, but not a value of the fact's type: malformed, as in `eval` (never missing).
                let why =
                    "expected `\(g.slot < schema.facts.count ? schema.facts[g.slot].type : .dyn)`, got `\(v.type)`"
                givenErrors.append("the given value of `\(name)` is malformed: \(why)")
                input.setMalformed(slot: g.slot, name: name, message: malformedFactMessage(name, why))
            case .failure(let e):
                givenErrors.append("the given value of `\(name)` is an error: \(e.message)")
                input.setMalformed(
                    slot: g.slot, name: name,
                    message: malformedFactMessage(name, "its given value is an error: \(e.message)"))
            }
        }
        let decision = evaluate(input)
        var mismatches = givenErrors
        if decision.action != test.expect {
            mismatches.append("expected \(test.expect.rawValue), got \(decision.action.rawValue)")
        }
        let firedNames = decision.fired.map(\.name)
        if let expected = test.fired, expected != firedNames {
            mismatches.append("expected fired \(Self.list(expected)), got \(Self.list(firedNames))")
        }
        let keys = schema.keys
        var expectedConfig: [ConfigEntry] = []
        for s in test.config where s.key < keys.count {
            let k = keys[s.key]
            expectedConfig.append(ConfigEntry(key: k.name, value: s.value, jsonText: k.jsonText(s.value)))
            let actual = decision.config.first { $0.key == k.name }
            if actual?.value != s.value {
                mismatches.append(
                    "expected config \(k.name) = \(k.displayText(s.value)), got \(actual.map(\.jsonText) ?? "no value")"
                )
            }
        }
        var result = TestResult(
            name: test.name, line: test.line, expected: test.expect, expectedFired: test.fired,
            expectedConfig: expectedConfig, decision: decision, mismatches: mismatches,
            file: source.files.count > 1 ? source.fileName(at: test.span.start) : nil)
        // Evidence only where someone will read it: a mismatch or errors.
        if !mismatches.isEmpty || !decision.errors.isEmpty { result.explanation = explain(input, decision: decision) }
        return result
    }

    static func list(_ names: [String]) -> String {
        "[" + names.map { ValuePrinter.quote($0) }.joined(separator: ", ") + "]"
    }
}

/// Test results as text for people (`warden test`).
public enum TestText {
    /// `PASS file: name` or `FAIL file: name`, and for a failure the mismatches, the actual decision
    /// and its explanation; errors in a passing test's decision are shown too.
    public static func render(_ r: TestResult, file: String, program: Program, strict: Bool) -> String {
        let passed = r.passed(strict: strict)
        var out = "\(passed ? "PASS" : "FAIL") \(file): \(r.name)\n"
        if passed {
            if !r.decision.errors.isEmpty {
                out += "  the decision has errors (they fail the test under --strict):\n"
                out += errorLines(r.decision, program: program)
            }
            return out
        }
        for m in r.mismatches { out += "  \(m)\n" }
        if r.mismatches.isEmpty && strict && !r.decision.errors.isEmpty {
            out += "  the decision has errors (--strict)\n"
        }
        out += "  decision: \(r.decision.action.rawValue)\n"
        out += DecisionText.explanation(
            r.decision, evidence: r.explanation, program: program, showConfig: !r.expectedConfig.isEmpty,
            fullConfig: false)
        return out
    }

    /// The coverage line of one file: the rules no test made fire.
    public static func coverage(_ results: [TestResult], file: String, program: Program) -> String {
        let all = program.ruleNames
        let missing = program.rulesNotFired(by: results)
        let title = program.name.map { "\(file) (\(ValuePrinter.quote($0)))" } ?? file
        let fired = all.count - missing.count
        var out = "coverage \(title): \(fired) of \(all.count) rule\(all.count == 1 ? "" : "s") fired by tests"
        if missing.isEmpty { return out + "\n" }
        out += "; never fired:\n"
        for m in missing {
            let rule = program.policy.rules.first { $0.name == m }
            out += "  \(ValuePrinter.quote(m)) (\(location(rule?.line ?? 0, file: program.file(ofRule: m))))\n"
        }
        return out
    }

    /// `line 4`, or `b.warden:4` in a policy set of several files.
    static func location(_ line: Int, file: String?) -> String { file.map { "\($0):\(line)" } ?? "line \(line)" }

    /// One line per error of a decision, with its source line (and file, in a set of several files).
    static func errorLines(_ d: Decision, program: Program) -> String {
        var out = ""
        for e in d.errors {
            switch e {
            case .rule(let name, let message, let line, let action, let kind):
                out +=
                    "  error[\(ErrorCode(kind).rawValue)] in \(ValuePrinter.quote(name)) (\(location(line, file: program.file(ofRule: name)))) → \(action.rawValue) (onError): \(message)\n"
            case .fact(_, let message):
                out += "  fact error[\(e.code.rawValue)]: \(message)\n"
            }
        }
        return out
    }
}
