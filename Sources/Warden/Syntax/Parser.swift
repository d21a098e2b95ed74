// The recursive-descent parser (statements) with an operator-precedence core (binary operators).
//
// Recovery: a syntax error throws `ParseAbort`, which unwinds to the statement loop; the parser
// then skips to the next statement keyword (jlox/clox panic mode), so each broken statement
// reports one error and the rest of the file is still checked.
//
// INVARIANT: no recursion deeper than `SyntaxOptions.maxNesting` levels (each level is a small,
// fixed number of frames), and no produced tree deeper than about that many nodes. Chains of one
// precedence level (`a || b || ...`, `a + b - ...`) are parsed in a loop and stored flat.

/// Unwinds the parser to the statement loop after a syntax error has been reported.
struct ParseAbort: Error {}

/// Parses Warden (and plain CEL) source into the AST.
package enum Parser {
    /// Parses a policy file. Every syntax error in the file is reported.
    package static func parseFile(_ source: SourceFile, options: SyntaxOptions = .init())
        -> (file: PolicyFile, diagnostics: [Diagnostic], nextID: Int)
    {
        var p = ParserCore(source, options: options)
        let file = p.parseFile()
        return (file, p.diagnostics, p.nextID)
    }

    /// Parses one file of a policy set (`source` is the joined source, PolicySet.swift).
    static func parseFile(_ source: SourceFile, segment: SourceSegment, options: SyntaxOptions = .init())
        -> (file: PolicyFile, diagnostics: [Diagnostic], nextID: Int)
    {
        var p = ParserCore(source, options: options, segment: segment)
        let file = p.parseFile()
        return (file, p.diagnostics, p.nextID)
    }

    /// Parses a single expression that must span the whole source.
    package static func parseExpression(_ source: SourceFile, options: SyntaxOptions = .init())
        -> (expr: Expr?, diagnostics: [Diagnostic], nextID: Int)
    {
        var p = ParserCore(source, options: options)
        let e = p.parseWholeExpression()
        return (e, p.diagnostics, p.nextID)
    }
}

/// The parser's state for one parse.
struct ParserCore {
    let source: SourceFile
    let options: SyntaxOptions
    private let tokens: [Token]
    private var current = 0
    private(set) var diagnostics: [Diagnostic]
    private(set) var nextID: Int
    /// Current nesting, compared with `options.maxNesting`.
    private var depth = 0
    /// Open `{` minus `}` consumed so far (for resynchronisation).
    private var braceDepth = 0
    /// The lexer already reported an incomplete construct at the end (an unterminated string):
    /// parser errors at the end of input would only repeat it.
    private let lexerIncomplete: Bool
    // Explicit stacks that keep the recursive frames small (see "Expressions"); emptied after an error.
    private var openStack: [OpenConstruct] = []
    private var prefixStack: [Token] = []
    private var conditionalStack: [Expr] = []

    init(_ source: SourceFile, options: SyntaxOptions, segment: SourceSegment? = nil) {
        self.source = source
        self.options = options
        var lexOptions = options
        lexOptions.keepComments = false
        var lexer = Lexer(segment?.file ?? source, options: lexOptions)
        var (tokens, diags) = lexer.tokenize()
        if let segment {
            // One file of a policy set: its spans become offsets into the joined source.
            let shift = segment.start
            for i in tokens.indices { tokens[i].span = tokens[i].span.shifted(by: shift) }
            for i in diags.indices { diags[i] = diags[i].shifted(by: shift) }
        }
        self.tokens = tokens
        self.diagnostics = diags
        self.nextID = options.firstID
        self.lexerIncomplete = diags.contains { $0.isIncomplete }
    }

    // MARK: - Token primitives

    private var peek: Token { tokens[current] }
    private var peekNext: Token { current + 1 < tokens.count ? tokens[current + 1] : tokens[tokens.count - 1] }
    private var previous: Token? { current > 0 ? tokens[current - 1] : nil }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[current]
        if t.kind != .eof { current += 1 }
        if t.kind == .leftBrace { braceDepth += 1 }
        if t.kind == .rightBrace { braceDepth = max(0, braceDepth - 1) }
        return t
    }

    private func check(_ kind: TokenKind) -> Bool { peek.kind == kind }
    private func check(_ kw: Keyword) -> Bool { peek.kind == .keyword(kw) }
    /// The current token is the contextual keyword `word` (lexed as an identifier).
    private func checkContextual(_ word: String) -> Bool {
        peek.kind == .identifier && peek.value == .name(word)
    }

    private mutating func match(_ kind: TokenKind) -> Token? {
        check(kind) ? advance() : nil
    }
    private mutating func match(_ kw: Keyword) -> Token? { match(.keyword(kw)) }

    /// Consumes a token of `kind` or reports `message` (with ", found X") and aborts.
    @discardableResult
    private mutating func expect(_ kind: TokenKind, _ message: @autoclosure () -> String, opener: SourceSpan? = nil)
        throws
        -> Token
    {
        if let t = match(kind) { return t }
        // `whne` for `when`: a misspelt keyword gets a did-you-mean.
        if case .keyword(let k) = kind, peek.kind == .identifier, let n = peek.name,
            let near = nearest(n, in: [k.rawValue])
        {
            report(.unexpectedToken, message() + ", found `\(n)`; did you mean `\(near)`?", fixIt: near)
            throw ParseAbort()
        }
        throw fail(message(), opener: opener)
    }

    // MARK: - Diagnostics

    /// How a token is named in messages.
    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of input"
        case .string: return "a string"
        case .bytes: return "a bytes literal"
        case .int, .uint, .double:
            return "the number `\(source.text(t.span))`"
        default:
            var text = source.text(t.span)
            if text.unicodeScalars.count > 24 {
                text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(24))) + "…"
            }
            return "`\(text)`"
        }
    }

    /// Records an error about `token` (the current one by default). An error at the end of input
    /// is marked incomplete so the REPL can continue the entry on the next line.
    private mutating func report(
        _ code: ErrorCode, _ message: String, at token: Token? = nil, notes: [Diagnostic.Note] = [],
        fixIt: String? = nil, data: ErrorData = .none
    ) {
        let t = token ?? peek
        if t.kind == .invalid { return }  // the lexer has already reported it
        if t.kind == .eof && lexerIncomplete { return }
        diagnostics.append(
            Diagnostic(
                .error, code, message, span: t.span, notes: notes, fixIt: fixIt, isIncomplete: t.kind == .eof,
                data: data))
    }

    /// Reports "`message`, found X" at the current token and returns the abort to throw.
    private mutating func fail(_ message: String, opener: SourceSpan? = nil, fixIt: String? = nil) -> ParseAbort {
        var notes: [Diagnostic.Note] = []
        if let opener, source.location(of: opener.start).line != source.location(of: peek.span.start).line {
            notes.append(Diagnostic.Note("to match this `\(source.text(opener))`", span: opener))
        }
        let found = peek.kind == .eof ? "unexpected end of input; " + message : message + ", found " + describe(peek)
        report(.unexpectedToken, found, notes: notes, fixIt: fixIt)
        return ParseAbort()
    }

    private mutating func makeExpr(_ span: SourceSpan, _ kind: ExprKind) -> Expr {
        let id = nextID
        nextID += 1
        return Expr(id: id, span: span, kind: kind)
    }

    /// Raises the nesting level by `count` for a construct starting at `token`.
    private mutating func enterNesting(_ token: Token, by count: Int = 1) throws {
        depth += count
        if depth > options.maxNesting {
            report(
                .nestingTooDeep, "expression is nested too deeply (limit \(options.maxNesting))", at: token,
                data: ErrorData(limit: options.maxNesting))
            throw ParseAbort()
        }
    }

    // MARK: - Statements

    /// file := [ policyHeader ] { statement } EOF
    mutating func parseFile() -> PolicyFile {
        var file = PolicyFile(header: nil, statements: [])
        while !check(.eof) {
            let start = current
            do {
                if check(.policy) {
                    let h = try parsePolicyHeader()
                    if let first = file.header {
                        report(
                            .misplacedHeader,
                            "a file has only one `policy` header", at: tokens[start],
                            notes: [.init("the first `policy` header is here", span: first.span)])
                    } else if !file.statements.isEmpty {
                        report(
                            .misplacedHeader, "the `policy` header must come before every other statement",
                            at: tokens[start])
                    } else {
                        file.header = h
                    }
                } else {
                    file.statements.append(try parseStatement())
                }
            } catch {
                if current == start { advance() }
                openStack.removeAll()
                prefixStack.removeAll()
                conditionalStack.removeAll()
                synchronize()
            }
        }
        return file
    }

    /// Skips to the next statement keyword: `policy rule when let config test` at brace depth 0,
    /// or `policy rule when let test` at any depth (they can never appear inside a block), but
    /// never a word that follows a `.`.
    private mutating func synchronize() {
        while !check(.eof) {
            if let kw = peek.keyword, kw.startsStatement, previous?.kind != .dot,
                braceDepth == 0 || kw != .config
            {
                braceDepth = 0
                return
            }
            advance()
        }
    }

    /// statement := letDecl | ruleDecl | configDecl | testDecl
    private mutating func parseStatement() throws -> Statement {
        switch peek.kind {
        case .keyword(.let): return .let(try parseLet())
        case .keyword(.rule), .keyword(.when): return .rule(try parseRule())
        case .keyword(.config): return .config(try parseConfig())
        case .keyword(.test): return .test(try parseTest())
        default:
            var fixIt: String?
            var message = "expected a statement (`rule`, `when`, `let`, `config` or `test`)"
            if peek.kind == .identifier, let name = peek.name,
                let near = nearest(name, in: Keyword.statementStarts.map(\.rawValue))
            {
                fixIt = near
                message += ", found `\(name)`; did you mean `\(near)`?"
                report(.unexpectedToken, message, fixIt: fixIt)
                throw ParseAbort()
            }
            throw fail(message)
        }
    }

    /// policyHeader := "policy" STRING [ "onError" severity ]
    private mutating func parsePolicyHeader() throws -> PolicyHeader {
        let kw = advance()
        let name = try expectString("expected the policy's name (a string) after `policy`")
        var onError: Located<Action>?
        if match(.onError) != nil {
            onError = try expectSeverity(
                "expected a severity action (`allow`, `warn`, `blockAccess` or `wipeData`) after `onError`")
        }
        return PolicyHeader(name: name, onError: onError, span: kw.span.union(onError?.span ?? name.span))
    }

    /// letDecl := "let" IDENT "=" expr
    private mutating func parseLet() throws -> LetDecl {
        let kw = advance()
        guard peek.kind == .identifier, let name = peek.name else {
            throw fail("expected a name after `let`")
        }
        let nameTok = advance()
        try expect(.assign, "expected `=` after `let \(name)`")
        let value = try parseExpr()
        return LetDecl(name: Located(value: name, span: nameTok.span), value: value, span: kw.span.union(value.span))
    }

    /// ruleDecl := [ "rule" STRING ] "when" expr "then" actions
    private mutating func parseRule() throws -> RuleDecl {
        let first = peek
        var name: Located<String>?
        if match(.rule) != nil {
            name = try expectString("expected the rule's name (a string) after `rule`")
            try expect(.keyword(.when), "expected `when` after the rule's name")
        } else {
            advance()
        }
        let condition = try parseExpr()
        // `tags contains "BYOD"`: the infix form other languages use; Warden writes `"BYOD" in tags`.
        if peek.kind == .identifier, source.text(peek.span) == "contains", peekNext.kind == .string {
            let fix = "\(source.text(peekNext.span)) in \(source.text(condition.span))"
            diagnostics.append(
                Diagnostic(
                    .error, .unexpectedToken,
                    "expected `then` after the rule's condition, found `contains`; to test membership, write `\(fix)`",
                    span: condition.span.union(peekNext.span), fixIt: fix))
            throw ParseAbort()
        }
        let thenTok = try expect(.keyword(.then), "expected `then` after the rule's condition")
        let actions = try parseActions()
        let end = actions.last.map(Self.span(of:)) ?? thenTok.span
        return RuleDecl(name: name, condition: condition, actions: actions, span: first.span.union(end))
    }

    private static func span(of action: RuleAction) -> SourceSpan {
        switch action {
        case .severity(let sev, let message): sev.span.union(message?.span ?? sev.span)
        case .set(_, _, let span): span
        }
    }

    /// actions := action { "," action }    (at most one severity action)
    /// action  := severity [ STRING ] | "set" KEY "=" literal
    private mutating func parseActions() throws -> [RuleAction] {
        var actions: [RuleAction] = []
        var severitySpan: SourceSpan?
        var after = "`then`"
        repeat {
            if let action = peek.keyword?.action {
                let t = advance()
                var message: Located<String>?
                if case .string(let s) = peek.value, peek.kind == .string {
                    message = Located(value: s, span: advance().span)
                }
                if let firstSpan = severitySpan {
                    report(
                        .repeatedClause,
                        "a rule has at most one severity action", at: t,
                        notes: [.init("the first severity action is here", span: firstSpan)])
                }
                severitySpan = severitySpan ?? t.span
                actions.append(.severity(Located(value: action, span: t.span), message: message))
            } else if let setTok = match(.set) {
                let key = try expectName("expected a configuration key after `set`")
                try expect(.assign, "expected `=` after `set \(key.value)`")
                let value = try parseLiteralValue()
                actions.append(.set(key: key, value: value, span: setTok.span.union(value.span)))
            } else {
                let message = "expected an action (`allow`, `warn`, `blockAccess`, `wipeData` or `set`) after \(after)"
                if peek.kind == .identifier, let n = peek.name,
                    let near = nearest(n, in: Keyword.actions.map(\.rawValue) + ["set"])
                {
                    report(.unexpectedToken, message + ", found `\(n)`; did you mean `\(near)`?", fixIt: near)
                    throw ParseAbort()
                }
                throw fail(message)
            }
            after = "`,`"
        } while match(.comma) != nil
        return actions
    }

    /// configDecl := "config" STRING [ "route" ROUTE ] [ "for" target ] [ "override" ] "{" { assignment } "}"
    private mutating func parseConfig() throws -> ConfigDecl {
        let kw = advance()
        let name = try expectString("expected the configuration block's name (a string) after `config`")
        var decl = ConfigDecl(name: name, route: nil, apps: nil, groups: nil, override: nil, entries: [], span: kw.span)
        if checkContextual("route") {
            advance()
            let t = peek
            if t.kind == .identifier, let n = t.name, let route = Route(rawValue: n) {
                advance()
                decl.route = Located(value: route, span: t.span)
            } else {
                let message = "expected `managedApps` or `managedDevices` after `route`"
                if t.kind == .identifier, let n = t.name, let near = nearest(n, in: Route.allCases.map(\.rawValue)) {
                    report(.unexpectedToken, message + ", found `\(n)`; did you mean `\(near)`?", fixIt: near)
                    throw ParseAbort()
                }
                throw fail(message)
            }
        }
        if checkContextual("for") {
            advance()
            var any = false
            while true {
                if checkContextual("apps") {
                    let word = advance().span
                    let list = try parseStringList(after: "apps")
                    if list.isEmpty { decl.emptyLists.append(Located(value: "apps", span: word)) }
                    decl.apps = (decl.apps ?? []) + list
                } else if checkContextual("groups") {
                    let word = advance().span
                    let list = try parseStringList(after: "groups")
                    if list.isEmpty { decl.emptyLists.append(Located(value: "groups", span: word)) }
                    decl.groups = (decl.groups ?? []) + list
                } else {
                    break
                }
                any = true
            }
            if !any {
                let message = "expected `apps` or `groups` after `for`"
                if peek.kind == .identifier, let n = peek.name, let near = nearest(n, in: ["apps", "groups"]) {
                    report(.unexpectedToken, message + ", found `\(n)`; did you mean `\(near)`?", fixIt: near)
                    throw ParseAbort()
                }
                throw fail(message)
            }
        }
        if checkContextual("override") {
            decl.override = advance().span
        }
        guard let open = match(.leftBrace) else {
            var fixIt: String?
            var message = "expected `{` to begin the configuration block"
            if peek.kind == .identifier, peek.name == "for", decl.apps != nil || decl.groups != nil {
                // `for apps [...] for groups [...]`: one `for` names both.
                report(
                    .repeatedClause,
                    "a configuration block has one `for`, which names both its apps and its groups: write `for apps [...] groups [...]`; drop this second `for`",
                    fixIt: "")
                throw ParseAbort()
            }
            if peek.kind == .identifier, let n = peek.name, let near = nearest(n, in: ["route", "for", "override"]) {
                fixIt = near
                message += ", found `\(n)`; did you mean `\(near)`?"
                report(.unexpectedToken, message, fixIt: fixIt)
                throw ParseAbort()
            }
            throw fail(message)
        }
        let (entries, close) = try parseAssignments(open: open, what: "configuration block")
        decl.entries = entries
        decl.span = kw.span.union(close.span)
        return decl
    }

    /// { KEY "=" literal } "}"   (the `{` already consumed)
    private mutating func parseAssignments(open: Token, what: String) throws -> ([Assignment], Token) {
        var entries: [Assignment] = []
        while !check(.rightBrace) {
            let start = peek
            do {
                guard peek.kind == .identifier, let name = peek.name else {
                    throw fail("expected a configuration key or `}` to close the \(what)", opener: open.span)
                }
                let keyTok = advance()
                try expect(.assign, "expected `=` after the key `\(name)`")
                let value = try parseLiteralValue()
                entries.append(
                    Assignment(
                        key: Located(value: name, span: keyTok.span), value: value,
                        span: keyTok.span.union(value.span)))
            } catch {
                // One bad entry never hides the next: skip to the next line and go on.
                try skipBadAssignment(from: start)
            }
        }
        return (entries, advance())
    }

    /// After an error in a `KEY = value` line: skips the rest of that line (and past `start`),
    /// unless the block ends there; a statement keyword or the end of input ends the block.
    private mutating func skipBadAssignment(from start: Token) throws {
        // Braces on the skipped line do not count (the block's own `}` must bring the depth back).
        let depth = braceDepth
        defer { braceDepth = depth }
        let line = source.location(of: start.span.start).line
        if current < tokens.count, tokens[current].span.start == start.span.start, !check(.eof), !check(.rightBrace),
            peek.keyword?.startsStatement != true
        {
            advance()
        }
        while !check(.eof) && !check(.rightBrace) && source.location(of: peek.span.start).line == line {
            if peek.keyword?.startsStatement == true { break }
            advance()
        }
        if check(.eof) || peek.keyword?.startsStatement == true { throw ParseAbort() }
    }

    /// testDecl := "test" STRING "{" "given" factMap "expect" severity [ "fired" stringList ]
    ///             [ "config" "{" { assignment } "}" ] "}"
    private mutating func parseTest() throws -> TestDecl {
        let kw = advance()
        let name = try expectString("expected the test's name (a string) after `test`")
        let open = try expect(.leftBrace, "expected `{` after the test's name")
        try expect(.keyword(.given), "expected `given` at the start of the test")
        let givenOpen = try expect(.leftBrace, "expected `{` after `given`")
        var facts: [GivenFact] = []
        while !check(.rightBrace) {
            guard peek.kind == .identifier, let fact = peek.name else {
                throw fail("expected a fact name or `}` in the `given` map", opener: givenOpen.span)
            }
            let factTok = advance()
            try expect(.colon, "expected `:` after the fact `\(fact)`")
            let value = try parseExpr()
            facts.append(GivenFact(fact: Located(value: fact, span: factTok.span), value: value))
            if match(.comma) == nil { break }
        }
        let givenClose = try expect(.rightBrace, "expected `,` or `}` in the `given` map", opener: givenOpen.span)
        try expect(.keyword(.expect), "expected `expect` after the `given` facts")
        let expected = try expectSeverity(
            "expected a severity action (`allow`, `warn`, `blockAccess` or `wipeData`) after `expect`")
        var fired: [Located<String>]?
        if checkContextual("fired") {
            advance()
            fired = try parseStringList(after: "fired")
        }
        var config: [Assignment] = []
        if match(.config) != nil {
            let cOpen = try expect(.leftBrace, "expected `{` after `config`")
            config = try parseAssignments(open: cOpen, what: "expected configuration").0
        }
        let close = try expect(.rightBrace, "expected `}` to close the test", opener: open.span)
        return TestDecl(
            name: name, given: facts, givenSpan: givenOpen.span.union(givenClose.span), expect: expected,
            fired: fired, config: config, span: kw.span.union(close.span))
    }

    /// stringList := "[" [ STRING { "," STRING } [ "," ] ] "]"
    private mutating func parseStringList(after word: String) throws -> [Located<String>] {
        let open = try expect(.leftBracket, "expected `[` after `\(word)`")
        var items: [Located<String>] = []
        while !check(.rightBracket) {
            items.append(try expectString("expected a string in the list"))
            if match(.comma) == nil { break }
        }
        try expect(.rightBracket, "expected `,` or `]` in the list", opener: open.span)
        return items
    }

    private mutating func expectString(_ message: String) throws -> Located<String> {
        if peek.kind == .string, case .string(let s) = peek.value {
            return Located(value: s, span: advance().span)
        }
        throw fail(message)
    }

    private mutating func expectName(_ message: String) throws -> Located<String> {
        if peek.kind == .identifier, let n = peek.name {
            return Located(value: n, span: advance().span)
        }
        throw fail(message)
    }

    private mutating func expectSeverity(_ message: String) throws -> Located<Action> {
        if let action = peek.keyword?.action {
            return Located(value: action, span: advance().span)
        }
        if peek.kind == .identifier, let n = peek.name,
            let near = nearest(n, in: Keyword.actions.map(\.rawValue))
        {
            report(.unexpectedToken, message + ", found `\(n)`; did you mean `\(near)`?", fixIt: near)
            throw ParseAbort()
        }
        throw fail(message)
    }

    /// literal := [ "-" ] ( INT | DOUBLE ) | UINT | STRING | BYTES | "true" | "false" | "null"
    private mutating func parseLiteralValue() throws -> Expr {
        if let e = try parseLiteralIfPresent() { return e }
        throw fail("expected a literal value (a number, a string, `true`, `false` or `null`)")
    }

    /// A literal token (with a directly preceding `-` folded into a number), or nil.
    private mutating func parseLiteralIfPresent() throws -> Expr? {
        let t = peek
        switch t.kind {
        case .minus where peekNext.kind == .int || peekNext.kind == .double:
            let minus = advance()
            return numberLiteral(advance(), negatedBy: minus)
        case .int, .uint, .double:
            return numberLiteral(advance(), negatedBy: nil)
        case .string:
            advance()
            if case .string(let s) = t.value { return makeExpr(t.span, .literal(.string(s))) }
            return makeExpr(t.span, .literal(.string("")))
        case .bytes:
            advance()
            if case .bytes(let b) = t.value { return makeExpr(t.span, .literal(.bytes(b))) }
            return makeExpr(t.span, .literal(.bytes([])))
        case .keyword(.true): return makeExpr(advance().span, .literal(.bool(true)))
        case .keyword(.false): return makeExpr(advance().span, .literal(.bool(false)))
        case .keyword(.null): return makeExpr(advance().span, .literal(.null))
        default: return nil
        }
    }

    /// An int, uint or double token; a `-` before an int or double is part of the literal, so
    /// `-9223372036854775808` fits. A magnitude out of range is reported at the digits.
    private mutating func numberLiteral(_ t: Token, negatedBy minus: Token?) -> Expr {
        let span = minus.map { $0.span.union(t.span) } ?? t.span
        switch (t.kind, t.value) {
        case (.double, .double(let d)):
            return makeExpr(span, .literal(.double(minus == nil ? d : -d)))
        case (.uint, .integer(let magnitude)):
            guard let magnitude else {
                report(.integerOutOfRange, "integer literal `\(source.text(t.span))` is out of range for `uint`", at: t)
                return makeExpr(span, .literal(.uint(0)))
            }
            return makeExpr(span, .literal(.uint(magnitude)))
        case (_, .integer(let magnitude)):
            let limit: UInt64 = minus == nil ? UInt64(Int64.max) : UInt64(Int64.max) + 1
            guard let magnitude, magnitude <= limit else {
                report(.integerOutOfRange, "integer literal `\(source.text(span))` is out of range for `int`", at: t)
                return makeExpr(span, .literal(.int(0)))
            }
            let value = minus == nil ? Int64(magnitude) : Int64(bitPattern: 0 &- magnitude)
            return makeExpr(span, .literal(.int(value)))
        default:
            return makeExpr(span, .literal(.int(0)))
        }
    }

    // MARK: - Expressions
    //
    // The recursive path for one nesting level is parseExpr → parseBinary → parseOperand (→ a
    // list/map/argument body) → parseExpr. Those functions keep only a few locals and hand every
    // other step to helpers that return before the recursion, because a debug build gives each
    // temporary its own stack slot: small frames on this path are what lets `maxNesting` be high.

    /// An expression that must be followed by the end of input.
    mutating func parseWholeExpression() -> Expr? {
        do {
            let e = try parseExpr()
            if !check(.eof) {
                report(.unexpectedToken, "unexpected \(describe(peek)) after the expression")
                return nil
            }
            return e
        } catch {
            return nil
        }
    }

    /// expr := binary [ "?" binary ":" expr ]      (right-associative, built in a loop)
    private mutating func parseExpr() throws -> Expr {
        let first = try parseBinary()
        if !check(.question) { return first }
        return try parseConditional(first)
    }

    /// The `? a : b ? c : d ...` after a condition.
    private mutating func parseConditional(_ first: Expr) throws -> Expr {
        let saved = depth
        defer { depth = saved }
        var last = first
        let base = conditionalStack.count
        while try beginConditionalArm() {
            conditionalStack.append(last)
            conditionalStack.append(try parseBinary())
            try expectConditionalColon()
            last = try parseBinary()
        }
        return foldConditional(from: base, last)
    }

    private mutating func beginConditionalArm() throws -> Bool {
        guard let q = match(.question) else { return false }
        try enterNesting(q)
        return true
    }

    private mutating func expectConditionalColon() throws {
        try expect(.colon, "expected `:` after the `?` branch of the conditional")
    }

    /// Folds the arms pushed since `base` (condition, then-branch pairs) around the final else.
    private mutating func foldConditional(from base: Int, _ last: Expr) -> Expr {
        var result = last
        while conditionalStack.count >= base + 2, let then = conditionalStack.popLast(),
            let cond = conditionalStack.popLast()
        {
            result = makeExpr(cond.span.union(result.span), .conditional(cond, then, result))
        }
        return result
    }

    /// Precedence levels of the binary operators and the word `not`.
    private enum Level {
        static let or = 1, and = 2, not = 3, relation = 4, additive = 5, multiplicative = 6
    }

    /// An operator waiting for its right operand on the operator-precedence stack.
    private struct Pending {
        var level: Int
        /// Set for a prefix `not` (level `Level.not`).
        var notToken: Token?
        /// `||`/`&&` operands so far, or the first operand of a chain.
        var operands: [Expr] = []
        var links: [ChainLink] = []
        /// The chain operator awaiting its right operand.
        var op: BinaryOp = .add
        var opSpan = SourceSpan.at(0)
        /// `x not in y` was written: the start of `x` and the `not` token, for the fix-it.
        var notIn: (start: Int, token: Token)?
    }

    /// The level and operator of a binary-operator token.
    private func binaryOperator(_ t: Token) -> (level: Int, op: BinaryOp?)? {
        switch t.kind {
        case .pipePipe, .keyword(.or): (Level.or, nil)
        case .ampAmp, .keyword(.and): (Level.and, nil)
        case .equalEqual: (Level.relation, .equal)
        case .bangEqual: (Level.relation, .notEqual)
        case .less: (Level.relation, .less)
        case .lessEqual: (Level.relation, .lessEqual)
        case .greater: (Level.relation, .greater)
        case .greaterEqual: (Level.relation, .greaterEqual)
        case .keyword(.in): (Level.relation, .in)
        case .plus: (Level.additive, .add)
        case .minus: (Level.additive, .subtract)
        case .star: (Level.multiplicative, .multiply)
        case .slash: (Level.multiplicative, .divide)
        case .percent: (Level.multiplicative, .remainder)
        default: nil
        }
    }

    /// binary := or-chain of and-chains of [ "not" ] relations of sums of products of operands,
    /// parsed with an explicit operator stack so that neither long chains nor the six precedence
    /// levels cost recursion. Each entry on the stack counts one nesting level.
    private mutating func parseBinary() throws -> Expr {
        let saved = depth
        defer { depth = saved }
        var stack: [Pending] = []
        while true {
            try pushPrefixNots(&stack, base: saved)
            let operand = try parseOperand()
            if let done = shiftOperator(&stack, operand) { return done }
        }
    }

    /// Pushes any `not`s before an operand, then sets the nesting for the operand.
    private mutating func pushPrefixNots(_ stack: inout [Pending], base: Int) throws {
        while let n = match(.not) {
            if let top = stack.last, top.level > Level.not {
                report(
                    .unsupportedSyntax,
                    "`not` applies to a whole comparison and cannot follow `\(source.text(top.opSpan))`; use `!` or parentheses",
                    at: n)
                throw ParseAbort()
            }
            stack.append(Pending(level: Level.not, notToken: n))
        }
        depth = base
        try enterNesting(peek, by: stack.count)
    }

    /// After an operand: closes the stack entries that bind tighter than the next operator and
    /// pushes that operator. Returns the finished expression when no operator follows.
    private mutating func shiftOperator(_ stack: inout [Pending], _ operand: Expr) -> Expr? {
        var operand = operand
        var notIn: Token?
        var next = binaryOperator(peek)
        if next == nil, !options.celMode, check(.not), peekNext.kind == .keyword(.in) {
            notIn = peek
            next = (Level.relation, .in)
        }
        let level = next?.level ?? 0
        while let top = stack.last, top.level > level || (top.level == level && top.notToken != nil) {
            stack.removeLast()
            operand = finish(top, operand)
        }
        guard let (opLevel, op) = next else { return operand }
        var opTok = advance()
        if notIn != nil { opTok = advance() }
        if var top = stack.last, top.level == opLevel, top.notToken == nil {
            stack.removeLast()
            append(operand, to: &top)
            top.op = op ?? .add
            top.opSpan = opTok.span
            if let notIn { top.notIn = (top.operands.first?.span.start ?? operand.span.start, notIn) }
            stack.append(top)
        } else {
            var p = Pending(level: opLevel, operands: [operand])
            p.op = op ?? .add
            p.opSpan = opTok.span
            if let notIn { p.notIn = (operand.span.start, notIn) }
            stack.append(p)
        }
        return nil
    }

    /// Adds the right operand of `p`'s pending operator.
    private mutating func append(_ operand: Expr, to p: inout Pending) {
        if let (start, notTok) = p.notIn {
            p.notIn = nil
            let span = SourceSpan(start: start, end: operand.span.end)
            let left = source.text(SourceSpan(start: start, end: notTok.span.start)).trimmingSpaces()
            let right = source.text(SourceSpan(start: p.opSpan.end, end: operand.span.end)).trimmingSpaces()
            diagnostics.append(
                Diagnostic(
                    .error, .unsupportedSyntax, "`not in` is not an operator; write `not (x in y)`", span: span,
                    fixIt: "not (\(left) in \(right))"))
        }
        if p.level == Level.or || p.level == Level.and {
            p.operands.append(operand)
        } else {
            p.links.append(ChainLink(op: p.op, opSpan: p.opSpan, rhs: operand))
        }
    }

    /// Builds the node for a completed stack entry whose last operand is `operand`.
    private mutating func finish(_ p: consuming Pending, _ operand: Expr) -> Expr {
        if let n = p.notToken {
            return makeExpr(n.span.union(operand.span), .unary(.not, operand))
        }
        // `p` is owned here (taken off the stack), so its operand lists grow in place.
        append(operand, to: &p)
        guard let first = p.operands.first else { return operand }
        let span = first.span.union(operand.span)
        switch p.level {
        case Level.or: return makeExpr(span, .or(p.operands))
        case Level.and: return makeExpr(span, .and(p.operands))
        default: return makeExpr(span, .binary(first, p.links))
        }
    }

    /// What the operand loop does next.
    private enum Step {
        /// Parse operands for the construct on top of `openStack` until it is complete.
        case body
        /// The operand is complete.
        case end
    }

    /// A construct whose operands are being parsed: `(e)`, `[a, b]`, `{k: v}`, `f(args)`, `x[i]`.
    private struct OpenConstruct {
        enum Kind { case group, list, map, call, index }
        var kind: Kind
        /// The opening token's span.
        var open: SourceSpan
        var items: [Expr] = []
        /// A call's name and its span; a method call's target; an index's operand.
        var name = ""
        var nameSpan = SourceSpan.at(0)
        var target: Expr?
    }

    /// operand := { "!" | "-" } primary { "." NAME [ "(" args ")" ] | "[" expr "]" }
    /// (a `-` directly before a number is part of the literal)
    ///
    /// Constructs with sub-expressions are kept on `openStack`, so this loop is the only frame
    /// besides parseExpr and parseBinary that a nesting level costs.
    private mutating func parseOperand() throws -> Expr {
        let saved = depth
        defer { depth = saved }
        let prefixStart = prefixStack.count
        try takePrefixOperators()
        var e = Expr(id: -1, span: .at(0), kind: .list([]))
        var step = try startPrimary(&e)
        while step == .body {
            while try wantsOperand() {
                let x = try parseExpr()
                openStack[openStack.count - 1].items.append(x)
            }
            step = try closeConstruct(&e)
        }
        return wrapPrefix(from: prefixStart, e)
    }

    /// Consumes prefix `!` and `-` operators (not a `-` that belongs to a number literal).
    private mutating func takePrefixOperators() throws {
        while check(.bang) || check(.minus) {
            if check(.minus) && (peekNext.kind == .int || peekNext.kind == .double) { break }
            let t = advance()
            prefixStack.append(t)
            try enterNesting(t)
        }
    }

    private mutating func wrapPrefix(from start: Int, _ operand: Expr) -> Expr {
        var e = operand
        while prefixStack.count > start, let t = prefixStack.popLast() {
            e = makeExpr(t.span.union(e.span), .unary(t.kind == .bang ? .bang : .negate, e))
        }
        return e
    }

    /// Opens a construct on `openStack` and raises the nesting.
    private mutating func open(_ kind: OpenConstruct.Kind, _ token: Token, nest: Bool = true) throws -> Step {
        if nest { try enterNesting(token) }
        openStack.append(OpenConstruct(kind: kind, open: token.span))
        return .body
    }

    /// primary := literal | [ "." ] IDENT [ "(" args ")" ] | "(" expr ")" | list | map
    private mutating func startPrimary(_ e: inout Expr) throws -> Step {
        if let lit = try parseLiteralIfPresent() {
            e = lit
            return try startPostfix(&e)
        }
        let t = peek
        switch t.kind {
        case .identifier:
            return try startName(leadingDot: nil, &e)
        case .dot where peekNext.kind == .identifier:
            return try startName(leadingDot: advance(), &e)
        case .leftParen:
            return try open(.group, advance())
        case .leftBracket:
            return try open(.list, advance())
        case .leftBrace:
            return try open(.map, advance())
        case .quotedIdentifier:
            report(.unexpectedToken, "a backtick-quoted name may only follow `.`")
            throw ParseAbort()
        case .keyword(.not):
            throw fail("`not` cannot be used here; use `!` or parentheses")
        case .keyword(let kw):
            report(.unexpectedToken, "expected an expression, found the reserved word `\(kw.rawValue)`")
            throw ParseAbort()
        default:
            throw fail("expected an expression")
        }
    }

    /// [ "." ] IDENT [ "(" ]
    private mutating func startName(leadingDot: Token?, _ e: inout Expr) throws -> Step {
        let t = advance()
        let bare = t.name ?? ""
        if options.celMode && leadingDot == nil && Keyword.celReservedWords.contains(bare) {
            report(.reservedName, "`\(bare)` is a reserved word in CEL and cannot be used as a name", at: t)
        }
        let name = leadingDot == nil ? bare : "." + bare
        let span = leadingDot.map { $0.span.union(t.span) } ?? t.span
        if check(.leftParen) {
            let step = try open(.call, advance())
            openStack[openStack.count - 1].name = name
            openStack[openStack.count - 1].nameSpan = span
            return step
        }
        if check(.leftBrace) { throw messageConstruction() }
        e = makeExpr(span, .ident(name))
        return try startPostfix(&e)
    }

    /// Postfix steps after `e`: field selections are completed here; an index or a method call
    /// is opened (its operands are parsed by the caller).
    private mutating func startPostfix(_ e: inout Expr) throws -> Step {
        while let dot = match(.dot) {
            try enterNesting(dot)
            let nameTok = peek
            guard let name = nameTok.name else {
                throw fail("expected a field name after `.`")
            }
            advance()
            if nameTok.kind != .quotedIdentifier && check(.leftParen) {
                // `.name(` is one level (the `.` already counted it).
                let step = try open(.call, advance(), nest: false)
                openStack[openStack.count - 1].name = name
                openStack[openStack.count - 1].nameSpan = nameTok.span
                openStack[openStack.count - 1].target = e
                return step
            }
            e = makeExpr(e.span.union(nameTok.span), .select(e, field: name, fieldSpan: nameTok.span))
            if check(.leftBrace) { throw messageConstruction() }
        }
        if check(.leftBracket) {
            let step = try open(.index, advance())
            openStack[openStack.count - 1].target = e
            return step
        }
        return .end
    }

    /// Whether the construct on top of `openStack` needs another operand; consumes the
    /// separator (`,` or a map's `:`) before it.
    private mutating func wantsOperand() throws -> Bool {
        guard let top = openStack.last else { return false }
        let n = top.items.count
        switch top.kind {
        case .group, .index:
            return n == 0
        case .call:
            if n == 0 { return !check(.rightParen) }
            return match(.comma) != nil
        case .list:
            if n == 0 { return !check(.rightBracket) }
            return match(.comma) != nil && !check(.rightBracket)
        case .map:
            if n == 0 { return !check(.rightBrace) }
            if n % 2 == 1 {
                try expect(.colon, "expected `:` after the map key")
                return true
            }
            return match(.comma) != nil && !check(.rightBrace)
        }
    }

    /// Closes the construct on top of `openStack` into `e`, then continues with postfix steps.
    private mutating func closeConstruct(_ e: inout Expr) throws -> Step {
        guard let top = openStack.popLast() else { return .end }
        switch top.kind {
        case .group:
            try expect(.rightParen, "expected `)`", opener: top.open)
            e = top.items.first ?? e
        case .index:
            let close = try expect(.rightBracket, "expected `]` after the index", opener: top.open)
            if let operand = top.target, let index = top.items.first {
                e = makeExpr(operand.span.union(close.span), .index(operand, index))
            }
        case .call:
            let close = try expect(.rightParen, "expected `,` or `)` in the argument list", opener: top.open)
            let first = top.target?.span ?? top.nameSpan
            e = makeExpr(
                first.union(close.span), .call(top.name, target: top.target, args: top.items, nameSpan: top.nameSpan))
        case .list:
            let close = try expect(.rightBracket, "expected `,` or `]` in the list", opener: top.open)
            e = makeExpr(top.open.union(close.span), .list(top.items))
        case .map:
            let close = try expect(.rightBrace, "expected `,` or `}` in the map", opener: top.open)
            var entries: [MapEntry] = []
            entries.reserveCapacity(top.items.count / 2)
            var i = 0
            while i + 1 < top.items.count {
                entries.append(MapEntry(key: top.items[i], value: top.items[i + 1]))
                i += 2
            }
            e = makeExpr(top.open.union(close.span), .map(entries))
        }
        return try startPostfix(&e)
    }

    private mutating func messageConstruction() -> ParseAbort {
        report(
            .unsupportedSyntax, "message construction `Name{...}` is not supported; use a map literal `{key: value}`")
        return ParseAbort()
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    fileprivate func trimmingSpaces() -> String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r"]
        guard let first = firstIndex(where: { !ws.contains($0) }),
            let last = lastIndex(where: { !ws.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
