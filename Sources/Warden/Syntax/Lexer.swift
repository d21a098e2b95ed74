// The lexer: UTF-8 bytes in, tokens with exact byte spans out. It works on `[UInt8]` and
// allocates a `String` only for a name or a string literal's decoded value.
//
// Lexical errors never stop the lexer: it reports them, produces an `.invalid` token (or the
// best-effort literal) and carries on, so the parser sees the whole input.

/// Turns a source into tokens (see `Grammar/warden.ebnf`, lexical part).
package struct Lexer {
    private let source: SourceFile
    private let options: SyntaxOptions
    private let bytes: [UInt8]
    private var pos = 0
    private var tokens: [Token] = []
    private var diagnostics: [Diagnostic] = []

    /// The keyword table, built from `Keyword`'s raw values (by length, see `keyword(from:)`).
    private static let keywordsByLength = byLength(Keyword.allCases)
    private static let celKeywordsByLength = byLength(Keyword.celKeywords)

    package init(_ source: SourceFile, options: SyntaxOptions) {
        self.source = source
        self.options = options
        self.bytes = source.bytes
    }

    /// Scans the whole source. The last token is always `.eof`.
    package mutating func tokenize() -> (tokens: [Token], diagnostics: [Diagnostic]) {
        tokens.reserveCapacity(bytes.count / 3 + 1)
        while true {
            skipWhitespace()
            guard pos < bytes.count else { break }
            scanToken()
        }
        tokens.append(Token(kind: .eof, span: .at(bytes.count)))
        return (tokens, diagnostics)
    }

    // MARK: - Helpers

    /// The byte `k` positions ahead, or 0 past the end.
    private func peek(_ k: Int = 0) -> UInt8 {
        let i = pos + k
        return i < bytes.count ? bytes[i] : 0
    }

    private mutating func add(_ kind: TokenKind, from start: Int, value: TokenValue = .none) {
        tokens.append(Token(kind: kind, span: SourceSpan(start: start, end: pos), value: value))
    }

    private mutating func error(_ code: ErrorCode, _ message: String, _ span: SourceSpan, incomplete: Bool = false) {
        diagnostics.append(Diagnostic(.error, code, message, span: span, isIncomplete: incomplete))
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
    private static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
    }
    private static func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
    private static func hexValue(_ c: UInt8) -> UInt32 {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x61...0x66: UInt32(c - 0x61 + 10)
        case 0x41...0x46: UInt32(c - 0x41 + 10)
        default: 0
        }
    }

    /// Decodes the Unicode scalar starting at byte `i`: its value and length in bytes, or nil when
    /// the bytes there are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF too).
    static func decodeScalar(_ bytes: [UInt8], at i: Int) -> (value: UInt32, length: Int)? {
        guard i >= 0 && i < bytes.count else { return nil }
        let b0 = bytes[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        var value: UInt32
        let length: Int
        let minimum: UInt32
        switch b0 {
        case 0xC2...0xDF: (value, length, minimum) = (UInt32(b0 & 0x1F), 2, 0x80)
        case 0xE0...0xEF: (value, length, minimum) = (UInt32(b0 & 0x0F), 3, 0x800)
        case 0xF0...0xF4: (value, length, minimum) = (UInt32(b0 & 0x07), 4, 0x10000)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return nil }
        return (value, length)
    }

    /// Appends the UTF-8 encoding of a valid scalar value.
    static func appendUTF8(_ v: UInt32, to buf: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            buf.append(UInt8(v))
        case 0x80..<0x800:
            buf.append(UInt8(0xC0 | (v >> 6)))
            buf.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            buf.append(UInt8(0xE0 | (v >> 12)))
            buf.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            buf.append(UInt8(0x80 | (v & 0x3F)))
        default:
            buf.append(UInt8(0xF0 | ((v >> 18) & 0x07)))
            buf.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            buf.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            buf.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    private func invalidByteMessage(_ b: UInt8) -> String {
        let hex = String(b, radix: 16, uppercase: true)
        return "invalid UTF-8 byte 0x\(hex.count < 2 ? "0" + hex : hex)"
    }

    // MARK: - Characters that hide code ("Trojan Source", CVE-2021-42574)

    /// The name of a character that makes what an editor shows differ from what the lexer reads,
    /// or nil. Vertical whitespace other than LF and CR (editors may break the line there) and the
    /// bidirectional controls (they reorder the text on screen). LF, CR and CRLF end a line
    /// everywhere, so they are not in this list.
    static func hiddenCharacterName(_ v: UInt32) -> String? {
        switch v {
        case 0x0B: "U+000B LINE TABULATION (vertical tab)"
        case 0x0C: "U+000C FORM FEED"
        case 0x85: "U+0085 NEXT LINE"
        case 0x2028: "U+2028 LINE SEPARATOR"
        case 0x2029: "U+2029 PARAGRAPH SEPARATOR"
        case 0x061C: "U+061C ARABIC LETTER MARK"
        case 0x200E: "U+200E LEFT-TO-RIGHT MARK"
        case 0x200F: "U+200F RIGHT-TO-LEFT MARK"
        case 0x202A: "U+202A LEFT-TO-RIGHT EMBEDDING"
        case 0x202B: "U+202B RIGHT-TO-LEFT EMBEDDING"
        case 0x202C: "U+202C POP DIRECTIONAL FORMATTING"
        case 0x202D: "U+202D LEFT-TO-RIGHT OVERRIDE"
        case 0x202E: "U+202E RIGHT-TO-LEFT OVERRIDE"
        case 0x2066: "U+2066 LEFT-TO-RIGHT ISOLATE"
        case 0x2067: "U+2067 RIGHT-TO-LEFT ISOLATE"
        case 0x2068: "U+2068 FIRST STRONG ISOLATE"
        case 0x2069: "U+2069 POP DIRECTIONAL ISOLATE"
        default: nil
        }
    }

    /// Whether `v` is one of the vertical whitespace characters of `hiddenCharacterName`.
    static func isVerticalSpace(_ v: UInt32) -> Bool {
        v == 0x0B || v == 0x0C || v == 0x85 || v == 0x2028 || v == 0x2029
    }

    /// The error for a hidden character outside a string literal (`where`: "in a comment",
    /// "between tokens"...), or nil when `v` is not one.
    static func hiddenCharacterMessage(_ v: UInt32, where place: String) -> String? {
        guard let name = hiddenCharacterName(v) else { return nil }
        if isVerticalSpace(v) {
            let editors = v == 0x0B || v == 0x0C ? "some editors show" : "editors show"
            return "\(name) is not allowed \(place); \(editors) a line break here"
        }
        return "\(name) is not allowed \(place); a bidirectional control character can make "
            + "the code display differently from how it runs"
    }

    /// The error for a hidden character inside a string literal, or nil when it is allowed there:
    /// VT and FF are (CEL allows them, and editors do not break lines at them); the other line
    /// separators and the bidirectional controls must be written as an escape.
    static func hiddenCharacterInStringMessage(_ v: UInt32, raw: Bool) -> String? {
        guard v != 0x0B && v != 0x0C, let name = hiddenCharacterName(v) else { return nil }
        var hex = String(v, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        let escape = raw ? "the escape `\\u\(hex)` in a string without the `r` prefix" : "the escape `\\u\(hex)`"
        return "\(name) is not allowed unescaped in a string literal; write it as \(escape)"
    }

    /// The first hidden character reported inside one comment or string, and how many more it had:
    /// one diagnostic per comment or string, so a megabyte of them stays one error.
    private struct HiddenTally {
        var index: Int?
        var more = 0
    }

    private mutating func reportHidden(_ message: String, _ span: SourceSpan, _ tally: inout HiddenTally) {
        if tally.index == nil {
            tally.index = diagnostics.count
            error(.unexpectedCharacter, message, span)
        } else {
            tally.more += 1
        }
    }

    private mutating func finish(_ tally: HiddenTally, in what: String) {
        guard let i = tally.index, tally.more > 0, i < diagnostics.count else { return }
        let n = tally.more
        diagnostics[i].message += " (and \(n) more such character\(n == 1 ? "" : "s") in this \(what))"
    }

    // MARK: - Tokens

    /// Spaces, tabs and line ends (LF, CR, CRLF). Form feed is whitespace only in `--cel` mode, as
    /// in CEL's grammar; in a policy it is an error (see `hiddenCharacterName`), as is VT.
    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            case 0x0C where options.celMode: pos += 1
            default: return
            }
        }
    }

    private mutating func scanToken() {
        let start = pos
        let c = bytes[pos]
        func single(_ kind: TokenKind) {
            pos += 1
            add(kind, from: start)
        }
        func pair(_ second: UInt8, _ two: TokenKind, else one: TokenKind) {
            if peek(1) == second {
                pos += 2
                add(two, from: start)
            } else {
                single(one)
            }
        }
        switch c {
        case UInt8(ascii: "("): single(.leftParen)
        case UInt8(ascii: ")"): single(.rightParen)
        case UInt8(ascii: "["): single(.leftBracket)
        case UInt8(ascii: "]"): single(.rightBracket)
        case UInt8(ascii: "{"): single(.leftBrace)
        case UInt8(ascii: "}"): single(.rightBrace)
        case UInt8(ascii: ","): single(.comma)
        case UInt8(ascii: ":"): single(.colon)
        case UInt8(ascii: "?"): single(.question)
        case UInt8(ascii: "+"): single(.plus)
        case UInt8(ascii: "-"): single(.minus)
        case UInt8(ascii: "*"): single(.star)
        case UInt8(ascii: "%"): single(.percent)
        case UInt8(ascii: "!"): pair(UInt8(ascii: "="), .bangEqual, else: .bang)
        case UInt8(ascii: "="): pair(UInt8(ascii: "="), .equalEqual, else: .assign)
        case UInt8(ascii: "<"): pair(UInt8(ascii: "="), .lessEqual, else: .less)
        case UInt8(ascii: ">"): pair(UInt8(ascii: "="), .greaterEqual, else: .greater)
        case UInt8(ascii: "&"), UInt8(ascii: "|"):
            if peek(1) == c {
                pos += 2
                add(c == UInt8(ascii: "&") ? .ampAmp : .pipePipe, from: start)
            } else {
                pos += 1
                let op = c == UInt8(ascii: "&") ? "&&" : "||"
                error(
                    .unexpectedCharacter,
                    "unexpected character `\(Character(Unicode.Scalar(c)))`; did you mean `\(op)`?",
                    SourceSpan(start: start, end: pos))
                add(.invalid, from: start)
            }
        case UInt8(ascii: "/"):
            if peek(1) == UInt8(ascii: "/") { scanComment() } else { single(.slash) }
        case UInt8(ascii: "#"):
            if options.celMode {
                error(
                    .hashComment, "`#` comments are not allowed in CEL; use `//`",
                    SourceSpan(start: start, end: start + 1))
            }
            scanComment()
        case UInt8(ascii: "."):
            if Lexer.isDigit(peek(1)) { scanNumber() } else { single(.dot) }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            scanString(from: start, raw: false, isBytes: false)
        case UInt8(ascii: "`"):
            scanQuotedIdentifier()
        case _ where Lexer.isDigit(c):
            scanNumber()
        case _ where Lexer.isIdentStart(c):
            scanWord()
        default:
            scanUnexpected()
        }
    }

    private mutating func scanUnexpected() {
        let start = pos
        let message: String
        var isHidden = false
        if let (value, length) = Lexer.decodeScalar(bytes, at: pos) {
            pos += length
            if let hidden = Lexer.hiddenCharacterMessage(value, where: "outside a string literal") {
                message = hidden
                isHidden = true
            } else {
                let shown =
                    value < 0x20 || value == 0x7F
                    ? "U+" + String(value, radix: 16, uppercase: true)
                    : String(Character(Unicode.Scalar(value) ?? "?"))
                message = "unexpected character `\(shown)`"
            }
        } else {
            pos += 1
            message = invalidByteMessage(bytes[start])
        }
        // A run of unexpected characters is one error and one token: a megabyte of `@` made a
        // million diagnostics (seconds and hundreds of MB before the "N more errors" cap). Hidden
        // characters (line separators, bidi controls) make runs of their own, so each run's message
        // names what it holds.
        if unexpectedRunEnd == start, isHidden == unexpectedRunHidden, let t = tokens.indices.last,
            let d = diagnostics.indices.last
        {
            unexpectedRunLength += 1
            tokens[t].span.end = pos
            diagnostics[d].span.end = pos
            let more = unexpectedRunLength - 1
            let what = isHidden ? "such character" : "unexpected character"
            diagnostics[d].message = "\(unexpectedRunFirst), and \(more) more \(what)\(more == 1 ? "" : "s") after it"
        } else {
            error(.unexpectedCharacter, message, SourceSpan(start: start, end: pos))
            add(.invalid, from: start)
            unexpectedRunLength = 1
            unexpectedRunFirst = message
            unexpectedRunHidden = isHidden
        }
        unexpectedRunEnd = pos
    }

    /// The end of the last unexpected character (a run continues only from there), the run's
    /// length and the message of its first character.
    private var unexpectedRunEnd = -1
    private var unexpectedRunLength = 0
    private var unexpectedRunFirst = ""
    private var unexpectedRunHidden = false

    /// `#` or `//` to the end of the line (LF, CR or CRLF). The comment's text must be valid UTF-8
    /// and may not contain other vertical whitespace or bidirectional controls: a reviewer would
    /// see code there that is not code, or text in another order.
    private mutating func scanComment() {
        let start = pos
        var tally = HiddenTally()
        while pos < bytes.count && bytes[pos] != 0x0A && bytes[pos] != 0x0D {
            // The common case first: a run of printable ASCII and tabs.
            pos = bytes.withUnsafeBufferPointer { buf in
                var i = pos
                while i < buf.count, buf[i] < 0x80 && (buf[i] >= 0x20 || buf[i] == 0x09) { i += 1 }
                return i
            }
            guard pos < bytes.count else { break }
            let c = bytes[pos]
            if c == 0x0A || c == 0x0D {
                break
            } else if c == 0x0B || c == 0x0C {
                if let message = Lexer.hiddenCharacterMessage(UInt32(c), where: "in a comment") {
                    reportHidden(message, SourceSpan(start: pos, end: pos + 1), &tally)
                }
                pos += 1
            } else if c < 0x80 {
                pos += 1
            } else if let (value, length) = Lexer.decodeScalar(bytes, at: pos) {
                if let message = Lexer.hiddenCharacterMessage(value, where: "in a comment") {
                    reportHidden(message, SourceSpan(start: pos, end: pos + length), &tally)
                }
                pos += length
            } else {
                error(.unexpectedCharacter, invalidByteMessage(c), SourceSpan(start: pos, end: pos + 1))
                pos += 1
            }
        }
        finish(tally, in: "comment")
        if options.keepComments {
            tokens.append(Token(kind: .comment, span: SourceSpan(start: start, end: pos)))
        }
    }

    /// An identifier, a keyword, or the prefix of a raw/bytes string (`r"`, `b'`, `rb"`, `BR'`...).
    private mutating func scanWord() {
        let start = pos
        let c0 = peek() | 0x20
        let c1 = peek(1) | 0x20
        func isQuote(_ c: UInt8) -> Bool { c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") }
        let r = UInt8(ascii: "r")
        let b = UInt8(ascii: "b")
        if (c0 == r || c0 == b) && isQuote(peek(1)) {
            pos += 1
            scanString(from: start, raw: c0 == r, isBytes: c0 == b)
            return
        }
        if ((c0 == r && c1 == b) || (c0 == b && c1 == r)) && isQuote(peek(2)) {
            pos += 2
            scanString(from: start, raw: true, isBytes: true)
            return
        }
        while pos < bytes.count && Lexer.isIdentChar(bytes[pos]) { pos += 1 }
        if let kw = keyword(from: start) {
            add(.keyword(kw), from: start)
        } else {
            add(.identifier, from: start, value: .name(String(decoding: bytes[start..<pos], as: UTF8.self)))
        }
    }

    /// The keyword spelled by `bytes[start..<pos]`, if any: the word is compared with the few
    /// keywords of its length, byte by byte, without building or hashing a string for it.
    private func keyword(from start: Int) -> Keyword? {
        let table = options.celMode ? Lexer.celKeywordsByLength : Lexer.keywordsByLength
        let n = pos - start
        guard start >= 0, n >= 0, n < table.count, pos <= bytes.count else { return nil }
        let word = bytes[start..<pos]
        return table[n].first { $0.spelling.elementsEqual(word) }?.keyword
    }

    /// Keywords by the length of their spelling (index n: the keywords of n bytes).
    private static func byLength(_ keywords: [Keyword]) -> [[(spelling: [UInt8], keyword: Keyword)]] {
        var table: [[(spelling: [UInt8], keyword: Keyword)]] = []
        for kw in keywords {
            let spelling = Array(kw.rawValue.utf8)
            while table.count <= spelling.count { table.append([]) }
            table[spelling.count].append((spelling, kw))
        }
        return table
    }

    /// `` `name` ``: letters, digits, `_ . - /` and spaces, as CEL allows.
    private mutating func scanQuotedIdentifier() {
        let start = pos
        pos += 1
        let nameStart = pos
        var bad: SourceSpan?
        var badMessage: String?
        while pos < bytes.count && bytes[pos] != UInt8(ascii: "`") && bytes[pos] != 0x0A && bytes[pos] != 0x0D {
            let c = bytes[pos]
            let ok =
                Lexer.isIdentChar(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
                || c == UInt8(ascii: "/") || c == UInt8(ascii: " ")
            if !ok && bad == nil {
                let scalar = Lexer.decodeScalar(bytes, at: pos)
                bad = SourceSpan(start: pos, end: pos + (scalar?.length ?? 1))
                if let v = scalar?.value { badMessage = Lexer.hiddenCharacterMessage(v, where: "in a name") }
            }
            pos += 1
        }
        guard pos < bytes.count && bytes[pos] == UInt8(ascii: "`") else {
            error(
                .unterminatedLiteral,
                "unterminated backtick-quoted name", SourceSpan(start: start, end: pos),
                incomplete: pos >= bytes.count)
            add(.invalid, from: start)
            return
        }
        let nameEnd = pos
        pos += 1
        if let bad {
            let only = "a backtick-quoted name may contain only letters, digits, `_`, `.`, `-`, `/` and spaces"
            error(.invalidQuotedName, badMessage ?? only, bad)
            add(.invalid, from: start)
        } else if nameEnd == nameStart {
            error(.invalidQuotedName, "empty backtick-quoted name", SourceSpan(start: start, end: pos))
            add(.invalid, from: start)
        } else {
            add(
                .quotedIdentifier, from: start,
                value: .name(String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)))
        }
    }

    // MARK: - Numbers

    /// Decimal or `0x` hex integers with an optional `u`/`U` suffix; doubles `1.5`, `1e3`, `.5`, `1.5e-3`.
    private mutating func scanNumber() {
        let start = pos
        var kind = TokenKind.int
        var value = TokenValue.none
        if peek() == UInt8(ascii: "0") && (peek(1) | 0x20) == UInt8(ascii: "x") {
            pos += 2
            let digitsStart = pos
            var magnitude: UInt64? = 0
            while Lexer.isHexDigit(peek()) {
                magnitude = Lexer.accumulate(magnitude, base: 16, digit: UInt64(Lexer.hexValue(peek())))
                pos += 1
            }
            if pos == digitsStart {
                error(.invalidNumber, "expected hexadecimal digits after `0x`", SourceSpan(start: start, end: pos))
                consumeSuffix()
                add(.invalid, from: start)
                return
            }
            value = .integer(magnitude)
        } else {
            var magnitude: UInt64? = 0
            while Lexer.isDigit(peek()) {
                magnitude = Lexer.accumulate(magnitude, base: 10, digit: UInt64(peek() - 0x30))
                pos += 1
            }
            if peek() == UInt8(ascii: ".") && Lexer.isDigit(peek(1)) {
                kind = .double
                pos += 1
                while Lexer.isDigit(peek()) { pos += 1 }
            }
            if (peek() | 0x20) == UInt8(ascii: "e") {
                let signed = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-")
                if Lexer.isDigit(peek(signed ? 2 : 1)) {
                    kind = .double
                    pos += signed ? 2 : 1
                    while Lexer.isDigit(peek()) { pos += 1 }
                }
            }
            if kind == .double {
                let text = String(decoding: bytes[start..<pos], as: UTF8.self)
                let d = Double(text) ?? .infinity
                if !d.isFinite {
                    error(
                        .invalidNumber, "double literal `\(text)` is out of range", SourceSpan(start: start, end: pos))
                }
                value = .double(d.isFinite ? d : 0)
            } else {
                value = .integer(magnitude)
            }
        }
        if kind == .int && (peek() | 0x20) == UInt8(ascii: "u") {
            kind = .uint
            pos += 1
        }
        if Lexer.isIdentChar(peek()) {
            let suffixStart = pos
            consumeSuffix()
            let suffix = String(decoding: bytes[suffixStart..<pos], as: UTF8.self)
            error(.invalidNumber, "invalid suffix `\(suffix)` on a number", SourceSpan(start: suffixStart, end: pos))
            add(.invalid, from: start)
            return
        }
        add(kind, from: start, value: value)
    }

    private mutating func consumeSuffix() {
        while Lexer.isIdentChar(peek()) { pos += 1 }
    }

    /// `acc * base + digit`, or nil once it no longer fits in 64 unsigned bits.
    private static func accumulate(_ acc: UInt64?, base: UInt64, digit: UInt64) -> UInt64? {
        guard let acc else { return nil }
        let (m, o1) = acc.multipliedReportingOverflow(by: base)
        let (s, o2) = m.addingReportingOverflow(digit)
        return o1 || o2 ? nil : s
    }

    // MARK: - Strings

    /// A string or bytes literal; `pos` is at the opening quote, `start` at the prefix (if any).
    private mutating func scanString(from start: Int, raw: Bool, isBytes: Bool) {
        let quote = bytes[pos]
        let triple = peek(1) == quote && peek(2) == quote
        pos += triple ? 3 : 1
        if !triple, scanPlainString(from: start, quote: quote, isBytes: isBytes) { return }
        var buf: [UInt8] = []
        var closed = false
        var tally = HiddenTally()
        while pos < bytes.count {
            let c = bytes[pos]
            if c == quote {
                if !triple {
                    pos += 1
                    closed = true
                    break
                }
                if peek(1) == quote && peek(2) == quote {
                    pos += 3
                    closed = true
                    break
                }
                buf.append(c)
                pos += 1
            } else if (c == 0x0A || c == 0x0D) && !triple {
                break
            } else if c == 0x0D {
                // A line end inside a triple-quoted string is LF in the value, whatever the file
                // uses (CR, CRLF), so a policy means the same after a checkout converts line ends.
                buf.append(0x0A)
                pos += peek(1) == 0x0A ? 2 : 1
            } else if c == UInt8(ascii: "\\") && !raw {
                scanEscape(into: &buf, isBytes: isBytes)
            } else if c < 0x80 {
                buf.append(c)
                pos += 1
            } else if let (value, length) = Lexer.decodeScalar(bytes, at: pos) {
                if let message = Lexer.hiddenCharacterInStringMessage(value, raw: raw) {
                    reportHidden(message, SourceSpan(start: pos, end: pos + length), &tally)
                }
                buf.append(contentsOf: bytes[pos..<(pos + length)])
                pos += length
            } else {
                error(.unexpectedCharacter, invalidByteMessage(c), SourceSpan(start: pos, end: pos + 1))
                pos += 1
            }
        }
        finish(tally, in: "string")
        if !closed {
            let atEnd = pos >= bytes.count
            let what = triple ? "unterminated triple-quoted string" : "unterminated string"
            error(.unterminatedLiteral, what, SourceSpan(start: start, end: pos), incomplete: atEnd)
        }
        if isBytes {
            add(.bytes, from: start, value: .bytes(buf))
        } else {
            add(.string, from: start, value: .string(String(decoding: buf, as: UTF8.self)))
        }
    }

    /// The common case of `scanString`: a one-line string closed on its line, of ASCII with no
    /// backslash, taken as it is written (what the general loop would build, byte for byte, with
    /// nothing to report). `pos` is after the opening quote; false (and `pos` unchanged) otherwise.
    private mutating func scanPlainString(from start: Int, quote: UInt8, isBytes: Bool) -> Bool {
        var end = pos
        while end < bytes.count {
            let c = bytes[end]
            if c == quote { break }
            if c >= 0x80 || c == UInt8(ascii: "\\") || c == 0x0A || c == 0x0D { return false }
            end += 1
        }
        guard end < bytes.count, pos <= end else { return false }
        let body = bytes[pos..<end]
        pos = end + 1
        if isBytes {
            add(.bytes, from: start, value: .bytes(Array(body)))
        } else {
            add(.string, from: start, value: .string(String(decoding: body, as: UTF8.self)))
        }
        return true
    }

    /// One escape sequence; `pos` is at the backslash. In bytes literals `\x` and octal escapes
    /// are raw bytes; everywhere else they and `\u`/`\U` are code points, appended as UTF-8.
    private mutating func scanEscape(into buf: inout [UInt8], isBytes: Bool) {
        let start = pos
        pos += 1
        guard pos < bytes.count else { return }
        let e = bytes[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "n"): buf.append(0x0A)
        case UInt8(ascii: "t"): buf.append(0x09)
        case UInt8(ascii: "r"): buf.append(0x0D)
        case UInt8(ascii: "a"): buf.append(0x07)
        case UInt8(ascii: "b"): buf.append(0x08)
        case UInt8(ascii: "f"): buf.append(0x0C)
        case UInt8(ascii: "v"): buf.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "?"):
            buf.append(e)
        case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : e == UInt8(ascii: "U") ? 8 : 2
            var v: UInt32 = 0
            for k in 0..<count {
                guard Lexer.isHexDigit(peek()) else {
                    let name = "\\" + String(Character(Unicode.Scalar(e)))
                    error(
                        .invalidEscape,
                        "`\(name)` must be followed by \(count) hexadecimal digits", SourceSpan(start: start, end: pos))
                    _ = k
                    return
                }
                v = v << 4 | Lexer.hexValue(peek())
                pos += 1
            }
            appendCodePoint(v, raw: isBytes && count == 2, into: &buf, span: SourceSpan(start: start, end: pos))
        case UInt8(ascii: "0")...UInt8(ascii: "3"):
            guard (0x30...0x37).contains(peek()) && (0x30...0x37).contains(peek(1)) else {
                error(
                    .invalidEscape,
                    "an octal escape takes exactly three octal digits (`\\000` to `\\377`)",
                    SourceSpan(start: start, end: pos))
                return
            }
            let v = UInt32(e - 0x30) << 6 | UInt32(peek() - 0x30) << 3 | UInt32(peek(1) - 0x30)
            pos += 2
            appendCodePoint(v, raw: isBytes, into: &buf, span: SourceSpan(start: start, end: pos))
        default:
            if e >= 0x80, let (value, length) = Lexer.decodeScalar(bytes, at: pos - 1) {
                pos += length - 1
                if let message = Lexer.hiddenCharacterInStringMessage(value, raw: false) {
                    error(.invalidEscape, message, SourceSpan(start: start + 1, end: pos))
                    return
                }
            } else if e == 0x0D || e == 0x0A {
                // A backslash at the end of a line: the line end is not part of the escape.
                pos -= 1
                error(
                    .invalidEscape, "invalid escape sequence `\\` at the end of a line",
                    SourceSpan(start: start, end: pos))
                return
            }
            let shown = source.text(SourceSpan(start: start, end: pos))
            error(.invalidEscape, "invalid escape sequence `\(shown)`", SourceSpan(start: start, end: pos))
        }
    }

    private mutating func appendCodePoint(_ v: UInt32, raw: Bool, into buf: inout [UInt8], span: SourceSpan) {
        if raw {
            buf.append(UInt8(truncatingIfNeeded: v))
        } else if v > 0x10FFFF || (0xD800...0xDFFF).contains(v) {
            let hex = String(v, radix: 16, uppercase: true)
            error(.invalidEscape, "invalid Unicode code point U+\(hex) in escape `\(source.text(span))`", span)
        } else {
            Lexer.appendUTF8(v, to: &buf)
        }
    }
}
