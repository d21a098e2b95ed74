// Rule selection for big policies: which rules a decision evaluates. Without an index every rule
// written is evaluated for every device; with it, a decision evaluates only the rules that can
// fire for the device (its candidates) and skips the rest, which are provably false.
//
// At compile time each rule's top-level conjunction (`a and b and ...`, nested `and`s flattened,
// over the compiled nodes, so inlined `let`s count) is analysed. Each conjunct that is a test of one
// fact slot against constants is a *key*:
//
//   slot == k, slot in [k1, k2, ...], bool fact, not bool fact    hash keys (slot, word)
//   slot < k, <=, >, >= on an ordered encoding                    an interval: x <= hi or x >= lo
//
// One key per rule is chosen, the most selective by an estimate (a hash key's share of the values
// the policy tests on that slot; an interval's share of the policy's bounds on that slot, or of an
// enum's members). A decision's candidates are then: the rules without a key (always), the rules
// whose hash key equals the device's word, the rules whose interval contains it (a suffix of the
// rules sorted by upper bound, a prefix of those sorted by lower bound: two binary searches), and
// every rule keyed on a slot the device does not have as a fast word (missing, malformed, not
// encodable): those rules are evaluated, so their errors are the reference's.
//
// Why a skipped rule changes nothing: it is keyed on a fast slot whose word fails the key, so the
// compiled conjunct answers `no`, and a compiled `and` with a `no` child answers `no` whatever its
// other children answer (a rule with a fallback subtree, the only source of `abort`, is never
// keyed). A `no` of the compiled path is the reference's `false`, so the rule neither fires nor
// errs. What it would have cost is charged: the rule's static cost (the sum of its nodes' costs,
// at least what the compiled path, and so the reference, charges for it; only rules whose nodes
// have fixed costs are keyed) is added to the decision's step count before the first rule, so the
// decision budget (`maxDecisionSteps`) is hit no later than the reference's; and a rule whose
// static cost exceeds `maxSteps` is never keyed. Rule order, the most severe action and `onError`
// are untouched: candidates are evaluated in rule order by the ordinary loop.
//
// Small policies (fewer than `minRules` rules) get no index: for them the loop over all rules is
// cheaper than selecting.

/// The rules to evaluate for a device (see the file comment). Immutable after `init`.
final class RuleIndex: @unchecked Sendable {
    // @unchecked: every stored property is a `let`, and the buffers are written only in `build`.

    /// Policies with fewer rules are not indexed.
    static let minRules = 64

    /// A slot with keyed rules.
    struct SlotKeys {
        var slot: Int32
        /// Versions compare unsigned: their words are mapped to signed order (`x ^ Int64.min`).
        var unsigned: Bool
        /// Whether some rule has a hash key on this slot.
        var hashed: Bool
        /// `rangeRules`/`bounds` range of the rules `x <= bound`, sorted by bound.
        var upperStart: Int32
        var upperEnd: Int32
        /// `rangeRules`/`bounds` range of the rules `x >= bound`, sorted by bound.
        var lowerStart: Int32
        var lowerEnd: Int32
        /// `slotRules` range of every rule keyed on this slot (the candidates when it is not fast).
        var allStart: Int32
        var allEnd: Int32
    }

    /// A hash table entry: the rules keyed by `slot == key` are `hashRules[start..<end]`.
    struct Entry {
        var key: Int64 = 0
        var slot: Int32 = -1
        var start: Int32 = 0
        var end: Int32 = 0
        /// `longBytes[bytesStart ..< bytesStart + bytesCount]`: the long string constant `key` is
        /// the hash of, confirmed against the device's string once per decision (-1: exact word).
        var bytesStart: Int32 = 0
        var bytesCount: Int32 = -1
    }

    let ruleCount: Int
    /// Words of a candidate bit set (`ruleCount` bits).
    let wordCount: Int
    /// Words of its summary: one bit per word of the set, set when the word may hold candidates.
    let summaryCount: Int
    /// The words `select` fills: the set, then its summary.
    var bitsCount: Int { wordCount + summaryCount }
    /// The rules without a key (always candidates), as a bit set.
    let always: [UInt64]
    /// Its summary (the words of `always` that are not zero).
    let alwaysSummary: [UInt64]
    /// Each rule's static cost when it is keyed (0 for the others).
    let cost: [Int32]
    /// The sum of `cost`.
    let totalCost: Int
    let slots: [SlotKeys]
    let table: [Entry]
    let tableMask: Int
    let hashRules: [Int32]
    let rangeRules: [Int32]
    let bounds: [Int64]
    let slotRules: [Int32]
    /// Number of keyed rules (for tests and the bench).
    let keyedCount: Int
    /// The long string constants of the hash entries (`Entry.bytesStart`), as UTF-8.
    let longBytes: [UInt8]
    /// The candidates' conditions as flat conjunctions of leaves (RuleIndexLeaves.swift).
    let leaves: CandidateLeaves

    init(
        ruleCount: Int, always: [UInt64], cost: [Int32], slots: [SlotKeys], table: [Entry], hashRules: [Int32],
        rangeRules: [Int32], bounds: [Int64], slotRules: [Int32], keyedCount: Int, longBytes: [UInt8],
        plan: CandidatePlan
    ) {
        self.ruleCount = ruleCount
        self.wordCount = always.count
        self.summaryCount = always.count / 64 + 1
        self.always = always
        var summary = [UInt64](repeating: 0, count: always.count / 64 + 1)
        for (w, word) in always.enumerated() where word != 0 {
            summary[w >> 6] |= 1 << UInt64(truncatingIfNeeded: w & 63)
        }
        self.alwaysSummary = summary
        self.cost = cost
        var total = 0
        for c in cost {
            let (s, o) = total.addingReportingOverflow(Int(truncatingIfNeeded: c))
            total = o ? Int.max : s
        }
        self.totalCost = total
        self.slots = slots
        self.table = table
        self.tableMask = max(0, table.count - 1)
        self.hashRules = hashRules
        self.rangeRules = rangeRules
        self.bounds = bounds
        self.slotRules = slotRules
        self.keyedCount = keyedCount
        self.longBytes = longBytes
        self.leaves = CandidateLeaves(plan, ruleCount: ruleCount)
    }

    @inline(__always)
    static func hash(_ slot: Int32, _ key: Int64) -> Int {
        let s = UInt64(truncatingIfNeeded: UInt32(bitPattern: slot))
        var h = UInt64(bitPattern: key) ^ (s &* 0x9E37_79B9_7F4A_7C15)
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 29
        return Int(truncatingIfNeeded: h & 0x7FFF_FFFF_FFFF_FFFF)
    }

    /// The rules keyed by `slot == key`, as a range of `hashRules` (empty when none). A long
    /// string's word is a hash: the device's string is confirmed against the constant here, once,
    /// and on a collision no rule is a candidate (their key conjunct is false).
    @inline(__always)
    func lookup(_ slot: Int32, _ key: Int64, _ run: CompiledRun) -> Range<Int> {
        guard !table.isEmpty else { return 0..<0 }
        var i = RuleIndex.hash(slot, key) & tableMask
        var probes = 0
        while probes < table.count {
            let e = table[i]
            if e.slot < 0 { return 0..<0 }
            if e.slot == slot && e.key == key {
                if e.bytesCount >= 0 && !confirm(run, slot: Int(truncatingIfNeeded: slot), e) { return 0..<0 }
                let start = Int(truncatingIfNeeded: e.start)
                return start..<max(start, Int(truncatingIfNeeded: e.end))
            }
            i = (i + 1) & tableMask
            probes += 1
        }
        return 0..<0
    }

    /// Whether the device's string fact at `slot` is the entry's long constant, byte for byte.
    @inline(never)
    func confirm(_ run: CompiledRun, slot: Int, _ e: Entry) -> Bool {
        let start = Int(truncatingIfNeeded: e.bytesStart)
        let count = Int(truncatingIfNeeded: e.bytesCount)
        guard start >= 0, count >= 0, start <= longBytes.count - count else { return false }
        return run.input.pointee.fast.withWords { header, _, _ in
            header.pointee.facts.withUnsafeBufferPointer { facts in
                guard slot >= 0, slot < facts.count, case .string(let s)? = facts[slot] else { return false }
                return longBytes.withUnsafeBufferPointer { all in
                    let want = UnsafeBufferPointer(rebasing: all[start..<start + count])
                    if let same = s.utf8.withContiguousStorageIfAvailable({ CompiledPolicy.sameBytes($0, want) }) {
                        return same
                    }
                    var copy = s
                    return copy.withUTF8 { CompiledPolicy.sameBytes($0, want) }
                }
            }
        }
    }

    /// The first index in `bounds[start..<end]` whose bound is greater than `key` (`orEqual`: not less).
    @inline(__always)
    func firstAbove(_ key: Int64, _ start: Int, _ end: Int, orEqual: Bool) -> Int {
        var lo = start
        var hi = end
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let b = bounds[mid]
            if orEqual ? b < key : b <= key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Fills `bits` (`bitsCount` words: the set, then its summary) with the device's candidates,
    /// for `CandidateCursor`, and returns the static cost of the keyed rules that are not
    /// candidates (charged to the decision; see the file comment). A word of the set is written
    /// only when its summary bit is set (zeroed on the first candidate in it), so a decision costs
    /// its candidates, not the policy's size over 64.
    func select(_ run: CompiledRun, into bits: UnsafeMutableBufferPointer<UInt64>) -> Int {
        guard bits.count >= bitsCount else {
            bits.initialize(repeating: UInt64.max)  // every rule (unreachable: callers size `bits`)
            return 0
        }
        for i in 0..<summaryCount {
            let s = alwaysSummary[i]
            bits[wordCount + i] = s
            var t = s
            while t != 0 {
                let w = i << 6 | t.trailingZeroBitCount
                t &= t &- 1
                if w < wordCount { bits[w] = always[w] }
            }
        }
        var candidateCost = 0
        @inline(__always) func add(_ r: Int32) {
            let i = Int(truncatingIfNeeded: r)
            guard i >= 0, i < ruleCount else { return }
            let w = i >> 6
            let s = wordCount + w >> 6
            let sbit: UInt64 = 1 << UInt64(truncatingIfNeeded: w & 63)
            if bits[s] & sbit == 0 {
                bits[s] |= sbit
                bits[w] = 0
            }
            bits[w] |= 1 << UInt64(truncatingIfNeeded: i & 63)
            candidateCost &+= Int(truncatingIfNeeded: cost[i])
        }
        for s in slots {
            let slot = Int(truncatingIfNeeded: s.slot)
            guard slot >= 0, slot < min(64, run.words.count), run.fast >> UInt64(truncatingIfNeeded: slot) & 1 != 0
            else {
                var j = Int(truncatingIfNeeded: s.allStart)
                while j < Int(truncatingIfNeeded: s.allEnd) {
                    add(slotRules[j])
                    j += 1
                }
                continue
            }
            let word = run.words[slot]
            if s.hashed {
                for j in lookup(s.slot, word, run) { add(hashRules[j]) }
            }
            let key = s.unsigned ? word ^ Int64.min : word
            if s.upperStart < s.upperEnd {
                // x <= bound holds for the bounds not below the word.
                let from = firstAbove(
                    key, Int(truncatingIfNeeded: s.upperStart), Int(truncatingIfNeeded: s.upperEnd), orEqual: true)
                var j = from
                while j < Int(truncatingIfNeeded: s.upperEnd) {
                    add(rangeRules[j])
                    j += 1
                }
            }
            if s.lowerStart < s.lowerEnd {
                // x >= bound holds for the bounds not above the word.
                let to = firstAbove(
                    key, Int(truncatingIfNeeded: s.lowerStart), Int(truncatingIfNeeded: s.lowerEnd), orEqual: false)
                var j = Int(truncatingIfNeeded: s.lowerStart)
                while j < to {
                    add(rangeRules[j])
                    j += 1
                }
            }
        }
        let skipped = totalCost &- candidateCost
        return max(0, skipped)
    }
}

/// The rules a decision evaluates, in rule order: all of them, or the set bits of a candidate set.
struct RuleCursor {
    let count: Int
    let bits: UnsafeMutableBufferPointer<UInt64>?
    var next = 0
    var wordIndex = 0
    var word: UInt64 = 0

    init(count: Int, bits: UnsafeMutableBufferPointer<UInt64>?) {
        self.count = count
        self.bits = bits
        if let bits, !bits.isEmpty { word = bits[0] }
    }

    /// The next rule to evaluate, or nil at the end.
    @inline(__always)
    mutating func nextRule() -> Int? {
        guard let bits else {
            guard next < count else { return nil }
            next += 1
            return next - 1
        }
        while word == 0 {
            wordIndex += 1
            guard wordIndex < bits.count else { return nil }
            word = bits[wordIndex]
        }
        let r = wordIndex << 6 | word.trailingZeroBitCount
        word &= word &- 1
        return r < count ? r : nil
    }
}

/// The candidates `RuleIndex.select` filled, in rule order: the set bits of the summary's words,
/// then of those words.
struct CandidateCursor {
    let bits: UnsafeMutableBufferPointer<UInt64>
    let wordCount: Int
    let count: Int
    var summaryIndex = -1
    var summary: UInt64 = 0
    var wordIndex = 0
    var word: UInt64 = 0

    init(_ index: RuleIndex, bits: UnsafeMutableBufferPointer<UInt64>) {
        self.bits = bits
        wordCount = index.wordCount
        count = index.ruleCount
    }

    /// The next candidate, or nil at the end.
    @inline(__always)
    mutating func nextRule() -> Int? {
        while word == 0 {
            while summary == 0 {
                summaryIndex += 1
                let at = wordCount + summaryIndex
                guard at < bits.count, summaryIndex << 6 < wordCount else { return nil }
                summary = bits[at]
            }
            wordIndex = summaryIndex << 6 | summary.trailingZeroBitCount
            summary &= summary &- 1
            guard wordIndex < wordCount else { return nil }
            word = bits[wordIndex]
        }
        let r = wordIndex << 6 | word.trailingZeroBitCount
        word &= word &- 1
        return r < count ? r : nil
    }
}
