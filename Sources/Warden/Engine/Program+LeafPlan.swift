extension Program {
    /// Decides one device through the straight-line plan (LeafPlan.swift); false, with `decision`
    /// untouched, when the plan does not apply to this device (a fact it reads is not fast, a fact
    /// `has()` asks about is malformed, the list pool is past the step bound): the general loop
    /// then decides. The caller checks that the device has no fact errors. Same decision as the
    /// general loop wherever it answers.
    @inline(__always)
    func decidePlanned(
        _ plan: LeafPlan, present: UInt64, fast: UInt64, malformed: UInt64, words: UnsafeBufferPointer<Int64>,
        pool: UnsafeBufferPointer<Int64>, into decision: inout Decision
    ) -> Bool {
        guard words.count >= plan.minWords, fast & plan.fastSlots == plan.fastSlots, malformed & plan.hasSlots == 0,
            pool.count <= plan.maxPool
        else { return false }
        // At most 64 rules: the fired rules straight from the leaf loop (the masks folded into it).
        if plan.rules.count <= 64 {
            guard var fired = plan.fired(words: words, present: present, pool: pool) else { return false }
            clearForPlan(&decision)
            while fired != 0 {
                let ri = fired.trailingZeroBitCount
                fired &= fired &- 1
                let f = firedTemplates[ri]
                decision.fired.append(f)
                if f.action > decision.action { decision.action = f.action }
            }
        } else {
            guard let bits = plan.bits(words: words, present: present, pool: pool) else { return false }
            clearForPlan(&decision)
            // Which rules fire, 64 at a time without a branch per rule; then the few that do.
            let rules = plan.rules
            var r = 0
            while r < rules.count {
                let stop = min(rules.count, r + 64)
                var fired: UInt64 = 0
                var k = r
                while k < stop {
                    let m = rules[k]
                    let met: UInt64 = bits & m == m ? 1 : 0
                    fired |= met &<< UInt64(truncatingIfNeeded: k &- r)
                    k += 1
                }
                while fired != 0 {
                    let ri = r &+ fired.trailingZeroBitCount
                    fired &= fired &- 1
                    let f = firedTemplates[ri]
                    decision.fired.append(f)
                    if f.action > decision.action { decision.action = f.action }
                }
                r = stop
            }
        }
        // The plan exists only with a constant configuration; assign it only when the decision does
        // not hold it already (checked by storage, without retaining either array).
        let held =
            decision.config.count == constantConfigCount
            && (constantConfigCount == 0
                || decision.config.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } == constantConfigBase)
        if !held { decision.config = constantConfig ?? [] }
        return true
    }
}

extension Program {
    /// Empties a decision before the plan fills it.
    @inline(__always)
    func clearForPlan(_ decision: inout Decision) {
        decision.action = .allow
        if !decision.fired.isEmpty { decision.fired.removeAll(keepingCapacity: true) }
        if !decision.errors.isEmpty { decision.errors.removeAll(keepingCapacity: true) }
        if !decision.warnings.isEmpty { decision.warnings.removeAll(keepingCapacity: true) }
    }

    /// Whether the straight-line plan decides this input (for tests and `warden bench`): the
    /// program has a plan, and the input has no fact errors and meets the plan's conditions.
    func planDecides(_ input: Input) -> Bool {
        guard let plan, input.fastValid, input.factErrors.isEmpty, input.fast.slotCount == compiled.slotCount else {
            return false
        }
        return input.fast.withWords { header, words, pool in
            words.count >= plan.minWords && header.pointee.fast & plan.fastSlots == plan.fastSlots
                && header.pointee.malformed & plan.hasSlots == 0
                && pool.count <= plan.maxPool
                && plan.bits(words: words, present: header.pointee.present, pool: pool) != nil
        }
    }
}
