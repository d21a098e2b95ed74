// The reference decision for differential fuzzing (Sources/WardenFuzzEval, WardenFuzzBatch):
// SPI, not API. `@_spi(Fuzzing) import Warden` to use it.

extension Program {
    /// The decision of the reference tree-walking evaluator alone (no compiled nodes, no typed
    /// slots): what `evaluate(_:)` must always equal.
    @_spi(Fuzzing) public func referenceDecision(_ input: Input) -> Decision { referenceEvaluate(input) }
}
