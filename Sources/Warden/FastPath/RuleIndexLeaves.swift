// The candidates of an indexed decision as flat conjunctions (RuleIndex.swift): a keyed rule whose
// condition is `k and c1 and c2 ...` (or a single leaf), every conjunct a leaf test of one fact
// slot, is kept as a row of plain leaves, evaluated in a loop without the compiled interpreter's
// recursion and, above all, without confirming its key again:
//
//   key      the rule's key conjunct: a rule is a candidate through its key only, so when the key's
//            slot is fast the conjunct holds (a hash word was found in the table and, for a long
//            string, confirmed against the device's bytes by `RuleIndex.lookup`; a word inside the
//            interval of a range key); a slot that is not fast answers `unknown`
//   bool     a bool fact, `k` the word wanted (`not flag` is `k == 0`)
//   cmp      `slot cmp k` on exact words (no long string to confirm)
//   inConsts `slot in consts[a..<b]`, every constant an exact word
//   has      `has(fact)`
//   constant `k != 0`
//
// and any of them under one `not` (`negate`). Each leaf charges the cost of its nodes, and the
// conjunction the `and` node's cost first, in kid order, stopping at the first `no`: the steps of
// the compiled interpreter for the same rule, to the step. Where a leaf answers `unknown` (a fact
// missing, malformed, not fast) the rule is decided by the ordinary path instead
// (`Program.decideRule`), from the start: the leaves read nothing but the device's words, so
// nothing is left behind. A rule with anything else in it (an `or`, a fallback, a `let` inlined
// as a nested `and`, a long string compared outside the key) is never flat.

/// A leaf test (see the file comment), 16 bytes.
struct CandidateLeaf {
    enum Op: UInt8 { case key, bool, cmp, inConsts, has, constant }
    /// The constant; for `inConsts`, `a << 32 | b` (the range `consts[a..<b]`).
    var k: Int64 = 0
    /// The steps the compiled nodes of the leaf charge (its `not` included).
    var cost: Int32 = 0
    /// A fact slot below 64 (`FastEncoding.maxSlots`).
    var slot: UInt8 = 0
    var op: Op
    var cmp: UInt8 = 0
    var negate = false
}

/// The flat rules, collected by the builder.
struct CandidatePlan {
    var leaves: [CandidateLeaf] = []
    var consts: [Int64] = []
    /// Per flat rule: its leaves `leaves[start..<end]` and the cost of its `and` node.
    var rows: [(rule: Int, start: Int32, end: Int32, rootCost: Int32)] = []

    /// Adds rule `rule` (root `root`, key conjunct node `key`) when it is flat.
    mutating func add(rule: Int, _ c: CompiledPolicy, root: Int32, key: Int32, encodings: [FastEncoding?]) {
        guard let n = CandidatePlan.node(c, root) else { return }
        var kids: [Int32] = [root]
        var rootCost: Int32 = 0
        if n.op == .and {
            guard n.a >= 0, n.a <= n.b, Int(truncatingIfNeeded: n.b) <= c.kids.count else { return }
            kids = Array(c.kids[Int(truncatingIfNeeded: n.a)..<Int(truncatingIfNeeded: n.b)])
            rootCost = n.cost
        }
        let mark = (leaves.count, consts.count)
        let slotLimit = min(FastEncoding.maxSlots, encodings.count)
        for kid in kids {
            guard let leaf = leaf(c, kid, isKey: kid == key, slotLimit: slotLimit) else {
                leaves.removeSubrange(mark.0...)
                consts.removeSubrange(mark.1...)
                return
            }
            leaves.append(leaf)
        }
        guard leaves.count < 1 << 31 else { return }
        rows.append(
            (
                rule, Int32(truncatingIfNeeded: mark.0), Int32(truncatingIfNeeded: leaves.count),
                rootCost
            ))
    }

    static func node(_ c: CompiledPolicy, _ i: Int32) -> CNode? {
        let j = Int(truncatingIfNeeded: i)
        return j >= 0 && j < c.nodes.count ? c.nodes[j] : nil
    }

    /// The leaf for node `i`, or nil when it is not one.
    mutating func leaf(_ c: CompiledPolicy, _ i: Int32, isKey: Bool, slotLimit: Int) -> CandidateLeaf? {
        guard var n = CandidatePlan.node(c, i) else { return nil }
        var negate = false
        var cost = n.cost
        if n.op == .not {
            guard let x = CandidatePlan.node(c, n.a), x.op != .not else { return nil }
            negate = true
            n = x
            let (s, o) = cost.addingReportingOverflow(x.cost)
            guard !o else { return nil }
            cost = s
        }
        let slotOK = n.slot >= 0 && Int(truncatingIfNeeded: n.slot) < min(slotLimit, FastEncoding.maxSlots)
        var leaf = CandidateLeaf(
            k: n.k, cost: cost, slot: UInt8(truncatingIfNeeded: slotOK ? n.slot : 0), op: .constant, negate: negate)
        if isKey {
            // Keys are bool facts, comparisons and constant lists on a slot (RuleIndexBuilder).
            guard slotOK, n.op == .factBool || n.op == .cmpConst || n.op == .inConsts else { return nil }
            leaf.op = .key
            leaf.negate = false
            return leaf
        }
        switch n.op {
        case .constant:
            leaf.op = .constant
        case .factBool where slotOK:
            leaf.op = .bool
            leaf.k = 1
        case .cmpConst where slotOK:
            guard !(n.c >= 0 && (n.cmp == CCmp.eq || n.cmp == CCmp.ne)) else { return nil }  // a long string
            leaf.op = .cmp
            leaf.cmp = n.cmp
        case .inConsts where slotOK:
            guard n.a >= 0, n.a <= n.b, Int(truncatingIfNeeded: n.b) <= c.consts.count,
                Int(truncatingIfNeeded: n.b) <= c.constLong.count
            else { return nil }
            let range = Int(truncatingIfNeeded: n.a)..<Int(truncatingIfNeeded: n.b)
            guard !c.constLong[range].contains(where: { $0 >= 0 }) else { return nil }  // a long string
            guard consts.count + range.count < 1 << 31 else { return nil }
            leaf.op = .inConsts
            let a = Int64(consts.count)
            consts += c.consts[range]
            leaf.k = a << 32 | Int64(consts.count)
        case .has where slotOK:
            leaf.op = .has
        default:
            return nil
        }
        return leaf
    }
}

/// The flat rules of an index, in buffers of plain data (no reference counting in the loop).
final class CandidateLeaves: @unchecked Sendable {
    // @unchecked: the buffers are written only in `init` and freed in `deinit`.
    let leaves: UnsafeMutableBufferPointer<CandidateLeaf>
    let consts: UnsafeMutableBufferPointer<Int64>
    /// Per rule: `start`, `end` into `leaves` (`start < 0`: not flat) and the `and` node's cost.
    let rows: UnsafeMutableBufferPointer<(start: Int32, end: Int32, rootCost: Int32)>
    /// Number of flat rules (for tests).
    let flatCount: Int

    init(_ plan: CandidatePlan, ruleCount: Int) {
        leaves = .allocate(capacity: max(1, plan.leaves.count))
        _ = leaves.initialize(from: plan.leaves)
        consts = .allocate(capacity: max(1, plan.consts.count))
        _ = consts.initialize(from: plan.consts)
        rows = .allocate(capacity: max(1, ruleCount))
        rows.initialize(repeating: (-1, -1, 0))
        var flat = 0
        for row in plan.rows where row.rule >= 0 && row.rule < ruleCount {
            rows[row.rule] = (row.start, row.end, row.rootCost)
            flat += 1
        }
        flatCount = flat
    }

    deinit {
        leaves.deallocate()
        consts.deallocate()
        rows.deallocate()
    }

    /// The buffers as plain data, for the decision loop (valid while the index lives).
    var view: CandidateView {
        CandidateView(
            leaves: UnsafeBufferPointer(leaves), consts: UnsafeBufferPointer(consts), rows: UnsafeBufferPointer(rows))
    }

    /// `CandidateView.decide`.
    func decide(_ ri: Int, _ run: CompiledRun, steps: inout Int) -> Tri? {
        view.decide(ri, CandidateFacts(run), steps: &steps)
    }
}

/// What the leaves read of a device: its typed words and their bit sets (plain data, unlike
/// `CompiledRun`, which holds the reference evaluator's state).
struct CandidateFacts {
    let present: UInt64
    let fast: UInt64
    let malformed: UInt64
    let words: UnsafeBufferPointer<Int64>

    @inline(__always)
    init(_ run: CompiledRun) {
        present = run.present
        fast = run.fast
        malformed = run.malformed
        words = run.words
    }
}

/// The buffers of `CandidateLeaves`, without reference counting.
struct CandidateView {
    let leaves: UnsafeBufferPointer<CandidateLeaf>
    let consts: UnsafeBufferPointer<Int64>
    let rows: UnsafeBufferPointer<(start: Int32, end: Int32, rootCost: Int32)>

    /// Rule `ri` as a flat conjunction: `yes` or `no` with the steps the compiled interpreter
    /// charges for it, or nil when the rule is not flat or a leaf answers `unknown` (the ordinary
    /// path decides it then).
    @inline(__always)
    func decide(_ ri: Int, _ run: CandidateFacts, steps: inout Int) -> Tri? {
        guard ri >= 0, ri < rows.count else { return nil }
        let row = rows[ri]
        guard row.start >= 0, row.start <= row.end, Int(truncatingIfNeeded: row.end) <= leaves.count else {
            return nil
        }
        var s = Int(truncatingIfNeeded: row.rootCost)
        var j = Int(truncatingIfNeeded: row.start)
        let end = Int(truncatingIfNeeded: row.end)
        while j < end {
            let leaf = leaves[j]
            s &+= Int(truncatingIfNeeded: leaf.cost)
            let slot = Int(truncatingIfNeeded: leaf.slot)
            let bit: UInt64 = 1 << UInt64(truncatingIfNeeded: leaf.slot & 63)
            let holds: Bool
            switch leaf.op {
            case .key:
                guard run.fast & bit != 0 else { return nil }
                holds = true
            case .bool:
                guard run.fast & bit != 0, slot < run.words.count else { return nil }
                holds = (run.words[slot] != 0) == (leaf.k != 0)
            case .cmp:
                guard run.fast & bit != 0, slot < run.words.count else { return nil }
                holds = CandidateLeaves.compare(run.words[slot], leaf.k, leaf.cmp)
            case .inConsts:
                guard run.fast & bit != 0, slot < run.words.count else { return nil }
                holds = contains(run.words[slot], leaf.k)
            case .has:
                guard run.malformed & bit == 0 else { return nil }
                holds = run.present & bit != 0
            case .constant:
                holds = leaf.k != 0
            }
            if holds == leaf.negate {
                steps = s
                return .no
            }
            j += 1
        }
        steps = s
        return .yes
    }

    /// Whether `consts[a..<b]` (`range = a << 32 | b`) holds `word`.
    @inline(__always)
    func contains(_ word: Int64, _ range: Int64) -> Bool {
        var i = max(0, Int(truncatingIfNeeded: range >> 32))
        let end = min(Int(truncatingIfNeeded: range & 0xFFFF_FFFF), consts.count)
        while i < end {
            if consts[i] == word { return true }
            i += 1
        }
        return false
    }
}

extension CandidateLeaves {
    /// `CompiledPolicy.compare`.
    @inline(__always)
    static func compare(_ x: Int64, _ y: Int64, _ cmp: UInt8) -> Bool { CCmp.holds(x, y, cmp) }
}
