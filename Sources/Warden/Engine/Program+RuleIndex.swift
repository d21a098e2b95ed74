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

extension Program {
    /// Decides rule `ri` of the decision loop: a flat candidate of an indexed decision by its
    /// leaves (RuleIndexLeaves.swift), charged exactly what `decideRule` charges for it; any other
    /// rule, or a leaf that answers `unknown`, by `decideRule`.
    @inline(__always)
    func decideCandidate(
        _ ri: Int, _ root: Int32, _ run: inout CompiledRun, _ decision: inout Decision,
        _ setters: inout [(rule: Int, setting: KeySetting)], _ limits: EvalLimits
    ) -> Bool {
        if run.candidates != nil, !run.hasState, let index = ruleIndex {
            var steps = 0
            if let outcome = index.leaves.decide(ri, run, steps: &steps) {
                run.steps = steps
                if steps > limits.maxSteps { return true }
                let (d, o) = run.decisionSteps.addingReportingOverflow(steps)
                run.decisionSteps = o ? Int.max : d
                if run.decisionSteps > limits.maxDecisionSteps { return true }
                if outcome == .yes { fireCandidate(ri, &decision, &setters) }
                return false
            }
        }
        return decideRule(ri, root, &run, &decision, &setters, limits)
    }

    /// `fire`, copying the fired-rule entry once, straight from the templates.
    @inline(__always)
    func fireCandidate(_ ri: Int, _ decision: inout Decision, _ setters: inout [(rule: Int, setting: KeySetting)]) {
        guard !hasSets else {
            fire(ri, &decision, &setters)
            return
        }
        firedTemplates.withUnsafeBufferPointer { t in
            guard ri >= 0, ri < t.count else { return }
            decision.fired.append(t[ri])
            if t[ri].action > decision.action { decision.action = t[ri].action }
        }
    }
}
