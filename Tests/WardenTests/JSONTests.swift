import Testing

@testable import Warden
@testable import WardenTools

private func parse(_ s: String) -> Result<JSONValue, JSONError> { JSONParser.parse(Array(s.utf8)) }
private func parse(bytes: [UInt8], maxDepth: Int = 256) -> Result<JSONValue, JSONError> {
    bytes.withUnsafeBufferPointer { JSONParser.parse($0, maxDepth: maxDepth) }
}
private func jsonValue(_ s: String) -> JSONValue? { try? parse(s).get() }
private func error(_ s: String) -> JSONError? {
    if case .failure(let e) = parse(s) { return e }
    return nil
}
private func error(bytes: [UInt8]) -> JSONError? {
    if case .failure(let e) = parse(bytes: bytes) { return e }
    return nil
}

/// Collects what a LineSplitter reports: `.bytes` as strings, `.tooLong(n)` as "<too long n>".
private struct Collected: Equatable {
    var lines: [String] = []
    var numbers: [Int] = []
}

private func split(_ chunks: [[UInt8]], max: Int = 16 << 20) -> Collected {
    var splitter = LineSplitter(maxLineBytes: max)
    var c = Collected()
    let body: (Int, LineSplitter.Line) -> Void = { n, line in
        c.numbers.append(n)
        switch line {
        case .bytes(let b): c.lines.append(String(decoding: b, as: UTF8.self))
        case .tooLong(let len): c.lines.append("<too long \(len)>")
        }
    }
    for chunk in chunks { chunk.withUnsafeBytes { splitter.feed($0, body) } }
    splitter.finish(body)
    return c
}

@Suite struct JSONTests {
    // MARK: valid documents

    @Test func parsesScalarsAndContainers() {
        #expect(jsonValue("null") == .null)
        #expect(jsonValue(" true ") == .bool(true))
        #expect(jsonValue("\t\r\nfalse\n") == .bool(false))
        #expect(jsonValue("0") == .int(0))
        #expect(jsonValue("-0") == .int(0))
        #expect(jsonValue("42") == .int(42))
        #expect(jsonValue("-17") == .int(-17))
        #expect(jsonValue("1.5") == .double(1.5))
        #expect(jsonValue("-0.0") == .double(-0.0))
        #expect(jsonValue("1e3") == .double(1000))
        #expect(jsonValue("1E+2") == .double(100))
        #expect(jsonValue("2.5e-1") == .double(0.25))
        #expect(jsonValue("\"hi\"") == .string("hi"))
        #expect(jsonValue("[]") == .array([]))
        #expect(jsonValue("{}") == .object([]))
        #expect(
            jsonValue("[1, [2, []], {\"a\": null}]")
                == .array([.int(1), .array([.int(2), .array([])]), .object([("a", .null)])]))
        #expect(
            jsonValue(" { \"a\" : 1 , \"b\" : [ true ] } ") == .object([("a", .int(1)), ("b", .array([.bool(true)]))]))
    }

    @Test func objectsKeepOrderAndDuplicates() {
        let v = jsonValue("{\"b\":1,\"a\":2,\"b\":3}")
        #expect(v == .object([("b", .int(1)), ("a", .int(2)), ("b", .int(3))]))
        #expect(v?["b"] == .int(1))
        #expect(v?["c"] == nil)
        #expect(jsonValue("{\"a\":1,\"b\":2}") != jsonValue("{\"b\":2,\"a\":1}"))
    }

    @Test func integersThatFitAreIntAndOthersAreDouble() {
        #expect(jsonValue("9223372036854775807") == .int(Int64.max))
        #expect(jsonValue("-9223372036854775808") == .int(Int64.min))
        #expect(jsonValue("9223372036854775808") == .double(9223372036854775808.0))
        #expect(jsonValue("-9223372036854775809") == .double(-9223372036854775809.0))
        #expect(jsonValue("18446744073709551616") == .double(18446744073709551616.0))
        #expect(jsonValue("123456789012345678901234567890") == .double(1.2345678901234568e29))
        #expect(jsonValue("1.0") == .double(1.0))
        #expect(jsonValue("1e0") == .double(1.0))
    }

    @Test func decimalToDoubleIsCorrectlyRounded() {
        #expect(jsonValue("0.1") == .double(0.1))
        #expect(jsonValue("2.2250738585072014e-308") == .double(2.2250738585072014e-308))
        #expect(jsonValue("5e-324") == .double(.leastNonzeroMagnitude))
        #expect(jsonValue("1e-400") == .double(0))
        #expect(jsonValue("1.7976931348623157e308") == .double(1.7976931348623157e308))
        #expect(jsonValue("9007199254740993.0") == .double(9007199254740992.0))
    }

    @Test func stringEscapesAndUnicode() {
        #expect(jsonValue(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(jsonValue(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(jsonValue(#""\ud83d\ude00""#) == .string("😀"))
        #expect(jsonValue(#""\u0000""#) == .string("\u{0}"))
        #expect(jsonValue("\"héllo 😀 €\"") == .string("héllo 😀 €"))
        #expect(jsonValue(#""x\u0041y""#) == .string("xAy"))
        #expect(jsonValue("\"\u{7F}\"") == .string("\u{7F}"))
    }

    // MARK: strictness, with messages and offsets

    @Test(arguments: [
        ("", "unexpected end of input, expected a value", 0),
        ("   ", "unexpected end of input, expected a value", 3),
        ("[1,]", "expected a value, found `]`", 3),
        ("{\"a\":1,}", "expected a string key, found `}`", 7),
        ("[1 2]", "expected `,` or `]`, found `2`", 3),
        ("{\"a\" 1}", "expected `:`, found `1`", 5),
        ("{\"a\":1 \"b\":2}", "expected `,` or `}`, found `\"`", 7),
        ("{'a':1}", "expected a string key, found `'`", 1),
        ("'a'", "expected a value, found `'`", 0),
        ("[1] // c", "expected end of input, found `/`", 4),
        ("/* c */ 1", "expected a value, found `/`", 0),
        ("1 2", "expected end of input, found `2`", 2),
        ("01", "leading zeros are not allowed", 0),
        ("-01", "leading zeros are not allowed", 0),
        ("00", "leading zeros are not allowed", 0),
        ("NaN", "expected a value, found `N`", 0),
        ("Infinity", "expected a value, found `I`", 0),
        ("-Infinity", "invalid number: expected a digit after `-`", 1),
        ("-", "unexpected end of input in number", 1),
        ("+1", "expected a value, found `+`", 0),
        (".5", "expected a value, found `.`", 0),
        ("1.", "invalid number: expected a digit after `.`", 2),
        ("1.e5", "invalid number: expected a digit after `.`", 2),
        ("1e", "invalid number: expected a digit in the exponent", 2),
        ("1e+", "invalid number: expected a digit in the exponent", 3),
        ("0x10", "expected end of input, found `x`", 1),
        ("1e400", "number out of range", 0),
        ("-1e400", "number out of range", 0),
        ("tru", "invalid literal, expected `true`", 0),
        ("nul", "invalid literal, expected `null`", 0),
        ("True", "expected a value, found `T`", 0),
        ("nulll", "expected end of input, found `l`", 4),
        ("\"abc", "unexpected end of input in string", 4),
        ("\"a\tb\"", "control character U+0009 in string must be escaped", 2),
        ("\"a\nb\"", "control character U+000A in string must be escaped", 2),
        ("\"\u{1F}\"", "control character U+001F in string must be escaped", 1),
        (#""\x""#, "invalid escape `\\x`", 1),
        (#""\'""#, "invalid escape `\\'`", 1),
        (#""\u12""#, "invalid \\u escape: expected 4 hex digits", 1),
        (#""\u12G4""#, "invalid \\u escape: expected 4 hex digits", 1),
        (#""ab\ud800""#, "lone surrogate in \\u escape", 3),
        (#""\ud800\u0041""#, "lone surrogate in \\u escape", 1),
        (#""\udc00""#, "lone surrogate in \\u escape", 1),
        (#""\ud800\ud800""#, "lone surrogate in \\u escape", 1),
        ("[", "unexpected end of input, expected a value", 1),
        ("[1", "unexpected end of input, expected `,` or `]`", 2),
        ("{\"a\":1", "unexpected end of input, expected `,` or `}`", 6),
        ("{\"a\"", "unexpected end of input, expected `:`", 4),
        ("]", "expected a value, found `]`", 0),
        ("\u{FEFF}1", "expected a value, found `\u{FEFF}`", 0),
        ("\u{1}", "expected a value, found U+0001", 0),
        ("é", "expected a value, found `é`", 0),
        ("[1]\u{0}", "expected end of input, found U+0000", 3),
        ("\u{A0}1", "expected a value, found `\u{A0}`", 0),
        ("\u{B}1", "expected a value, found U+000B", 0),
    ])
    func rejectsNonRFC8259Input(input: String, message: String, offset: Int) {
        #expect(error(input) == JSONError(message: message, offset: offset), "input: \(input)")
    }

    // MARK: UTF-8

    @Test(
        arguments: [
            ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong "/"
            ([0x22, 0xC1, 0xBF, 0x22], 1),  // overlong
            ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1),  // overlong 3-byte
            ([0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], 1),  // overlong 4-byte
            ([0x22, 0x61, 0xED, 0xA0, 0x80, 0x22], 2),  // U+D800 encoded in UTF-8
            ([0x22, 0xED, 0xBF, 0xBF, 0x22], 1),  // U+DFFF encoded in UTF-8
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
            ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1),
            ([0x22, 0xFF, 0x22], 1),
            ([0x22, 0x80, 0x22], 1),  // lone continuation byte
            ([0x22, 0xC3, 0x22], 1),  // truncated 2-byte
            ([0x22, 0xE2, 0x82, 0x22], 1),  // truncated 3-byte
            ([0x22, 0xF0, 0x9F, 0x98, 0x22], 1),  // truncated 4-byte
            ([0x22, 0xF0, 0x9F, 0x98], 1),  // truncated at end of input
            ([0x22, 0xC3], 1),
            ([0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22], 3),  // after an escape (slow path)
            ([0x5B, 0x31, 0x2C, 0xC3, 0x28, 0x5D], 3),  // outside a string
            ([0x31, 0x20, 0xFE], 2),  // after the value
            ([0x7B, 0x22, 0x61, 0xE2, 0x28, 0xA1, 0x22, 0x3A, 0x31, 0x7D], 3),  // in a key
        ] as [([UInt8], Int)])
    func invalidUTF8IsAnErrorAtItsByteOffset(bytes: [UInt8], offset: Int) {
        // The position is the error's offset only: the message repeating it made facts errors read
        // "invalid UTF-8 at byte 24 at byte 25".
        #expect(error(bytes: bytes) == JSONError(message: "invalid UTF-8", offset: offset))
    }

    @Test func invalidUTF8InAFactsLineNamesItsByteOnce() throws {
        let program = try Engine().compile("when rooted then warn")
        // {"r":"<FF>"}: the bad byte is the 7th (offset 6); facts messages count bytes from 1.
        let line: [UInt8] = Array("{\"r\":\"".utf8) + [0xFF, 0x22, 0x7D]
        guard case .failure(let e) = program.device(json: line) else {
            Issue.record("invalid UTF-8 was accepted")
            return
        }
        #expect(e.message == "invalid JSON: invalid UTF-8 at byte 7")
        // After an escape's backslash the message says so, with the position once.
        let escaped: [UInt8] = [0x7B, 0x22, 0x5C, 0xFF, 0x22, 0x3A, 0x31, 0x7D]
        guard case .failure(let e2) = program.device(json: escaped) else {
            Issue.record("invalid UTF-8 after a backslash was accepted")
            return
        }
        #expect(e2.message == "invalid JSON: invalid escape `\\` followed by invalid UTF-8 at byte 3")
    }

    @Test func validUTF8AtTheEdgesIsAccepted() {
        let cases: [([UInt8], String)] = [
            ([0x22, 0xC2, 0x80, 0x22], "\u{80}"),
            ([0x22, 0xDF, 0xBF, 0x22], "\u{7FF}"),
            ([0x22, 0xE0, 0xA0, 0x80, 0x22], "\u{800}"),
            ([0x22, 0xED, 0x9F, 0xBF, 0x22], "\u{D7FF}"),
            ([0x22, 0xEE, 0x80, 0x80, 0x22], "\u{E000}"),
            ([0x22, 0xEF, 0xBF, 0xBF, 0x22], "\u{FFFF}"),
            ([0x22, 0xF0, 0x90, 0x80, 0x80, 0x22], "\u{10000}"),
            ([0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22], "\u{10FFFF}"),
        ]
        for (bytes, s) in cases {
            #expect((try? parse(bytes: bytes).get()) == .string(s))
        }
    }

    // MARK: depth

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = [UInt8](repeating: 0x5B, count: 100_000)
        #expect(error(bytes: deep) == JSONError(message: "nesting deeper than 256 levels", offset: 256))
        let objects = Array(String(repeating: "{\"a\":", count: 100_000).utf8)
        #expect(error(bytes: objects)?.message == "nesting deeper than 256 levels")
    }

    @Test func nestingUpToMaxDepthIsAccepted() {
        let ok = Array((String(repeating: "[", count: 256) + String(repeating: "]", count: 256)).utf8)
        #expect((try? parse(bytes: ok).get()) != nil)
        let tooDeep = Array((String(repeating: "[", count: 257) + String(repeating: "]", count: 257)).utf8)
        #expect(error(bytes: tooDeep)?.offset == 256)
        let small = Array("[[[1]]]".utf8)
        #expect(parse(bytes: small, maxDepth: 3) == .success(.array([.array([.array([.int(1)])])])))
        #expect(
            parse(bytes: small, maxDepth: 2) == .failure(JSONError(message: "nesting deeper than 2 levels", offset: 2)))
    }

    @Test func lineParserIsReusableAfterErrors() {
        var parser = JSONLineParser()
        let lines = [#"{"a":[1,{"b":2}]}"#, #"{"a":[1,{"b":"#, "[]", #"{"x":"é"} "#, "[1,,2]", "7"]
        var results: [Result<JSONValue, JSONError>] = []
        for line in lines {
            results.append(Array(line.utf8).withUnsafeBufferPointer { parser.parse($0) })
        }
        #expect(results.map { try? $0.get() } == lines.map { try? parse($0).get() })
        #expect(results[0] == .success(.object([("a", .array([.int(1), .object([("b", .int(2))])]))])))
        #expect(results[2] == .success(.array([])))
        #expect(results[4] == .failure(JSONError(message: "expected a value, found `,`", offset: 3)))
    }

    @Test func parsesFromAnyCollection() {
        #expect(JSONParser.parse("[1,\"é\"]".utf8) == .success(.array([.int(1), .string("é")])))
        #expect(JSONParser.parse(Array("[true]".utf8)[...]) == .success(.array([.bool(true)])))
        #expect(JSONParser.parse(Array("{}".utf8).lazy.map { $0 }) == .success(.object([])))
    }

    // MARK: writer

    @Test func writerEscapesMinimally() {
        #expect(JSONWriter.quoted("plain") == "\"plain\"")
        #expect(JSONWriter.quoted("a\"b\\c\nd\re\tf\u{8}g\u{C}h") == #""a\"b\\c\nd\re\tf\bg\fh""#)
        #expect(JSONWriter.quoted("\u{0}\u{1}\u{1F}\u{7F}") == #""\u0000\u0001\u001f"# + "\u{7F}\"")
        #expect(JSONWriter.quoted("é€😀/") == "\"é€😀/\"")
        #expect(JSONWriter.quoted("") == "\"\"")
    }

    @Test func writerNumbers() {
        var w = JSONWriter()
        for i: Int64 in [0, 7, -7, 10, 1_234_567_890, Int64.max, Int64.min] {
            w.int(i)
            w.raw(" ")
        }
        w.uint(UInt64.max)
        w.raw(" ")
        w.uint(0)
        #expect(w.text == "0 7 -7 10 1234567890 9223372036854775807 -9223372036854775808 18446744073709551615 0")
        var d = JSONWriter()
        for x in [
            1.5, 100.0, -0.0, 1e20, 1e-7, .leastNonzeroMagnitude, 0.1, Double.greatestFiniteMagnitude, .nan, .infinity,
        ] {
            d.double(x)
            d.raw(",")
        }
        #expect(d.text == "1.5,100.0,-0.0,1e+20,1e-07,5e-324,0.1,1.7976931348623157e+308,null,null,")
    }

    @Test func writtenDoublesRoundTrip() {
        var samples: [Double] = [
            0.1, 1.0 / 3, 2.0 / 3e300, 123456.789e-200, -.leastNonzeroMagnitude, 9_007_199_254_740_992, 1e23, -0.0,
        ]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            let d = Double(bitPattern: x)
            if d.isFinite { samples.append(d) }
        }
        for d in samples {
            var w = JSONWriter()
            w.double(d)
            guard case .success(.double(let back)) = JSONParser.parse(w.bytes) else {
                Issue.record("not a JSON double: \(w.text)")
                continue
            }
            #expect(back.bitPattern == d.bitPattern, "\(w.text)")
        }
    }

    @Test func writerWritesValuesThatParseBack() {
        let text = "{\"a\":[1,-2,1.5,\"x\\ny\",true,false,null,{}],\"\":{\"é\":[]},\"a\":0}"
        guard case .success(let v) = parse(text) else {
            Issue.record("parse failed")
            return
        }
        #expect(v.text == text)
        var w = JSONWriter()
        w.raw("{")
        w.key("id")
        w.int(17)
        w.raw(",")
        w.key("ok")
        w.bool(true)
        w.raw(",")
        w.key("n")
        w.null()
        w.raw("}")
        #expect(w.text == #"{"id":17,"ok":true,"n":null}"#)
        w.reset()
        #expect(w.bytes.isEmpty)
    }

    // MARK: line splitter

    @Test func splitsLinesAcrossChunkBoundaries() {
        let c = split([Array("{\"a\":".utf8), Array("1,\"b\"".utf8), Array(":2}\nnext\n".utf8)])
        #expect(c.lines == ["{\"a\":1,\"b\":2}", "next"])
        #expect(c.numbers == [1, 2])
    }

    @Test func handlesCRLFEmptyLinesAndNoFinalNewline() {
        #expect(split([Array("a\r\n\r\n\nb\r\nc".utf8)]).lines == ["a", "", "", "b", "c"])
        #expect(split([Array("a\r\n\r\n\nb\r\nc".utf8)]).numbers == [1, 2, 3, 4, 5])
        #expect(split([Array("a\r".utf8), Array("\nb\n".utf8)]).lines == ["a", "b"])
        #expect(split([Array("a\r".utf8), Array("\r\n".utf8)]).lines == ["a\r"])
        #expect(split([Array("x\ry\n".utf8)]).lines == ["x\ry"])
        #expect(split([Array("only".utf8)]).lines == ["only"])
        #expect(split([Array("end\n".utf8)]).lines == ["end"])
        #expect(split([[], Array("\n".utf8), []]).lines == [""])
        #expect(split([]).lines == [])
    }

    @Test func everyChunkingGivesTheSameLines() {
        let text = Array("{\"id\":1}\r\n\n{\"id\":22,\"s\":\"é\"}\nlast\r".utf8)
        let expected = split([text])
        #expect(expected.lines == ["{\"id\":1}", "", "{\"id\":22,\"s\":\"é\"}", "last"])
        for size in 1...text.count {
            var chunks: [[UInt8]] = []
            var k = 0
            while k < text.count {
                chunks.append(Array(text[k..<min(k + size, text.count)]))
                k += size
            }
            #expect(split(chunks) == expected, "chunk size \(size)")
        }
    }

    @Test func tooLongLinesAreReportedOnceAndDropped() {
        // Small limit, crossing chunk boundaries; "\r" does not count towards the length.
        let c = split(
            [Array("ok\nabcdef".utf8), Array("ghij\r".utf8), Array("\nfour\r\nfiv".utf8), Array("e\n".utf8)], max: 4)
        #expect(c.lines == ["ok", "<too long 10>", "four", "five"])
        #expect(c.numbers == [1, 2, 3, 4])
        #expect(split([Array("abcd\r\nabcde\r\n".utf8)], max: 4).lines == ["abcd", "<too long 5>"])
        #expect(split([Array("ab".utf8), Array("cd\r".utf8), Array("\n".utf8)], max: 4).lines == ["abcd"])
        #expect(split([Array("ab".utf8), Array("cde".utf8)], max: 4).lines == ["<too long 5>"])
        #expect(split([Array("abcdefgh".utf8), Array("ij".utf8)], max: 4).lines == ["<too long 10>"])
    }

    @Test func twentyMegabyteLineWithSixteenMegabyteLimit() {
        var splitter = LineSplitter(maxLineBytes: 16 << 20)
        var reports: [(Int, String)] = []
        let body: (Int, LineSplitter.Line) -> Void = { n, line in
            switch line {
            case .bytes(let b): reports.append((n, String(decoding: b, as: UTF8.self)))
            case .tooLong(let len): reports.append((n, "too long \(len)"))
            }
        }
        let chunk = [UInt8](repeating: 0x61, count: 1 << 20)
        Array("{\"first\":1}\n".utf8).withUnsafeBytes { splitter.feed($0, body) }
        for _ in 0..<20 { chunk.withUnsafeBytes { splitter.feed($0, body) } }
        Array("\n{\"id\":3}\n".utf8).withUnsafeBytes { splitter.feed($0, body) }
        splitter.finish(body)
        #expect(reports.map(\.0) == [1, 2, 3])
        #expect(reports.map(\.1) == ["{\"first\":1}", "too long \(20 << 20)", "{\"id\":3}"])
    }

    // MARK: robustness

    @Test func mutatedInputNeverCrashesAndValidResultsRoundTrip() {
        let seeds = [
            #"{"id":17,"threatLevel":"medium","apps":["a","b\u00e9\ud83d\ude00"],"x":-1.5e-3,"n":null,"t":true}"#,
            #"[0,-0,1e5,[{}],{"a":[[],"\n\"\\"]}, "héllo 😀", 9223372036854775808]"#,
        ].map { Array($0.utf8) }
        let interesting: [UInt8] = [
            0x22, 0x5C, 0x5B, 0x5D, 0x7B, 0x7D, 0x2C, 0x3A, 0x30, 0x2D, 0x2E, 0x65, 0x75, 0x00, 0x0A, 0x80, 0xC3,
            0xED, 0xF0, 0xFF, 0x20,
        ]
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return Int(x % UInt64(max(bound, 1)))
        }
        var accepted = 0
        for round in 0..<20_000 {
            var doc = seeds[round % seeds.count]
            for _ in 0...next(3) {
                let at = next(doc.count + 1)
                switch next(3) {
                case 0: doc.insert(interesting[next(interesting.count)], at: at)
                case 1: if at < doc.count { doc.remove(at: at) }
                default: if at < doc.count { doc[at] = interesting[next(interesting.count)] }
                }
            }
            switch parse(bytes: doc) {
            case .success(let v):
                accepted += 1
                #expect(String(validating: doc, as: UTF8.self) != nil)
                #expect(JSONParser.parse(Array(v.text.utf8)) == .success(v), "\(String(decoding: doc, as: UTF8.self))")
            case .failure(let e):
                #expect(e.offset >= 0 && e.offset <= doc.count)
                #expect(!e.message.isEmpty)
            }
        }
        #expect(accepted > 0)
    }

    @Test func everyTruncationIsAnError() {
        let doc = Array(#"{"a":[1,2.5e3,"x\u0041é😀",true,false,null],"b":{}}"#.utf8)
        #expect((try? parse(bytes: doc).get()) != nil)
        for k in 0..<doc.count {
            guard case .failure(let e) = parse(bytes: Array(doc[0..<k])) else {
                Issue.record("prefix of \(k) bytes parsed")
                continue
            }
            #expect(e.offset <= k)
        }
    }
}
