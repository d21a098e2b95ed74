import Testing

@testable import Warden
@testable import WardenTools

/// One expression and what plain CEL makes of it: a value, or an error whose message contains a text.
struct CELCase: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable {
        case value(Value)
        case error(String)
    }
    var expr: String
    var outcome: Outcome
    var bindings: [String: Value] = [:]

    init(_ expr: String, _ v: Value, bindings: [String: Value] = [:]) {
        self.expr = expr
        self.outcome = .value(v)
        self.bindings = bindings
    }
    init(_ expr: String, error: String, bindings: [String: Value] = [:]) {
        self.expr = expr
        self.outcome = .error(error)
        self.bindings = bindings
    }

    var testDescription: String { expr }

    /// Kinds must match exactly (an int is not a uint or a double); NaN equals NaN here.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.uint(let x), .uint(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for i in 0..<x.count {
                guard let j = Builtins.find(x.keys[i], in: y), same(x.keys[i], y.keys[j]),
                    same(x.values[i], y.values[j])
                else { return false }
            }
            return true
        case (.int, _), (.uint, _), (.double, _), (.list, _), (.map, _): return false
        default: return a.type.typeName == b.type.typeName && Builtins.equals(a, b)
        }
    }

    func check() {
        let r = CELMode.evaluate(expr, bindings: bindings)
        switch (outcome, r) {
        case (.value(let want), .success(let got)):
            #expect(CELCase.same(want, got), "\(expr): expected \(want), got \(got)")
        case (.error(let text), .failure(let err)):
            #expect(err.message.lowercased().contains(text.lowercased()), "\(expr): error `\(err.message)`")
        case (.value(let want), .failure(let err)):
            Issue.record("\(expr): expected \(want), got error `\(err.message)`")
        case (.error(let text), .success(let got)):
            Issue.record("\(expr): expected an error containing `\(text)`, got \(got)")
        }
    }
}

@Suite struct CELSemanticsTests {
    static let arithmeticCases: [CELCase] = [
        CELCase("9223372036854775807 + 1", error: "overflow"),
        CELCase("-9223372036854775808 - 1", error: "overflow"),
        CELCase("5000000000 * 5000000000", error: "overflow"),
        CELCase("-9223372036854775808 / -1", error: "overflow"),
        CELCase("-9223372036854775808 % -1", error: "overflow"),
        CELCase("-(-9223372036854775808)", error: "overflow"),
        CELCase("15 / 0", error: "divide by zero"),
        CELCase("15 % 0", error: "modulus by zero"),
        CELCase("15u / 0u", error: "divide by zero"),
        CELCase("18446744073709551615u + 1u", error: "overflow"),
        CELCase("0u - 1u", error: "overflow"),
        CELCase("7 / 2", .int(3)),
        CELCase("-7 % 3", .int(-1)),
        CELCase("7u / 2u", .uint(3)),
        CELCase("3u * 4u", .uint(12)),
        CELCase("1 + 1u", error: "no such overload"),
        CELCase("1.5 + 1", error: "no such overload"),
        CELCase("-(5u)", error: "no such overload"),
        CELCase("1.0 / 0.0", .double(.infinity)),
        CELCase("0.0 / 0.0", .double(.nan)),
        CELCase("2.5 * 2.0", .double(5)),
        CELCase("47.5 % 5.5", error: "no such overload"),
        CELCase("-false", error: "no such overload"),
    ]

    static let comparisonsCases: [CELCase] = [
        CELCase("1 == 1.0", .bool(true)),
        CELCase("1 == 1u", .bool(true)),
        CELCase("1 < 2u", .bool(true)),
        CELCase("1u < 1.5", .bool(true)),
        CELCase("-1 < 0u", .bool(true)),
        CELCase("18446744073709551615u > 9223372036854775807", .bool(true)),
        // cel-go converts the int to double here, and the conformance suite pins it.
        CELCase("9223372036854775807 < 9223372036854775808.0", .bool(false)),
        CELCase("9223372036854775807 < 1e19", .bool(true)),
        CELCase("2 > 1.5", .bool(true)),
        CELCase("1u <= 1.0", .bool(true)),
        CELCase("0.0/0.0 == 0.0/0.0", .bool(false)),
        CELCase("0.0/0.0 != 0.0/0.0", .bool(true)),
        CELCase("0.0/0.0 < 1.0", .bool(false)),
        CELCase("0.0/0.0 >= 1", .bool(false)),
        CELCase("'a' == 1", .bool(false)),
        CELCase("null == false", .bool(false)),
        CELCase("[1] == ['1']", .bool(false)),
        CELCase("'é' == 'e\u{0301}'", .bool(false)),
        CELCase("'\u{FB01}' > 'z'", .bool(true)),
        CELCase("'a' < 'b'", .bool(true)),
        CELCase("b'\\x00' < b'\\x01'", .bool(true)),
        CELCase("false < true", .bool(true)),
        CELCase("[1, [2, 3]] == [1.0, [2u, 3]]", .bool(true)),
        CELCase("{'a': 1, 'b': 2} == {'b': 2, 'a': 1}", .bool(true)),
        CELCase("{'a': 1} == {'a': 2}", .bool(false)),
        CELCase("null < null", error: "no such overload"),
        CELCase("'foo' < 1024", error: "no such overload"),
        CELCase("[0] < [1]", error: "no such overload"),
    ]

    static let containersCases: [CELCase] = [
        CELCase("2 in [1, 2]", .bool(true)),
        CELCase("2u in [1, 2.0]", .bool(true)),
        CELCase("'a' in {'a': 1}", .bool(true)),
        CELCase("1 in {'a': 1}", .bool(false)),
        CELCase("{1: 'a'}[1u]", .string("a")),
        CELCase("{1: 'a'}[1.0]", .string("a")),
        CELCase("{1: 'a'}[1.5]", error: "no such key"),
        CELCase("{'a': 1, 'a': 2}", error: "repeated key"),
        CELCase("{0: 1, 0u: 2}", error: "repeated key"),
        CELCase("{1.5: 1}", error: "unsupported key type"),
        CELCase("[1, 2][2]", error: "index out of range"),
        CELCase("[1, 2][-1]", error: "index out of range"),
        CELCase("{'a': 1}['b']", error: "no such key"),
        CELCase("{'a': 1}.a", .int(1)),
        CELCase("{'a': 1}.b", error: "no such key"),
        CELCase("x.b", error: "does not support field selection", bindings: ["x": .int(1)]),
        CELCase("size('héllo')", .int(5)),
        CELCase("'héllo'.size()", .int(5)),
        CELCase("size(b'ab')", .int(2)),
        CELCase("size([1, 2, 3])", .int(3)),
        CELCase("size({1: 2})", .int(1)),
        CELCase("'ab' + 'cd'", .string("abcd")),
        CELCase("b'ab' + b'cd'", .bytes(Array("abcd".utf8))),
        CELCase("[1] + [2]", .list([.int(1), .int(2)])),
        CELCase("has({'a': 1}.a)", .bool(true)),
        CELCase("has({'a': 1}.b)", .bool(false)),
        CELCase("has(x.b)", error: "does not support field selection", bindings: ["x": .int(1)]),
    ]

    static let logicCases: [CELCase] = [
        CELCase("false && 1/0 == 1", .bool(false)),
        CELCase("1/0 == 1 && false", .bool(false)),
        CELCase("true || 1/0 == 1", .bool(true)),
        CELCase("1/0 == 1 || true", .bool(true)),
        CELCase("true && 1/0 == 1", error: "divide by zero"),
        CELCase("1/0 == 1 || false", error: "divide by zero"),
        CELCase("x || true", .bool(true)),
        CELCase("false && 32", .bool(false)),
        CELCase("'a' && true", error: "no matching overload"),
        CELCase("true ? 1 : 1/0", .int(1)),
        CELCase("false ? 1/0 : 2", .int(2)),
        CELCase("'a' ? 1 : 2", error: "no matching overload"),
        CELCase("!true", .bool(false)),
        CELCase("!0", error: "no such overload"),
        CELCase("x", error: "undeclared reference to 'x'"),
    ]

    static let stringsCases: [CELCase] = [
        CELCase("'hello'.contains('ll')", .bool(true)),
        CELCase("'hello'.startsWith('he')", .bool(true)),
        CELCase("'hello'.endsWith('lo')", .bool(true)),
        CELCase("'e\u{0301}'.startsWith('e')", .bool(true)),
        CELCase("'hubba'.matches('ubb')", .bool(true)),
        CELCase("matches('hubba', '^h')", .bool(true)),
        CELCase("'x'.matches('(')", error: "invalid"),
        CELCase("'a'.contains(1)", error: "no such overload"),
    ]

    static let conversionsCases: [CELCase] = [
        CELCase("int('42')", .int(42)),
        CELCase("int('-42')", .int(-42)),
        CELCase("int(' 42')", error: "conversion"),
        CELCase("int('0x1')", error: "conversion"),
        CELCase("int(42u)", .int(42)),
        CELCase("int(18446744073709551615u)", error: "range"),
        CELCase("int(1.9)", .int(1)),
        CELCase("int(-1.9)", .int(-1)),
        CELCase("int(9223372036854775807.0)", error: "range"),
        CELCase("int(0.0/0.0)", error: "range"),
        CELCase("uint(-1)", error: "range"),
        CELCase("uint(1.5)", .uint(1)),
        CELCase("uint('7')", .uint(7)),
        CELCase("double('1.5')", .double(1.5)),
        CELCase("double('abc')", error: "conversion"),
        CELCase("double(3)", .double(3)),
        CELCase("string(1.5)", .string("1.5")),
        CELCase("string(-4.5e-3)", .string("-0.0045")),
        CELCase("string(1e21)", .string("1e+21")),
        CELCase("string(7u)", .string("7")),
        CELCase("string(true)", .string("true")),
        CELCase("string(b'\\xff')", error: "invalid UTF-8"),
        CELCase("string(b'abc')", .string("abc")),
        CELCase("bytes('ÿ')", .bytes([0xC3, 0xBF])),
        CELCase("bool('true')", .bool(true)),
        CELCase("bool('TrUe')", error: "conversion"),
        CELCase("dyn(3)", .int(3)),
        CELCase("type(1) == int", .bool(true)),
        CELCase("type(1u) == uint", .bool(true)),
        CELCase("type('a')", .type(.string)),
        CELCase("type([1])", .type(.list(.dyn))),
        CELCase("type(type)", .type(.type)),
        CELCase("type(int)", .type(.type)),
        CELCase("type(null)", .type(.null)),
    ]

    static let macrosCases: [CELCase] = [
        CELCase("[1, 2, 3].all(x, x > 0)", .bool(true)),
        CELCase("[1, 2, 3].all(x, 6 / (2 - x) == 6)", .bool(false)),
        CELCase("[1, 2, 3].all(x, x / 0 == 1)", error: "divide by zero"),
        CELCase("[1, 2, 3].exists(x, x == 2)", .bool(true)),
        CELCase("[0, 1].exists(x, 1 / x == 1)", .bool(true)),
        CELCase("[1, 2].exists_one(x, x > 1)", .bool(true)),
        CELCase("[3, 0].exists_one(x, 3 / x == 1)", error: "divide by zero"),
        CELCase("[1, 2].map(x, x * 2)", .list([.int(2), .int(4)])),
        CELCase("[1, 2, 3].map(x, x > 1, x * 2)", .list([.int(4), .int(6)])),
        CELCase("[1, 2, 3].filter(x, x != 2)", .list([.int(1), .int(3)])),
        CELCase("{'a': 1, 'b': 2}.map(k, k)", .list([.string("a"), .string("b")])),
        CELCase("{'a': 1}.all(k, k == 'a')", .bool(true)),
        CELCase("[[1], [2]].all(x, x.all(x, x > 0))", .bool(true)),
        CELCase("[1, 2].map(x, [10].map(y, x + y))", .list([.list([.int(11)]), .list([.int(12)])])),
        CELCase("[1].map(x, x) == [x]", .bool(false), bindings: ["x": .int(5)]),
        CELCase("[5].all(x, x == 5) && x == 7", .bool(true), bindings: ["x": .int(7)]),
    ]

    static let namesCases: [CELCase] = [
        CELCase("a.b.c", .string("yes"), bindings: ["a.b.c": .string("yes")]),
        CELCase("a.b.c", .string("yes"), bindings: ["a.b": .map(MapValue([(.string("c"), .string("yes"))]))]),
        CELCase(
            "a.b.c", .string("long"),
            bindings: ["a.b.c": .string("long"), "a.b": .map(MapValue([(.string("c"), .string("short"))]))]),
        CELCase("[{'z': 0}].exists(y, y.z == 0)", .bool(true), bindings: ["y.z": .int(42)]),
    ]

    @Test(arguments: arithmeticCases) func arithmetic(_ c: CELCase) { c.check() }
    @Test(arguments: comparisonsCases) func comparisons(_ c: CELCase) { c.check() }
    @Test(arguments: containersCases) func containers(_ c: CELCase) { c.check() }
    @Test(arguments: logicCases) func logic(_ c: CELCase) { c.check() }
    @Test(arguments: stringsCases) func strings(_ c: CELCase) { c.check() }
    @Test(arguments: conversionsCases) func conversions(_ c: CELCase) { c.check() }
    @Test(arguments: macrosCases) func macros(_ c: CELCase) { c.check() }
    @Test(arguments: namesCases) func qualifiedNames(_ c: CELCase) { c.check() }

    @Test func doubleFormattingFollowsGo() {
        #expect(Arithmetic.formatDouble(123.456) == "123.456")
        #expect(Arithmetic.formatDouble(100000) == "100000")
        #expect(Arithmetic.formatDouble(1e6) == "1e+06")
        #expect(Arithmetic.formatDouble(1.5e-7) == "1.5e-07")
        #expect(Arithmetic.formatDouble(0.0001) == "0.0001")
        #expect(Arithmetic.formatDouble(-0.0) == "-0")
    }

    @Test func numericComparisonFollowsCELGo() {
        // Against doubles, ints convert to double as in cel-go (the conformance suite pins it).
        #expect(Arithmetic.compareNumbers(.int(Int64.max), .double(9_223_372_036_854_775_808.0)) == 0)
        #expect(Arithmetic.compareNumbers(.int(3), .double(3.5)) == -1)
        #expect(Arithmetic.compareNumbers(.uint(UInt64.max), .int(Int64.max)) == 1)
        #expect(Arithmetic.compareNumbers(.uint(UInt64.max), .double(18_446_744_073_709_551_616.0)) == 0)
        #expect(Arithmetic.compareNumbers(.uint(1), .double(-0.5)) == 1)
        #expect(Arithmetic.compareNumbers(.int(-1), .uint(0)) == -1)
        #expect(Arithmetic.compareNumbers(.double(.nan), .int(0)) == nil)
    }
}
