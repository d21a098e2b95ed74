// Fleet evaluation by column blocks: a whole `DeviceBatch` (or a range of it) decided 64 devices
// at a time by the column kernel (ColumnKernel.swift), each rule's condition answered as
// bit sets over the block, the action by bit operations, a `Decision` built only for the devices a
// caller asks for. Devices the kernel leaves (see ColumnKernel.swift) are decided by
// `evaluate(_:at:into:)`, so every device's decision is byte for byte the per-device one.
//
// The kernel runs for a policy of comparisons, constant lists and boolean logic below the rule-index
// size (RuleIndex.swift): for `actions`, whatever its config blocks and `set`s; for whole decisions
// (`evaluate(_:range:_:)`), only without them. Any other policy is decided device by device through
// the same API (same results, per-device speed).

extension Program {
    /// The column kernel for `batch`, or nil when this program's decisions over it are made device
    /// by device (a rule the kernel cannot evaluate, config blocks or `set`s, a rule index, a batch
    /// of another schema).
    ///
    /// `actionsOnly`: the kernel is for ``actions(_:range:)``, which builds no configuration: config
    /// blocks and `set`s are then no obstacle. A device's action never depends on them: a block
    /// applies by the device's `management` and `groups` alone (no expression, no step counted), and
    /// a fired rule's `set` changes keys, never the action or the errors.
    func columnKernel(for batch: DeviceBatch, actionsOnly: Bool = false) -> ColumnKernel? {
        guard ruleIndex == nil, actionsOnly || (constantConfig != nil && !hasSets),
            batch.slotCount == compiled.slotCount,
            batch.columns.wordCount == batch.wordCount,
            Program.sameStorage(batch.encodings, encodings) || batch.encodings == encodings
        else { return nil }
        return ColumnKernel(
            compiled, wordCount: batch.wordCount, tables: batch.columns.tables, limits: engine.limits.evalLimits)
    }

    /// Evaluates the devices of `range` (default: all) of a batch by column blocks, calling `body`
    /// with each device's index and decision, in index order. Each decision is the same as
    /// `evaluate(batch, at: index, into:)` gives, byte for byte; `body` may copy it.
    ///
    /// For a policy of comparisons, constant lists and boolean logic (no config blocks or `set`s,
    /// fewer rules than the rule index takes over at), the rules run over 64 devices at a time and
    /// a device's decision is built from bit sets; a device with fact errors, an unknown fact a rule
    /// needs, or a long string to confirm is decided device by device. Any other policy is decided
    /// device by device. The part of `range` outside `0 ..< batch.count` is ignored. Allocates once
    /// per call (the rules' bit sets and the decision's arrays), not per device.
    public func evaluate(_ batch: DeviceBatch, range: Range<Int>? = nil, _ body: (Int, borrowing Decision) -> Void) {
        let (lo, hi) = Program.clamp(range, batch.count)
        var decision = Decision()
        guard lo < hi else { return }
        guard let kernel = columnKernel(for: batch) else {
            for i in lo..<hi {
                evaluate(batch, at: i, into: &decision)
                body(i, decision)
            }
            return
        }
        let config = constantConfig ?? []
        let templates = firedTemplates
        let next = columnBlocks(batch, lo, hi, kernel) { base, devices, exact, ruleTrue in
            var rest = devices
            while rest != 0 {
                let lane = rest.trailingZeroBitCount
                rest &= rest &- 1
                let i = base + lane
                if exact >> UInt64(lane) & 1 != 0 {
                    evaluate(batch, at: i, into: &decision)
                } else {
                    decision.action = .allow
                    if !decision.fired.isEmpty { decision.fired.removeAll(keepingCapacity: true) }
                    if !decision.errors.isEmpty { decision.errors.removeAll(keepingCapacity: true) }
                    if !decision.warnings.isEmpty { decision.warnings.removeAll(keepingCapacity: true) }
                    for ri in 0..<min(ruleTrue.count, templates.count) where ruleTrue[ri] >> UInt64(lane) & 1 != 0 {
                        let f = templates[ri]
                        decision.fired.append(f)
                        if f.action > decision.action { decision.action = f.action }
                    }
                    if !Program.sameStorage(decision.config, config) { decision.config = config }
                }
                body(i, decision)
            }
        }
        for i in next..<max(next, hi) {
            evaluate(batch, at: i, into: &decision)
            body(i, decision)
        }
    }

    /// The action of each device of `range` (default: all) of a batch, by column blocks: element
    /// `k` is the action of device `range.lowerBound + k`, the same as
    /// `evaluate(batch, at:into:)` decides. The cheapest fleet pass: no `Decision` is built for a
    /// device the kernel decides (see `evaluate(_:range:_:)` for which policies and devices it
    /// decides; here a policy's config blocks and `set`s do not keep the kernel out, since they
    /// never change an action). The part of `range` outside `0 ..< batch.count` is ignored.
    public func actions(_ batch: DeviceBatch, range: Range<Int>? = nil) -> [Action] {
        let (lo, hi) = Program.clamp(range, batch.count)
        guard lo < hi else { return [] }
        var out = [Action](repeating: .allow, count: hi - lo)
        var decision = Decision()
        guard let kernel = columnKernel(for: batch, actionsOnly: true) else {
            if let index = ruleIndex {  // no `Decision` per device either (Program+RuleIndex.swift)
                out.withUnsafeMutableBufferPointer { indexedActions(index, batch, lo, hi, into: $0) }
                return out
            }
            for i in lo..<hi {
                evaluate(batch, at: i, into: &decision)
                out[i - lo] = decision.action
            }
            return out
        }
        // The rules of each action above `allow`, most severe first (`byAction[from ..< to]`): a
        // device gets the first action one of whose rules it fires.
        var byAction: [Int] = []
        var levels: [(action: Action, from: Int, to: Int)] = []
        for a in Action.allCases.sorted(by: >) where a != .allow {
            let from = byAction.count
            byAction += firedTemplates.indices.filter { firedTemplates[$0].action == a }
            if byAction.count > from { levels.append((a, from, byAction.count)) }
        }
        let next = out.withUnsafeMutableBufferPointer { out in
            columnBlocks(batch, lo, hi, kernel) { base, devices, exact, ruleTrue in
                var open = devices & ~exact
                let first = base - lo  // out index of lane 0 (lanes of `devices` are in range)
                for level in levels where open != 0 {
                    var fired: UInt64 = 0
                    for j in level.from..<level.to {
                        let ri = byAction[j]
                        if ri < ruleTrue.count { fired |= ruleTrue[ri] }
                    }
                    fired &= open
                    open &= ~fired
                    while fired != 0 {
                        let k = first &+ fired.trailingZeroBitCount
                        fired &= fired &- 1
                        if k >= 0, k < out.count { out[k] = level.action }
                    }
                }
                var rest = devices & exact
                while rest != 0 {
                    let lane = rest.trailingZeroBitCount
                    rest &= rest &- 1
                    evaluate(batch, at: base + lane, into: &decision)
                    let k = first &+ lane
                    if k >= 0, k < out.count { out[k] = decision.action }
                }
            }
        }
        for i in next..<max(next, hi) {
            evaluate(batch, at: i, into: &decision)
            out[i - lo] = decision.action
        }
        return out
    }

    /// `range` clamped to `0 ..< count`, as bounds.
    static func clamp(_ range: Range<Int>?, _ count: Int) -> (Int, Int) {
        guard let range else { return (0, max(0, count)) }
        let lo = min(max(range.lowerBound, 0), max(0, count))
        let hi = min(max(range.upperBound, lo), max(0, count))
        return (lo, hi)
    }

    /// Runs the kernel over the blocks of devices `lo ..< hi` (within the batch) and calls `body`
    /// per block with the index of its lane 0, the lanes in range, the lanes left to the per-device
    /// path, and each rule's true lanes. Returns the first device not passed to `body` (`hi` unless
    /// the columns are inconsistent with the batch, which `append` never makes them): the caller
    /// decides the rest device by device.
    func columnBlocks(
        _ batch: DeviceBatch, _ lo: Int, _ hi: Int, _ kernel: ColumnKernel,
        _ body: (_ base: Int, _ devices: UInt64, _ exact: UInt64, _ ruleTrue: UnsafeBufferPointer<UInt64>) -> Void
    ) -> Int {
        let columns = batch.columns
        let lanes = BatchColumns.lanes
        let wordCount = columns.wordCount
        guard lo >= 0, lo < hi, hi <= columns.count else { return lo }
        let ruleTrue = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(1, kernel.roots.count))
        ruleTrue.initialize(repeating: 0)
        defer { ruleTrue.deallocate() }
        // A schema of no facts has no words: its blocks point at these (and no node reads them).
        let noWords = [Int64](repeating: 0, count: lanes)
        let noBits = [UInt64](repeating: 0, count: BatchColumns.buckets)
        var next = lo
        columns.tiles.withUnsafeBufferPointer { tiles in
            columns.fastBits.withUnsafeBufferPointer { fast in
                columns.presentBits.withUnsafeBufferPointer { present in
                    columns.malformedBits.withUnsafeBufferPointer { malformed in
                        columns.valueBits.withUnsafeBufferPointer { values in
                            noWords.withUnsafeBufferPointer { noWords in
                                noBits.withUnsafeBufferPointer { noBits in
                                    batch.pool.withUnsafeBufferPointer { pool in
                                        var b = lo / lanes
                                        while next < hi, b < columns.blockCount {
                                            let base = b * lanes
                                            let bits = b * wordCount
                                            guard
                                                wordCount == 0
                                                    || (bits + wordCount <= fast.count
                                                        && bits + wordCount <= present.count
                                                        && bits + wordCount <= malformed.count
                                                        && (bits + wordCount) * lanes <= tiles.count
                                                        && (bits + wordCount) * BatchColumns.buckets <= values.count),
                                                let w = wordCount == 0 ? noWords.baseAddress : tiles.baseAddress,
                                                let f = wordCount == 0 ? noBits.baseAddress : fast.baseAddress,
                                                let p = wordCount == 0 ? noBits.baseAddress : present.baseAddress,
                                                let m = wordCount == 0 ? noBits.baseAddress : malformed.baseAddress,
                                                let v = wordCount == 0 ? noBits.baseAddress : values.baseAddress
                                            else { return }
                                            let from = max(lo - base, 0)
                                            let to = min(hi - base, lanes)
                                            var devices: UInt64 = to >= lanes ? ~0 : (1 << UInt64(to)) &- 1
                                            devices &= ~((1 << UInt64(from)) &- 1)
                                            let flagged = columns.exactBits[b] & devices
                                            var block = ColumnKernel.Block(
                                                words: w + bits * lanes, values: v + bits * BatchColumns.buckets,
                                                fast: f + bits, present: p + bits,
                                                malformed: m + bits,
                                                pool: pool)
                                            let exact = kernel.run(&block, care: devices & ~flagged, ruleTrue: ruleTrue)
                                            body(base, devices, exact | flagged, UnsafeBufferPointer(ruleTrue))
                                            next = base + to
                                            b += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return next
    }
}
