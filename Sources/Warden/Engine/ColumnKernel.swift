// The column kernel: a policy's compiled conditions (CompiledPolicy.swift) run over a block of 64
// devices at a time from a batch's columns (DeviceBatch+Columns.swift). Every node answers two bit
// sets over the block, the devices for which it is true and those for which it is false; a device
// in neither is `unknown` there, exactly where the per-device interpreter answers `unknown`:
//
//   leaf (`slot cmp k`, `slot in [k...]`, bool fact, `k in list`)   known = the slot's fast bits
//   `has(f)`         true = present, false = neither present nor malformed
//   `!a`             (false a, true a)
//   `a && b && ...`  true = all true, false = any false   (`||` the dual)
//   `c ? a : b`      true = c.true & a.true | c.false & b.true, and the same for false
//
// which is the per-device interpreter's short-circuit logic (`&&` stops at its first false, takes
// an unknown as unknown only when no false follows). A child evaluated after a short-circuit gets
// the set of devices that still need it (`care`), so a costly leaf (a list scan) reads only those.
//
// A device is left to the per-device path (`evaluate(batch, at:)`) when any rule is unknown for it,
// when its row has flags (fact errors, reference path), or when the block's step bound could reach
// a limit; a policy with a node the kernel cannot do (a fallback subtree) is left to it wholly. A
// long string's word equal to a constant's needs the bytes to confirm: unknown here. So the kernel
// answers only where its answer is provably the per-device path's, which is the reference's.

/// The column kernel of one program for one batch layout (see the file comment).
struct ColumnKernel {
    let compiled: CompiledPolicy
    /// Root node of each rule, in rule order.
    let roots: [Int32]
    /// Each rule's steps when every node is evaluated (an upper bound of the per-device charge,
    /// list scans aside, which are added per block).
    let ruleCost: [Int]
    /// Slot words per device in the batch.
    let wordCount: Int
    let maxSteps: Int
    let maxDecisionSteps: Int
    /// Deepest node nesting the kernel follows (the parser bounds nesting far below it).
    static let maxDepth = 512
    /// Per node (leaf tests of one slot against a constant): the slot's table entries whose word
    /// passes the test (bit e for entry e), and what the test says of a word outside the table.
    let nodeSel: [Selection]
    /// Per constant of `inConsts` lists: the table entries equal to it, and the answer for other words.
    let constSel: [Selection]

    /// A leaf test over a slot's value table (DeviceBatch+Columns.swift).
    struct Selection {
        /// Table entries that pass.
        var entries: UInt32 = 0
        /// A word outside the table: 0 unknown (compare the lanes), 1 fails, 2 passes.
        var other: UInt8 = 0
    }

    /// The kernel, or nil when a rule has a node it cannot evaluate (or the nodes are not well formed).
    init?(_ compiled: CompiledPolicy, wordCount: Int, tables: [[Int64]], limits: EvalLimits) {
        self.compiled = compiled
        self.roots = compiled.roots
        self.wordCount = wordCount
        self.maxSteps = limits.maxSteps
        self.maxDecisionSteps = limits.maxDecisionSteps
        var costs: [Int] = []
        costs.reserveCapacity(roots.count)
        for root in roots {
            guard let cost = ColumnKernel.cost(compiled, root, wordCount: wordCount, depth: 0) else { return nil }
            costs.append(cost)
        }
        self.ruleCost = costs
        // The leaves' selections over the batch's value tables.
        func table(_ slot: Int32) -> [Int64] { slot >= 0 && Int(slot) < tables.count ? tables[Int(slot)] : [] }
        func select(_ slot: Int32, _ k: Int64, _ cmp: UInt8) -> Selection {
            let t = table(slot)
            var sel = Selection()
            for (e, w) in t.enumerated() where e < 32 && compiled.compare(w, k, cmp) { sel.entries |= 1 << UInt32(e) }
            if t.contains(k) && (cmp & 0x0F == CCmp.eq || cmp & 0x0F == CCmp.ne) {
                sel.other = cmp & 0x0F == CCmp.eq ? 1 : 2  // a word outside the table differs from k
            }
            return sel
        }
        var nodeSel = [Selection](repeating: Selection(), count: compiled.nodes.count)
        for i in 0..<compiled.nodes.count {
            let n = compiled.nodes[i]
            switch n.op {
            case .factBool: nodeSel[i] = select(n.slot, 0, CCmp.ne)
            case .cmpConst: nodeSel[i] = select(n.slot, n.k, n.cmp)
            default: break
            }
        }
        var constSel = [Selection](repeating: Selection(), count: compiled.consts.count)
        for i in 0..<compiled.nodes.count where compiled.nodes[i].op == .inConsts {
            let n = compiled.nodes[i]
            guard n.a >= 0, n.a <= n.b else { continue }
            for j in Int(n.a)..<Int(n.b) where j < constSel.count {
                constSel[j] = select(n.slot, compiled.consts[j], CCmp.eq)
            }
        }
        self.nodeSel = nodeSel
        self.constSel = constSel
    }

    /// The summed cost of a supported subtree, or nil when the kernel cannot evaluate it.
    static func cost(_ c: CompiledPolicy, _ i: Int32, wordCount: Int, depth: Int) -> Int? {
        let ni = Int(i)
        guard depth < maxDepth, ni >= 0, ni < c.nodes.count else { return nil }
        let n = c.nodes[ni]
        let own = max(0, Int(n.cost))
        func slotOK(_ s: Int32) -> Bool { s >= 0 && Int(s) < wordCount }
        func sum(_ xs: [Int32]) -> Int? {
            var total = own
            for x in xs {
                guard let k = cost(c, x, wordCount: wordCount, depth: depth + 1) else { return nil }
                let (t, o) = total.addingReportingOverflow(k)
                total = o ? Int.max : t
            }
            return total
        }
        switch n.op {
        case .constant: return own
        case .factBool, .cmpConst, .has, .listHasConst: return slotOK(n.slot) ? own : nil
        case .cmpSlots: return slotOK(n.slot) && slotOK(n.a) ? own : nil
        case .inConsts:
            guard slotOK(n.slot), n.a >= 0, n.a <= n.b, Int(n.b) <= c.consts.count, Int(n.b) <= c.constLong.count
            else { return nil }
            return own
        case .not: return sum([n.a])
        case .cond: return sum([n.a, n.b, n.c])
        case .and, .or:
            guard n.a >= 0, n.a <= n.b, Int(n.b) <= c.kids.count else { return nil }
            return sum(Array(c.kids[Int(n.a)..<Int(n.b)]))
        case .fallback: return nil
        }
    }

    /// One block's columns (pointers valid for the evaluation of the block).
    struct Block {
        /// The block's words: slot `s`, lane `j` at `words[s * 64 + j]` (`wordCount * 64` words).
        let words: UnsafePointer<Int64>
        /// The block's value buckets: slot `s`, bucket `v` at `values[s * 33 + v]` (BatchColumns.valueBits).
        let values: UnsafePointer<UInt64>
        let fast: UnsafePointer<UInt64>
        let present: UnsafePointer<UInt64>
        let malformed: UnsafePointer<UInt64>
        let pool: UnsafeBufferPointer<Int64>
        /// List scans' steps in the current rule (the longest list scanned at each list node).
        var listSteps = 0
    }

    /// Evaluates every rule over one block: `ruleTrue[ri]` gets the devices of `care` for which rule
    /// `ri` is true; returns the devices of `care` the kernel leaves to the per-device path.
    func run(_ block: inout Block, care: UInt64, ruleTrue: UnsafeMutableBufferPointer<UInt64>) -> UInt64 {
        var exact: UInt64 = 0
        var decisionSteps = 0
        let count = min(roots.count, ruleTrue.count, ruleCost.count)
        for ri in 0..<count {
            block.listSteps = 0
            let (t, f) = eval(roots[ri], care, &block)
            ruleTrue[ri] = t & care
            exact |= care & ~(t | f)
            let (steps, o1) = ruleCost[ri].addingReportingOverflow(block.listSteps)
            let (total, o2) = decisionSteps.addingReportingOverflow(steps)
            decisionSteps = o2 ? Int.max : total
            if o1 || steps > maxSteps { return care }
        }
        return decisionSteps > maxDecisionSteps ? care : exact
    }

    /// Node `i` over the block: (true, false) device sets; meaningful for the devices of `care`.
    func eval(_ i: Int32, _ care: UInt64, _ b: inout Block) -> (UInt64, UInt64) {
        let n = compiled.nodes[Int(i)]
        let slot = Int(n.slot)
        switch n.op {
        case .constant:
            return n.k != 0 ? (~0, 0) : (0, ~0)
        case .factBool:
            let known = b.fast[slot]
            let v =
                selected(nodeSel[Int(i)], b, slot, need: care & known)
                ?? ColumnKernel.lanes(b.words + slot * BatchColumns.lanes) { $0 != 0 }
            return (known & v, known & ~v)
        case .cmpConst:
            let known = b.fast[slot]
            let p = b.words + slot * BatchColumns.lanes
            if n.c >= 0 && (n.cmp == CCmp.eq || n.cmp == CCmp.ne) {
                // A long string: equal words must be confirmed on the bytes (the per-device path).
                let k = n.k
                // The node's selection is of `==` or `!=`: the devices with the equal word are the others.
                let pass = selected(nodeSel[Int(i)], b, slot, need: care & known)
                let same = pass.map { n.cmp == CCmp.eq ? $0 : ~$0 } ?? ColumnKernel.lanes(p) { $0 == k }
                return n.cmp == CCmp.eq ? (0, known & ~same) : (known & ~same, 0)
            }
            let v = selected(nodeSel[Int(i)], b, slot, need: care & known) ?? ColumnKernel.compare(p, n.k, n.cmp)
            return (known & v, known & ~v)
        case .cmpSlots:
            let other = Int(n.a)
            let known = b.fast[slot] & b.fast[other]
            let v = ColumnKernel.compare(
                b.words + slot * BatchColumns.lanes, b.words + other * BatchColumns.lanes, n.cmp)
            return (known & v, known & ~v)
        case .inConsts:
            let known = b.fast[slot]
            let p = b.words + slot * BatchColumns.lanes
            var hit: UInt64 = 0
            var longHit: UInt64 = 0
            for j in Int(n.a)..<Int(n.b) {
                let k = compiled.consts[j]
                let same = selected(constSel[j], b, slot, need: care & known) ?? ColumnKernel.lanes(p) { $0 == k }
                if compiled.constLong[j] < 0 { hit |= same } else { longHit |= same }
            }
            return (known & hit, known & ~hit & ~longHit)
        case .listHasConst:
            return listHas(n, care & b.fast[slot], &b)
        case .has:
            let present = b.present[slot]
            return (present, ~present & ~b.malformed[slot])
        case .not:
            let (t, f) = eval(n.a, care, &b)
            return (f, t)
        case .and:
            var t: UInt64 = ~0
            var f: UInt64 = 0
            var left = care
            for j in Int(n.a)..<Int(n.b) {
                let (kt, kf) = eval(compiled.kids[j], left, &b)
                t &= kt
                f |= kf
                left &= ~kf
                if left == 0 { break }
            }
            return (t & ~f, f)
        case .or:
            var t: UInt64 = 0
            var f: UInt64 = ~0
            var left = care
            for j in Int(n.a)..<Int(n.b) {
                let (kt, kf) = eval(compiled.kids[j], left, &b)
                t |= kt
                f &= kf
                left &= ~kt
                if left == 0 { break }
            }
            return (t, f & ~t)
        case .cond:
            let (ct, cf) = eval(n.a, care, &b)
            let (at, af) = eval(n.b, care & ct, &b)
            let (bt, bf) = eval(n.c, care & cf, &b)
            return ((ct & at) | (cf & bt), (ct & af) | (cf & bf))
        case .fallback:
            return (0, 0)  // never reached: `init` declines a policy with a fallback
        }
    }

    /// The devices whose word passes a leaf's test, from the value buckets, or nil when a device of
    /// `need` has a word outside the table that the selection cannot answer: compare the lanes then.
    @inline(__always)
    func selected(_ sel: Selection, _ b: Block, _ slot: Int, need: UInt64) -> UInt64? {
        let buckets = b.values + slot * BatchColumns.buckets
        let other = buckets[BatchColumns.tableSize]
        var m: UInt64 = 0
        switch sel.other {
        case 1: break
        case 2: m = other
        default: if other & need != 0 { return nil }
        }
        var e = sel.entries
        while e != 0 {
            m |= buckets[e.trailingZeroBitCount]
            e &= e &- 1
        }
        return m
    }

    /// `k in listFact` for the devices of `devices` (the others are unknown here), scanning each
    /// device's elements in the batch's pool; a long constant's equal word is unknown (confirm).
    @inline(never)
    func listHas(_ n: CNode, _ devices: UInt64, _ b: inout Block) -> (UInt64, UInt64) {
        var t: UInt64 = 0
        var f: UInt64 = 0
        var longest = 0
        var rest = devices
        let p = b.words + Int(n.slot) * BatchColumns.lanes
        while rest != 0 {
            let lane = rest.trailingZeroBitCount
            rest &= rest &- 1
            let bit: UInt64 = 1 << UInt64(lane)
            let word = p[lane]
            let off = Int(truncatingIfNeeded: word >> 32)
            let cnt = Int(truncatingIfNeeded: word & 0xFFFF_FFFF)
            guard off >= 0, cnt >= 0, off <= b.pool.count - cnt else { continue }
            longest = max(longest, cnt)
            var found = false
            for j in off..<(off + cnt) where b.pool[j] == n.k {
                found = true
                break
            }
            if !found {
                f |= bit
            } else if n.c < 0 {
                t |= bit
            }
        }
        let (s, o) = b.listSteps.addingReportingOverflow(longest)
        b.listSteps = o ? Int.max : s
        return (t, f)
    }

    /// The lanes of a 64-word column for which `test` holds, as bits.
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Int64>, _ test: (Int64) -> Bool) -> UInt64 {
        // Lane 63 first, doubling: no variable shift per lane.
        var m: UInt64 = 0
        var j = BatchColumns.lanes - 1
        while j >= 0 {
            m = m &+ m &+ (test(p[j]) ? 1 : 0)
            j -= 1
        }
        return m
    }

    /// The lanes of two 64-word columns for which `test` holds, as bits.
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Int64>, _ q: UnsafePointer<Int64>, _ test: (Int64, Int64) -> Bool) -> UInt64 {
        var m: UInt64 = 0
        var j = BatchColumns.lanes - 1
        while j >= 0 {
            m = m &+ m &+ (test(p[j], q[j]) ? 1 : 0)
            j -= 1
        }
        return m
    }

    /// `word cmp k` over a column (as `CompiledPolicy.compare`, one loop per comparison).
    static func compare(_ p: UnsafePointer<Int64>, _ k: Int64, _ cmp: UInt8) -> UInt64 {
        if cmp & CCmp.unsignedFlag != 0 {
            let u = UInt64(bitPattern: k)
            switch cmp & 0x0F {
            case CCmp.eq: return lanes(p) { $0 == k }
            case CCmp.ne: return lanes(p) { $0 != k }
            case CCmp.lt: return lanes(p) { UInt64(bitPattern: $0) < u }
            case CCmp.le: return lanes(p) { UInt64(bitPattern: $0) <= u }
            case CCmp.gt: return lanes(p) { UInt64(bitPattern: $0) > u }
            default: return lanes(p) { UInt64(bitPattern: $0) >= u }
            }
        }
        switch cmp {
        case CCmp.eq: return lanes(p) { $0 == k }
        case CCmp.ne: return lanes(p) { $0 != k }
        case CCmp.lt: return lanes(p) { $0 < k }
        case CCmp.le: return lanes(p) { $0 <= k }
        case CCmp.gt: return lanes(p) { $0 > k }
        default: return lanes(p) { $0 >= k }
        }
    }

    /// `word cmp word` over two columns.
    static func compare(_ p: UnsafePointer<Int64>, _ q: UnsafePointer<Int64>, _ cmp: UInt8) -> UInt64 {
        if cmp & CCmp.unsignedFlag != 0 {
            switch cmp & 0x0F {
            case CCmp.eq: return lanes(p, q) { $0 == $1 }
            case CCmp.ne: return lanes(p, q) { $0 != $1 }
            case CCmp.lt: return lanes(p, q) { UInt64(bitPattern: $0) < UInt64(bitPattern: $1) }
            case CCmp.le: return lanes(p, q) { UInt64(bitPattern: $0) <= UInt64(bitPattern: $1) }
            case CCmp.gt: return lanes(p, q) { UInt64(bitPattern: $0) > UInt64(bitPattern: $1) }
            default: return lanes(p, q) { UInt64(bitPattern: $0) >= UInt64(bitPattern: $1) }
            }
        }
        switch cmp {
        case CCmp.eq: return lanes(p, q) { $0 == $1 }
        case CCmp.ne: return lanes(p, q) { $0 != $1 }
        case CCmp.lt: return lanes(p, q) { $0 < $1 }
        case CCmp.le: return lanes(p, q) { $0 <= $1 }
        case CCmp.gt: return lanes(p, q) { $0 > $1 }
        default: return lanes(p, q) { $0 >= $1 }
        }
    }
}
