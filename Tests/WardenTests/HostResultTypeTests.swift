import Testing

@testable import Warden

/// A host function's result is checked against its declared result type: a value of another type
/// makes the calling rule err with `W0914` (its `onError` action applies, on both evaluation
/// paths), never a crash or a wrong-typed value flowing on; a value of the declared type passes.
@Suite struct HostResultTypeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var type: WardenType
        var right: Value
        var wrong: Value
        var testDescription: String { "\(type)" }
    }

    static let cases: [Case] = [
        Case(type: .bool, right: .bool(true), wrong: .int(1)),
        Case(type: .int, right: .int(1), wrong: .uint(1)),
        Case(type: .uint, right: .uint(1), wrong: .int(1)),
        Case(type: .double, right: .double(1.5), wrong: .int(1)),
        Case(type: .string, right: .string("a"), wrong: .bytes([0x61])),
        Case(type: .bytes, right: .bytes([1]), wrong: .string("a")),
        Case(type: .list(.string), right: .list([.string("a")]), wrong: .list([.string("a"), .int(1)])),
        Case(
            type: .map(.string, .int), right: .map(MapValue([(.string("a"), .int(1))])),
            wrong: .map(MapValue([(.string("a"), .string("1"))]))),
        Case(
            type: .enumeration(.threatLevel), right: .enumMember(.threatLevel, 1),
            wrong: .enumMember(.deviceLock, 1)),
        Case(type: .version, right: Version("1.2").map(Value.version) ?? .null, wrong: .string("1.2")),
        Case(type: .date, right: Day("2024-05-01").map(Value.date) ?? .null, wrong: .string("2024-05-01")),
        Case(type: .null, right: .null, wrong: .bool(false)),
    ]

    static func decision(_ c: Case, returning v: Value) throws -> (Decision, Decision) {
        let f = HostFunction(name: "hostValue", parameters: [], result: c.type) { _ in .success(v) }
        let program = try Engine(functions: [f]).compile(#"rule "calls" when hostValue() == hostValue() then warn"#)
        let input = program.input([:])
        return (program.evaluate(input), program.referenceEvaluate(input))
    }

    @Test(arguments: cases)
    func aResultOfTheDeclaredTypePasses(_ c: Case) throws {
        let (d, reference) = try Self.decision(c, returning: c.right)
        #expect(d.errors.isEmpty, "\(d.errors)")
        #expect(d.action == .warn)
        #expect(reference == d)
    }

    @Test(arguments: cases)
    func aResultOfAnotherTypeIsARuleErrorW0914(_ c: Case) throws {
        let (d, reference) = try Self.decision(c, returning: c.wrong)
        #expect(d.action == .blockAccess, "the policy's onError applies")
        #expect(d.errors.map(\.code) == [.hostResultType])
        #expect(d.errors.first?.kind == .hostResultType)
        #expect(d.errors.first?.message.contains("`hostValue`") == true)
        #expect(reference == d)
    }

    @Test func aDynResultAcceptsAnyValue() throws {
        let f = HostFunction(name: "anything", parameters: [], result: .dyn) { _ in .success(.bytes([1])) }
        let program = try Engine(functions: [f]).compile(#"rule "r" when anything() == b"\x01" then warn"#)
        #expect(program.evaluate(program.input([:])).action == .warn)
    }

    @Test func aHostFailureKeepsItsKindAndNamesTheFunction() throws {
        let f = HostFunction(name: "fails", parameters: [], result: .int) { _ in
            .failure(EvalError(.invalidArgument, "no score"))
        }
        let program = try Engine(functions: [f]).compile(#"rule "r" when fails() > 1 then warn"#)
        let d = program.evaluate(program.input([:]))
        #expect(d.errors.map(\.code) == [.invalidArgument])
    }
}
