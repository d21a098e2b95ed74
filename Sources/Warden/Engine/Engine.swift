/// Limits that keep hostile or runaway input from exhausting a host. The defaults are far above
/// anything a real policy needs; every limit produces a clear diagnostic or evaluation error when hit.
public struct Limits: Sendable, Hashable {
    /// Largest source accepted by `compile`, in bytes.
    public var maxSourceBytes: Int = 4 << 20
    /// Deepest nesting of brackets and operators in one expression.
    public var maxNesting: Int = SyntaxOptions().maxNesting
    /// Diagnostics reported before the rest are summarised as "N more errors".
    public var maxDiagnostics: Int = 100
    /// Evaluation cost budget for one rule condition or expression, in steps.
    public var maxSteps: Int = 1_000_000
    /// Largest string or bytes value built during evaluation, in bytes.
    public var maxStringBytes: Int = 1 << 20
    /// Longest list or map built during evaluation.
    public var maxListLength: Int = 100_000
    /// Evaluation cost budget for one whole decision (every rule and `let` of one device), in steps.
    public var maxDecisionSteps: Int = 1_000_000
    /// Bytes of values (strings, bytes, lists, maps) one decision may build in total.
    public var maxDecisionBytes: Int = 64 << 20

    /// The defaults.
    public static let `default` = Limits()

    /// Deepest nesting of comprehension macros (`all`, `exists`, `map`, ...) inside one another.
    /// Fixed: each level costs several stack frames, and this bound keeps evaluation within a
    /// 512 KiB thread stack in a debug build.
    public static let maxComprehensionNesting = 16

    /// Creates limits with the defaults.
    public init() {}

    package var evalLimits: EvalLimits {
        var l = EvalLimits()
        l.maxSteps = maxSteps
        l.maxStringBytes = maxStringBytes
        l.maxListLength = maxListLength
        l.maxDecisionSteps = maxDecisionSteps
        l.maxDecisionBytes = maxDecisionBytes
        return l
    }
}

/// Compilation failed: the diagnostics (at least one error) and the source they point into.
public struct CompileError: Error, Sendable, CustomStringConvertible {
    /// All diagnostics, errors and warnings, sorted by position; never empty.
    public let diagnostics: [Diagnostic]
    /// The source, for rendering.
    public let source: SourceFile

    /// Renders every diagnostic with its caret, as the CLI prints them.
    public func rendered() -> String { diagnostics.map { $0.rendered(in: source) }.joined() }

    /// The rendered diagnostics.
    public var description: String { rendered() }

    /// Diagnostics that failed a compilation (the formatter and the REPL make their own).
    package init(diagnostics: [Diagnostic], source: SourceFile) {
        self.diagnostics = diagnostics
        self.source = source
    }
}

/// The entry point for hosts: holds the schema, host functions and limits, and compiles policies
/// and expressions into immutable, thread-safe programs.
///
/// ```swift
/// let engine = Engine()
/// let program = try engine.compile("when threatLevel > medium then blockAccess")
/// let decision = program.evaluate(program.input(["threatLevel": .enumMember(.threatLevel, 3)]))
/// ```
public struct Engine: Sendable {
    /// The schema rules are checked against (built-in facts and keys, plus host facts).
    public let schema: Schema
    /// Host functions callable from expressions.
    public let functions: [HostFunction]
    /// Limits applied when compiling and evaluating.
    public let limits: Limits
    /// Strict mode: the built-in facts this host supplies; a rule naming another built-in fact is
    /// a compile error (`W0308`, caret at the fact). `nil` (the default): every fact may be
    /// named. Host facts (``Schema/adding(facts:)``) are always supplied.
    public let suppliedFacts: Set<String>?

    /// Creates an engine. Register host facts through `Schema.adding(facts:)` and host functions
    /// here; `suppliedFacts` turns on strict mode (the built-in facts the host gives, see
    /// ``suppliedFacts``).
    public init(
        schema: Schema = .builtIn, functions: [HostFunction] = [], limits: Limits = .default,
        suppliedFacts: Set<String>? = nil
    ) {
        self.schema = schema
        self.functions = functions
        self.limits = limits
        self.suppliedFacts = suppliedFacts
    }

    package var syntaxOptions: SyntaxOptions {
        var o = SyntaxOptions()
        o.maxNesting = limits.maxNesting
        return o
    }

    /// Parses, checks and compiles a policy.
    /// - Throws: `CompileError` with every error found (warnings included), never a crash.
    /// - Returns: a program; its `warnings` hold the non-fatal diagnostics.
    public func compile(_ text: String, name: String = "<input>") throws(CompileError) -> Program {
        try compile(SourceFile(name: name, text: text))
    }

    /// Compiles a policy from raw bytes (invalid UTF-8 is diagnosed, not trapped on).
    public func compile(_ source: SourceFile) throws(CompileError) -> Program {
        if source.bytes.count > limits.maxSourceBytes {
            throw CompileError(
                diagnostics: [
                    .error(
                        .sourceTooLarge,
                        "source is \(source.bytes.count) bytes, over the limit of \(limits.maxSourceBytes)",
                        .at(0), data: ErrorData(limit: limits.maxSourceBytes))
                ], source: source)
        }
        let parsed = Parser.parseFile(source, options: syntaxOptions)
        let checker = Checker(schema: schema, source: source, hostFunctions: functions, suppliedFacts: suppliedFacts)
        var diagnostics = parsed.diagnostics
        // The statements that parsed are checked too, so one run reports every error of the file.
        var policy = checker.check(parsed.file)
        policy.nextID = parsed.nextID
        diagnostics += checker.diagnostics
        // Let chains: the evaluation depth through `let`s (LetDepth.swift).
        diagnostics += LetDepth.check(policy, maxNesting: limits.maxNesting)
        diagnostics = cap(sortDiagnostics(diagnostics))
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            throw CompileError(diagnostics: diagnostics, source: source)
        }
        return Program(policy: policy, engine: self, source: source, warnings: diagnostics)
    }

    /// Checks a policy without keeping the program: all diagnostics (errors and warnings), sorted.
    public func diagnose(_ source: SourceFile) -> [Diagnostic] {
        do {
            return try compile(source).warnings
        } catch {
            return error.diagnostics
        }
    }

    package func sortDiagnostics(_ d: [Diagnostic]) -> [Diagnostic] {
        d.enumerated().sorted { ($0.element.span.start, $0.offset) < ($1.element.span.start, $1.offset) }.map(\.element)
    }

    package func cap(_ d: [Diagnostic]) -> [Diagnostic] {
        let errors = d.filter { $0.severity == .error }
        guard errors.count > limits.maxDiagnostics, let last = errors.dropFirst(limits.maxDiagnostics - 1).first
        else { return d }
        var kept: [Diagnostic] = []
        var n = 0
        for x in d {
            if x.severity == .error { n += 1 }
            if n > limits.maxDiagnostics { break }
            kept.append(x)
        }
        let more = errors.count - limits.maxDiagnostics
        kept.append(.error(.tooManyDiagnostics, "\(more) more error\(more == 1 ? "" : "s") not shown", last.span))
        return kept
    }
}
