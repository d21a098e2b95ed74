import Foundation
import Testing

@testable import Warden

/// Per-decision budgets (hole 2 of "Trust, round 2"): every other limit is per rule or per value,
/// so a policy multiplied them. One decision's total steps and bytes built are now bounded, and
/// hitting either is a rule error (the policy's `onError`) for that rule and every later one.
@Suite struct DecisionBudgetTests {
    static func limits(_ f: (inout Limits) -> Void) -> Limits {
        var l = Limits()
        f(&l)
        return l
    }

    /// The decision through the compiled path, the reference path and a batch, which must agree.
    static func decide(_ program: Program, _ facts: [String: Value]) -> Decision {
        let input = program.input(facts)
        let d = program.evaluate(input)
        #expect(d == program.referenceEvaluate(input))
        var batch = DeviceBatch(program: program)
        batch.append(input)
        var b = Decision()
        program.evaluate(batch, at: 0, into: &b)
        #expect(b == d)
        return d
    }

    @Test func twoThousandLetsOfAMebibyteStopAtTheDecisionMemoryBudget() throws {
        // 2,000 lets each building a 1 MiB string held 2 GB for one device (from a 112 KB policy).
        var text = "let b0 = \"0123456789abcdef\"\n"
        for i in 1...15 { text += "let b\(i) = b\(i - 1) + b\(i - 1)\n" }
        for i in 0..<2_000 { text += "let c\(i) = b15 + b15\nrule \"r\(i)\" when size(c\(i)) == 0 then warn\n" }
        #expect(text.utf8.count > 100_000)
        // At the defaults the step budget (65,536 steps per 1 MiB built) stops it first; with no
        // step budget, the memory budget does.
        for (limits, prefix) in [
            (Limits(), "decision cost limit exceeded (1000000 steps over all rules)"),
            (
                Self.limits { $0.maxDecisionSteps = .max },
                "decision memory limit exceeded (67108864 bytes of values built over all rules)"
            ),
        ] {
            let program = try Engine(limits: limits).compile(text)
            let clock = ContinuousClock()
            var d = Decision()
            let t = clock.measure { d = program.evaluate(program.input([:])) }
            #expect(t < .seconds(10), "took \(t)")
            #expect(d.action == .blockAccess)
            let budget = d.errors.filter { $0.message.hasPrefix(prefix) }
            // Rules before the budget ran out evaluate (and do not fire); from then on, every rule errors.
            #expect(
                budget.count > 1_900 && budget.count == d.errors.count,
                "\(d.errors.count) errors: \(d.errors.last?.message ?? "")")
            #expect(d.fired.isEmpty)
        }
    }

    @Test func threeHundredRegexRulesOverAMebibyteStopAtTheDecisionStepBudget() throws {
        // 300 rules each running a regex over a 1 MiB fact took 12–28 s per device.
        var text = ""
        for i in 0..<300 { text += "rule \"r\(i)\" when model.matches(\"(a|b)*c\(i)x\") then warn\n" }
        let program = try Engine().compile(text)
        let model = Value.string(String(repeating: "ab", count: 1 << 19))
        let clock = ContinuousClock()
        var d = Decision()
        let t = clock.measure { d = program.evaluate(program.input(["model": model])) }
        #expect(t < .seconds(10), "took \(t)")
        #expect(d.action == .blockAccess)
        #expect(d.fired.isEmpty)
        #expect(d.errors.count == 300)
        #expect(d.errors.last?.message == "decision cost limit exceeded (1000000 steps over all rules)")
    }

    @Test func afterTheBudgetEveryRuleThatNeedsEvaluationErrors() throws {
        // Compiled comparisons cost what the reference charges: 3 steps each here.
        let small = Self.limits { $0.maxDecisionSteps = 7 }
        let text =
            "rule \"a\" when pinAttempts > 3 then warn\nrule \"b\" when pinAttempts > 4 then warn\n"
            + "rule \"c\" when pinAttempts > 5 then warn\nrule \"d\" when pinAttempts > 6 then warn\n"
        let program = try Engine(limits: small).compile(text)
        let d = Self.decide(program, ["pinAttempts": .int(9)])
        #expect(d.fired.map(\.name) == ["a", "b"])
        #expect(d.errors.count == 2)
        #expect(d.errors.allSatisfy { $0.message == "decision cost limit exceeded (7 steps over all rules)" })
        #expect(d.action == .blockAccess)
        // Within the budget, nothing changes.
        let d2 = Self.decide(try Engine().compile(text), ["pinAttempts": .int(9)])
        #expect(d2.errors.isEmpty && d2.fired.count == 4)
    }

    @Test func theMemoryBudgetCountsStringsListsAndMacroResults() throws {
        let small = Self.limits { $0.maxDecisionBytes = 100 }
        for condition in [
            "size(model + model) > 0", "size(tags + tags) > 0", "size(tags.map(t, t)) > 0", "size(lower(model)) > 0",
            "size(string(pinAttempts) + model) > 0",
        ] {
            let program = try Engine(limits: small).compile("rule \"r\" when \(condition) then warn")
            let d = Self.decide(
                program,
                [
                    "model": .string(String(repeating: "m", count: 120)), "pinAttempts": .int(1),
                    "tags": .list((0..<10).map { .string("t\($0)") }),
                ])
            #expect(d.action == .blockAccess, "\(condition)")
            #expect(
                d.errors.first?.message.hasPrefix("decision memory limit exceeded (100 bytes") == true, "\(condition)")
        }
    }
}
