import Warden

// The TextMate grammar for editors (`Grammar/warden.tmLanguage.json`), generated from the same
// tables the compiler uses: `Keyword.allCases`, `Keyword.contextual`, `Action.allCases`, the
// built-in schema's facts and keys, `EnumType.builtins` and the built-in functions'
// names from `BuiltinTable`. A test checks that the committed file
// equals `TextMateGrammar.json()` and that its patterns classify every sample's tokens as the lexer
// does; regenerate with `WARDEN_UPDATE_GRAMMAR=1 swift test --filter TextMateTests`.
//
// The patterns use the regex subset shared by Oniguruma (TextMate, VS Code) and ICU
// (NSRegularExpression, used by the test): classes, groups, `\b`, look-behind, `$`.

/// Builds the TextMate grammar of Warden.
enum TextMateGrammar {
    /// One repository entry: a single-match pattern or a begin/end region.
    struct Rule {
        var key: String
        var name: String
        var match: String?
        var begin: String?
        var end: String?
        /// Repository keys included inside a begin/end region.
        var inner: [String] = []
        /// Scopes of capture groups of `match` (group number → scope).
        var captures: [(Int, String)] = []
    }

    /// How the classification test groups scopes (the lexer's token classes).
    enum Category: Equatable {
        case keyword, string, number, comment, other
    }

    static let scopeName = "source.warden"

    static func words(_ ws: [String]) -> String {
        "\\b(?:" + ws.map(escape).joined(separator: "|") + ")\\b"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static let notAfterWord = "(?<![A-Za-z0-9_])"
    static let rawPrefix = "(?:[rR][bB]?|[bB][rR])"
    static let escapes = "\\\\(?:[abfnrtv\\\\\"'`?]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3})"

    /// The rules, in the order they are tried (earlier wins when two match at the same place).
    static func rules(schema: Schema = .builtIn) -> [Rule] {
        let all = Keyword.allCases
        let operatorWords: [Keyword] = [.and, .or, .not, .in]
        let literals: [Keyword] = [.true, .false, .null]
        let actions = Action.allCases.map(\.rawValue)
        let control = all.filter { !operatorWords.contains($0) && !literals.contains($0) && $0.action == nil }
        let members = EnumType.builtins.flatMap(\.members).reduce(into: [String]()) { acc, m in
            if !acc.contains(m) { acc.append(m) }
        }
        return [
            Rule(key: "comment-hash", name: "comment.line.number-sign.warden", match: "#.*$"),
            Rule(key: "comment-slash", name: "comment.line.double-slash.warden", match: "//.*$"),
            Rule(
                key: "string-raw-triple-double", name: "string.quoted.triple.raw.warden",
                begin: notAfterWord + rawPrefix + "\"\"\"", end: "\"\"\""),
            Rule(
                key: "string-raw-triple-single", name: "string.quoted.triple.raw.warden",
                begin: notAfterWord + rawPrefix + "'''", end: "'''"),
            Rule(
                key: "string-triple-double", name: "string.quoted.triple.warden",
                begin: notAfterWord + "[bB]?\"\"\"", end: "\"\"\"", inner: ["escape"]),
            Rule(
                key: "string-triple-single", name: "string.quoted.triple.warden",
                begin: notAfterWord + "[bB]?'''", end: "'''", inner: ["escape"]),
            Rule(
                key: "string-raw-double", name: "string.quoted.double.raw.warden",
                begin: notAfterWord + rawPrefix + "\"", end: "\"|$"),
            Rule(
                key: "string-raw-single", name: "string.quoted.single.raw.warden",
                begin: notAfterWord + rawPrefix + "'", end: "'|$"),
            Rule(
                key: "string-double", name: "string.quoted.double.warden",
                begin: notAfterWord + "[bB]?\"", end: "\"|$", inner: ["escape"]),
            Rule(
                key: "string-single", name: "string.quoted.single.warden",
                begin: notAfterWord + "[bB]?'", end: "'|$", inner: ["escape"]),
            Rule(key: "number-hex", name: "constant.numeric.hex.warden", match: "\\b0[xX][0-9a-fA-F]+[uU]?\\b"),
            Rule(
                key: "number-double", name: "constant.numeric.float.warden",
                match:
                    "\\b[0-9]+\\.[0-9]+(?:[eE][+-]?[0-9]+)?\\b|\\b[0-9]+[eE][+-]?[0-9]+\\b|\\.[0-9]+(?:[eE][+-]?[0-9]+)?\\b"
            ),
            Rule(key: "number-int", name: "constant.numeric.integer.warden", match: "\\b[0-9]+[uU]?\\b"),
            Rule(
                key: "member", name: "meta.member-access.warden", match: "(\\.)\\s*([A-Za-z_][A-Za-z0-9_]*)",
                captures: [(1, "punctuation.accessor.warden"), (2, "variable.other.member.warden")]),
            Rule(key: "quoted-name", name: "variable.other.member.quoted.warden", match: "`[^`\\n]*`"),
            Rule(key: "keyword-control", name: "keyword.control.warden", match: words(control.map(\.rawValue))),
            Rule(
                key: "keyword-operator", name: "keyword.operator.word.warden",
                match: words(operatorWords.map(\.rawValue))),
            Rule(key: "constant-literal", name: "constant.language.warden", match: words(literals.map(\.rawValue))),
            Rule(key: "action", name: "keyword.other.action.warden", match: words(actions)),
            Rule(
                key: "enum-type", name: "support.type.enum.warden",
                match: words(EnumType.builtins.map(\.name))),
            Rule(key: "enum-member", name: "support.constant.enum-member.warden", match: words(members)),
            Rule(key: "fact", name: "variable.other.fact.warden", match: words(schema.facts.map(\.name))),
            Rule(key: "config-key", name: "support.variable.config-key.warden", match: words(schema.keys.map(\.name))),
            Rule(key: "keyword-contextual", name: "keyword.other.contextual.warden", match: words(Keyword.contextual)),
            Rule(
                key: "builtin-function", name: "support.function.builtin.warden",
                match: words(BuiltinTable.names) + "(?=\\s*\\()"),
            Rule(
                key: "function", name: "entity.name.function.warden",
                match: "\\b[A-Za-z_][A-Za-z0-9_]*(?=\\s*\\()"),
            Rule(
                key: "operator", name: "keyword.operator.warden",
                match: "&&|\\|\\||==|!=|<=|>=|[<>!+\\-*/%?:=]"),
            Rule(key: "punctuation", name: "punctuation.separator.warden", match: "[,()\\[\\]{}]"),
            Rule(key: "escape", name: "constant.character.escape.warden", match: escapes),
        ]
    }

    /// The lexer's class of a scope (for the classification test).
    static func category(ofScope scope: String) -> Category {
        if scope.hasPrefix("comment.") { return .comment }
        if scope.hasPrefix("string.") { return .string }
        if scope.hasPrefix("constant.numeric.") { return .number }
        if scope == "keyword.control.warden" || scope == "keyword.operator.word.warden"
            || scope == "constant.language.warden" || scope == "keyword.other.action.warden"
        {
            return .keyword
        }
        return .other
    }

    /// The grammar as a JSON object.
    static func grammar(schema: Schema = .builtIn) -> JSONValue {
        let rs = rules(schema: schema)
        var repository: [(key: String, value: JSONValue)] = []
        for r in rs {
            var o: [(key: String, value: JSONValue)] = [("name", .string(r.name))]
            if let m = r.match { o.append(("match", .string(m))) }
            if !r.captures.isEmpty {
                o.append(
                    ("captures", .object(r.captures.map { (String($0.0), .object([("name", .string($0.1))])) })))
            }
            if let b = r.begin { o.append(("begin", .string(b))) }
            if let e = r.end { o.append(("end", .string(e))) }
            if !r.inner.isEmpty {
                o.append(("patterns", .array(r.inner.map { .object([("include", .string("#" + $0))]) })))
            }
            repository.append((r.key, .object(o)))
        }
        let top = rs.filter { $0.key != "escape" }.map { JSONValue.object([("include", .string("#" + $0.key))]) }
        return .object([
            ("$comment", .string("Generated by TextMateGrammar.swift from the compiler's tables; do not edit.")),
            ("name", .string("Warden")),
            ("scopeName", .string(scopeName)),
            ("fileTypes", .array([.string("warden")])),
            ("patterns", .array(top)),
            ("repository", .object(repository)),
        ])
    }

    /// The grammar file's text: JSON indented by two spaces, keys in a fixed order, final newline.
    static func json(schema: Schema = .builtIn) -> String {
        var out = ""
        write(grammar(schema: schema), indent: 0, to: &out)
        return out + "\n"
    }

    static func write(_ v: JSONValue, indent: Int, to out: inout String) {
        let pad = String(repeating: " ", count: indent + 2)
        switch v {
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 2, to: &out)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (i, m) in members.enumerated() {
                out += pad + JSONWriter.quoted(m.key) + ": "
                write(m.value, indent: indent + 2, to: &out)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            var w = JSONWriter(capacity: 64)
            w.value(v)
            out += w.text
        }
    }
}
