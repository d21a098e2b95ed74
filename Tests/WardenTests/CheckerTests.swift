import Testing

@testable import Warden

/// Checker behaviour that fixtures cannot express: decision error texts, compiled vs reference paths.
@Suite struct CheckerTests {
    func decide(_ policy: String, _ json: String) throws -> (Decision, Decision) {
        let program = try Engine().compile(policy)
        let device = try program.device(json: Array(json.utf8)).get()
        return (program.evaluate(device.input), program.referenceEvaluate(device.input))
    }

    @Test func anErrorInALetUsedThroughAnotherLetKeepsItsLetNote() throws {
        let policy = """
            let big = pinAttempts * 9223372036854775807
            let tooMany = big > 0
            let alarm = tooMany || false
            rule "r" when alarm then warn
            """
        for d in try [decide(policy, #"{"pinAttempts": 2}"#).0, decide(policy, #"{"pinAttempts": 2}"#).1] {
            #expect(d.errors.count == 1)
            #expect(d.errors.first?.message.contains("(in `let big`, line 1)") == true, "\(d.errors)")
        }
    }

    @Test func theNestedTernaryFromTheIssueTakesDeviceLockAndFires() throws {
        let policy = #"rule "r" when (true ? (false ? medium : low) : deviceLock) == deviceLock then warn"#
        let (compiled, reference) = try decide(policy, #"{"deviceLock": "low"}"#)
        for d in [compiled, reference] {
            #expect(d.action == .warn)
            #expect(d.errors.isEmpty)
        }
    }

    @Test func comparingMembersOfTwoEnumsAtRunTimeIsAnErrorNotFalse() throws {
        let a = Value.enumMember(.threatLevel, 1)
        let b = Value.enumMember(.deviceLock, 1)
        #expect(throws: EvalError.self) { try Builtins.checkedEquals(a, b) }
        #expect(throws: EvalError.self) { try Builtins.checkedEquals(.list([a]), .list([b])) }
        #expect(throws: EvalError.self) { try Builtins.contains(.list([b]), a) }
        #expect(throws: EvalError.self) { try Builtins.compare(a, b, op: "_<_") }
        #expect(try Builtins.checkedEquals(a, .enumMember(.threatLevel, 1)))
        #expect(throws: EvalError.self) { try Builtins.checkedEquals(a, .string("low")) }
        #expect(try !Builtins.checkedEquals(.string("low"), .int(1)))
    }

    /// `dyn` hides a type from the checker, so literal conversion does not apply; a domain value
    /// (enum member, version, date) meeting another type is a rule error, never a silent `false`.
    @Test(arguments: [
        "dyn(low) == deviceLock", "dyn(threatLevel) == deviceLock", "deviceLock in dyn([ThreatLevel.low])",
        #"dyn(osVersion) == "13""#, #"dyn(osVersion) != "13""#, #"dyn(today) == "2024-01-01""#,
    ])
    func aDomainValueMeetingAnotherTypeThroughDynFailsClosed(_ condition: String) throws {
        let program = try Engine().compile("rule \"r\" when \(condition) then warn")
        let json = #"{"deviceLock":"low","threatLevel":"low","osVersion":"13","today":"2024-01-01"}"#
        let device = try program.device(json: Array(json.utf8)).get()
        let decision = program.evaluate(device.input)
        #expect(decision.action == .blockAccess)
        #expect(decision.errors.count == 1)
    }

    @Test func aConflictIsAnErrorAtBothBlocksEachNamingTheOther() throws {
        let source = SourceFile(
            name: "c.warden",
            text: """
                config "a" {
                  DefenderMAMConfigs = 1
                  antiphishing = 1
                }
                config "b" {
                  DefenderMAMConfigs = 1
                  antiphishing = 0
                }
                """)
        let errors = Engine().diagnose(source).filter { $0.severity == .error }
        let lines = errors.map { source.location(of: $0.span.start).line }.sorted()
        #expect(lines == [3, 7])
        #expect(errors.contains { $0.message.contains("in config `b`") && $0.notes.contains { $0.span != nil } })
        #expect(errors.contains { $0.message.contains("in config `a`") })
    }

    @Test func anEmptyTargetListIsAnErrorAndConflictsWithNothing() throws {
        let source = SourceFile(
            name: "e.warden",
            text: """
                config "none" for apps [] {
                  DefenderMAMConfigs = 1
                  antiphishing = 0
                }
                config "all" {
                  DefenderMAMConfigs = 1
                  antiphishing = 1
                }
                """)
        let errors = Engine().diagnose(source).filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("an empty list targets no app") == true)
    }
}
