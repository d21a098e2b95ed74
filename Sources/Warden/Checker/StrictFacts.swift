// Strict mode: a host that gives only some of the built-in facts says which (`Engine(suppliedFacts:)`),
// and a rule naming another built-in fact fails to compile (W0308) instead of erring on every
// device at run time with a missing fact (README "Strict facts").

extension Checker {
    /// Reports `name` (at `slot`) when strict mode is on and it is a built-in fact the host does
    /// not supply. Host facts come after the built-in ones and are always supplied.
    func checkSupplied(_ slot: Int, _ name: String, _ span: SourceSpan) {
        guard let supplied = suppliedFacts, slot >= 0, slot < Schema.builtInFacts.count,
            !supplied.contains(name)
        else { return }
        let given = Schema.builtInFacts.map(\.name).filter { supplied.contains($0) }
        let sug = nearest(name, in: given)
        error(
            .unsuppliedFact,
            "this host does not supply the fact `\(name)`" + (sug.map { "; did you mean `\($0)`?" } ?? ""), span,
            fixIt: sug,
            notes: [
                .init(
                    given.isEmpty
                        ? "the host supplies none of the built-in facts"
                        : "the host supplies \(given.map { "`\($0)`" }.joined(separator: ", "))")
            ], data: ErrorData(fact: name))
    }
}
