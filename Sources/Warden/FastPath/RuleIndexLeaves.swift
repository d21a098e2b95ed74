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

/// A leaf as the decision loop runs it, compiled from a `CandidateLeaf` by `CandidateLeaves.init`
/// (24 bytes). A comparison is an interval test on the word, one subtraction and one unsigned
/// comparison: `lo <= x <= hi` (in the order of the encoding) holds exactly when
/// `UInt64(x - lo) <= UInt64(hi - lo)`, wrapping; an unsigned encoding's order is the signed order
/// of `x ^ Int64.min`, that is of `x + Int64.min`, folded into `lo`. `x != k` is `x == k` negated.
struct RowLeaf {
    enum Op: UInt8 { case range, bool, inConsts, has, constant }
    /// `range`: the lower bound (minus `Int64.min` for an unsigned encoding); `bool`: the truth
    /// wanted (0 or 1); `inConsts`: `a << 32 | b` (the range `consts[a..<b]`); `constant`: the value.
    var a: Int64 = 0
    /// `range`: the interval's width, `hi - lo`.
    var span: UInt64 = 0
    /// The steps charged when the rule stops here (its `and` node and every leaf up to this one,
    /// the key's included).
    var charged: Int32 = 0
    var slot: UInt8 = 0
    var op: Op = .constant
    var negate = false

    /// The leaf for `leaf` (not a key), or nil when its comparison code is unknown.
    init?(_ leaf: CandidateLeaf, charged: Int32) {
        self.charged = charged
        slot = leaf.slot
        negate = leaf.negate
        switch leaf.op {
        case .key: return nil
        case .bool:
            op = .bool
            a = leaf.k != 0 ? 1 : 0
        case .inConsts:
            op = .inConsts
            a = leaf.k
        case .has:
            op = .has
        case .constant:
            op = .constant
            a = leaf.k
        case .cmp:
            // `CCmp.holds`: with the unsigned flag, the low four bits; without it, the whole byte
            // (anything unknown is `>=` in both).
            let unsigned = leaf.cmp & CCmp.unsignedFlag != 0
            let code = unsigned ? leaf.cmp & 0x0F : leaf.cmp
            let shift: Int64 = unsigned ? Int64.min : 0  // x ^ Int64.min == x &+ Int64.min
            let k = leaf.k &+ shift  // the constant in signed order
            var lo = Int64.min
            var hi = Int64.max
            switch code {
            case CCmp.eq: (lo, hi) = (k, k)
            case CCmp.ne:
                (lo, hi) = (k, k)
                negate.toggle()
            case CCmp.lt:
                guard k != Int64.min else { return }  // holds for no word: the constant `false`
                hi = k &- 1
            case CCmp.le: hi = k
            case CCmp.gt:
                guard k != Int64.max else { return }  // likewise
                lo = k &+ 1
            default: lo = k
            }
            op = .range
            a = lo &- shift
            span = UInt64(bitPattern: hi &- lo)
        }
    }
}

/// A flat rule as the decision loop runs it: its leaves, the facts they need, its cost when it holds.
struct CandidateRow {
    /// `RowLeaf`s `start..<end` (`start < 0`: the rule is not flat).
    var start: Int32 = -1
    var end: Int32 = -1
    /// The steps charged when every leaf holds.
    var charged: Int32 = 0
    /// The slots the row's keys, bools, comparisons and lists read: all must be fast words, or
    /// the ordinary path decides the rule (what a leaf on such a slot would answer is `unknown`).
    var fast: UInt64 = 0
    /// The slots of its `has` leaves: none may be malformed (likewise).
    var clean: UInt64 = 0
}

/// The flat rules of an index, in buffers of plain data (no reference counting in the loop).
final class CandidateLeaves: @unchecked Sendable {
    // @unchecked: the buffers are written only in `init` and freed in `deinit`.
    let leaves: UnsafeMutableBufferPointer<RowLeaf>
    let consts: UnsafeMutableBufferPointer<Int64>
    /// Per rule (`ruleCount` rows).
    let rows: UnsafeMutableBufferPointer<CandidateRow>
    /// Number of flat rules (for tests).
    let flatCount: Int

    /// Compiles the plan's rows: each key leaf is dropped (a candidate's key holds when its slot is
    /// fast), its cost charged with the next leaf or, last, with the whole rule; each leaf keeps
    /// the steps charged when the rule stops at it. A row whose costs do not fit in `Int32`, or
    /// whose ranges do not fit its buffers, is not flat.
    init(_ plan: CandidatePlan, ruleCount: Int) {
        var out: [RowLeaf] = []
        out.reserveCapacity(plan.leaves.count)
        var table = [CandidateRow](repeating: CandidateRow(), count: max(1, ruleCount))
        var flat = 0
        for row in plan.rows where row.rule >= 0 && row.rule < ruleCount {
            let start = Int(truncatingIfNeeded: row.start)
            let end = Int(truncatingIfNeeded: row.end)
            guard start >= 0, start <= end, end <= plan.leaves.count else { continue }
            let mark = out.count
            var compiled = CandidateRow()
            var charged = Int64(truncatingIfNeeded: row.rootCost)
            let limit = Int64(truncatingIfNeeded: Int32.max)
            var ok = true
            for leaf in plan.leaves[start..<end] {
                charged &+= Int64(truncatingIfNeeded: leaf.cost)  // each term within Int32, the sum checked
                guard charged >= 0, charged <= limit else {
                    ok = false
                    break
                }
                let bit: UInt64 = 1 << UInt64(truncatingIfNeeded: leaf.slot & 63)
                switch leaf.op {
                case .key, .bool, .cmp, .inConsts: compiled.fast |= bit
                case .has: compiled.clean |= bit
                case .constant: break
                }
                if leaf.op == .key { continue }
                if leaf.op == .inConsts {
                    let a = Int(truncatingIfNeeded: leaf.k >> 32)
                    let b = Int(truncatingIfNeeded: leaf.k & 0xFFFF_FFFF)
                    guard a >= 0, a <= b, b <= plan.consts.count else {
                        ok = false
                        break
                    }
                }
                guard let compiledLeaf = RowLeaf(leaf, charged: Int32(truncatingIfNeeded: charged)) else {
                    ok = false
                    break
                }
                out.append(compiledLeaf)
            }
            guard ok, out.count < 1 << 31 else {
                out.removeSubrange(mark...)
                continue
            }
            compiled.start = Int32(truncatingIfNeeded: mark)
            compiled.end = Int32(truncatingIfNeeded: out.count)
            compiled.charged = Int32(truncatingIfNeeded: charged)
            table[row.rule] = compiled
            flat += 1
        }
        leaves = .allocate(capacity: max(1, out.count))
        _ = leaves.initialize(from: out)
        consts = .allocate(capacity: max(1, plan.consts.count))
        _ = consts.initialize(from: plan.consts)
        rows = .allocate(capacity: table.count)
        _ = rows.initialize(from: table)
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
    /// The fast slots that have a word in `words` (a slot past its end is not fast here).
    let fast: UInt64
    let malformed: UInt64
    let words: UnsafeBufferPointer<Int64>

    @inline(__always)
    init(_ run: CompiledRun) {
        present = run.present
        let n = run.words.count
        fast = n >= 64 ? run.fast : run.fast & ((1 << UInt64(truncatingIfNeeded: max(0, n))) &- 1)
        malformed = run.malformed
        words = run.words
    }
}

/// The buffers of `CandidateLeaves`, without reference counting.
struct CandidateView {
    let leaves: UnsafeBufferPointer<RowLeaf>
    let consts: UnsafeBufferPointer<Int64>
    let rows: UnsafeBufferPointer<CandidateRow>

    /// Rule `ri` as a flat conjunction: `yes` or `no` with the steps the compiled interpreter
    /// charges for it, or nil when the rule is not flat or one of its leaves would answer
    /// `unknown` (a fact it reads is not a fast word, or a `has` fact is malformed): the ordinary
    /// path decides it then, to the same answer and count.
    @inline(__always)
    func decide(_ ri: Int, _ run: CandidateFacts, steps: inout Int) -> Tri? {
        guard ri >= 0, ri < rows.count else { return nil }
        let row = rows[ri]
        // `init` checked `start...end` against `leaves`, and a range leaf's slot is in `fast`,
        // which `CandidateFacts` limits to the slots `words` holds.
        guard row.start >= 0, run.fast & row.fast == row.fast, run.malformed & row.clean == 0 else { return nil }
        var j = Int(truncatingIfNeeded: row.start)
        let end = Int(truncatingIfNeeded: row.end)
        while j < end {
            let leaf = leaves[j]
            let slot = Int(truncatingIfNeeded: leaf.slot)
            let holds: Bool
            switch leaf.op {
            case .range:
                holds = UInt64(bitPattern: run.words[slot] &- leaf.a) <= leaf.span
            case .bool:
                holds = (run.words[slot] != 0) == (leaf.a != 0)
            case .inConsts:
                holds = contains(run.words[slot], leaf.a)
            case .has:
                holds = run.present & (1 << UInt64(truncatingIfNeeded: leaf.slot & 63)) != 0
            case .constant:
                holds = leaf.a != 0
            }
            if holds == leaf.negate {
                steps = Int(truncatingIfNeeded: leaf.charged)
                return .no
            }
            j += 1
        }
        steps = Int(truncatingIfNeeded: row.charged)
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
