extension HostFunction {
    /// The implementation with its result checked against the declared result type: a value of
    /// another type (a host bug) becomes an evaluation error of kind
    /// ``Value/Error/Kind/hostResultType`` (code `W0914`), so the rule that called it errs and its
    /// `onError` action applies, instead of a wrong-typed value flowing on into the typed program.
    package var checkedImplementation: @Sendable ([Value]) -> Result<Value, EvalError> {
        let name = name
        let result = result
        let implementation = implementation
        return { args in
            switch implementation(args) {
            case .success(let v):
                if v.conforms(to: result) { return .success(v) }
                return .failure(
                    EvalError(
                        .hostResultType,
                        "host function `\(name)` returned `\(v.type)`, not its declared result type `\(result)`",
                        data: ErrorData(function: name)))
            case .failure(var err):
                if err.data.function == nil { err.data.function = name }
                return .failure(err)
            }
        }
    }
}
