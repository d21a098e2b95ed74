// Builds a `RuleIndex` from a compiled policy (see RuleIndex.swift for what it is and why skipping
// is exact). Linear in the policy's nodes plus a sort of the keys.

extension RuleIndex {
    /// A conjunct usable as a key.
    enum Key {
        /// `slot == word` for any of `words` (an empty list never holds); `longs[i]` is the long
        /// string constant (`CompiledPolicy.longStrings`) behind `words[i]`, or -1 for an exact word.
        case hash(slot: Int32, words: [Int64], longs: [Int32])
        /// `x <= bound` (`upper`) or `x >= bound` over the slot's order-mapped words; `bound` nil: never holds.
        case range(slot: Int32, upper: Bool, bound: Int64?)
        /// The conjunct is the constant `false`: the rule never fires.
        case never
    }

    /// The index for `compiled`, or nil when the policy is too small or has nothing to key.
    static func build(_ compiled: CompiledPolicy, encodings: [FastEncoding?], maxSteps: Int) -> RuleIndex? {
        let ruleCount = compiled.roots.count
        guard ruleCount >= minRules else { return nil }
        // Pass 1: each rule's static cost and keys.
        var costs = [Int32](repeating: 0, count: ruleCount)
        var keysOf = [[(key: Key, node: Int32)]](repeating: [], count: ruleCount)
        var hashValues: [Int32: Set<Int64>] = [:]
        var rangeBounds: [Int32: [Int64]] = [:]
        for r in 0..<ruleCount {
            guard let cost = staticCost(compiled, root: compiled.roots[r]), cost <= maxSteps else { continue }
            let keys = conjunctKeys(compiled, root: compiled.roots[r], encodings: encodings)
            guard !keys.isEmpty else { continue }
            costs[r] = Int32(clamping: cost)
            keysOf[r] = keys
            for (k, _) in keys {
                switch k {
                case .hash(let slot, let words, _): hashValues[slot, default: []].formUnion(words)
                case .range(let slot, _, let bound?): rangeBounds[slot, default: []].append(bound)
                default: break
                }
            }
        }
        for (s, b) in rangeBounds { rangeBounds[s] = Set(b).sorted() }  // distinct bounds: the estimate's scale

        // Pass 2: the most selective key of each rule.
        var always = [UInt64](repeating: 0, count: ruleCount / 64 &+ 1)
        var hashed: [(slot: Int32, word: Int64, rule: Int32, long: Int32)] = []
        var ranged: [(slot: Int32, upper: Bool, bound: Int64, rule: Int32)] = []
        var bySlot: [Int32: [Int32]] = [:]
        var keyedCount = 0
        var keyNode = [Int32](repeating: -1, count: ruleCount)  // each keyed rule's key conjunct
        for r in 0..<ruleCount {
            var best: Key?
            var bestScore = 2.0
            for (k, node) in keysOf[r] {
                let s = score(k, hashValues: hashValues, rangeBounds: rangeBounds, encodings: encodings)
                if s < bestScore {
                    bestScore = s
                    best = k
                    keyNode[r] = node
                }
            }
            guard let key = best else {
                always[r >> 6] |= 1 << UInt64(truncatingIfNeeded: r & 63)
                costs[r] = 0
                continue
            }
            keyedCount += 1
            let rule = Int32(truncatingIfNeeded: r)
            switch key {
            case .hash(let slot, let words, let longs):
                for n in firstOccurrences(words) where n < longs.count {
                    hashed.append((slot, words[n], rule, longs[n]))
                }
                bySlot[slot, default: []].append(rule)
            case .range(let slot, let upper, let bound):
                if let bound { ranged.append((slot, upper, bound, rule)) }
                bySlot[slot, default: []].append(rule)
            case .never:
                break  // never a candidate, whatever the device
            }
        }

        // Hash keys grouped by (slot, word), then an open-addressing table over the groups.
        hashed.sort { ($0.slot, $0.word, $0.rule) < ($1.slot, $1.word, $1.rule) }
        var hashRules: [Int32] = []
        hashRules.reserveCapacity(hashed.count)
        var groups: [Entry] = []
        var longBytes: [UInt8] = []
        var unconfirmed = Set<Int32>()  // rules keyed by a word two different long constants share
        var i = 0
        while i < hashed.count {
            var j = i
            let start = Int32(truncatingIfNeeded: hashRules.count)
            // The group's long constants: `long` when they are all that one (`mixed` false).
            let long = hashed[i].long
            var mixed = false
            while j < hashed.count && hashed[j].slot == hashed[i].slot && hashed[j].word == hashed[i].word {
                hashRules.append(hashed[j].rule)
                if hashed[j].long != long { mixed = true }
                j += 1
            }
            var e = Entry(
                key: hashed[i].word, slot: hashed[i].slot, start: start, end: Int32(truncatingIfNeeded: hashRules.count)
            )
            // A long constant is confirmed here, once per device, instead of in every candidate.
            let l = Int(truncatingIfNeeded: long)
            if !mixed, l >= 0, l < compiled.longStrings.count {
                let bytes = compiled.longStrings[l]
                e.bytesStart = Int32(clamping: longBytes.count)
                e.bytesCount = Int32(clamping: bytes.count)
                longBytes += bytes
            } else if mixed || long >= 0 {
                // Two long constants with one word (a hash collision): left to the compiled confirmation.
                for k in i..<j { unconfirmed.insert(hashed[k].rule) }
            }
            groups.append(e)
            i = j
        }
        var capacity = 1
        while capacity < groups.count * 2 { capacity <<= 1 }
        var table = [Entry](repeating: Entry(), count: groups.isEmpty ? 0 : capacity)
        for g in groups {
            var at = RuleIndex.hash(g.slot, g.key) & (capacity - 1)
            while table[at].slot >= 0 { at = (at + 1) & (capacity - 1) }
            table[at] = g
        }

        // Intervals per slot, sorted by bound; every keyed rule per slot.
        ranged.sort { ($0.slot, $0.upper ? 0 : 1, $0.bound, $0.rule) < ($1.slot, $1.upper ? 0 : 1, $1.bound, $1.rule) }
        var rangeRules: [Int32] = []
        var bounds: [Int64] = []
        var slotRules: [Int32] = []
        var slots: [SlotKeys] = []
        let hashSlots = Set(hashed.map(\.slot))
        for slot in bySlot.keys.sorted() {
            var s = SlotKeys(
                slot: slot, unsigned: isUnsigned(slot, encodings), hashed: hashSlots.contains(slot), upperStart: 0,
                upperEnd: 0, lowerStart: 0, lowerEnd: 0, allStart: 0, allEnd: 0)
            for upper in [true, false] {
                let start = Int32(truncatingIfNeeded: rangeRules.count)
                for e in ranged where e.slot == slot && e.upper == upper {
                    rangeRules.append(e.rule)
                    bounds.append(e.bound)
                }
                let end = Int32(truncatingIfNeeded: rangeRules.count)
                if upper {
                    (s.upperStart, s.upperEnd) = (start, end)
                } else {
                    (s.lowerStart, s.lowerEnd) = (start, end)
                }
            }
            s.allStart = Int32(truncatingIfNeeded: slotRules.count)
            slotRules += bySlot[slot] ?? []
            s.allEnd = Int32(truncatingIfNeeded: slotRules.count)
            slots.append(s)
        }
        guard keyedCount > 0 else { return nil }
        var plan = CandidatePlan()
        for r in 0..<ruleCount where keyNode[r] >= 0 && !unconfirmed.contains(Int32(truncatingIfNeeded: r)) {
            plan.add(rule: r, compiled, root: compiled.roots[r], key: keyNode[r], encodings: encodings)
        }
        return RuleIndex(
            ruleCount: ruleCount, always: always, cost: costs, slots: slots, table: table, hashRules: hashRules,
            rangeRules: rangeRules, bounds: bounds, slotRules: slotRules, keyedCount: keyedCount, longBytes: longBytes,
            plan: plan)
    }

    static func isUnsigned(_ slot: Int32, _ encodings: [FastEncoding?]) -> Bool {
        let i = Int(truncatingIfNeeded: slot)
        guard i >= 0, i < encodings.count else { return false }
        return encodings[i] == .version
    }

    /// The estimated share of devices a key admits (lower is more selective).
    static func score(
        _ k: Key, hashValues: [Int32: Set<Int64>], rangeBounds: [Int32: [Int64]], encodings: [FastEncoding?]
    ) -> Double {
        switch k {
        case .never:
            return 0
        case .hash(let slot, let words, _):
            let distinct = Double((hashValues[slot]?.count ?? 0) + 1)
            return min(1, Double(firstOccurrences(words).count) / distinct)
        case .range(let slot, let upper, let bound):
            guard let bound else { return 0 }
            let i = Int(truncatingIfNeeded: slot)
            if i >= 0, i < encodings.count, case .enumeration(let e)? = encodings[i] {
                let n = Int64(truncatingIfNeeded: e.members.count)
                let ordinal = min(max(bound, -1), n)  // an enum bound is an ordinal; clamped, no overflow below
                let admitted = upper ? min(n, max(0, ordinal &+ 1)) : min(n, max(0, n &- ordinal))
                return n > 0 ? Double(admitted) / Double(n) : 1
            }
            // The share of the policy's own distinct bounds on the slot that the interval contains.
            let all = rangeBounds[slot] ?? []
            var lo = 0
            var hi = all.count
            while lo < hi {
                let mid = lo + (hi - lo) / 2
                if all[mid] < bound { lo = mid + 1 } else { hi = mid }
            }
            let below = Double(lo)
            let n = Double(all.count)
            return upper ? (below + 1) / (n + 2) : (n - below + 1) / (n + 2)
        }
    }

    /// The indices of the first occurrence of each distinct word, ascending. A key's list is
    /// short (one word, or an `in` list): compared pairwise up to 16 words, through a set beyond.
    static func firstOccurrences(_ words: [Int64]) -> [Int] {
        if words.count <= 16 {
            return words.indices.filter { n in !words[..<n].contains(words[n]) }
        }
        var seen = Set<Int64>()
        return words.indices.filter { seen.insert(words[$0]).inserted }
    }

    /// The sum of the costs of the nodes under `root`, or nil when a node's cost is not fixed (a
    /// fallback subtree, a scan of a list fact) or the tree is malformed.
    static func staticCost(_ c: CompiledPolicy, root: Int32) -> Int? {
        var total = 0
        var stack: [Int32] = [root]
        var visited = 0
        while let i = stack.popLast() {
            let j = Int(truncatingIfNeeded: i)
            visited += 1
            guard j >= 0, j < c.nodes.count, visited <= c.nodes.count else { return nil }
            let n = c.nodes[j]
            let (s, o) = total.addingReportingOverflow(Int(truncatingIfNeeded: n.cost))
            guard !o else { return nil }
            total = s
            switch n.op {
            case .fallback, .listHasConst:
                return nil
            case .not:
                stack.append(n.a)
            case .and, .or:
                guard n.a >= 0, n.a <= n.b, Int(truncatingIfNeeded: n.b) <= c.kids.count else { return nil }
                for k in Int(truncatingIfNeeded: n.a)..<Int(truncatingIfNeeded: n.b) { stack.append(c.kids[k]) }
            case .cond:
                stack += [n.a, n.b, n.c]
            case .constant, .factBool, .cmpConst, .cmpSlots, .inConsts, .has:
                break
            }
        }
        return total
    }

    /// The keys among the top-level conjuncts of a rule's condition.
    static func conjunctKeys(_ c: CompiledPolicy, root: Int32, encodings: [FastEncoding?]) -> [(key: Key, node: Int32)]
    {
        var keys: [(key: Key, node: Int32)] = []
        var stack: [Int32] = [root]
        var visited = 0
        while let i = stack.popLast() {
            let j = Int(truncatingIfNeeded: i)
            visited += 1
            guard j >= 0, j < c.nodes.count, visited <= c.nodes.count else { return [] }
            let n = c.nodes[j]
            let slotOK = n.slot >= 0 && Int(truncatingIfNeeded: n.slot) < min(FastEncoding.maxSlots, encodings.count)
            switch n.op {
            case .and:
                guard n.a >= 0, n.a <= n.b, Int(truncatingIfNeeded: n.b) <= c.kids.count else { return [] }
                for k in Int(truncatingIfNeeded: n.a)..<Int(truncatingIfNeeded: n.b) { stack.append(c.kids[k]) }
            case .constant where n.k == 0:
                keys.append((.never, i))
            case .factBool where slotOK:
                keys.append((.hash(slot: n.slot, words: [1], longs: [-1]), i))
            case .not:
                let a = Int(truncatingIfNeeded: n.a)
                guard a >= 0, a < c.nodes.count else { continue }
                let x = c.nodes[a]
                if x.op == .factBool, x.slot >= 0,
                    Int(truncatingIfNeeded: x.slot) < min(FastEncoding.maxSlots, encodings.count)
                {
                    keys.append((.hash(slot: x.slot, words: [0], longs: [-1]), i))
                }
            case .cmpConst where slotOK:
                let code = n.cmp & 0x0F
                if code == CCmp.eq {
                    let long = n.cmp == CCmp.eq && n.c >= 0 ? n.c : -1  // what `CompiledPolicy.eval` confirms
                    keys.append((.hash(slot: n.slot, words: [n.k], longs: [long]), i))
                } else if code != CCmp.ne {
                    keys.append((rangeKey(n, unsigned: n.cmp & CCmp.unsignedFlag != 0), i))
                }
            case .inConsts where slotOK:
                guard n.a >= 0, n.a <= n.b, Int(truncatingIfNeeded: n.b) <= c.consts.count else { continue }
                let range = Int(truncatingIfNeeded: n.a)..<Int(truncatingIfNeeded: n.b)
                guard range.upperBound <= c.constLong.count else { continue }
                keys.append(
                    (
                        .hash(
                            slot: n.slot, words: Array(c.consts[range]), longs: c.constLong[range].map { max(-1, $0) }),
                        i
                    ))
            default:
                break
            }
        }
        return keys
    }

    /// `slot cmp k` as an interval over order-mapped words (`x ^ Int64.min` for unsigned ones).
    static func rangeKey(_ n: CNode, unsigned: Bool) -> Key {
        let k = unsigned ? n.k ^ Int64.min : n.k
        switch n.cmp & 0x0F {
        case CCmp.le: return .range(slot: n.slot, upper: true, bound: k)
        case CCmp.lt: return .range(slot: n.slot, upper: true, bound: k == Int64.min ? nil : k &- 1)
        case CCmp.ge: return .range(slot: n.slot, upper: false, bound: k)
        default: return .range(slot: n.slot, upper: false, bound: k == Int64.max ? nil : k &+ 1)  // gt
        }
    }
}
