/// One expression compiled against the schema's facts (and optionally a policy's `let`s):
/// what `warden expr` and the REPL evaluate. Immutable and `Sendable`.
package struct CompiledExpression: Sendable {
    /// The expression's static type.
    package let type: WardenType
    let expr: Expr
    let evaluator: Evaluator
    let limits: Limits

    /// Evaluates the expression on a device's facts.
    package func evaluate(_ input: Input) -> Result<Value, EvalError> {
        var state = EvalState(input: input, limits: limits.evalLimits)
        return evaluator.evaluate(expr, &state)
    }
}

extension Engine {
    /// Compiles one expression in typed mode: facts from the schema, domain types, literal conversion.
    /// - Parameter context: a policy whose `let`s the expression may use.
    /// - Throws: `CompileError` with the diagnostics.
    package func compileExpression(_ text: String, name: String = "<expr>", context: Program? = nil)
        throws(CompileError) -> CompiledExpression
    {
        let source = SourceFile(name: name, text: text)
        var options = syntaxOptions
        options.firstID = context?.policy.nextID ?? 0
        let parsed = Parser.parseExpression(source, options: options)
        guard let expr = parsed.expr, !parsed.diagnostics.contains(where: { $0.severity == .error }) else {
            throw CompileError(diagnostics: sortDiagnostics(parsed.diagnostics), source: source)
        }
        let checker = Checker(schema: schema, source: source, hostFunctions: functions, suppliedFacts: suppliedFacts)
        if let policy = context?.policy {
            checker.resolutions = policy.resolutions
            checker.lets = policy.lets
            for (i, l) in policy.lets.enumerated() { checker.letIndex[l.name] = i }
        }
        let type = checker.check(expr)
        let diagnostics = sortDiagnostics(parsed.diagnostics + checker.diagnostics)
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw CompileError(diagnostics: diagnostics, source: source)
        }
        let evaluator = Evaluator(
            resolutions: checker.resolutions, lets: checker.lets.map(\.expr),
            hostFunctions: functions.map(\.checkedImplementation), celMode: false)
        return CompiledExpression(type: type, expr: expr, evaluator: evaluator, limits: limits)
    }
}

extension Value {
    /// The value in the typed-value JSON of the CEL conformance protocol (`{"int":"7"}`,
    /// `{"enum":"ThreatLevel.medium"}`, `{"version":"13.0.2"}`, `{"date":"2024-05-01"}`).
    package var typedJSON: String { TypedJSON.encode(self) }

    /// The value as Warden source text (`[1, 2u, "a"]`, `ThreatLevel.medium`, `version("13")`).
    public var display: String { ValuePrinter.display(self) }
}

extension EvalError {
    /// `{"error":"..."}`, the typed-value JSON of an evaluation error.
    package var typedJSON: String { TypedJSON.error(message) }
}

extension CompileError {
    /// `{"error":"..."}` with the first error's message.
    package var typedJSON: String {
        TypedJSON.error(diagnostics.first { $0.severity == .error }?.message ?? "compile error")
    }
}

extension Schema {
    /// An input with no facts.
    public func emptyInput() -> Input { Input(slots: facts.count) }
}
