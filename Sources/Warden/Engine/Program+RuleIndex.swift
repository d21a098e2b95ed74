// The rule index (FastPath/RuleIndex.swift) as the program uses it: the indexed decision loop and
// the candidate rules of an input (for tests and `warden bench`).

extension Program {
    /// `decide` with a candidate set on the stack (`run.candidates`); kept out of line so that the
    /// loop over every rule of a small policy pays nothing for the index.
    @inline(never)
    func decideIndexed(_ index: RuleIndex, _ run: inout CompiledRun, factErrors: Bool, into decision: inout Decision) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(1, index.wordCount)) { bits in
            run.candidates = bits
            decide(&run, factErrors: factErrors, into: &decision)
            run.candidates = nil
        }
    }
}

extension Program {
    /// Whether the program has a rule index (policies of at least `RuleIndex.minRules` rules with a keyed rule).
    var hasRuleIndex: Bool { ruleIndex != nil }

    /// The rules a decision for `input` evaluates, in rule order (every rule without an index).
    func candidateRules(_ input: Input) -> [Int] {
        var encoded = input
        if !encoded.fastValid { encoded.encodeAll(encodings) }
        guard encoded.fast.slotCount == compiled.slotCount else { return Array(compiled.roots.indices) }
        var out: [Int] = []
        withUnsafePointer(to: encoded) { p in
            p.pointee.fast.withWords { header, words, pool in
                let run = CompiledRun(
                    present: header.pointee.present, fast: header.pointee.fast, malformed: header.pointee.malformed,
                    words: words, pool: pool, input: p, state: nil)
                guard let index = ruleIndex else {
                    out = Array(compiled.roots.indices)
                    return
                }
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(1, index.wordCount)) { bits in
                    _ = index.select(run, into: bits)
                    var rules = RuleCursor(count: compiled.roots.count, bits: bits)
                    while let r = rules.nextRule() { out.append(r) }
                }
            }
        }
        return out
    }
}
