// The rule index (FastPath/RuleIndex.swift) as the program uses it: the indexed decision loop and
// the candidate rules of an input (for tests and `warden bench`).

extension Program {
    /// `decide` for a program with a rule index: the candidates' bit set on the stack (up to 16,384
    /// rules), then the indexed loop. Kept out of line so that the loop over every rule of a small
    /// policy pays nothing for the index.
    @inline(never)
    func decideIndexed(_ index: RuleIndex, _ run: inout CompiledRun, factErrors: Bool, into decision: inout Decision) {
        if index.bitsCount <= 16 {
            var words = InlineArray<16, UInt64>(repeating: 0)
            withUnsafeMutableBytes(of: &words) { raw in
                let bits = raw.bindMemory(to: UInt64.self)
                decideCandidates(index, bits, &run, factErrors, &decision)
            }
        } else if index.bitsCount <= 256 {
            var words = InlineArray<256, UInt64>(repeating: 0)
            withUnsafeMutableBytes(of: &words) { raw in
                let bits = raw.bindMemory(to: UInt64.self)
                decideCandidates(
                    index, bits, &run, factErrors, &decision)
            }
        } else {
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: index.bitsCount) { bits in
                decideCandidates(index, bits, &run, factErrors, &decision)
            }
        }
    }

    /// The indexed decision: `decide`'s loop over the candidates only (RuleIndex.swift), the skipped
    /// rules' static cost charged first; a flat candidate is decided by its leaves
    /// (RuleIndexLeaves.swift), charged exactly what `decideRule` charges for it; any other rule,
    /// or a leaf that answers `unknown`, by `decideRule`. The previous decision's fired-rule
    /// entries are overwritten in place rather than destroyed and appended again.
    func decideCandidates(
        _ index: RuleIndex, _ bits: UnsafeMutableBufferPointer<UInt64>, _ run: inout CompiledRun,
        _ factErrors: Bool, _ decision: inout Decision
    ) {
        decision.action = .allow
        if !decision.errors.isEmpty { decision.errors.removeAll(keepingCapacity: true) }
        if factErrors { decision.errors.append(contentsOf: run.input.pointee.factErrors) }
        if !decision.warnings.isEmpty { decision.warnings.removeAll(keepingCapacity: true) }
        var fired = 0  // entries of `decision.fired` that belong to this decision
        var setters: [(rule: Int, setting: KeySetting)] = []
        let compiled = self.compiled
        let limits = engine.limits.evalLimits
        var redo = false
        run.candidates = bits
        // The decision's step count, in a local while the leaves decide (`run.decisionSteps` is
        // brought up to date around the ordinary path, which reads and charges it).
        var decisionSteps = index.select(run, into: bits)
        let leaves = index.leaves.view
        let facts = CandidateFacts(run)
        let flatFire = !hasSets
        var stateless = !run.hasState  // changes only in `decideRule`
        var rules = CandidateCursor(index, bits: bits)
        compiled.roots.withUnsafeBufferPointer { roots in
            firedTemplates.withUnsafeBufferPointer { templates in
                while let ri = rules.nextRule() {
                    if stateless {
                        var steps = 0
                        if let outcome = leaves.decide(ri, facts, steps: &steps) {
                            if steps > limits.maxSteps {
                                redo = true
                                break
                            }
                            let (d, o) = decisionSteps.addingReportingOverflow(steps)
                            decisionSteps = o ? Int.max : d
                            if decisionSteps > limits.maxDecisionSteps {
                                redo = true
                                break
                            }
                            guard outcome == .yes else { continue }
                            if flatFire && ri < templates.count {
                                let action = templates[ri].action
                                if fired < decision.fired.count {
                                    decision.fired[fired] = templates[ri]
                                } else {
                                    decision.fired.append(templates[ri])
                                }
                                fired += 1
                                if action > decision.action { decision.action = action }
                            } else {
                                Program.truncate(&decision.fired, fired)
                                fire(ri, &decision, &setters)
                                fired = decision.fired.count
                            }
                            continue
                        }
                    }
                    Program.truncate(&decision.fired, fired)
                    run.decisionSteps = decisionSteps
                    if decideRule(ri, roots[ri], &run, &decision, &setters, limits) {
                        redo = true
                        break
                    }
                    decisionSteps = run.decisionSteps
                    stateless = !run.hasState
                    fired = decision.fired.count
                }
            }
        }
        if !redo { run.decisionSteps = decisionSteps }
        if run.decisionSteps > limits.maxDecisionSteps { redo = true }  // the skipped rules' cost alone
        run.candidates = nil
        if redo {
            // This path's counts may exceed the reference's (inlined lets); the reference decides.
            run.state = nil
            run.hasState = false
            decision = referenceEvaluate(run.input.pointee)
            return
        }
        Program.truncate(&decision.fired, fired)
        if let constantConfig {
            if !Program.sameStorage(decision.config, constantConfig) { decision.config = constantConfig }
        } else {
            decision.config = effectiveConfiguration(run.input.pointee, setters: setters, warnings: &decision.warnings)
        }
    }

    /// Drops the entries of `fired` from `count` on (a previous decision's).
    @inline(__always)
    static func truncate(_ fired: inout [FiredRule], _ count: Int) {
        if fired.count > count { fired.removeSubrange(max(0, count)...) }
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
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: index.bitsCount) { bits in
                    _ = index.select(run, into: bits)
                    var rules = CandidateCursor(index, bits: bits)
                    while let r = rules.nextRule() { out.append(r) }
                }
            }
        }
        return out
    }
}

extension Program {
    /// `actions(batch)` for a program with a rule index: each device's action straight from its
    /// candidates' leaves (the most severe action of the flat candidates that hold), with no
    /// `Decision` and no fired-rule list built, the candidates' bit set allocated once for the
    /// batch. A device that needs more is decided in full by `evaluate(batch, at:into:)`, whose
    /// action it gets: a candidate that is not flat or whose leaves answer `unknown`, a limit
    /// reached (the reference then decides), fact errors, a row the batch left to the reference
    /// or a batch of another schema. Otherwise every candidate is flat and decided with the steps
    /// `decideCandidates` charges, so the action is the one `decideCandidates` gives (`fire`
    /// raises the action to the template's, whatever else it records).
    func indexedActions(
        _ index: RuleIndex, _ batch: DeviceBatch, _ lo: Int, _ hi: Int, into out: UnsafeMutableBufferPointer<Action>
    ) {
        var decision = Decision()
        let stride = batch.stride
        let wordCount = batch.wordCount
        let compatible =
            plan == nil && batch.slotCount == compiled.slotCount
            && (Program.sameStorage(batch.encodings, encodings) || batch.encodings == encodings)
        let limits = engine.limits.evalLimits
        let leaves = index.leaves.view
        let skip = DeviceBatch.referenceFlag | DeviceBatch.factErrorsFlag  // flags of `row[2]`
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: index.bitsCount) { bits in
            bits.initialize(repeating: 0)
            batch.rows.withUnsafeBufferPointer { rows in
                batch.inputs.withUnsafeBufferPointer { inputs in
                    batch.pool.withUnsafeBufferPointer { pool in
                        firedTemplates.withUnsafeBufferPointer { templates in
                            for i in lo..<hi {
                                let k = i - lo
                                guard k < out.count else { return }
                                guard compatible, let inputBase = inputs.baseAddress, let rowBase = rows.baseAddress,
                                    i < inputs.count, (i + 1) * stride <= rows.count
                                else {
                                    out[k] = fullAction(batch, i, &decision)
                                    continue
                                }
                                let row = rowBase + i * stride
                                guard row[2] & skip == 0 else {
                                    out[k] = fullAction(batch, i, &decision)
                                    continue
                                }
                                let run = CompiledRun(
                                    present: UInt64(bitPattern: row[0]), fast: UInt64(bitPattern: row[1]),
                                    malformed: UInt64(bitPattern: row[DeviceBatch.malformedWord]),
                                    words: UnsafeBufferPointer(start: row + DeviceBatch.headerWords, count: wordCount),
                                    pool: pool, input: inputBase + i, state: nil)
                                out[k] =
                                    Program.flatAction(index, leaves, run, bits, templates, limits)
                                    ?? fullAction(batch, i, &decision)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Device `i`'s action from its full decision.
    @inline(never)
    func fullAction(_ batch: DeviceBatch, _ i: Int, _ decision: inout Decision) -> Action {
        evaluate(batch, at: i, into: &decision)
        return decision.action
    }

    /// The action of a decision whose candidates are all flat (see `indexedActions`), or nil when
    /// one is not, or a limit is reached.
    @inline(__always)
    static func flatAction(
        _ index: RuleIndex, _ leaves: CandidateView, _ run: CompiledRun, _ bits: UnsafeMutableBufferPointer<UInt64>,
        _ templates: UnsafeBufferPointer<Decision.FiredRule>, _ limits: EvalLimits
    ) -> Action? {
        var decisionSteps = index.select(run, into: bits)
        let facts = CandidateFacts(run)
        var action = Action.allow
        var rules = CandidateCursor(index, bits: bits)
        while let ri = rules.nextRule() {
            var steps = 0
            guard let outcome = leaves.decide(ri, facts, steps: &steps), steps <= limits.maxSteps, ri < templates.count
            else { return nil }
            let (d, o) = decisionSteps.addingReportingOverflow(steps)
            decisionSteps = o ? Int.max : d
            if decisionSteps > limits.maxDecisionSteps { return nil }
            if outcome == .yes {
                let a = templates[ri].action
                if a > action { action = a }
            }
        }
        return decisionSteps > limits.maxDecisionSteps ? nil : action
    }
}
