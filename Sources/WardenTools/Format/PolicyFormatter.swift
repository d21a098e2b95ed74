import Warden

// `warden fmt`: one canonical layout for policy files.
//
// The formatter re-lays out the file's *tokens* (comments included) and never rewrites one:
// literals keep their spelling (`0x1F`, `'a'`, `r"..."`), parentheses stay, trailing commas stay.
// Only whitespace between tokens changes, and newlines carry no meaning in Warden, so the
// formatted file parses to the same tree. The parsed tree only tells where statements, actions,
// entries and facts begin and end.
//
// The layout:
// - Statements start at column 1; at most one blank line is kept between statements (and between
//   entries of a block); blank lines at the start and end of the file are dropped.
// - Spacing: one space around binary operators, `?`, `:` of `?:` and keywords; none inside `()`,
//   `[]` and expression maps `{}`, around `.`, after unary `!`/`-`, before `,`, between a function
//   and its `(`; `key: value` in maps; `given { ... }` keeps a space inside its braces.
// - Rules: one per line. Consecutive named rules (not separated by a blank line or a comment line)
//   align their `when`. A rule longer than 100 columns puts each action after the first on its own
//   line indented 2; if the part up to the first action is still too long, `then` starts a line
//   indented 2; if the condition is still too long, it breaks before each top-level `||`/`or` (or,
//   when there is none, each top-level `&&`/`and`), the new lines indented 4. `let` does the same.
// - `config` blocks: one `KEY = value` per line indented 2, the `=` aligned within the block.
// - `test` blocks: `given`, `expect`, `fired` and `config` each on a line indented 2; a `given` map
//   longer than 100 columns is filled, continuation lines aligned after `given { `.
// - Comments stay where they were: a comment after code stays at the end of that line, a comment on
//   a line of its own stays on a line of its own (indented like the code around it). A comment inside
//   a statement forces the line break after it.
// - Line ends: a file whose first line ends in CRLF is written with CRLF, any other with LF (lone CRs
//   become LF). Inside triple-quoted strings too: the lexer reads every line end there as LF, so the
//   values do not change.

/// Formats policy files in Warden's canonical layout.
public enum PolicyFormatter {
    /// The longest line the formatter aims for.
    public static let lineWidth = 100

    /// The source in canonical layout. Idempotent: formatting the result gives it back unchanged.
    /// - Throws: `CompileError` with the syntax diagnostics when the source does not parse; the
    ///   formatter never lays out a file it cannot read.
    public static func format(_ source: SourceFile) throws(CompileError) -> String {
        let parsed = Parser.parseFile(source)
        let errors = parsed.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            // Capped as `check` caps them ("N more errors"): thousands of rendered errors took seconds.
            let engine = Engine()
            throw CompileError(diagnostics: engine.cap(engine.sortDiagnostics(parsed.diagnostics)), source: source)
        }
        var lexer = Lexer(source, options: SyntaxOptions(keepComments: true))
        let tokens = lexer.tokenize().tokens.filter { $0.kind != .eof }
        var f = FormatterCore(source: source, tokens: tokens)
        f.formatFile(parsed.file)
        let text = usesCRLF(source) ? withCRLF(f.result()) : f.result()
        // Safety net: the layout may change only whitespace (and the line ends). Should it ever change
        // a token (a bug), the file is refused rather than altered.
        let formatted = SourceFile(name: source.name, text: text)
        var relexer = Lexer(formatted, options: SyntaxOptions(keepComments: true))
        let after = relexer.tokenize().tokens.filter { $0.kind != .eof }
        let same =
            after.count == tokens.count
            && zip(after, tokens).allSatisfy { a, b in
                a.kind == b.kind && a.value == b.value
                    && (mayHoldLineEnds(b)
                        ? withLF(formatted.text(a.span)) == withLF(source.text(b.span))
                        : formatted.text(a.span) == source.text(b.span))
            }
        guard same else {
            throw CompileError(
                diagnostics: [
                    .error(
                        .internalError, "internal formatter error: the layout would change the tokens; file left as is",
                        .at(0))
                ],
                source: source)
        }
        return text
    }

    /// Whether the source's first line ends in CRLF (then the formatted text uses CRLF too).
    static func usesCRLF(_ source: SourceFile) -> Bool {
        // The first line's end: the second line's start minus the first line's text end.
        guard let second = source.lineStarts.dropFirst().first, let first = source.lineRange(1) else { return false }
        return second - first.upperBound == 2
    }

    /// Whether a token's text can contain a line end (only a triple-quoted string's can).
    static func mayHoldLineEnds(_ t: Token) -> Bool { t.kind == .string || t.kind == .bytes }

    /// The text with every line end (CRLF, CR) as LF.
    static func withLF(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var previousCR = false
        for b in text.utf8 {
            if b == 0x0A && previousCR {
                previousCR = false
                continue
            }
            previousCR = b == 0x0D
            out.append(b == 0x0D ? 0x0A : b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// LF-only text with every LF as CRLF.
    static func withCRLF(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 16)
        for b in text.utf8 {
            if b == 0x0A { out.append(0x0D) }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Formats text (convenience for tests and hosts).
    public static func format(_ text: String, name: String = "<input>") throws(CompileError) -> String {
        try format(SourceFile(name: name, text: text))
    }
}

/// The formatter's state for one file: the tokens, the spacing decided for them, and the lines built.
struct FormatterCore {
    let source: SourceFile
    let tokens: [Token]
    let texts: [String]
    let widths: [Int]
    /// Spaces before each token when it does not start a line (0 or 1).
    var spaceBefore: [Int]
    /// Token index by start byte offset and by end byte offset (code tokens only).
    var byStart: [Int: Int] = [:]
    var byEnd: [Int: Int] = [:]
    /// Indices of the comment tokens, in order.
    let comments: [Int]
    /// Extra spaces before a token (alignment of `when` in rules).
    var pad: [Int: Int] = [:]

    // Output
    var lines: [String] = []
    var current: String?
    var column = 0
    /// Byte offset just past the last token or comment written.
    var written = 0

    init(source: SourceFile, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
        self.texts = tokens.map {
            let text = source.text($0.span)
            return PolicyFormatter.mayHoldLineEnds($0) ? PolicyFormatter.withLF(text) : text
        }
        self.widths = texts.map { $0.unicodeScalars.count }
        self.spaceBefore = Array(repeating: 1, count: tokens.count)
        self.comments = tokens.indices.filter { tokens[$0].kind == .comment }
        for (i, t) in tokens.enumerated() where t.kind != .comment {
            byStart[t.span.start] = i
            byEnd[t.span.end] = i
        }
        computeSpacing()
    }

    func result() -> String {
        var ls = lines
        if let c = current { ls.append(c) }
        while let last = ls.last, last.isEmpty { ls.removeLast() }
        return ls.isEmpty ? "" : ls.joined(separator: "\n") + "\n"
    }

    // MARK: - Spacing

    static func endsOperand(_ t: Token) -> Bool {
        switch t.kind {
        case .identifier, .quotedIdentifier, .int, .uint, .double, .string, .bytes, .rightParen, .rightBracket,
            .rightBrace, .keyword(.true), .keyword(.false), .keyword(.null):
            return true
        default:
            return false
        }
    }

    enum Bracket { case paren, bracket, map, block }

    /// `apps [`, `groups [` in a config header and `fired [` in a test: a contextual keyword
    /// before a list, not an index.
    static func introducesList(_ p: Token, after pp: Token?) -> Bool {
        guard p.kind == .identifier, let pp else { return false }
        switch p.name {
        case "apps", "groups": return (pp.kind == .identifier && pp.name == "for") || pp.kind == .rightBracket
        case "fired": return pp.keyword?.action != nil
        default: return false
        }
    }

    mutating func computeSpacing() {
        var stack: [(kind: Bracket, questions: Int)] = [(.block, 0)]
        var prev: Token?
        var beforePrev: Token?
        for (i, t) in tokens.enumerated() where t.kind != .comment {
            defer {
                beforePrev = prev
                prev = t
            }
            guard let p = prev else {
                spaceBefore[i] = 0
                continue
            }
            let prevIsUnary = p.kind == .bang || (p.kind == .minus && !(beforePrev.map(Self.endsOperand) ?? false))
            var space = true
            switch t.kind {
            case .comma, .rightParen, .rightBracket:
                space = false
            case .rightBrace:
                space = stack.last?.kind == .block && p.kind != .leftBrace
            case .colon:
                if let top = stack.last, top.questions > 0 {
                    stack[stack.count - 1].questions -= 1
                    space = true
                } else {
                    space = false
                }
            case .dot:
                space = !Self.endsOperand(p)
            case .leftParen:
                space = !(p.kind == .identifier || p.kind == .quotedIdentifier)
            case .leftBracket:
                space = !Self.endsOperand(p) || Self.introducesList(p, after: beforePrev)
            default:
                space = true
            }
            switch p.kind {
            case .leftParen, .leftBracket, .dot: space = false
            case .leftBrace:
                if stack.last?.kind == .map { space = false }
                if t.kind == .rightBrace { space = false }
            default: break
            }
            if prevIsUnary { space = false }
            spaceBefore[i] = space ? 1 : 0
            // Maintain the bracket stack after deciding the space before `t`.
            switch t.kind {
            case .leftParen: stack.append((.paren, 0))
            case .leftBracket: stack.append((.bracket, 0))
            case .leftBrace:
                let isBlock = p.kind == .keyword(.given) || p.kind == .keyword(.config) || Self.endsOperand(p)
                stack.append((isBlock ? .block : .map, 0))
            case .rightParen, .rightBracket, .rightBrace:
                if stack.count > 1 { stack.removeLast() }
            case .question:
                stack[stack.count - 1].questions += 1
            default: break
            }
        }
    }

    // MARK: - Output primitives

    /// Whether the current line has text beyond its indentation.
    var lineHasText = false

    /// Starts a line at `indent` (ending the current one); the next token goes there without a space.
    mutating func startLine(_ indent: Int) {
        endLine()
        current = String(repeating: " ", count: indent)
        column = indent
        lineHasText = false
    }

    mutating func put(_ text: String, width: Int, space: Int, indent: Int) {
        if current == nil { startLine(indent) }
        if lineHasText {
            current? += String(repeating: " ", count: space) + text
            column += space + width
        } else {
            current? += text
            column += width
        }
        lineHasText = true
    }

    mutating func endLine() {
        if let c = current, lineHasText { lines.append(c) }
        current = nil
        column = 0
        lineHasText = false
    }

    mutating func blankLine() {
        endLine()
        if let last = lines.last, !last.isEmpty { lines.append("") }
    }

    func newlines(_ from: Int, _ to: Int) -> Int {
        guard from < to else { return 0 }
        var n = 0
        // CR, and LF not after a CR: each line end (LF, CR, CRLF) counts once. `from` is never
        // between the CR and the LF of a CRLF (tokens end before a line end).
        var previousCR = false
        let lo = max(0, from)
        for b in source.bytes[lo..<max(lo, min(to, source.bytes.count))] {
            if b == 0x0D || (b == 0x0A && !previousCR) { n += 1 }
            previousCR = b == 0x0D
        }
        return n
    }

    /// Writes a comment token: at the end of the current (or last) line when it followed code on the
    /// same line in the source, else on a line of its own at `indent`. The line always ends after it.
    mutating func comment(_ i: Int, indent: Int, allowBlank: Bool) {
        let t = tokens[i]
        let sameLine = written > 0 && newlines(written, t.span.start) == 0
        if sameLine {
            if lineHasText {
                put(texts[i], width: widths[i], space: 1, indent: indent)
            } else if let last = lines.last, !last.isEmpty {
                lines[lines.count - 1] += " " + texts[i]
            } else {
                put(texts[i], width: widths[i], space: 0, indent: indent)
            }
        } else {
            if allowBlank && newlines(written, t.span.start) >= 2 {
                blankLine()
            } else {
                endLine()
            }
            put(texts[i], width: widths[i], space: 0, indent: indent)
        }
        endLine()
        written = t.span.end
    }

    /// Writes the comments that start in `[from, to)` (between statements or entries).
    mutating func gap(from: Int, to: Int, indent: Int, allowBlank: Bool) {
        var k = firstComment(atOrAfter: from)
        while k < comments.count, tokens[comments[k]].span.start < to {
            comment(comments[k], indent: indent, allowBlank: allowBlank)
            k += 1
        }
    }

    /// The position in `comments` of the first comment starting at or after `offset`.
    func firstComment(atOrAfter offset: Int) -> Int {
        var lo = 0
        var hi = comments.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[comments[mid]].span.start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The width of tokens `range` on one line, or `nil` when a comment or a line break inside a
    /// token (a multi-line string) prevents one line.
    func flatWidth(_ range: ClosedRange<Int>) -> Int? {
        var w = 0
        var first = true
        for i in range {
            let t = tokens[i]
            if t.kind == .comment || texts[i].contains("\n") { return nil }
            if !first { w += spaceBefore[i] + (pad[i] ?? 0) }
            w += widths[i]
            first = false
        }
        return w
    }

    func fits(_ range: ClosedRange<Int>, at column: Int) -> Bool {
        guard let w = flatWidth(range) else { return false }
        return column + w <= PolicyFormatter.lineWidth
    }

    /// Writes tokens `range` (comments included): on the current line, breaking before the tokens in
    /// `breaks` (at their indent); after a comment, the next token starts a line at `cont`.
    mutating func emit(_ range: ClosedRange<Int>, breaks: [Int: Int] = [:], cont: Int) {
        for i in range {
            let t = tokens[i]
            if t.kind == .comment {
                comment(i, indent: cont, allowBlank: false)
                continue
            }
            if let indent = breaks[i] {
                startLine(indent)
                put(texts[i], width: widths[i], space: 0, indent: indent)
            } else {
                put(texts[i], width: widths[i], space: spaceBefore[i] + (pad[i] ?? 0), indent: cont)
            }
            written = t.span.end
        }
    }

    // MARK: - Token ranges

    func range(of span: SourceSpan) -> ClosedRange<Int>? {
        guard let a = byStart[span.start], let b = byEnd[span.end], a <= b else { return nil }
        return a...b
    }

    /// The index of the next code token after `i` (skipping comments), or nil.
    func nextCode(after i: Int) -> Int? {
        var j = i + 1
        while j < tokens.count {
            if tokens[j].kind != .comment { return j }
            j += 1
        }
        return nil
    }

    func previousCode(before i: Int) -> Int? {
        var j = i - 1
        while j >= 0 {
            if tokens[j].kind != .comment { return j }
            j -= 1
        }
        return nil
    }

    /// The index of the bracket that closes the one at `open`.
    func matching(_ open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < tokens.count {
            switch tokens[i].kind {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace:
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    /// Code tokens of `range` at bracket depth 0 (relative to the range's start).
    func topLevel(_ range: ClosedRange<Int>) -> [Int] {
        var out: [Int] = []
        var depth = 0
        for i in range {
            switch tokens[i].kind {
            case .comment: continue
            case .leftParen, .leftBracket, .leftBrace:
                if depth == 0 { out.append(i) }
                depth += 1
            case .rightParen, .rightBracket, .rightBrace:
                depth -= 1
                if depth == 0 { out.append(i) }
            default:
                if depth == 0 { out.append(i) }
            }
        }
        return out
    }

    /// Where a long condition breaks: before each top-level `||`/`or`, or, when there is none, each
    /// top-level `&&`/`and`.
    func conditionBreaks(_ range: ClosedRange<Int>) -> [Int] {
        let top = topLevel(range)
        let ors = top.filter { tokens[$0].kind == .pipePipe || tokens[$0].kind == .keyword(.or) }
        if !ors.isEmpty { return ors }
        return top.filter { tokens[$0].kind == .ampAmp || tokens[$0].kind == .keyword(.and) }
    }

    // MARK: - Statements

    enum Item {
        case header(PolicyHeader)
        case statement(Statement)

        var span: SourceSpan {
            switch self {
            case .header(let h): h.span
            case .statement(.let(let d)): d.span
            case .statement(.rule(let r)): r.span
            case .statement(.config(let c)): c.span
            case .statement(.test(let t)): t.span
            }
        }
    }

    mutating func formatFile(_ file: PolicyFile) {
        var items: [Item] = []
        if let h = file.header { items.append(.header(h)) }
        items += file.statements.map { .statement($0) }
        items.sort { $0.span.start < $1.span.start }
        computeRuleAlignment(items)
        // Each item's tokens run from its first token to the last code token before the next item
        // (a statement's span can stop short of a closing parenthesis).
        let firsts = items.map { byStart[$0.span.start] }
        let lastCode = tokens.indices.last { tokens[$0].kind != .comment }
        for (k, item) in items.enumerated() {
            guard let first = firsts[k] else { continue }
            let next = firsts[(k + 1)...].compactMap { $0 }.first
            guard let last = next.flatMap({ previousCode(before: $0) }) ?? lastCode, last >= first else { continue }
            let start = tokens[first].span.start
            gap(from: written, to: start, indent: 0, allowBlank: true)
            if newlines(written, start) >= 2 { blankLine() }
            startLine(0)
            let r = first...last
            switch item {
            case .header:
                emit(r, cont: 2)
            case .statement(.let):
                formatLet(r)
            case .statement(.rule):
                formatRule(r)
            case .statement(.config(let c)):
                formatConfig(c, r)
            case .statement(.test(let t)):
                formatTest(t, r)
            }
            written = tokens[last].span.end
        }
        gap(from: written, to: source.bytes.count + 1, indent: 0, allowBlank: true)
        endLine()
    }

    /// Aligns consecutive statements of one kind (not separated by a blank line or a comment line):
    /// the `when` of named rules, the `=` of `let`s.
    mutating func computeRuleAlignment(_ items: [Item]) {
        enum Kind { case rule, `let` }
        var run: [(token: Int, width: Int)] = []
        var runKind: Kind?
        var lastEnd = 0
        func flush(_ run: inout [(token: Int, width: Int)], _ pad: inout [Int: Int]) {
            let widest = run.map(\.width).max() ?? 0
            for r in run where r.width < widest { pad[r.token] = widest - r.width }
            run.removeAll()
        }
        for item in items {
            var entry: (kind: Kind, token: Int, width: Int)?
            switch item {
            case .statement(.rule(let rule)):
                if let name = rule.name, let nameIdx = byStart[name.span.start], let w = nextCode(after: nameIdx),
                    w == nameIdx + 1
                {
                    entry = (.rule, w, widths[nameIdx])
                }
            case .statement(.let(let d)):
                if let nameIdx = byStart[d.name.span.start], let eq = nextCode(after: nameIdx), eq == nameIdx + 1 {
                    entry = (.let, eq, widths[nameIdx])
                }
            default: break
            }
            let start = item.span.start
            if let e = entry, e.kind == runKind, newlines(lastEnd, start) < 2, !hasComment(from: lastEnd, to: start) {
                run.append((e.token, e.width))
            } else {
                flush(&run, &pad)
                if let e = entry { run.append((e.token, e.width)) }
                runKind = entry?.kind
            }
            lastEnd = item.span.end
        }
        flush(&run, &pad)
    }

    func hasComment(from: Int, to: Int) -> Bool {
        let k = firstComment(atOrAfter: from)
        return k < comments.count && tokens[comments[k]].span.start < to
    }

    /// The index of the first code token of `kind` in `range`.
    func first(_ kind: TokenKind, in range: ClosedRange<Int>) -> Int? {
        range.first { tokens[$0].kind == kind }
    }

    mutating func formatLet(_ r: ClosedRange<Int>) {
        guard !fits(r, at: 0), let eq = first(.assign, in: r), eq < r.upperBound else {
            emit(r, cont: 4)
            return
        }
        var breaks: [Int: Int] = [:]
        for b in conditionBreaks((eq + 1)...r.upperBound) { breaks[b] = 4 }
        emit(r, breaks: breaks, cont: 4)
    }

    mutating func formatRule(_ r: ClosedRange<Int>) {
        guard !fits(r, at: 0), let whenIdx = first(.keyword(.when), in: r), let thenIdx = first(.keyword(.then), in: r),
            whenIdx < thenIdx, let condEnd = previousCode(before: thenIdx), condEnd > whenIdx
        else {
            emit(r, cont: 2)
            return
        }
        let condRange = (whenIdx + 1)...condEnd
        // Actions: split at top-level commas after `then`; each action after the first gets a line.
        var breaks: [Int: Int] = [:]
        var firstActionEnd = r.upperBound
        if thenIdx < r.upperBound {
            let commas = topLevel((thenIdx + 1)...r.upperBound).filter { tokens[$0].kind == .comma }
            if let firstComma = commas.first { firstActionEnd = firstComma }
            for c in commas {
                if let next = nextCode(after: c), next <= r.upperBound { breaks[next] = 2 }
            }
        }
        if !fits(r.lowerBound...firstActionEnd, at: 0) {
            breaks[thenIdx] = 2
            if !fits(r.lowerBound...condEnd, at: 0) {
                for b in conditionBreaks(condRange) { breaks[b] = 4 }
            }
        }
        emit(r.lowerBound...condEnd, breaks: breaks, cont: 4)
        emit((condEnd + 1)...r.upperBound, breaks: breaks, cont: 2)
    }

    mutating func formatConfig(_ c: ConfigDecl, _ r: ClosedRange<Int>) {
        guard let open = topLevel(r).first(where: { tokens[$0].kind == .leftBrace }), open < r.upperBound else {
            emit(r, cont: 4)
            return
        }
        emit(r.lowerBound...open, cont: 4)
        assignmentBlock(c.entries, open: open, close: r.upperBound, indent: 0)
    }

    /// `{` entries `}`: one `KEY = value` per line at `indent + 2`, `=` aligned; `}` at `indent`.
    mutating func assignmentBlock(_ entries: [Assignment], open: Int, close: Int, indent: Int) {
        let inner = tokens[(open + 1)..<close]
        if entries.isEmpty && !inner.contains(where: { $0.kind == .comment }) {
            emit(close...close, cont: indent)
            return
        }
        let keyWidth = entries.compactMap { byStart[$0.key.span.start].map { widths[$0] } }.max() ?? 0
        var first = true
        for e in entries {
            guard let er = range(of: e.span), let eq = nextCode(after: er.lowerBound) else { continue }
            gap(from: written, to: e.span.start, indent: indent + 2, allowBlank: !first)
            if !first && newlines(written, e.span.start) >= 2 { blankLine() }
            startLine(indent + 2)
            first = false
            pad[eq] = keyWidth - widths[er.lowerBound]
            emit(er, cont: indent + 4)
        }
        gap(from: written, to: tokens[close].span.start, indent: indent + 2, allowBlank: !first)
        startLine(indent)
        emit(close...close, cont: indent)
    }

    mutating func formatTest(_ t: TestDecl, _ r: ClosedRange<Int>) {
        guard let open = nextCode(after: r.lowerBound).flatMap({ nextCode(after: $0) }),
            tokens[open].kind == .leftBrace, open < r.upperBound
        else {
            emit(r, cont: 4)
            return
        }
        emit(r.lowerBound...open, cont: 4)
        // The parts: `given {...}`, `expect X`, `fired [...]`, `config {...}`.
        var starts: [Int] = []
        var depth = 0
        for i in (open + 1)..<r.upperBound {
            let k = tokens[i].kind
            if k == .comment { continue }
            if depth == 0 {
                if k == .keyword(.given) || k == .keyword(.expect) || k == .keyword(.config)
                    || (k == .identifier && texts[i] == "fired")
                {
                    starts.append(i)
                }
            }
            switch k {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace: depth -= 1
            default: break
            }
        }
        for (n, s) in starts.enumerated() {
            let end =
                n + 1 < starts.count
                ? (previousCode(before: starts[n + 1]) ?? s) : (previousCode(before: r.upperBound) ?? s)
            gap(from: written, to: tokens[s].span.start, indent: 2, allowBlank: n > 0)
            if n > 0 && newlines(written, tokens[s].span.start) >= 2 { blankLine() }
            startLine(2)
            switch tokens[s].kind {
            case .keyword(.given):
                formatFilled(s...max(s, end), indent: 2)
            case .keyword(.config):
                if let cOpen = nextCode(after: s), tokens[cOpen].kind == .leftBrace, cOpen <= end {
                    emit(s...cOpen, cont: 4)
                    assignmentBlock(t.config, open: cOpen, close: end, indent: 2)
                } else {
                    emit(s...max(s, end), cont: 4)
                }
            case .identifier:
                formatFilled(s...max(s, end), indent: 2)
            default:
                emit(s...max(s, end), cont: 4)
            }
        }
        gap(from: written, to: tokens[r.upperBound].span.start, indent: 2, allowBlank: false)
        startLine(0)
        emit(r.upperBound...r.upperBound, cont: 0)
    }

    /// `given { fact: value, ... }` or `fired [...]` on one line when it fits, else filled: as many
    /// items per line as fit, continuation lines aligned after the opening bracket and its space.
    mutating func formatFilled(_ r: ClosedRange<Int>, indent: Int) {
        guard !fits(r, at: indent), let open = nextCode(after: r.lowerBound), open < r.upperBound,
            let close = matching(open), close <= r.upperBound, let firstItem = nextCode(after: open), firstItem < close
        else {
            emit(r, cont: indent + 4)
            return
        }
        let cont = indent + widths[r.lowerBound] + 1 + widths[open] + spaceBefore[firstItem]
        // Items start after the opening bracket and after each comma at its level.
        var starts = [firstItem]
        for i in topLevel((open + 1)...(close - 1)) where tokens[i].kind == .comma {
            if let n = nextCode(after: i), n < close { starts.append(n) }
        }
        emit(r.lowerBound...open, cont: cont)
        for (n, s) in starts.enumerated() {
            // Each item with its comma; the last one with everything to the end of the part.
            let end = n + 1 < starts.count ? (previousCode(before: starts[n + 1]) ?? s) : r.upperBound
            let group = s...max(s, end)
            if n > 0, lineHasText, !fits(group, at: column + spaceBefore[s]) {
                startLine(cont)
            }
            emit(group, cont: cont)
            // Comments between this item and the next.
            if n + 1 < starts.count {
                for i in (group.upperBound + 1)..<starts[n + 1] where tokens[i].kind == .comment {
                    comment(i, indent: cont, allowBlank: false)
                }
            }
        }
    }
}
