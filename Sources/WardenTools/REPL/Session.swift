import Warden

// The REPL's logic (`warden repl`), free of any terminal code: a session accumulates policy
// statements and facts, evaluates expressions and `:`-commands, decides whether an entry needs
// more lines (by the parser's own end-of-input result), and computes TAB completions. The CLI
// supplies a `LineReader` (readline on a terminal, plain lines otherwise) and file access.
//
// Design: the session keeps the source text of its statements. A new statement entry is added to
// that text and the whole session is compiled again with `Engine.compile`; an entry with errors is
// rolled back, and only the diagnostics pointing into the entry are shown, with carets relative to
// the entry. Loaded files (`warden repl FILE...`, `:load`) are files of a policy set, compiled
// with the typed entries (the set's `<repl>` file) by `Engine.compile(_: [SourceFile])`, as
// `check` and `eval` compile several files. Expressions are checked and evaluated against the session's lets and facts.

/// One result of reading a line.
public enum LineInput: Sendable, Hashable {
    /// A line, without its newline.
    case line(String)
    /// Ctrl-C: drop the pending entry.
    case interrupt
    /// End of input (Ctrl-D on an empty prompt, or the end of a pipe).
    case end
}

/// Where the REPL's lines come from: readline on a terminal, plain lines from a pipe, a script in tests.
public protocol LineReader {
    /// Reads one line, showing `prompt` if the reader shows prompts. `completer` answers TAB.
    mutating func readLine(prompt: String, completer: Completer) -> LineInput
    /// Records a complete entry in the history (only complete entries are recorded).
    mutating func addHistory(_ entry: String)
}

extension LineReader {
    /// Readers without history ignore entries.
    public mutating func addHistory(_ entry: String) {}
}

/// What one entry produced.
public struct Reply: Error, Sendable, Hashable {
    /// Text for standard output (values, listings), each line ending in a newline.
    public var output: String = ""
    /// Text for standard error (diagnostics), each line ending in a newline.
    public var errors: String = ""
    /// The entry had an error.
    public var failed = false
    /// The entry asked to end the session (`:quit`).
    public var quit = false

    /// An empty reply.
    public init() {}

    static func out(_ s: String) -> Reply {
        var r = Reply()
        r.output = s.isEmpty || s.hasSuffix("\n") ? s : s + "\n"
        return r
    }

    static func fail(_ s: String) -> Reply {
        var r = Reply()
        r.errors = s.hasSuffix("\n") ? s : s + "\n"
        r.failed = true
        return r
    }
}

/// TAB completion from the tables the checker uses: keywords, actions, facts, Defender keys, enum
/// members, built-in functions, the session's `let`s, `:`-commands, and file names after `:load`.
public struct Completer {
    /// Names visible in expressions besides the built-in tables (the session's `let`s).
    var lets: [String]
    let schema: Schema
    /// Lists a directory's entries (directories with a trailing `/`); nil when it cannot be read.
    var listDirectory: (String) -> [String]?

    /// Candidates for `word`, the text being completed; `lineBefore` is the line before the word.
    public func completions(for word: String, lineBefore: String) -> [String] {
        let before = lineBefore.drop(while: { $0 == " " || $0 == "\t" })
        if before.isEmpty && word.hasPrefix(":") {
            return Session.commands.map { ":" + $0.name }.filter { $0.hasPrefix(word) }.sorted()
        }
        if before.hasPrefix(":") {
            let command = before.prefix(while: { $0 != " " && $0 != "\t" })
            switch command {
            case ":load": return files(word)
            case ":schema":
                return matching(
                    word, schema.facts.map(\.name) + schema.keys.map(\.name) + schema.enums.map(\.name))
            case ":set", ":unset":
                if !before.contains("=") { return matching(word, schema.facts.map(\.name)) }
                return expressionWords(word)
            case ":type": return expressionWords(word)
            default: return []
            }
        }
        return expressionWords(word)
    }

    func matching(_ word: String, _ candidates: [String]) -> [String] {
        Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted()
    }

    /// Words of the language: keywords, actions, facts, keys, enums and members, functions, types, lets.
    func expressionWords(_ word: String) -> [String] {
        var all = Keyword.allCases.map(\.rawValue) + Keyword.contextual + Action.allCases.map(\.rawValue)
        all += schema.facts.map(\.name) + schema.keys.map(\.name)
        for e in schema.enums {
            all.append(e.name)
            all += e.members
            if word.contains(".") { all += e.members.map { "\(e.name).\($0)" } }
        }
        all += Checker.builtinFunctions + Checker.typeNames.keys + lets
        return matching(word, all)
    }

    /// File names for `:load`: the directory part of `word` is listed and its entries matched.
    func files(_ word: String) -> [String] {
        var dir = ""
        var base = Substring(word)
        if let slash = word.lastIndex(of: "/") {
            dir = String(word[...slash])
            base = word[word.index(after: slash)...]
        }
        guard let names = listDirectory(dir.isEmpty ? "." : dir) else { return [] }
        let showHidden = base.hasPrefix(".")
        return names.filter { $0.hasPrefix(base) && (showHidden || !$0.hasPrefix(".")) && $0 != "./" && $0 != "../" }
            .map { dir + $0 }.sorted()
    }
}

/// An interactive session: the policy entered so far, the facts set, and the commands over them.
///
/// ```swift
/// var session = Session()
/// _ = session.handle("rule \"hi\" when threatLevel > medium then blockAccess")
/// _ = session.handle(":set threatLevel = high")
/// print(session.handle(":eval").output)
/// ```
public struct Session {
    /// The prompt for a new entry.
    public static let prompt = "warden> "
    /// The prompt for a continued entry.
    public static let continuationPrompt = "...> "

    /// The `:`-commands, with their arguments and help text.
    static let commands: [(name: String, args: String, help: String)] = [
        ("set", "FACT = VALUE", "set a fact of the session's device (checked against the schema)"),
        ("unset", "FACT", "remove a fact"),
        ("facts", "", "show the facts set"),
        ("eval", "", "evaluate the session's rules on its facts, with the evidence and configuration"),
        ("explain", "", "the same as :eval"),
        ("load", "FILE", "add a policy file to the session's policy set"),
        ("rules", "", "list the session's rules"),
        ("config", "", "the config blocks, the effective configuration and the blocks that do not apply"),
        ("schema", "[NAME]", "the built-in schema, or one fact, key or enum"),
        ("type", "EXPR", "the type of an expression, without evaluating it"),
        ("reset", "", "forget every statement and fact"),
        ("help", "", "this list"),
        ("quit", "", "end the session (Ctrl-D does too)"),
    ]

    /// The engine statements are compiled with.
    public let engine: Engine
    /// Statement entries starting with a `policy` header (kept first in the session's source).
    /// The name of the input whose line numbers errors carry (`<stdin>` for piped input), or nil:
    /// errors then give the place in the entry (`<repl>:1:3`).
    public var numberedInput: String?

    var headerEntries: [String] = []
    /// The other statement entries, in the order entered.
    var statementEntries: [String] = []
    /// Files added with `warden repl FILE...` or `:load FILE`, each a file of the session's policy
    /// set (its `let`s and `policy … onError` header scoped to it); the entries typed at the prompt
    /// are the set's last file, `<repl>`.
    var loadedFiles: [SourceFile] = []
    /// The compiled session.
    var program: Program
    /// The first expression id after the session's source.
    var nextID = 0
    /// Facts set with `:set`, by slot.
    var facts: [Int: Value] = [:]
    /// The `today` fact where the session does not set it (the CLI passes the current date).
    public var today: Value.Day?
    /// Reads a file for `:load`: its bytes, or a message saying why it cannot be read.
    public var readFile: (String) -> Result<[UInt8], ReadFailure>
    /// Lists a directory for completion after `:load` (directories with a trailing `/`).
    public var listDirectory: (String) -> [String]?

    /// Why a file could not be read, for `readFile`.
    public struct ReadFailure: Error, Sendable {
        /// The message shown after `error: `.
        public var message: String
        /// Creates a failure with a message.
        public init(_ message: String) { self.message = message }
    }

    /// Creates an empty session. Files cannot be read until the host sets `readFile`.
    public init(engine: Engine = Engine()) {
        self.engine = engine
        self.readFile = { path in .failure(ReadFailure("cannot read `\(path)`: no file access")) }
        self.listDirectory = { _ in nil }
        // An empty policy always compiles; the fallback keeps this initialiser total.
        self.program =
            (try? engine.compile(SourceFile(name: "<session>", text: "")))
            ?? Program(
                policy: CheckedPolicy(name: nil, onError: .blockAccess), engine: engine,
                source: SourceFile(name: "<session>", text: ""), warnings: [])
    }

    /// The completer for the session's current state.
    public var completer: Completer {
        Completer(lets: program.policy.lets.map(\.name), schema: engine.schema, listDirectory: listDirectory)
    }

    /// TAB completions for `word`, with `lineBefore` the text of the line before it.
    public func completions(for word: String, lineBefore: String) -> [String] {
        completer.completions(for: word, lineBefore: lineBefore)
    }

    /// The statements typed at the prompt (the loaded files are `files`).
    public var source: String { Session.replText(headerEntries, statementEntries) }

    /// The files of the session's policy set, in load order.
    public var files: [String] { loadedFiles.map(\.name) }

    // MARK: - The loop

    /// Reads entries until the end of input or `:quit`, writing replies as they come.
    /// - Returns: whether any entry had an error.
    public mutating func run<R: LineReader>(
        _ reader: inout R, output: (String) -> Void, errors: (String) -> Void
    ) -> Bool {
        var pending: [String] = []
        var hadError = false
        // Input line numbers (`numberedInput`): the line read last, and where the pending entry began.
        var lineNumber = 0
        var entryStart = 1
        func deliver(_ r: Reply) {
            if !r.output.isEmpty { output(r.output) }
            if !r.errors.isEmpty {
                errors(numberedInput.map { Session.numbered(r.errors, input: $0, entryStart: entryStart) } ?? r.errors)
            }
            if r.failed { hadError = true }
        }
        while true {
            let prompt = pending.isEmpty ? Session.prompt : Session.continuationPrompt
            switch reader.readLine(prompt: prompt, completer: completer) {
            case .interrupt:
                pending = []
            case .end:
                if !pending.isEmpty {
                    let text = pending.joined(separator: "\n")
                    reader.addHistory(text)
                    deliver(handle(text))
                }
                return hadError
            case .line(let line):
                lineNumber += 1
                if pending.isEmpty && Session.isBlank(line) { continue }
                if pending.isEmpty { entryStart = lineNumber }
                pending.append(line)
                let text = pending.joined(separator: "\n")
                if needsMoreInput(text) { continue }
                pending = []
                reader.addHistory(text)
                let r = handle(text)
                deliver(r)
                if r.quit { return hadError }
            }
        }
    }

    static func isBlank(_ s: String) -> Bool { s.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }

    // MARK: - Entries

    /// What kind of entry a text is, from its first token.
    enum EntryKind {
        case empty, command, header, statement, expression
    }

    func kind(of text: String) -> EntryKind {
        if text.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).hasPrefix(":") { return .command }
        var lexer = Lexer(SourceFile(name: "<repl>", text: text), options: engine.syntaxOptions)
        let (tokens, lexErrors) = lexer.tokenize()
        switch tokens.first?.kind {
        // Only comments: nothing to do, unless a comment has an error (a bidi control, a line
        // separator, invalid UTF-8), which must be reported like any other; `add` reports it.
        case nil, .eof?: return lexErrors.isEmpty ? .empty : .statement
        case .keyword(.policy)?: return .header
        case .keyword(let k)? where k.startsStatement: return .statement
        default: return .expression
        }
    }

    /// Whether `text` is an unfinished entry: its parse fails only at the end of input (an open
    /// bracket, string or block, a trailing operator). Decided by the parser, never by counting.
    public func needsMoreInput(_ text: String) -> Bool {
        let source = SourceFile(name: "<repl>", text: text)
        let diagnostics: [Diagnostic]
        switch kind(of: text) {
        case .empty, .command: return false
        case .header, .statement: diagnostics = Parser.parseFile(source, options: engine.syntaxOptions).diagnostics
        case .expression: diagnostics = Parser.parseExpression(source, options: engine.syntaxOptions).diagnostics
        }
        let errors = diagnostics.filter { $0.severity == .error }
        return !errors.isEmpty && errors.allSatisfy(\.isIncomplete)
    }

    /// Handles one complete entry: statements, an expression, or a `:`-command.
    public mutating func handle(_ text: String) -> Reply {
        switch kind(of: text) {
        case .empty: return Reply()
        case .command: return command(text)
        case .header: return add(text, name: entryName, isHeader: true)
        case .statement: return add(text, name: entryName, isHeader: false)
        case .expression: return evaluate(text)
        }
    }

    /// Adds a policy file's text to the session (`warden repl FILE`, `:load FILE`).
    public mutating func load(_ path: String) -> Reply {
        switch readFile(path) {
        case .failure(let f): return .fail("error: \(f.message)")
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                // Compile the raw bytes alone so the lexer reports where the UTF-8 is invalid.
                let d = engine.diagnose(SourceFile(name: path, bytes: bytes))
                return .fail(d.map { $0.rendered(in: SourceFile(name: path, bytes: bytes)) }.joined())
            }
            if kind(of: text) == .empty { return .out("loaded \(path): nothing to add") }
            var r = add(text, name: path, isHeader: kind(of: text) == .header, asFile: true)
            if !r.failed { r.output = "loaded \(path)\n" + r.output }
            return r
        }
    }

    /// The text of the entries typed at the prompt, headers first.
    static func replText(_ headers: [String], _ statements: [String]) -> String {
        (headers + statements).joined(separator: "\n")
    }

    /// The sources the session compiles: with no file loaded, the typed entries alone (`<session>`);
    /// otherwise the loaded files and, when anything was typed, the typed entries as `<repl>`.
    static func sources(files: [SourceFile], repl: String) -> [SourceFile] {
        if files.isEmpty { return [SourceFile(name: "<session>", text: repl)] }
        return repl.isEmpty ? files : files + [SourceFile(name: "<repl>", text: repl)]
    }

    /// Where a file of `sources` starts in the compiled (joined) source.
    static func start(ofFile index: Int, in sources: [SourceFile]) -> Int {
        sources.prefix(index).reduce(0) { $0 + $1.bytes.count + 1 }
    }

    /// Adds statements typed at the prompt (`name` nil) or a file (`name` its path, a new file of
    /// the session's set); on an error the session is left as it was.
    mutating func add(_ text: String, name: String, isHeader: Bool, asFile: Bool = false) -> Reply {
        var headers = headerEntries
        var statements = statementEntries
        var files = loadedFiles
        let entrySource = SourceFile(name: name, text: text)
        let shift: Int
        if asFile {
            files.append(entrySource)
            shift = Session.start(ofFile: files.count - 1, in: files)
        } else {
            if isHeader { headers.append(text) } else { statements.append(text) }
            let before = isHeader ? headerEntries : headerEntries + statementEntries
            shift = Session.start(ofFile: files.count, in: files) + before.reduce(0) { $0 + $1.utf8.count + 1 }
        }
        let sources = Session.sources(files: files, repl: Session.replText(headers, statements))
        let range = shift...(shift + text.utf8.count)
        let result: Result<Program, CompileError>
        do throws(CompileError) {
            result = .success(try engine.compile(sources))
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let compiled):
            headerEntries = headers
            statementEntries = statements
            loadedFiles = files
            program = compiled
            nextID = compiled.policy.nextID
            var r = Reply.out(summary(of: range, header: isHeader ? entrySource : nil))
            let warnings = compiled.warnings.filter { range.contains($0.span.start) }
            r.errors = warnings.map {
                render($0, entry: entrySource, shift: shift, range: range, session: compiled.source)
            }
            .joined()
            return r
        case .failure(let error):
            let inEntry = error.diagnostics.filter { range.contains($0.span.start) }
            var r = Reply()
            r.failed = true
            if inEntry.contains(where: { $0.severity == .error }) {
                r.errors = inEntry.map {
                    render($0, entry: entrySource, shift: shift, range: range, session: error.source)
                }
                .joined()
            } else {
                r.errors = error.rendered()
            }
            return r
        }
    }

    /// One line per statement of the entry: `rule "x" added`, `let x : int`, ...
    /// `header`: the entry, when it starts with a `policy` header (its own file's or the typed one's).
    func summary(of range: ClosedRange<Int>, header: SourceFile?) -> String {
        let p = program.policy
        var lines: [(Int, String)] = []
        for l in p.lets where range.contains(l.span.start) { lines.append((l.span.start, "let \(l.name) : \(l.type)")) }
        for r in p.rules where range.contains(r.span.start) {
            lines.append((r.span.start, "rule \(ValuePrinter.quote(r.name)) → \(r.action?.rawValue ?? "allow")"))
        }
        for c in p.configs where range.contains(c.span.start) {
            lines.append((c.span.start, "config \(ValuePrinter.quote(c.name))"))
        }
        for t in p.tests where range.contains(t.span.start) {
            lines.append((t.span.start, "test \(ValuePrinter.quote(t.name))"))
        }
        if let header, let h = Parser.parseFile(header, options: engine.syntaxOptions).file.header {
            let onError = h.onError?.value ?? .blockAccess
            lines.append((-1, "policy \(ValuePrinter.quote(h.name.value)) onError \(onError.rawValue)"))
        }
        return lines.sorted { $0.0 < $1.0 }.map { $0.1 + "\n" }.joined()
    }

    /// Renders a diagnostic of the session's source relative to the entry it points into.
    func render(
        _ d: Diagnostic, entry: SourceFile, shift: Int, range: ClosedRange<Int>, session: SourceFile
    ) -> String {
        func moved(_ s: SourceSpan) -> SourceSpan { SourceSpan(start: s.start - shift, end: s.end - shift) }
        var out =
            range.contains(d.span.start)
            ? entry.render(d.label, d.message, moved(d.span))
            : session.render(d.label, d.message, d.span)
        for note in d.notes {
            if let s = note.span {
                out +=
                    range.contains(s.start)
                    ? entry.render("note", note.message, moved(s)) : session.render("note", note.message, s)
            } else {
                out += "note: \(note.message)\n"
            }
        }
        return out
    }

    // MARK: - Expressions

    /// A checked expression ready to evaluate.
    struct CheckedExpression {
        var expr: Expr
        var type: WardenType
        var evaluator: Evaluator
        var warnings: String
    }

    /// Parses and checks `text` (which sits at `column` of the entry `line`) against the session's
    /// lets and facts. Errors come back rendered with carets relative to the entry.
    func checkExpression(_ text: String, at column: Int, of line: String, expected: WardenType? = nil)
        -> Result<CheckedExpression, Reply>
    {
        // Padding puts the expression's spans after every span of the session's source, so an error
        // raised inside a `let` is told apart from one in the entry.
        let pad = program.source.bytes.count + 1
        let source = SourceFile(name: "<repl>", bytes: Array(repeating: 0x20, count: pad + column) + Array(text.utf8))
        let entry = SourceFile(name: entryName, text: line)
        let range = pad...(pad + line.utf8.count)
        var options = engine.syntaxOptions
        options.firstID = nextID
        let parsed = Parser.parseExpression(source, options: options)
        let checker = Checker(
            schema: engine.schema, source: source, hostFunctions: engine.functions, suppliedFacts: engine.suppliedFacts)
        checker.lets = program.policy.lets
        checker.letIndex = Dictionary(
            program.policy.lets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        checker.resolutions = program.policy.resolutions
        var diagnostics = parsed.diagnostics
        var type = WardenType.error
        if let expr = parsed.expr, !diagnostics.contains(where: { $0.severity == .error }) {
            type = checker.check(expr, expected: expected)
            diagnostics += checker.diagnostics
            if let deep = LetDepth.check(
                expr, resolutions: checker.resolutions, policy: program.policy, maxNesting: engine.limits.maxNesting)
            {
                diagnostics.append(deep)
            }
        }
        let rendered = engine.sortDiagnostics(diagnostics).map {
            render($0, entry: entry, shift: pad, range: range, session: program.source)
        }.joined()
        guard let expr = parsed.expr, !diagnostics.contains(where: { $0.severity == .error }) else {
            var r = Reply.fail(rendered)
            if rendered.isEmpty { r.errors = "\(entryName): error: not an expression\n" }
            return .failure(r)
        }
        let evaluator = Evaluator(
            resolutions: checker.resolutions, lets: program.policy.lets.map(\.expr),
            hostFunctions: engine.functions.map(\.checkedImplementation), celMode: false)
        return .success(CheckedExpression(expr: expr, type: type, evaluator: evaluator, warnings: rendered))
    }

    /// Evaluates a checked expression on the session's facts; an error is rendered with its caret.
    func run(_ c: CheckedExpression, line: String) -> Result<Value, Reply> {
        var state = EvalState(input: input(), limits: engine.limits.evalLimits)
        switch c.evaluator.evaluate(c.expr, &state) {
        case .success(let v): return .success(v)
        case .failure(let err):
            let pad = program.source.bytes.count + 1
            // The code as diagnostics show theirs: `error[W0901]: fact `rooted` is missing`.
            let label = "error[\(err.code.rawValue)]"
            guard let span = err.span else { return .failure(.fail("\(label): \(err.message)")) }
            if span.start >= pad {
                let entry = SourceFile(name: entryName, text: line)
                return .failure(
                    .fail(entry.render(label, err.message, SourceSpan(start: span.start - pad, end: span.end - pad))))
            }
            return .failure(.fail(program.source.render(label, err.message, span)))
        }
    }

    /// `expr` → `value : type`.
    func evaluate(_ text: String) -> Reply {
        switch checkExpression(text, at: 0, of: text) {
        case .failure(let r): return r
        case .success(let c):
            var r: Reply
            switch run(c, line: text) {
            case .failure(let f): r = f
            case .success(let v):
                let type = c.type.isDynamic ? v.type : c.type
                r = .out("\(ValuePrinter.display(v)) : \(type)")
            }
            r.errors = c.warnings + r.errors
            return r
        }
    }

    /// The session's facts as an input (with `today` filled in when the session does not set it).
    func input() -> Input {
        var input = Input(slots: engine.schema.facts.count)
        for (slot, v) in facts where slot < engine.schema.facts.count { input.set(slot: slot, v) }
        if let today { input.setIfMissing("today", .date(today), in: engine.schema) }
        return input
    }

    // MARK: - Commands

    mutating func command(_ text: String) -> Reply {
        let trimmed = text.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        let name = String(trimmed.dropFirst().prefix(while: { $0 != " " && $0 != "\t" && $0 != "\n" }))
        // The argument keeps its place in the line so carets line up with what was typed.
        let column = text.utf8.count - trimmed.utf8.count + 1 + name.utf8.count
        let rawArgument = String(trimmed.dropFirst(1 + name.count))
        let argument = rawArgument.trimmingBlanks()
        let argumentColumn =
            column + (rawArgument.utf8.count - rawArgument.drop(while: { $0 == " " || $0 == "\t" }).utf8.count)
        switch name {
        case "quit", "q", "exit":
            var r = Reply()
            r.quit = true
            return r
        case "help", "h", "?": return .out(help())
        case "reset":
            self = Session(engine: engine, keeping: self)
            return .out("session cleared")
        case "facts": return factsText()
        case "unset": return unset(argument)
        case "set": return set(argument, column: argumentColumn, line: text)
        case "eval", "explain":
            let x = program.explain(input())
            return .out(DecisionText.render(x, program: program, device: "session", showConfig: true))
        case "rules": return rulesText()
        case "config": return configText()
        case "schema":
            if argument.isEmpty { return .out(SchemaText.overview(engine.schema)) }
            if let t = SchemaText.entry(argument, in: engine.schema) { return .out(t) }
            var m = "error: no fact, key or enum named `\(argument)`"
            if let s = SchemaText.suggestion(argument, in: engine.schema) { m += "; did you mean `\(s)`?" }
            return .fail(m)
        case "type":
            if argument.isEmpty { return .fail("error: `:type` needs an expression: `:type EXPR`") }
            switch checkExpression(argument, at: argumentColumn, of: text) {
            case .failure(let r): return r
            case .success(let c):
                var r = Reply.out("\(c.type)")
                r.errors = c.warnings
                return r
            }
        case "load":
            if argument.isEmpty { return .fail("error: `:load` needs a file name: `:load FILE`") }
            return load(argument)
        default:
            var m = "error: unknown command `:\(name)`"
            if let s = nearest(name, in: Session.commands.map(\.name)) { m += "; did you mean `:\(s)`?" }
            return .fail(m + " (`:help` lists the commands)")
        }
    }

    /// A fresh session with the host's settings of `old`.
    init(engine: Engine, keeping old: Session) {
        self.init(engine: engine)
        today = old.today
        readFile = old.readFile
        listDirectory = old.listDirectory
    }

    func help() -> String {
        var out = "Enter policy statements (rule, when, let, config, test, policy) or an expression.\n"
        out += "An unfinished entry continues on a `...>` line; Ctrl-C drops it, Ctrl-D quits.\n"
        let w = Session.commands.map { $0.name.count + $0.args.count + 2 }.max() ?? 0
        for c in Session.commands {
            let head = ":" + c.name + (c.args.isEmpty ? "" : " " + c.args)
            out += "  " + head + String(repeating: " ", count: max(0, w - head.count)) + "  " + c.help + "\n"
        }
        return out
    }

    func factSlot(_ name: String) -> Result<Int, Reply> {
        if let slot = engine.schema.slot(ofFact: name) { return .success(slot) }
        var m = "error[\(ErrorCode.unknownFact.rawValue)]: unknown fact `\(name)`"
        if let s = nearest(name, in: engine.schema.facts.map(\.name)) { m += "; did you mean `\(s)`?" }
        return .failure(.fail(m))
    }

    mutating func set(_ argument: String, column: Int, line: String) -> Reply {
        guard let eq = argument.firstIndex(of: "=") else {
            return .fail("error: `:set` takes `FACT = VALUE`, such as `:set threatLevel = high`")
        }
        let name = String(argument[..<eq]).trimmingBlanks()
        let valueText = String(argument[argument.index(after: eq)...])
        if name.isEmpty { return .fail("error: `:set` takes `FACT = VALUE`, such as `:set threatLevel = high`") }
        let slot: Int
        switch factSlot(name) {
        case .failure(let r): return r
        case .success(let s): slot = s
        }
        if valueText.trimmingBlanks().isEmpty { return .fail("error: `:set \(name) =` needs a value") }
        let fact = engine.schema.facts[slot]
        let valueColumn = column + argument[...eq].utf8.count
        switch checkExpression(valueText, at: valueColumn, of: line, expected: fact.type) {
        case .failure(let r): return r
        case .success(let c):
            switch run(c, line: line) {
            case .failure(let r): return r
            case .success(let v):
                guard v.conforms(to: fact.type) else {
                    let start = valueColumn + (valueText.utf8.count - valueText.drop(while: { $0 == " " }).utf8.count)
                    let span = SourceSpan(
                        start: start, end: valueColumn + valueText.trimmingTrailingSpaces().utf8.count)
                    return .fail(
                        SourceFile(name: entryName, text: line).render(
                            "error", "fact `\(name)` is `\(fact.type)`, not `\(c.type.isDynamic ? v.type : c.type)`",
                            span))
                }
                facts[slot] = v
                var r = Reply.out("\(name) = \(ValuePrinter.display(v))")
                r.errors = c.warnings
                return r
            }
        }
    }

    mutating func unset(_ name: String) -> Reply {
        if name.isEmpty { return .fail("error: `:unset` takes a fact name: `:unset FACT`") }
        switch factSlot(name) {
        case .failure(let r): return r
        case .success(let slot):
            guard facts.removeValue(forKey: slot) != nil else { return .out("`\(name)` was not set") }
            return .out("unset \(name)")
        }
    }

    func factsText() -> Reply {
        if facts.isEmpty { return .out("no facts set (`:set FACT = VALUE` sets one)") }
        var out = ""
        for slot in facts.keys.sorted() {
            guard let v = facts[slot], slot < engine.schema.facts.count else { continue }
            let f = engine.schema.facts[slot]
            out += "\(f.name) = \(ValuePrinter.display(v)) : \(f.type)\n"
        }
        return .out(out)
    }

    func rulesText() -> Reply {
        let rules = program.policy.rules
        if rules.isEmpty { return .out("no rules") }
        var out = ""
        for r in rules {
            out += "\(ValuePrinter.quote(r.name)) → \(r.action?.rawValue ?? "allow")\n"
            out += DecisionText.sourceLine(program, r.line, file: program.file(ofRule: r.name))
        }
        return .out(out)
    }

    func configText() -> Reply {
        let p = program.policy
        var out = ""
        if p.configs.isEmpty { out += "no config blocks\n" }
        for c in p.configs {
            var head = "config \(ValuePrinter.quote(c.name)) route \(c.route.rawValue)"
            if let apps = c.apps {
                head += " for apps [\(apps.sorted().map(ValuePrinter.quote).joined(separator: ", "))]"
            }
            if let groups = c.groups {
                head += " for groups [\(groups.sorted().map(ValuePrinter.quote).joined(separator: ", "))]"
            }
            if c.isOverride { head += " override" }
            out += head + "\n"
            for s in c.settings {
                let k = engine.schema.keys[s.key]
                out += "  \(k.name) = \(k.displayText(s.value))\n"
            }
        }
        let x = program.explain(input())
        out += "effective configuration on the session's facts:\n"
        out += DecisionText.configuration(x)
        return .out(out)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line ends.
    func trimmingBlanks() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })).trimmingTrailingSpaces()
    }

    /// Without trailing spaces, tabs and line ends.
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\n" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
