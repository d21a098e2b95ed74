import Warden

// Plain CEL end to end (`warden expr --cel`): parse in CEL mode, resolve names against the
// bindings, evaluate, and render typed-value JSON (conformance/cel/README.md).

/// Plain-CEL evaluation with typed-value JSON in and out, as `warden expr --cel` needs it.
///
/// Thread-safe: every call is independent.
public enum CELMode {
    /// Evaluates one expression.
    /// - Parameters:
    ///   - expression: CEL source text.
    ///   - bindingsJSON: a JSON object mapping names to typed values, or nil for none.
    ///   - json: render the result as typed-value JSON (`{"int":"7"}`, `{"error":"..."}`);
    ///     otherwise as source text (`7`, `error: ...`).
    /// - Returns: the one output line, and whether it is a value (false: an error).
    public static func run(expression: String, bindingsJSON: [UInt8]?, json: Bool) -> (line: String, isValue: Bool) {
        var bindings: [String: Value] = [:]
        if let b = bindingsJSON {
            switch decodeBindings(b) {
            case .success(let d): bindings = d
            case .failure(let err): return (render(error: err.message, json: json), false)
            }
        }
        switch evaluate(expression, bindings: bindings) {
        case .success(let v): return (json ? TypedJSON.encode(v) : v.description, true)
        case .failure(let err): return (render(error: err.message, json: json), false)
        }
    }

    /// Evaluates one batch line `{"expr": "...", "bindings": {...}}` into one typed-value JSON line.
    public static func runBatchLine(_ line: [UInt8]) -> String {
        let parsed: JSONValue
        switch JSONParser.parse(line) {
        case .success(let j): parsed = j
        case .failure(let e): return TypedJSON.error("invalid batch line: \(e.message)")
        }
        guard case .object(let members) = parsed else { return TypedJSON.error("a batch line must be a JSON object") }
        var expr: String?
        var bindings: [String: Value] = [:]
        for m in members {
            switch m.key {
            case "expr":
                guard case .string(let s) = m.value else { return TypedJSON.error("`expr` must be a string") }
                expr = s
            case "bindings":
                switch TypedJSON.decodeBindings(m.value) {
                case .success(let d): bindings = d
                case .failure(let e): return TypedJSON.error("invalid bindings: \(e.message)")
                }
            default:
                break
            }
        }
        guard let source = expr else { return TypedJSON.error("a batch line needs `expr`") }
        switch evaluate(source, bindings: bindings) {
        case .success(let v): return TypedJSON.encode(v)
        case .failure(let err): return TypedJSON.error(err.message)
        }
    }

    static func render(error message: String, json: Bool) -> String {
        json ? TypedJSON.error(message) : "error: \(message)"
    }

    static func decodeBindings(_ bytes: [UInt8]) -> Result<[String: Value], EvalError> {
        switch JSONParser.parse(bytes) {
        case .failure(let e): return .failure(EvalError(.invalidArgument, "invalid bindings JSON: \(e.message)"))
        case .success(let j):
            switch TypedJSON.decodeBindings(j) {
            case .success(let d): return .success(d)
            case .failure(let e): return .failure(EvalError(.invalidArgument, "invalid bindings: \(e.message)"))
            }
        }
    }

    /// Parses, resolves and evaluates plain CEL; a syntax error comes back as an error value.
    static func evaluate(_ source: String, bindings: [String: Value], limits: EvalLimits = .init()) -> Result<
        Value, EvalError
    > {
        let file = SourceFile(name: "<input>", text: source)
        let parsed = Parser.parseExpression(file, options: SyntaxOptions(celMode: true))
        guard let expr = parsed.expr else {
            let first = parsed.diagnostics.first { $0.severity == .error }
            return .failure(EvalError(.invalidArgument, "syntax error: " + (first?.message ?? "invalid expression")))
        }
        if let first = parsed.diagnostics.first(where: { $0.severity == .error }) {
            return .failure(EvalError(.invalidArgument, "syntax error: " + first.message, span: first.span))
        }
        let resolutions = CELResolver.resolve(expr, bindingNames: Set(bindings.keys))
        let evaluator = Evaluator(resolutions: resolutions, lets: [], celMode: true)
        var state = EvalState(facts: [], bindings: bindings, limits: limits)
        return evaluator.evaluate(expr, &state)
    }
}
