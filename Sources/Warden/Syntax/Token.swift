// Tokens: what the lexer produces and the parser consumes.

/// Reserved words of Warden. The raw values *are* the keyword table: the lexer looks words up
/// here, and tools (REPL completion, the TextMate grammar) read `Keyword.allCases`.
///
/// In `--cel` mode only `true`, `false`, `null` and `in` are keywords (see `celReservedWords`).
package enum Keyword: String, Sendable, Hashable, CaseIterable {
    // Statements
    case policy, rule, when, then, config, test, given, expect
    case `let`, set, onError
    // Word operators
    case and, or, not, `in`
    // Literals
    case `true`, `false`, null
    // Severity actions, in increasing order of severity
    case allow, warn, blockAccess, wipeData

    /// Words that are keywords only where the grammar expects them; elsewhere they are
    /// ordinary identifiers (`groups` is also a fact).
    package static let contextual: [String] = [
        "route", "for", "apps", "groups", "override", "fired", "managedApps", "managedDevices",
    ]

    /// The severity action names, in increasing order of severity.
    static let actions: [Keyword] = [.allow, .warn, .blockAccess, .wipeData]

    /// Keywords that begin a statement; the parser resynchronises on them after an error.
    static let statementStarts: [Keyword] = [.policy, .rule, .when, .let, .config, .test]

    /// CEL's reserved words. In `--cel` mode the ones that are not literals or `in` may not be
    /// used as identifiers (they may still follow a `.`).
    static let celReservedWords: [String] = [
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
        "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
    ]

    /// The keywords that are also keywords in `--cel` mode.
    static let celKeywords: [Keyword] = [.true, .false, .null, .in]

    /// The severity action this keyword names, if it is one.
    package var action: Action? {
        switch self {
        case .allow: .allow
        case .warn: .warn
        case .blockAccess: .blockAccess
        case .wipeData: .wipeData
        default: nil
        }
    }

    /// Whether this keyword starts a statement.
    package var startsStatement: Bool { Keyword.statementStarts.contains(self) }
}

/// The kind of a token, grouped as in jlox's `TokenType`.
package enum TokenKind: Sendable, Hashable {
    // Single-character punctuation
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, dot, colon, question
    // Operators
    case plus, minus, star, slash, percent
    case bang, bangEqual, assign, equalEqual
    case less, lessEqual, greater, greaterEqual
    case ampAmp, pipePipe
    // Words
    case keyword(Keyword)
    case identifier
    /// A backtick-quoted name (`` `b-c` ``), valid only after a `.`.
    case quotedIdentifier
    // Literals (the decoded value is in `Token.value`)
    case int, uint, double, string, bytes
    /// `# ...` or `// ...` (only returned with `SyntaxOptions.keepComments`).
    case comment
    /// Text the lexer could not make a token of; the lexer has already reported it.
    case invalid
    case eof
}

/// The decoded value of a literal or name token.
package enum TokenValue: Sendable, Hashable {
    case none
    /// An identifier's or quoted identifier's name.
    case name(String)
    /// An int or uint literal's magnitude; `nil` when it does not fit in 64 unsigned bits.
    case integer(UInt64?)
    case double(Double)
    case string(String)
    case bytes([UInt8])
}

/// One token with its exact source range.
package struct Token: Sendable, Hashable {
    package var kind: TokenKind
    /// Byte range in the source (line and column come from `SourceFile.location(of:)`).
    package var span: SourceSpan
    package var value: TokenValue = .none

    /// The name of an identifier or quoted identifier token, or the text of a keyword.
    package var name: String? {
        switch kind {
        case .keyword(let k): return k.rawValue
        case .identifier, .quotedIdentifier:
            if case .name(let n) = value { return n }
            return nil
        default: return nil
        }
    }

    /// The keyword, if this token is one.
    package var keyword: Keyword? {
        if case .keyword(let k) = kind { return k }
        return nil
    }
}

/// Options shared by the lexer and the parser.
package struct SyntaxOptions: Sendable {
    /// Plain CEL: CEL's reserved words only, no `#` comments, `and`/`or`/`not`/… are
    /// identifiers, and no statements.
    var celMode = false
    /// The deepest nesting of parentheses, lists, maps, call arguments, member/index steps,
    /// unary operators, `?:` and operator-precedence levels accepted; deeper input gets the
    /// diagnostic "expression is nested too deeply (limit N)".
    ///
    /// 100 because, in a debug build, one nesting level costs the parser about 1.7 KB of stack
    /// (measured: about 306 levels fit in a 512 KiB thread stack), so at the limit parsing uses
    /// about a third of a 512 KiB stack and a recursive walk of the tree with frames up to
    /// about three times the parser's (or three walks with similar frames, nested) still fits.
    /// CEL's conformance tests need 32 (parentheses, `!`, `-`) and 24 (`?:`).
    var maxNesting = 100
    /// The first `Expr.id` to assign; ids are unique per parse and increase.
    package var firstID = 0
    /// Also return comment tokens from the lexer (the formatter needs them).
    var keepComments = false

    package init(celMode: Bool = false, maxNesting: Int = 100, firstID: Int = 0, keepComments: Bool = false) {
        self.celMode = celMode
        self.maxNesting = maxNesting
        self.firstID = firstID
        self.keepComments = keepComments
    }
}
