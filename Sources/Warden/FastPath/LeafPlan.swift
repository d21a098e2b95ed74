// The straight-line pre-check of a small policy (issue 16): every rule's compiled condition as a
// conjunction of clauses over "leaves" (one comparison of a typed fact word, `has`, a short string in
// a list fact), evaluated without recursion, reference counting or per-node dispatch:
//
//   1. every leaf once, branch-free, into one 64-bit word (a comparison, negated or not, is one
//      wrapping range test `UInt64(bitPattern: word &- lo) <= span`: an unsigned order is the
//      signed one shifted by 2^63, and the complement of a range is a range), then one bit per
//      clause of several leaves (set when one of its leaves is);
//   2. each rule fires when all the bits of its mask are set (a 0/1 per rule, then a loop over the
//      few rules that fire).
//
// It is a pure accelerator of the compiled path (CompiledPolicy.swift), used only where its answer
// is provably the compiled path's, which is provably the reference's:
//   - every rule must be expressible (no fallback, no long string to confirm on the bytes, at most
//     64 distinct leaves and clauses of several leaves, 16 clauses per rule after `!` is pushed to
//     the leaves), and decisions must not need the input (no config blocks, no `set`s), else no plan;
//   - per device, no fact errors;
//   - per device, every fact a comparison reads must be `fast` (present and encoded), and no fact
//     `has()` asks about may be malformed: with every leaf known, the three-valued logic of the
//     compiled nodes is two-valued logic, and the CNF is the same function;
//   - the steps the compiled path would charge are bounded by the plan's static count (every node
//     of every rule, as if nothing short-circuited) plus each list scan at the device's whole pool:
//     when that bound fits `maxSteps` per rule and `maxDecisionSteps` per decision, no limit can be
//     hit, so the compiled path would have fired exactly the rules whose condition is true.
// Anything else (a missing fact, a malformed one, a list pool past the bound) returns false and the
// decision goes through the general loop, as before.

/// One comparison leaf: `UInt64(bitPattern: words[slot] &- lo) <= span` (never the full range).
struct RangeLeaf: Hashable {
    var lo: Int64
    var span: UInt64
    var slot: Int
}

/// A leaf that is not a range test: `has(slot)`, `k in listSlot`, or `slot cmp slot2`.
struct OtherLeaf: Hashable {
    enum Kind: UInt8 { case present, listHas, slots }
    var kind: Kind
    var slot: Int32
    var slot2: Int32 = 0
    var cmp: UInt8 = 0
    var k: Int64 = 0
    var negate: Bool
}

/// A plan's tables: plain data only (pointers and counts), so that reading it per decision
/// retains nothing; `LeafPlan.Storage` owns the buffers (the program keeps it).
struct LeafPlan: @unchecked Sendable {
    // @unchecked: the buffers are written only in `build` and owned by a `Storage` the program keeps.
    /// The range leaves: bits `0..<ranges.count` of the leaf word.
    let ranges: UnsafeMutableBufferPointer<RangeLeaf>
    /// The other leaves: the bits after the range leaves.
    let others: UnsafeMutableBufferPointer<OtherLeaf>
    /// The clauses of several leaves (bits after the leaves'): each one's mask of leaf bits.
    let ors: UnsafeMutableBufferPointer<UInt64>
    /// Each rule's mask: it fires when all these bits are set.
    let rules: UnsafeMutableBufferPointer<UInt64>
    /// With at most 64 rules, the transpose of `rules`: for each leaf and clause bit, the rules
    /// whose mask holds it (a rule fires unless one of its bits is clear), so the leaf loop gives
    /// the fired rules with no loop per rule (`fired(words:present:pool:)`). Empty otherwise.
    let leafRules: UnsafeMutableBufferPointer<UInt64>
    /// With at most 64 rules, one bit per rule.
    let allRules: UInt64
    /// Slots a comparison or a list leaf reads: they must all be `fast`.
    let fastSlots: UInt64
    /// Slots `has()` asks about: none may be malformed.
    let hasSlots: UInt64
    /// The largest list pool (elements of the device's list facts) for which the step bound fits the limits.
    let maxPool: Int
    /// The fewest slot words a device must have: one past the highest slot a leaf reads.
    let minWords: Int

    /// Owns a plan's buffers and frees them.
    final class Storage: @unchecked Sendable {
        // @unchecked: written only in `LeafPlan.build`, before the plan is shared.
        let ranges: UnsafeMutableBufferPointer<RangeLeaf>
        let others: UnsafeMutableBufferPointer<OtherLeaf>
        let ors: UnsafeMutableBufferPointer<UInt64>
        let rules: UnsafeMutableBufferPointer<UInt64>
        let leafRules: UnsafeMutableBufferPointer<UInt64>

        init(
            _ ranges: [RangeLeaf], _ others: [OtherLeaf], _ ors: [UInt64], _ rules: [UInt64], _ leafRules: [UInt64]
        ) {
            self.ranges = Storage.copy(ranges)
            self.others = Storage.copy(others)
            self.ors = Storage.copy(ors)
            self.rules = Storage.copy(rules)
            self.leafRules = Storage.copy(leafRules)
        }

        static func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
            let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, a.count))
            _ = p.initialize(from: a)
            return UnsafeMutableBufferPointer(rebasing: p[0..<a.count])
        }

        deinit {
            ranges.baseAddress?.deallocate()
            others.baseAddress?.deallocate()
            ors.baseAddress?.deallocate()
            rules.baseAddress?.deallocate()
            leafRules.baseAddress?.deallocate()
        }
    }

    /// The leaf and clause bits of a device, or nil when a list fact's encoding is out of its pool.
    @inline(__always)
    func bits(words: UnsafeBufferPointer<Int64>, present: UInt64, pool: UnsafeBufferPointer<Int64>) -> UInt64? {
        var bits: UInt64 = 0
        var i = 0
        let n = ranges.count
        while i < n {
            let l = ranges[i]
            let inRange: UInt64 = UInt64(bitPattern: words[l.slot] &- l.lo) <= l.span ? 1 : 0
            bits |= inRange &<< UInt64(truncatingIfNeeded: i)
            i += 1
        }
        if !others.isEmpty {
            guard let b = otherBits(words: words, present: present, pool: pool, bits) else { return nil }
            bits = b
        }
        var j = 0
        let base = n + others.count
        while j < ors.count {
            let met: UInt64 = bits & ors[j] != 0 ? 1 : 0
            bits |= met &<< UInt64(truncatingIfNeeded: base &+ j)
            j += 1
        }
        return bits
    }

    /// The rules that fire (bit `k` for rule `k`; at most 64 rules), or nil when a list fact's
    /// encoding is out of its pool: `bits` with each rule's mask folded into the leaf loops (a
    /// clear bit clears its rules), so there is no loop over the rules.
    @inline(__always)
    func fired(words: UnsafeBufferPointer<Int64>, present: UInt64, pool: UnsafeBufferPointer<Int64>) -> UInt64? {
        var bits: UInt64 = 0
        var notFired: UInt64 = 0
        var i = 0
        let n = ranges.count
        while i < n {
            let l = ranges[i]
            let inRange: UInt64 = UInt64(bitPattern: words[l.slot] &- l.lo) <= l.span ? 1 : 0
            bits |= inRange &<< UInt64(truncatingIfNeeded: i)
            notFired |= leafRules[i] & (inRange &- 1)
            i += 1
        }
        let base = n + others.count
        if !others.isEmpty {
            guard let b = otherBits(words: words, present: present, pool: pool, bits) else { return nil }
            bits = b
            var j = n
            while j < base {
                let met = bits &>> UInt64(truncatingIfNeeded: j) & 1
                notFired |= leafRules[j] & (met &- 1)
                j += 1
            }
        }
        var j = 0
        while j < ors.count {
            let met: UInt64 = bits & ors[j] != 0 ? 1 : 0
            notFired |= leafRules[base &+ j] & (met &- 1)
            j += 1
        }
        return allRules & ~notFired
    }

    /// The bits of the other leaves (out of line: small policies of comparisons have none).
    @inline(never)
    func otherBits(
        words: UnsafeBufferPointer<Int64>, present: UInt64, pool: UnsafeBufferPointer<Int64>, _ start: UInt64
    ) -> UInt64? {
        var bits = start
        var j = 0
        while j < others.count {
            let l = others[j]
            var v: Bool
            let slot = Int(truncatingIfNeeded: l.slot)
            switch l.kind {
            case .present:
                v = present >> UInt64(truncatingIfNeeded: slot) & 1 != 0
            case .listHas:
                let word = words[slot]
                let off = Int(truncatingIfNeeded: word >> 32)
                let cnt = Int(truncatingIfNeeded: word & 0xFFFF_FFFF)
                guard off >= 0, cnt >= 0, off <= pool.count - cnt else { return nil }
                v = false
                var p = off
                while p < off + cnt {
                    if pool[p] == l.k {
                        v = true
                        break
                    }
                    p += 1
                }
            case .slots:
                v = LeafPlan.compare(words[slot], words[Int(truncatingIfNeeded: l.slot2)], l.cmp)
            }
            if v != l.negate { bits |= 1 &<< UInt64(truncatingIfNeeded: ranges.count &+ j) }
            j += 1
        }
        return bits
    }

    @inline(__always)
    static func compare(_ x: Int64, _ y: Int64, _ cmp: UInt8) -> Bool { CCmp.holds(x, y, cmp) }
}

extension LeafPlan {
    /// The most bits of a plan: distinct leaves and clauses of several leaves (one 64-bit word).
    static let maxBits = 64
    /// The most clauses of one rule's condition in conjunctive form.
    static let maxClauses = 16
    /// The most node visits while building (a `let` inlined at many uses is visited at each).
    static let maxVisits = 100_000

    /// The plan of a compiled policy, or nil when a rule is not expressible or its step bound
    /// cannot fit the limits.
    static func build(_ c: CompiledPolicy, limits: EvalLimits) -> (LeafPlan, Storage)? {
        guard !c.hasFallbacks, !c.roots.isEmpty else { return nil }
        var b = Builder(c: c, slotLimit: min(c.slotCount, FastEncoding.maxSlots))
        var forms: [Builder.Form] = []
        var maxRuleStatic = 0
        var maxRuleLists = 0
        var totalStatic = 0
        var totalLists = 0
        for root in c.roots {
            guard let cnf = b.cnf(root, true), let (cost, lists) = b.cost(root) else { return nil }
            forms.append(cnf)
            maxRuleStatic = max(maxRuleStatic, cost)
            maxRuleLists = max(maxRuleLists, lists)
            let (sum, overflow) = totalStatic.addingReportingOverflow(cost)
            guard !overflow else { return nil }
            totalStatic = sum
            totalLists &+= lists  // at most maxVisits
            guard totalStatic <= limits.maxDecisionSteps, maxRuleStatic <= limits.maxSteps else { return nil }
        }
        // Bits: the range leaves, the other leaves, then the clauses of several leaves (or none).
        var position = [Int](repeating: -1, count: b.leaves.count)
        var ranges: [RangeLeaf] = []
        var others: [OtherLeaf] = []
        for (i, leaf) in b.leaves.enumerated() {
            if case .range(let r) = leaf {
                position[i] = ranges.count
                ranges.append(r)
            }
        }
        for (i, leaf) in b.leaves.enumerated() {
            if case .other(let o) = leaf {
                position[i] = ranges.count + others.count
                others.append(o)
            }
        }
        let base = ranges.count + others.count
        var ors: [UInt64] = []
        var orBit: [UInt64: Int] = [:]
        var rules: [UInt64] = []
        for form in forms {
            var mask: UInt64 = 0
            for clause in form {
                if clause.count == 1, let p = clause.first {
                    mask |= 1 << UInt64(truncatingIfNeeded: position[p])
                    continue
                }
                var leaves: UInt64 = 0
                for p in clause { leaves |= 1 << UInt64(truncatingIfNeeded: position[p]) }
                let bit: Int
                if let known = orBit[leaves] {
                    bit = known
                } else {
                    bit = base + ors.count
                    guard bit < LeafPlan.maxBits else { return nil }
                    orBit[leaves] = bit
                    ors.append(leaves)
                }
                mask |= 1 << UInt64(truncatingIfNeeded: bit)
            }
            rules.append(mask)
        }
        // The largest pool for which every rule's bound and the decision's fit.
        var maxPool = Int.max
        if maxRuleLists > 0 { maxPool = min(maxPool, (limits.maxSteps - maxRuleStatic) / maxRuleLists) }
        if totalLists > 0 { maxPool = min(maxPool, (limits.maxDecisionSteps - totalStatic) / totalLists) }
        // The transpose, for at most 64 rules: each bit's rules.
        var leafRules: [UInt64] = []
        var allRules: UInt64 = 0
        if rules.count <= 64 {
            leafRules = [UInt64](repeating: 0, count: base + ors.count)
            for (k, mask) in rules.enumerated() {
                allRules |= 1 << UInt64(truncatingIfNeeded: k)
                var m = mask
                while m != 0 {
                    let b = m.trailingZeroBitCount
                    m &= m &- 1
                    if b < leafRules.count { leafRules[b] |= 1 << UInt64(truncatingIfNeeded: k) }
                }
            }
        }
        let storage = Storage(ranges, others, ors, rules, leafRules)
        let plan = LeafPlan(
            ranges: storage.ranges, others: storage.others, ors: storage.ors, rules: storage.rules,
            leafRules: storage.leafRules, allRules: allRules,
            fastSlots: b.fastSlots, hasSlots: b.hasSlots, maxPool: maxPool,
            minWords: 64 - (b.fastSlots | b.hasSlots).leadingZeroBitCount)
        return (plan, storage)
    }

    enum Leaf: Hashable {
        case range(RangeLeaf)
        case other(OtherLeaf)
    }

    /// A literal: a leaf, or a constant (a comparison that no word, or every word, meets).
    enum Literal {
        case leaf(Int)
        case always
        case never
    }

    /// Builds the conjunctive form of rule conditions over deduplicated leaves.
    struct Builder {
        let c: CompiledPolicy
        let slotLimit: Int
        var leaves: [Leaf] = []
        var ids: [Leaf: Int] = [:]
        var fastSlots: UInt64 = 0
        var hasSlots: UInt64 = 0
        var visits = 0

        /// A clause: leaf ids, one of which must be true. A form: clauses that must all hold.
        typealias Form = [[Int]]

        mutating func leaf(_ l: Leaf) -> Int? {
            if let i = ids[l] { return i }
            guard leaves.count < LeafPlan.maxBits else { return nil }
            ids[l] = leaves.count
            leaves.append(l)
            return leaves.count - 1
        }

        func slotOK(_ s: Int32) -> Bool { s >= 0 && Int(truncatingIfNeeded: s) < slotLimit }

        /// `words[slot] cmp k` (its negation when `negate`) as a range leaf, or a constant.
        mutating func compare(_ slot: Int32, _ cmp: UInt8, _ k: Int64, negate: Bool) -> Literal? {
            guard slotOK(slot) else { return nil }
            fastSlots |= 1 << UInt64(truncatingIfNeeded: slot)
            // In the signed order of `word ^ flip` (an unsigned order shifted by 2^63): [lo, hi].
            let flip: Int64 = cmp & CCmp.unsignedFlag != 0 ? Int64.min : 0
            let key = k ^ flip
            var lo = Int64.min
            var hi = Int64.max
            var neg = negate
            switch cmp & 0x0F {
            case CCmp.eq: (lo, hi) = (key, key)
            case CCmp.ne: (lo, hi, neg) = (key, key, !negate)
            case CCmp.lt:
                if key == Int64.min { return negate ? .always : .never }
                hi = key &- 1
            case CCmp.le: hi = key
            case CCmp.gt:
                if key == Int64.max { return negate ? .always : .never }
                lo = key &+ 1
            case CCmp.ge: lo = key
            default: return nil
            }
            if lo == Int64.min && hi == Int64.max { return neg ? .never : .always }
            if neg { (lo, hi) = (hi &+ 1, lo &- 1) }  // the complement, wrapping round
            // `x ^ flip` is `x &+ flip` (flip is 0 or 2^63), so `(x ^ flip) &- lo` is `x &- (lo ^ flip)`.
            let span = UInt64(bitPattern: hi &- lo)
            return leaf(.range(RangeLeaf(lo: lo ^ flip, span: span, slot: Int(truncatingIfNeeded: slot)))).map {
                .leaf($0)
            }
        }

        /// The form of one literal.
        func form(_ l: Literal?) -> Form? {
            switch l {
            case .leaf(let id): [[id]]
            case .always: []
            case .never: [[]]
            case nil: nil
            }
        }

        /// Or of two forms (distributes; nil when it grows past the clause cap).
        func or(_ x: Form, _ y: Form) -> Form? {
            var out: Form = []
            for a in x {
                for b in y {
                    out.append(a + b)
                    guard out.count <= LeafPlan.maxClauses else { return nil }
                }
            }
            return out
        }

        /// The conjunctive form of node `i` (its negation when `positive` is false).
        mutating func cnf(_ i: Int32, _ positive: Bool) -> Form? {
            visits += 1
            guard visits <= LeafPlan.maxVisits, i >= 0, Int(truncatingIfNeeded: i) < c.nodes.count else { return nil }
            let n = c.nodes[Int(truncatingIfNeeded: i)]
            switch n.op {
            case .constant:
                return (n.k != 0) == positive ? [] : [[]]
            case .factBool:
                return form(compare(n.slot, CCmp.ne, 0, negate: !positive))
            case .cmpConst:
                guard n.c < 0 else { return nil }  // a long string is confirmed on its bytes
                return form(compare(n.slot, n.cmp, n.k, negate: !positive))
            case .cmpSlots:
                guard slotOK(n.slot), slotOK(n.a) else { return nil }
                fastSlots |= 1 << UInt64(truncatingIfNeeded: n.slot) | 1 << UInt64(truncatingIfNeeded: n.a)
                let l = leaf(.other(OtherLeaf(kind: .slots, slot: n.slot, slot2: n.a, cmp: n.cmp, negate: !positive)))
                return l.map { [[$0]] }
            case .inConsts:
                guard slotOK(n.slot), n.a >= 0, n.a <= n.b, Int(truncatingIfNeeded: n.b) <= c.consts.count else {
                    return nil
                }
                fastSlots |= 1 << UInt64(truncatingIfNeeded: n.slot)
                // x in [a, b]: one clause (x == a or x == b); its negation: x != a, x != b.
                var out: Form = positive ? [[]] : []
                for j in Int(truncatingIfNeeded: n.a)..<Int(truncatingIfNeeded: n.b) {
                    guard c.constLong[j] < 0, let f = form(compare(n.slot, CCmp.eq, c.consts[j], negate: !positive))
                    else { return nil }
                    if positive {
                        guard let o = or(out, f) else { return nil }
                        out = o
                    } else {
                        out += f
                        guard out.count <= LeafPlan.maxClauses else { return nil }
                    }
                }
                return out
            case .listHasConst:
                guard n.c < 0, slotOK(n.slot) else { return nil }
                fastSlots |= 1 << UInt64(truncatingIfNeeded: n.slot)
                return leaf(.other(OtherLeaf(kind: .listHas, slot: n.slot, k: n.k, negate: !positive))).map { [[$0]] }
            case .has:
                guard slotOK(n.slot) else { return nil }
                hasSlots |= 1 << UInt64(truncatingIfNeeded: n.slot)
                return leaf(.other(OtherLeaf(kind: .present, slot: n.slot, negate: !positive))).map { [[$0]] }
            case .not:
                return cnf(n.a, !positive)
            case .and, .or:
                guard n.a >= 0, n.a <= n.b, Int(truncatingIfNeeded: n.b) <= c.kids.count else { return nil }
                let conjunction = (n.op == .and) == positive
                var out: Form = conjunction ? [] : [[]]
                for j in Int(truncatingIfNeeded: n.a)..<Int(truncatingIfNeeded: n.b) {
                    guard let f = cnf(c.kids[j], positive) else { return nil }
                    if conjunction {
                        out += f
                        guard out.count <= LeafPlan.maxClauses else { return nil }
                    } else {
                        guard let o = or(out, f) else { return nil }
                        out = o
                    }
                }
                return out
            case .cond:
                // a ? b : c  ==  (!a || b) && (a || c); its negation: a ? !b : !c.
                guard let na = cnf(n.a, false), let pa = cnf(n.a, true), let b = cnf(n.b, positive),
                    let cc = cnf(n.c, positive), let x = or(na, b), let y = or(pa, cc),
                    x.count &+ y.count <= LeafPlan.maxClauses
                else { return nil }
                return x + y
            case .fallback:
                return nil
            }
        }

        /// The steps of every node under `i` (as if nothing short-circuited) and the number of list scans.
        mutating func cost(_ i: Int32) -> (Int, Int)? {
            var total = 0
            var lists = 0
            var stack: [Int32] = [i]
            while let j = stack.popLast() {
                visits += 1
                guard visits <= LeafPlan.maxVisits, j >= 0, Int(truncatingIfNeeded: j) < c.nodes.count else {
                    return nil
                }
                let n = c.nodes[Int(truncatingIfNeeded: j)]
                total &+= Int(truncatingIfNeeded: n.cost)  // at most maxVisits Int32s: no overflow
                switch n.op {
                case .listHasConst: lists += 1
                case .not: stack.append(n.a)
                case .and, .or:
                    guard n.a >= 0, n.a <= n.b, Int(truncatingIfNeeded: n.b) <= c.kids.count else { return nil }
                    for k in Int(truncatingIfNeeded: n.a)..<Int(truncatingIfNeeded: n.b) { stack.append(c.kids[k]) }
                case .cond: stack += [n.a, n.b, n.c]
                case .fallback: return nil
                case .constant, .factBool, .cmpConst, .cmpSlots, .inConsts, .has: break
                }
            }
            return (total, lists)
        }
    }
}
