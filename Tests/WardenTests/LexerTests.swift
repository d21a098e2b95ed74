import Testing

@testable import Warden
@testable import WardenTools

func lex(_ text: String, cel: Bool = false, comments: Bool = false) -> (tokens: [Token], diagnostics: [Diagnostic]) {
    var lexer = Lexer(SourceFile(name: "t", text: text), options: SyntaxOptions(celMode: cel, keepComments: comments))
    return lexer.tokenize()
}

func lexBytes(_ bytes: [UInt8]) -> (tokens: [Token], diagnostics: [Diagnostic]) {
    var lexer = Lexer(SourceFile(name: "t", bytes: bytes), options: SyntaxOptions())
    return lexer.tokenize()
}

/// The kinds of the tokens, without the final `.eof`.
func kinds(_ text: String, cel: Bool = false) -> [TokenKind] {
    Array(lex(text, cel: cel).tokens.dropLast().map(\.kind))
}

/// The single literal value of `text`, which must lex without diagnostics.
func value(_ text: String) -> TokenValue? {
    let r = lex(text)
    guard r.diagnostics.isEmpty, r.tokens.count == 2 else { return nil }
    return r.tokens[0].value
}

@Suite struct LexerTests {
    @Test(arguments: [
        ("(", TokenKind.leftParen), (")", .rightParen), ("[", .leftBracket), ("]", .rightBracket),
        ("{", .leftBrace), ("}", .rightBrace), (",", .comma), (".", .dot), (":", .colon), ("?", .question),
        ("+", .plus), ("-", .minus), ("*", .star), ("/", .slash), ("%", .percent), ("!", .bang),
        ("!=", .bangEqual), ("=", .assign), ("==", .equalEqual), ("<", .less), ("<=", .lessEqual),
        (">", .greater), (">=", .greaterEqual), ("&&", .ampAmp), ("||", .pipePipe),
        ("foo", .identifier), ("_x9", .identifier), ("`a-b`", .quotedIdentifier),
        ("1", .int), ("0x1F", .int), ("1u", .uint), ("0xFFU", .uint), ("1.5", .double), ("1e3", .double),
        (".5", .double), ("1.5e-3", .double), ("\"s\"", .string), ("'s'", .string), ("r'\\d'", .string),
        ("b\"x\"", .bytes), ("BR'x'", .bytes), ("rb'x'", .bytes),
        ("route", .identifier), ("managedApps", .identifier), ("blockAccess", .keyword(.blockAccess)),
    ])
    func scansEachTokenKind(text: String, kind: TokenKind) {
        let r = lex(text)
        #expect(r.diagnostics.isEmpty)
        #expect(r.tokens.map(\.kind) == [kind, .eof])
        #expect(r.tokens[0].span == SourceSpan(start: 0, end: text.utf8.count))
    }

    @Test func everyKeywordIsInTheTable() {
        for kw in Keyword.allCases {
            #expect(kinds(kw.rawValue) == [.keyword(kw)])
        }
        #expect(Keyword.allCases.count == 22)
        #expect(Keyword.actions.map(\.rawValue) == ["allow", "warn", "blockAccess", "wipeData"])
        for word in Keyword.contextual { #expect(kinds(word) == [.identifier]) }
    }

    @Test func celModeHasOnlyCELKeywords() {
        #expect(kinds("and or not let rule", cel: true) == Array(repeating: .identifier, count: 5))
        #expect(kinds("true false null in", cel: true) == [.keyword(.true), .keyword(.false), .keyword(.null), .keyword(.in)])
    }

    @Test(arguments: [
        ("\"a\\nb\"", "a\nb"), ("'\\t\\r\\\\\\\"\\'\\`\\?'", "\t\r\\\"'`?"), ("'\\a\\b\\f\\v'", "\u{07}\u{08}\u{0C}\u{0B}"),
        ("'\\u00e9'", "é"), ("'\\U0001F600'", "😀"), ("'\\x41'", "A"), ("'\\101'", "A"), ("'\\xff'", "ÿ"),
        ("r'\\n'", "\\n"), ("R\"\\u00e9\"", "\\u00e9"), ("\"\"\"a\n\"b\"\n\"\"\"", "a\n\"b\"\n"), ("'''x'y'''", "x'y"),
        ("'é日本'", "é日本"), ("\"\"", ""), ("r'''\\'''", "\\"),
    ])
    func decodesStringEscapes(text: String, expected: String) {
        #expect(value(text) == .string(expected))
    }

    @Test(arguments: [
        ("b'\\xff\\x00'", [0xFF, 0x00]), ("b'\\377'", [0xFF]), ("b'\\u00e9'", [0xC3, 0xA9]), ("b'é'", [0xC3, 0xA9]),
        ("B\"abc\"", [0x61, 0x62, 0x63]), ("rb'\\x'", [0x5C, 0x78]),
    ] as [(String, [UInt8])])
    func decodesBytesLiterals(text: String, expected: [UInt8]) {
        #expect(value(text) == .bytes(expected))
    }

    @Test(arguments: [
        ("0", UInt64(0)), ("123", 123), ("0x7fffffffffffffff", UInt64(Int64.max)), ("9223372036854775808", 1 << 63),
        ("18446744073709551615u", UInt64.max), ("0XABu", 0xAB), ("007", 7),
    ] as [(String, UInt64)])
    func scansIntegers(text: String, expected: UInt64) {
        #expect(value(text) == .integer(expected))
    }

    @Test func integerOverflowIsLeftToTheParser() {
        #expect(value("18446744073709551616") == .integer(nil))
        #expect(value("0x10000000000000000") == .integer(nil))
    }

    @Test(arguments: [("1.5", 1.5), ("1e3", 1000.0), (".5", 0.5), ("1.5e-3", 0.0015), ("2E+2", 200.0), ("0.0", 0.0)])
    func scansDoubles(text: String, expected: Double) {
        #expect(value(text) == .double(expected))
    }

    @Test func numberFollowedByDotIsAMemberAccess() {
        #expect(kinds("1.size") == [.int, .dot, .identifier])
        #expect(kinds("x.5") == [.identifier, .double])
    }

    @Test func spansAndColumnsCountScalarsWithNonASCIIText() {
        let text = "\"日本\" == é_x\n  # ü\n  héllo"
        let src = SourceFile(name: "t", text: text)
        var lexer = Lexer(src, options: SyntaxOptions(keepComments: true))
        let r = lexer.tokenize()
        // `é` is not an identifier character: an error at its column, then `_x`.
        #expect(r.diagnostics.map(\.message) == ["unexpected character `é`", "unexpected character `é`"])
        let toks = r.tokens
        #expect(src.text(toks[0].span) == "\"日本\"")
        #expect(src.location(of: toks[1].span.start) == SourceLocation(line: 1, column: 6))
        #expect(src.location(of: toks[2].span.start) == SourceLocation(line: 1, column: 9))
        #expect(toks[2].kind == .invalid)
        #expect(src.location(of: toks[3].span.start) == SourceLocation(line: 1, column: 10))
        #expect(toks[4].kind == .comment)
        #expect(src.text(toks[4].span) == "# ü")
        #expect(src.location(of: toks[4].span.start) == SourceLocation(line: 2, column: 3))
        #expect(src.location(of: toks[5].span.start) == SourceLocation(line: 3, column: 3))
        #expect(toks[5].kind == .identifier && src.text(toks[5].span) == "h")
    }

    @Test func commentsAreSkippedUnlessKept() {
        #expect(kinds("a # b\n// c\nd") == [.identifier, .identifier])
        let kept = lex("a # b\r\n// c", comments: true).tokens.map(\.kind)
        #expect(kept == [.identifier, .comment, .comment, .eof])
        #expect(lex("a # b\r\n", comments: true).tokens[1].span == SourceSpan(start: 2, end: 5))
        let cel = lex("1 # c", cel: true)
        #expect(cel.diagnostics.first?.message == "`#` comments are not allowed in CEL; use `//`")
        #expect(cel.diagnostics.first?.span == SourceSpan(start: 2, end: 3))
    }

    @Test(arguments: [
        ("'\\q'", "invalid escape sequence `\\q`", SourceSpan(start: 1, end: 3), false),
        ("'\\uD800'", "invalid Unicode code point U+D800 in escape `\\uD800`", SourceSpan(start: 1, end: 7), false),
        ("'\\U00110000'", "invalid Unicode code point U+110000 in escape `\\U00110000`", SourceSpan(start: 1, end: 11), false),
        ("'\\x4'", "`\\x` must be followed by 2 hexadecimal digits", SourceSpan(start: 1, end: 4), false),
        ("'\\18'", "an octal escape takes exactly three octal digits (`\\000` to `\\377`)", SourceSpan(start: 1, end: 3), false),
        ("\"abc", "unterminated string", SourceSpan(start: 0, end: 4), true),
        ("\"abc\nx", "unterminated string", SourceSpan(start: 0, end: 4), false),
        ("'''abc\n''", "unterminated triple-quoted string", SourceSpan(start: 0, end: 9), true),
        ("a & b", "unexpected character `&`; did you mean `&&`?", SourceSpan(start: 2, end: 3), false),
        ("a @ b", "unexpected character `@`", SourceSpan(start: 2, end: 3), false),
        ("0x", "expected hexadecimal digits after `0x`", SourceSpan(start: 0, end: 2), false),
        ("12abc", "invalid suffix `abc` on a number", SourceSpan(start: 2, end: 5), false),
        ("1e999", "double literal `1e999` is out of range", SourceSpan(start: 0, end: 5), false),
        ("x.`a", "unterminated backtick-quoted name", SourceSpan(start: 2, end: 4), true),
        ("x.`a+b`", "a backtick-quoted name may contain only letters, digits, `_`, `.`, `-`, `/` and spaces",
         SourceSpan(start: 4, end: 5), false),
    ])
    func reportsLexicalErrors(text: String, message: String, span: SourceSpan, incomplete: Bool) {
        let r = lex(text)
        #expect(r.diagnostics.map(\.message) == [message])
        #expect(r.diagnostics.first?.span == span)
        #expect(r.diagnostics.first?.isIncomplete == incomplete)
    }

    @Test func invalidUTF8IsADiagnosticAtItsByte() {
        // A stray continuation byte, an overlong form, a surrogate, a truncated sequence.
        let cases: [([UInt8], Int)] = [
            ([0x61, 0x20, 0x80, 0x20, 0x62], 2), ([0xC0, 0xAF], 0), ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),
            ([0x23, 0x20, 0xE2, 0x82], 2), ([0x27, 0xFF, 0x27], 1),
        ]
        for (bytes, offset) in cases {
            let r = lexBytes(bytes)
            #expect(r.diagnostics.first?.message.hasPrefix("invalid UTF-8 byte 0x") == true, "\(bytes)")
            #expect(r.diagnostics.first?.span.start == offset, "\(bytes)")
            #expect(r.tokens.last?.kind == .eof)
        }
        #expect(lexBytes([0xFF]).diagnostics.first?.message == "invalid UTF-8 byte 0xFF")
    }

    @Test func lexingIsLinearOnLargeInput() {
        let text = String(repeating: "rule \"r\" when a.b(c, [1, 2.5, 'x\\n']) && d then warn # c\n", count: 20_000)
        let r = lex(text)
        #expect(r.diagnostics.isEmpty)
        #expect(r.tokens.count == 20_000 * 21 + 1)
    }
}
