import Testing

@testable import Warden
@testable import WardenTools

private func json(_ s: String) -> JSONValue {
    (try? JSONParser.parse(Array(s.utf8)).get()) ?? .string("<invalid test JSON>")
}

/// Decodes typed-value JSON text.
private func decode(_ s: String) -> Result<Value, JSONError> { TypedJSON.decode(json(s)) }

/// encode(decode(text)), or the error message.
private func roundTrip(_ s: String) -> String {
    switch decode(s) {
    case .success(let v): TypedJSON.encode(v)
    case .failure(let e): "error: \(e.message)"
    }
}

private func failure<T>(_ r: Result<T, JSONError>) -> JSONError? {
    if case .failure(let e) = r { return e }
    return nil
}

private func decodeError(_ s: String) -> String? {
    if case .failure(let e) = decode(s) { return e.message }
    return nil
}

@Suite struct TypedJSONTests {
    @Test func encodesEveryKind() throws {
        #expect(TypedJSON.encode(.null) == #"{"null":true}"#)
        #expect(TypedJSON.encode(.bool(false)) == #"{"bool":false}"#)
        #expect(TypedJSON.encode(.int(7)) == #"{"int":"7"}"#)
        #expect(TypedJSON.encode(.int(.min)) == #"{"int":"-9223372036854775808"}"#)
        #expect(TypedJSON.encode(.int(.max)) == #"{"int":"9223372036854775807"}"#)
        #expect(TypedJSON.encode(.uint(.max)) == #"{"uint":"18446744073709551615"}"#)
        #expect(TypedJSON.encode(.double(1.5)) == #"{"double":1.5}"#)
        #expect(TypedJSON.encode(.double(-0.0)) == #"{"double":-0.0}"#)
        #expect(TypedJSON.encode(.double(100)) == #"{"double":100.0}"#)
        #expect(TypedJSON.encode(.double(.nan)) == #"{"double":"NaN"}"#)
        #expect(TypedJSON.encode(.double(.infinity)) == #"{"double":"Infinity"}"#)
        #expect(TypedJSON.encode(.double(-.infinity)) == #"{"double":"-Infinity"}"#)
        #expect(TypedJSON.encode(.string("héllo\n\"")) == #"{"string":"héllo\n\""}"#)
        #expect(TypedJSON.encode(.bytes(Array("hi".utf8))) == #"{"bytes":"aGk="}"#)
        #expect(TypedJSON.encode(.list([.int(1), .list([])])) == #"{"list":[{"int":"1"},{"list":[]}]}"#)
        #expect(
            TypedJSON.encode(.map(MapValue([(.string("a"), .uint(1)), (.int(2), .null)])))
                == #"{"map":[[{"string":"a"},{"uint":"1"}],[{"int":"2"},{"null":true}]]}"#)
        #expect(TypedJSON.encode(.type(.int)) == #"{"type":"int"}"#)
        #expect(TypedJSON.encode(.type(.list(.int))) == #"{"type":"list"}"#)
        #expect(TypedJSON.encode(.type(.map(.string, .int))) == #"{"type":"map"}"#)
        #expect(TypedJSON.encode(.type(.null)) == #"{"type":"null_type"}"#)
        #expect(TypedJSON.encode(.type(.enumeration(.threatLevel))) == #"{"type":"ThreatLevel"}"#)
        #expect(TypedJSON.encode(.enumMember(.threatLevel, 2)) == #"{"enum":"ThreatLevel.medium"}"#)
        #expect(TypedJSON.encode(.version(try #require(Version("13.0.2")))) == #"{"version":"13.0.2"}"#)
        #expect(TypedJSON.encode(.date(try #require(Day("2024-05-01")))) == #"{"date":"2024-05-01"}"#)
    }

    @Test(arguments: [
        #"{"null":true}"#,
        #"{"bool":true}"#,
        #"{"bool":false}"#,
        #"{"int":"0"}"#,
        #"{"int":"-42"}"#,
        #"{"int":"-9223372036854775808"}"#,
        #"{"int":"9223372036854775807"}"#,
        #"{"uint":"0"}"#,
        #"{"uint":"18446744073709551615"}"#,
        #"{"double":1.5}"#,
        #"{"double":-0.0}"#,
        #"{"double":1e+300}"#,
        #"{"double":5e-324}"#,
        #"{"double":"NaN"}"#,
        #"{"double":"Infinity"}"#,
        #"{"double":"-Infinity"}"#,
        #"{"string":""}"#,
        #"{"string":"héllo \u0001 😀"}"#,
        #"{"bytes":""}"#,
        #"{"bytes":"AP8="}"#,
        #"{"bytes":"aGVsbG8="}"#,
        #"{"list":[]}"#,
        #"{"list":[{"int":"1"},{"list":[{"string":"x"},{"map":[]}]},{"null":true}]}"#,
        #"{"map":[[{"string":"a"},{"list":[{"bool":true}]}],[{"int":"-1"},{"map":[[{"uint":"2"},{"double":0.5}]]}]]}"#,
        #"{"map":[[{"bool":false},{"bytes":"AA=="}]]}"#,
        #"{"type":"int"}"#, #"{"type":"uint"}"#, #"{"type":"double"}"#, #"{"type":"bool"}"#,
        #"{"type":"string"}"#, #"{"type":"bytes"}"#, #"{"type":"list"}"#, #"{"type":"map"}"#,
        #"{"type":"null_type"}"#, #"{"type":"type"}"#, #"{"type":"ThreatLevel"}"#, #"{"type":"Management"}"#,
        #"{"type":"version"}"#, #"{"type":"date"}"#,
        #"{"enum":"ThreatLevel.secured"}"#, #"{"enum":"ThreatLevel.high"}"#, #"{"enum":"PlayIntegrity.strong"}"#,
        #"{"enum":"DeviceLock.none"}"#, #"{"enum":"Management.androidEnterprise"}"#,
        #"{"version":"13.0.2"}"#, #"{"version":"13"}"#, #"{"version":"13.0.0"}"#,
        #"{"date":"2024-05-01"}"#, #"{"date":"0001-01-01"}"#, #"{"date":"2024-02-29"}"#,
    ])
    func roundTripsEveryKind(text: String) {
        #expect(roundTrip(text) == text)
    }

    @Test func decodesToTheRightValues() throws {
        guard case .success(.int(let i)) = decode(#"{"int":"-9223372036854775808"}"#) else {
            Issue.record("int min")
            return
        }
        #expect(i == .min)
        guard case .success(.double(let nan)) = decode(#"{"double":"NaN"}"#) else {
            Issue.record("NaN")
            return
        }
        #expect(nan.isNaN)
        guard case .success(.double(let negZero)) = decode(#"{"double":-0.0}"#) else {
            Issue.record("-0.0")
            return
        }
        #expect(negZero == 0 && negZero.sign == .minus)
        // A double may be written as a JSON integer.
        #expect(roundTrip(#"{"double":1}"#) == #"{"double":1.0}"#)
        #expect(roundTrip(#"{"double":-12345678901234567890}"#) == #"{"double":-1.2345678901234567e+19}"#)
        guard case .success(.bytes(let b)) = decode(#"{"bytes":"AP8="}"#) else {
            Issue.record("bytes")
            return
        }
        #expect(b == [0x00, 0xFF])
        guard case .success(.enumMember(let e, let o)) = decode(#"{"enum":"PlayIntegrity.device"}"#) else {
            Issue.record("enum")
            return
        }
        #expect(e == .playIntegrity && o == 2)
        guard case .success(.version(let v)) = decode(#"{"version":"13.0.2"}"#) else {
            Issue.record("version")
            return
        }
        #expect(v == Version("13.0.2"))
        guard case .success(.date(let d)) = decode(#"{"date":"1970-01-02"}"#) else {
            Issue.record("date")
            return
        }
        #expect(d.daysSinceEpoch == 1)
        guard case .success(.type(let t)) = decode(#"{"type":"PlayIntegrity"}"#) else {
            Issue.record("type")
            return
        }
        #expect(t == .enumeration(.playIntegrity))
        guard case .success(.map(let m)) = decode(#"{"map":[[{"string":"k"},{"int":"1"}],[{"int":"2"},{"int":"3"}]]}"#)
        else {
            Issue.record("map")
            return
        }
        #expect(m.count == 2)
    }

    @Test(arguments: [
        (#"{"int":5}"#, "`int` must be a JSON string, not a number"),
        (#"{"int":"x"}"#, "invalid int `x`"),
        (#"{"int":"+5"}"#, "invalid int `+5`"),
        (#"{"int":""}"#, "invalid int ``"),
        (#"{"int":"1.0"}"#, "invalid int `1.0`"),
        (#"{"int":"9223372036854775808"}"#, "invalid int `9223372036854775808`"),
        (#"{"uint":"-1"}"#, "invalid uint `-1`"),
        (#"{"uint":1}"#, "`uint` must be a JSON string, not a number"),
        (#"{"uint":"18446744073709551616"}"#, "invalid uint `18446744073709551616`"),
        (#"{"int":"1","uint":"1"}"#, "a typed value must be an object with exactly one key, not 2"),
        (#"{"int":"1","int":"1"}"#, "a typed value must be an object with exactly one key, not 2"),
        (#"{}"#, "a typed value must be an object with exactly one key, not 0"),
        (#"5"#, "a typed value must be an object with one key, not a number"),
        (#"[]"#, "a typed value must be an object with one key, not an array"),
        (#"{"integer":"1"}"#, "unknown typed value kind `integer`"),
        (#"{"null":false}"#, "`null` must be `true`"),
        (#"{"null":null}"#, "`null` must be `true`"),
        (#"{"bool":"true"}"#, "`bool` must be a JSON boolean, not a string"),
        (#"{"double":"nan"}"#, "invalid double `nan`"),
        (#"{"double":"1.5"}"#, "invalid double `1.5`"),
        (#"{"double":null}"#, "`double` must be a JSON number or string, not a null"),
        (#"{"string":1}"#, "`string` must be a JSON string, not a number"),
        (#"{"bytes":"aGk"}"#, "invalid base64 in `bytes`"),
        (#"{"bytes":"a-k="}"#, "invalid base64 in `bytes`"),
        (#"{"list":{}}"#, "`list` must be a JSON array, not an object"),
        (#"{"list":[1]}"#, "a typed value must be an object with one key, not a number"),
        (#"{"map":{}}"#, "`map` must be a JSON array of pairs, not an object"),
        (#"{"map":[[{"int":"1"}]]}"#, "a `map` entry must be a `[key, value]` array"),
        (#"{"map":[{"int":"1"}]}"#, "a `map` entry must be a `[key, value]` array"),
        (#"{"map":[[{"double":1.5},{"int":"1"}]]}"#, "a map key must be a bool, int, uint or string, not double"),
        (#"{"map":[[{"list":[]},{"int":"1"}]]}"#, "a map key must be a bool, int, uint or string, not list"),
        (#"{"type":"integer"}"#, "unknown type `integer`"),
        (#"{"type":"list(int)"}"#, "unknown type `list(int)`"),
        (#"{"enum":"ThreatLevel.extreme"}"#, "unknown enum member `ThreatLevel.extreme`"),
        (#"{"enum":"medium"}"#, "unknown enum member `medium`"),
        (#"{"enum":"Threat.medium"}"#, "unknown enum member `Threat.medium`"),
        (#"{"version":"13..2"}"#, "invalid version `13..2`"),
        (#"{"version":13}"#, "`version` must be a JSON string, not a number"),
        (#"{"date":"2023-02-29"}"#, "invalid date `2023-02-29`"),
        (#"{"date":"2024-5-1"}"#, "invalid date `2024-5-1`"),
    ])
    func rejectsMalformedTypedValues(text: String, message: String) {
        #expect(decodeError(text) == message, "\(text)")
    }

    @Test func deeplyNestedTypedValuesAreAnError() {
        let depth = 120  // 240 JSON levels: within both the parser's and the decoder's limits
        let text = String(repeating: #"{"list":["#, count: depth) + String(repeating: "]}", count: depth)
        #expect(decodeError(text) == nil)
        var v = JSONValue.null
        for _ in 0..<300 { v = .object([("list", .array([v]))]) }
        #expect(
            failure(TypedJSON.decode(v)) == JSONError(message: "typed value nested deeper than 200 levels", offset: 0))
    }

    @Test func decodesBindings() {
        guard case .success(let b) = TypedJSON.decodeBindings(json(#"{"x":{"int":"5"},"a.b.c":{"string":"s"}}"#))
        else {
            Issue.record("bindings")
            return
        }
        #expect(b.count == 2)
        if case .int(5)? = b["x"] {} else { Issue.record("x") }
        if case .string("s")? = b["a.b.c"] {} else { Issue.record("a.b.c") }
        #expect(TypedJSON.decodeBindings(json("{}")).map(\.count) == .success(0))
        #expect(
            failure(TypedJSON.decodeBindings(json(#"{"x":{"int":5}}"#)))
                == JSONError(message: "binding `x`: `int` must be a JSON string, not a number", offset: 0))
        #expect(
            failure(TypedJSON.decodeBindings(json(#"{"x":{"int":"5"},"x":{"int":"6"}}"#)))
                == JSONError(message: "duplicate binding `x`", offset: 0))
        #expect(
            failure(TypedJSON.decodeBindings(json("[]")))
                == JSONError(message: "bindings must be a JSON object, not an array", offset: 0))
    }

    @Test func encodesErrors() {
        #expect(TypedJSON.error("no such overload") == #"{"error":"no such overload"}"#)
        #expect(TypedJSON.error("bad \"x\"\n") == #"{"error":"bad \"x\"\n"}"#)
    }

    @Test func base64MatchesRFC4648() {
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(all)) == all)
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        for bad in ["Zg", "Zg=", "Z===", "Zh==", "Zm9=", "Zm9vY===", "Zg==Zg==", "Zm 9v", "Zm9v\n", "Zm-v", "é==="] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
        }
    }
}
