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
        #expect(
            kinds("true false null in", cel: true) == [
                .keyword(.true), .keyword(.false), .keyword(.null), .keyword(.in),
            ])
    }

    @Test(arguments: [
        ("\"a\\nb\"", "a\nb"), ("'\\t\\r\\\\\\\"\\'\\`\\?'", "\t\r\\\"'`?"),
        ("'\\a\\b\\f\\v'", "\u{07}\u{08}\u{0C}\u{0B}"),
        ("'\\u00e9'", "é"), ("'\\U0001F600'", "😀"), ("'\\x41'", "A"), ("'\\101'", "A"), ("'\\xff'", "ÿ"),
        ("r'\\n'", "\\n"), ("R\"\\u00e9\"", "\\u00e9"), ("\"\"\"a\n\"b\"\n\"\"\"", "a\n\"b\"\n"), ("'''x'y'''", "x'y"),
        ("'é日本'", "é日本"), ("\"\"", ""), ("r'''\\'''", "\\"),
    ])
    func decodesStringEscapes(text: String, expected: String) {
        #expect(value(text) == .string(expected))
    }

    @Test(
        arguments: [
            ("b'\\xff\\x00'", [0xFF, 0x00]), ("b'\\377'", [0xFF]), ("b'\\u00e9'", [0xC3, 0xA9]),
            ("b'é'", [0xC3, 0xA9]),
            ("B\"abc\"", [0x61, 0x62, 0x63]), ("rb'\\x'", [0x5C, 0x78]),
        ] as [(String, [UInt8])])
    func decodesBytesLiterals(text: String, expected: [UInt8]) {
        #expect(value(text) == .bytes(expected))
    }

    @Test(
        arguments: [
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
        (
            "'\\U00110000'", "invalid Unicode code point U+110000 in escape `\\U00110000`",
            SourceSpan(start: 1, end: 11), false
        ),
        ("'\\x4'", "`\\x` must be followed by 2 hexadecimal digits", SourceSpan(start: 1, end: 4), false),
        (
            "'\\18'", "an octal escape takes exactly three octal digits (`\\000` to `\\377`)",
            SourceSpan(start: 1, end: 3), false
        ),
        ("\"abc", "unterminated string", SourceSpan(start: 0, end: 4), true),
        ("\"abc\nx", "unterminated string", SourceSpan(start: 0, end: 4), false),
        ("'''abc\n''", "unterminated triple-quoted string", SourceSpan(start: 0, end: 9), true),
        ("a & b", "unexpected character `&`; did you mean `&&`?", SourceSpan(start: 2, end: 3), false),
        ("a @ b", "unexpected character `@`", SourceSpan(start: 2, end: 3), false),
        ("0x", "expected hexadecimal digits after `0x`", SourceSpan(start: 0, end: 2), false),
        ("12abc", "invalid suffix `abc` on a number", SourceSpan(start: 2, end: 5), false),
        ("1e999", "double literal `1e999` is out of range", SourceSpan(start: 0, end: 5), false),
        ("x.`a", "unterminated backtick-quoted name", SourceSpan(start: 2, end: 4), true),
        (
            "x.`a+b`", "a backtick-quoted name may contain only letters, digits, `_`, `.`, `-`, `/` and spaces",
            SourceSpan(start: 4, end: 5), false
        ),
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

/// Hole 4 of "Trust, round 2": a carriage return or another line separator must not hide code, and
/// bidirectional controls must not reorder it ("Trojan Source", CVE-2021-42574).
@Suite struct LineEndAndHiddenCharacterTests {
    /// The characters `Lexer.hiddenCharacterName` names: vertical whitespace, then bidi controls.
    static let verticalSpace: [(Unicode.Scalar, String)] = [
        ("\u{0B}", "U+000B LINE TABULATION (vertical tab)"), ("\u{0C}", "U+000C FORM FEED"),
        ("\u{85}", "U+0085 NEXT LINE"), ("\u{2028}", "U+2028 LINE SEPARATOR"),
        ("\u{2029}", "U+2029 PARAGRAPH SEPARATOR"),
    ]
    static let bidi: [(Unicode.Scalar, String)] = [
        ("\u{061C}", "U+061C ARABIC LETTER MARK"), ("\u{200E}", "U+200E LEFT-TO-RIGHT MARK"),
        ("\u{200F}", "U+200F RIGHT-TO-LEFT MARK"), ("\u{202A}", "U+202A LEFT-TO-RIGHT EMBEDDING"),
        ("\u{202B}", "U+202B RIGHT-TO-LEFT EMBEDDING"), ("\u{202C}", "U+202C POP DIRECTIONAL FORMATTING"),
        ("\u{202D}", "U+202D LEFT-TO-RIGHT OVERRIDE"), ("\u{202E}", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u{2066}", "U+2066 LEFT-TO-RIGHT ISOLATE"), ("\u{2067}", "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("\u{2068}", "U+2068 FIRST STRONG ISOLATE"), ("\u{2069}", "U+2069 POP DIRECTIONAL ISOLATE"),
    ]

    static func errors(_ text: String, cel: Bool = false) -> [(String, Warden.SourceLocation)] {
        let src = SourceFile(name: "t", text: text)
        let diagnostics =
            cel
            ? Parser.parseExpression(src, options: SyntaxOptions(celMode: true)).diagnostics
            : Parser.parseFile(src).diagnostics
        return diagnostics.filter { $0.severity == .error }.map { ($0.message, src.location(of: $0.span.start)) }
    }

    @Test func aCarriageReturnEndsACommentSoTheRuleAfterItRuns() throws {
        let text = "# note\rrule \"b\" when rooted then wipeData"
        #expect(
            kinds(text) == [
                .keyword(.rule), .string, .keyword(.when), .identifier, .keyword(.then), .keyword(.wipeData),
            ])
        let program = try Engine().compile(text)
        #expect(program.ruleNames == ["b"])
        let d = program.evaluate(program.input(["rooted": .bool(true)]))
        #expect(d.action == .wipeData)
        #expect(d.fired.map(\.line) == [2])
    }

    @Test func lfCrAndCrlfEachEndALineAndAComment() {
        for end in ["\n", "\r", "\r\n"] {
            let r = lex("a # one\(end)b // two\(end)c", comments: true)
            #expect(r.diagnostics.isEmpty)
            #expect(r.tokens.map(\.kind) == [.identifier, .comment, .identifier, .comment, .identifier, .eof])
            guard r.tokens.count == 6 else { continue }
            let src = SourceFile(name: "t", text: "a # one\(end)b // two\(end)c")
            #expect(src.text(r.tokens[1].span) == "# one")
            #expect(src.text(r.tokens[3].span) == "// two")
            #expect(src.location(of: r.tokens[4].span.start) == SourceLocation(line: 3, column: 1))
        }
        // A lone CR ends a single-line string, as a LF does: the editor shows the string cut there.
        #expect(lex("'abc\rdef'").diagnostics.first?.message == "unterminated string")
        #expect(lex("x.`a\rb`").diagnostics.first?.message == "unterminated backtick-quoted name")
    }

    @Test(arguments: verticalSpace + bidi)
    func aHiddenCharacterInACommentIsAnErrorAtItsPosition(c: Unicode.Scalar, name: String) {
        let text = "rule \"a\" when rooted then warn\n# ok \(c)rule \"b\" when rooted then wipeData\n"
        let e = Self.errors(text)
        #expect(e.count == 1)
        #expect(e.first?.0.hasPrefix("\(name) is not allowed in a comment; ") == true, "\(e)")
        #expect(e.first?.1 == SourceLocation(line: 2, column: 6))
    }

    @Test(arguments: verticalSpace + bidi)
    func aHiddenCharacterBetweenTokensIsAnErrorAtItsPosition(c: Unicode.Scalar, name: String) {
        let text = "rule \"a\" when rooted then warn\nwhen rooted\(c) then wipeData\n"
        let e = Self.errors(text)
        #expect(e.first?.0.hasPrefix("\(name) is not allowed outside a string literal; ") == true, "\(e)")
        #expect(e.first?.1 == SourceLocation(line: 2, column: 12))
    }

    @Test func theMessagesSayWhyTheCharacterIsRefused() {
        #expect(
            Self.errors("# a\u{2028}b").first?.0
                == "U+2028 LINE SEPARATOR is not allowed in a comment; editors show a line break here")
        #expect(
            Self.errors("a\u{0C}b").first?.0
                == "U+000C FORM FEED is not allowed outside a string literal; some editors show a line break here")
        #expect(
            Self.errors("// \u{202E}x").first?.0
                == "U+202E RIGHT-TO-LEFT OVERRIDE is not allowed in a comment; a bidirectional control character can "
                + "make the code display differently from how it runs")
        #expect(
            Self.errors("x.`a\u{202E}b`").first?.0.hasPrefix("U+202E RIGHT-TO-LEFT OVERRIDE is not allowed in a name")
                == true)
    }

    @Test(arguments: bidi + verticalSpace.filter { $0.0.value > 0x0C })
    func bidiControlsAndLineSeparatorsInAStringMustBeEscapes(c: Unicode.Scalar, name: String) {
        let hex = String(c.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        for quote in ["\"", "'", "\"\"\"", "b'"] {
            let close = quote == "b'" ? "'" : quote
            let text = "when rooted then warn\nwhen rooted then warn \(quote)ab\(c)c\(close)"
            let e = Self.errors(text)
            #expect(e.filter { $0.0.hasPrefix("U+") }.count == 1, "\(quote)")  // (bytes make no message: a 2nd error)
            #expect(
                e.first?.0
                    == "\(name) is not allowed unescaped in a string literal; write it as the escape `\\u\(padded)`")
            #expect(e.first?.1 == SourceLocation(line: 2, column: 25 + quote.unicodeScalars.count))
        }
        let raw = Self.errors("when rooted then warn r'\(c)'")
        #expect(raw.first?.0.hasSuffix("the escape `\\u\(padded)` in a string without the `r` prefix") == true)
        // The escape is visible in the source, so it is allowed.
        #expect(value("'a\\u\(padded)b'") == .string("a\(c)b"))
    }

    @Test func verticalTabAndFormFeedAreAllowedInStringsAsInCEL() {
        #expect(value("' \u{0B} \u{0C} '") == .string(" \u{0B} \u{0C} "))
        #expect(value("\"\"\"\u{0C}\"\"\"") == .string("\u{0C}"))
        #expect(value("b'\u{0B}'") == .bytes([0x0B]))
    }

    @Test func formFeedIsWhitespaceOnlyInCELMode() {
        #expect(kinds("1\u{0C}+\u{0C}2", cel: true) == [.int, .plus, .int])
        #expect(lex("1\u{0C}+2", cel: true).diagnostics.isEmpty)
        #expect(lex("1\u{0C}+2").diagnostics.first?.message.hasPrefix("U+000C FORM FEED") == true)
        // Bidi controls and the other separators are errors in CEL mode too.
        #expect(Self.errors("1 + \u{202E}2", cel: true).first?.1 == SourceLocation(line: 1, column: 5))
        #expect(Self.errors("1 // \u{2029}", cel: true).count == 1)
    }

    @Test func lineEndsInTripleQuotedStringsReadAsLF() {
        for end in ["\n", "\r", "\r\n"] {
            #expect(value("'''a\(end)b'''") == .string("a\nb"), "\(Array(end.utf8))")
            #expect(value("r\"\"\"a\(end)b\"\"\"") == .string("a\nb"))
            #expect(value("b'''a\(end)b'''") == .bytes([0x61, 0x0A, 0x62]))
        }
        #expect(value("'''a\r\r\nb'''") == .string("a\n\nb"))
        // An escaped CR is still a CR.
        #expect(value("'''a\\r\\nb'''") == .string("a\r\nb"))
    }

    @Test func aBackslashAtTheEndOfALineDoesNotSwallowTheLineEnd() {
        for end in ["\n", "\r", "\r\n"] {
            let text = "'''a\\\(end)b'''"
            let src = SourceFile(name: "t", text: text)
            let r = lex(text)
            #expect(r.diagnostics.map(\.message) == ["invalid escape sequence `\\` at the end of a line"])
            #expect(r.diagnostics.first.map { src.location(of: $0.span.end) } == SourceLocation(line: 1, column: 6))
        }
    }

    @Test func manyHiddenCharactersInOneCommentOrStringAreOneError() {
        let many = String(repeating: "\u{202E}", count: 100_000)
        let comment = Self.errors("# \(many)\nwhen rooted then warn")
        #expect(comment.count == 1)
        #expect(comment.first?.0.hasSuffix("(and 99999 more such characters in this comment)") == true)
        let string = Self.errors("when rooted then warn '\(many)'")
        #expect(string.count == 1)
        #expect(string.first?.0.hasSuffix("(and 99999 more such characters in this string)") == true)
        let between = Self.errors("when rooted \(many) then warn")
        #expect(between.count == 1)
        #expect(between.first?.0.hasSuffix("(and 99999 more such characters after it)") == false)
        #expect(between.first?.0.hasSuffix(", and 99999 more such characters after it") == true)
        // Next to other unexpected characters, a hidden one still gets its own message.
        let mixed = Self.errors("when rooted @@\u{2028}\u{2028} then warn")
        #expect(
            mixed.map(\.0) == [
                "unexpected character `@`, and 1 more unexpected character after it",
                "U+2028 LINE SEPARATOR is not allowed outside a string literal; editors show a line break here, "
                    + "and 1 more such character after it",
            ])
        #expect(mixed.map(\.1.column) == [13, 15])
    }
}
