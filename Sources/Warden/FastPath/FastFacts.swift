// Facts in typed slots for the compiled engine: every fact the compiled code reads is one 64-bit
// word, encoded once when the fact is set (not per decision). The encoding does not depend on the
// policy, so an input built for one program is readable by any program over the same schema.
//
//   bool              0 / 1
//   int               the value
//   enum member       its ordinal
//   date              days since 1970-01-01
//   version           up to 4 components, each < 2^16, packed big-end first (unsigned order is
//                     version order; missing components are 0, so "11" and "11.0" are one word)
//   string            up to 7 UTF-8 bytes: the bytes and the length (exact); longer: a 63-bit hash
//                     with the top bit set (equal words are confirmed on the bytes)
//   list of strings   `offset << 32 | count` into the input's word pool, one word per element
//
// A fact whose value does not fit its slot's encoding (a version component ≥ 2^16, a value of
// another type set through the host API) is `present` but not `fast`: the compiled code then
// hands the rule to the reference evaluator, which reads the `Value`.
//
// A malformed fact (given, but unusable: see `Input`) is neither `present` nor `fast` and has its
// bit in `malformed`: reading it is not fast, and `has()` of it is unknown to the compiled code, so
// the rule goes to the reference evaluator, which reports the fact's malformation as the rule's error.

/// How a slot's values are encoded, from the schema type.
package enum FastEncoding: Sendable, Hashable {
    case bool, int, date, version, string, stringList
    case enumeration(EnumType)

    /// Slots at or above this are never read fast (their presence bits would not fit one word).
    package static let maxSlots = 64

    init?(_ type: WardenType, slot: Int) {
        guard slot >= 0, slot < FastEncoding.maxSlots else { return nil }
        switch type {
        case .bool: self = .bool
        case .int: self = .int
        case .date: self = .date
        case .version: self = .version
        case .string: self = .string
        case .list(.string): self = .stringList
        case .enumeration(let e): self = .enumeration(e)
        default: return nil
        }
    }

    /// Whether `<`-family comparisons of two words give the value order (`version` compares unsigned).
    var isOrderedWord: Bool {
        switch self {
        case .bool, .int, .date, .version: true
        case .enumeration(let e): e.isOrdered
        case .string, .stringList: false
        }
    }
}

package enum FastWords {
    /// The word of a string's UTF-8 bytes.
    package static func string(_ u: UnsafeBufferPointer<UInt8>) -> Int64 {
        let n = u.count
        if n <= 7 {
            var w: UInt64 = UInt64(n) << 56
            for i in 0..<n { w |= UInt64(u[i]) << (8 * UInt64(i)) }
            return Int64(bitPattern: w)
        }
        // FNV-1a, 64-bit, top bit set so a long string never equals a short one.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in u {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: h | (1 << 63))
    }

    package static func string(_ s: String) -> Int64 {
        var s = s
        return s.withUTF8 { string($0) }
    }

    /// Whether a string word is exact (short) or a hash that must be confirmed.
    @inline(__always) static func isExact(_ w: Int64) -> Bool { w >= 0 }

    /// Packs a version when it fits (at most 4 components, each < 2^16).
    package static func version(_ v: Version) -> Int64? {
        let c = v.components
        // Trailing zero components do not change the value.
        var n = c.count
        while n > 0 && c[n - 1] == 0 { n -= 1 }
        guard n <= 4 else { return nil }
        var w: UInt64 = 0
        for i in 0..<4 {
            let x = i < n ? c[i] : 0
            guard x < 1 << 16 else { return nil }
            w = w << 16 | UInt64(x)
        }
        return Int64(bitPattern: w)
    }

    /// The word of a scalar value for an encoding; nil when it does not fit.
    package static func scalar(_ v: Value, _ enc: FastEncoding) -> Int64? {
        switch (enc, v) {
        case (.bool, .bool(let b)): return b ? 1 : 0
        case (.int, .int(let i)): return i
        case (.date, .date(let d)): return Int64(d.daysSinceEpoch)
        case (.version, .version(let ver)): return version(ver)
        case (.string, .string(let s)): return string(s)
        case (.enumeration(let e), .enumMember(let f, let o)) where e == f: return Int64(o)
        default: return nil
        }
    }
}

/// The storage of one input: its `Value` facts and, in the same heap object, one word per slot
/// (below 64) followed by the element words of list facts, plus two bit sets saying which slots are
/// present and which words are valid. One object, so a decision touches one region of memory and
/// copying an input retains one reference. Copy-on-write like the standard collections.
package struct FastFacts: @unchecked Sendable {
    // @unchecked: the buffer is only mutated after `makeUnique()`, so a shared buffer is never written.
    struct Header {
        var facts: [Value?]
        var present: UInt64 = 0
        var fast: UInt64 = 0
        /// Slots given but malformed (never also `present`).
        var malformed: UInt64 = 0
        var wordCount: Int
        var poolCount: Int = 0
        /// `facts.count`, kept here so a decision does not touch the facts array.
        var slotCount: Int
        /// Whether the words match `facts` (`Input.fastValid`).
        var valid = true
        /// The input's fact errors, unknown names and malformed messages (`Input`'s properties of
        /// those names), kept here so that an `Input` is one reference: copying it retains once.
        var factErrors: [Decision.Error] = []
        var unknownNames: [String] = []
        var malformedMessages: [Int: String] = [:]
    }

    var buffer: ManagedBuffer<Header, Int64>

    init(slots n: Int) {
        let words = min(max(0, n), FastEncoding.maxSlots)
        buffer = ManagedBuffer<Header, Int64>.create(minimumCapacity: words + 8) { _ in
            Header(facts: Array(repeating: nil, count: max(0, n)), wordCount: words, slotCount: max(0, n))
        }
        buffer.withUnsafeMutablePointerToElements { $0.initialize(repeating: 0, count: words) }
    }

    package var facts: [Value?] {
        get { buffer.header.facts }
        _modify {
            makeUnique()
            yield &buffer.header.facts
            buffer.header.slotCount = buffer.header.facts.count
        }
    }

    // Reads through the header's pointer: `buffer.header` is a class property, whose every read
    // pays a dynamic exclusivity check (about 40 instructions per decision).
    package var slotCount: Int { buffer.withUnsafeMutablePointerToHeader { $0.pointee.slotCount } }

    var present: UInt64 { buffer.withUnsafeMutablePointerToHeader { $0.pointee.present } }
    var fastBits: UInt64 { buffer.withUnsafeMutablePointerToHeader { $0.pointee.fast } }
    package var malformedBits: UInt64 { buffer.withUnsafeMutablePointerToHeader { $0.pointee.malformed } }
    package var wordCount: Int { buffer.withUnsafeMutablePointerToHeader { $0.pointee.wordCount } }
    package var poolCount: Int { buffer.withUnsafeMutablePointerToHeader { $0.pointee.poolCount } }
    /// Whether the slot count is `n` and the words are valid, in one read of the header.
    @inline(__always)
    func isValid(slots n: Int) -> Bool {
        buffer.withUnsafeMutablePointerToHeader { $0.pointee.slotCount == n && $0.pointee.valid }
    }
    var hasFactErrors: Bool { buffer.withUnsafeMutablePointerToHeader { !$0.pointee.factErrors.isEmpty } }

    var valid: Bool {
        get { buffer.withUnsafeMutablePointerToHeader { $0.pointee.valid } }
        set {
            if valid == newValue { return }
            makeUnique()
            buffer.withUnsafeMutablePointerToHeader { $0.pointee.valid = newValue }
        }
    }
    package var factErrors: [Decision.Error] {
        get { buffer.withUnsafeMutablePointerToHeader { $0.pointee.factErrors } }
        _modify {
            makeUnique()
            yield &buffer.header.factErrors
        }
    }
    package var unknownNames: [String] {
        get { buffer.withUnsafeMutablePointerToHeader { $0.pointee.unknownNames } }
        _modify {
            makeUnique()
            yield &buffer.header.unknownNames
        }
    }
    var malformedMessages: [Int: String] {
        get { buffer.withUnsafeMutablePointerToHeader { $0.pointee.malformedMessages } }
        _modify {
            makeUnique()
            yield &buffer.header.malformedMessages
        }
    }

    mutating func makeUnique(extra: Int = 0) {
        // The counts through the header's pointer: copying the header would retain its arrays.
        let used = buffer.withUnsafeMutablePointerToHeader { $0.pointee.wordCount + $0.pointee.poolCount }
        if isKnownUniquelyReferenced(&buffer) && buffer.capacity >= used + extra { return }
        let h = buffer.header
        let old = buffer
        let capacity = max(used + extra, used * 2, h.wordCount + 8)
        buffer = ManagedBuffer<Header, Int64>.create(minimumCapacity: capacity) { _ in h }
        buffer.withUnsafeMutablePointerToElements { dst in
            old.withUnsafeMutablePointerToElements { src in dst.initialize(from: src, count: used) }
        }
    }

    /// The slot words and the pool, for reading.
    /// Reads through raw pointers: no copies, no exclusivity checks in the hot path.
    @inline(__always)
    func withWords<R>(
        _ body: (UnsafePointer<Header>, UnsafeBufferPointer<Int64>, UnsafeBufferPointer<Int64>) -> R
    ) -> R {
        buffer.withUnsafeMutablePointers { h, p in
            let wc = h.pointee.wordCount
            return body(
                UnsafePointer(h), UnsafeBufferPointer(start: p, count: wc),
                UnsafeBufferPointer(start: p + wc, count: h.pointee.poolCount))
        }
    }

    package mutating func setMissing(_ slot: Int) {
        guard slot >= 0, slot < wordCount else { return }
        makeUnique()
        let bit: UInt64 = 1 << UInt64(slot)
        buffer.header.present &= ~bit
        buffer.header.fast &= ~bit
        buffer.header.malformed &= ~bit
    }

    package mutating func setFast(_ slot: Int, _ word: Int64) {
        guard slot >= 0, slot < wordCount else { return }
        makeUnique()
        let bit: UInt64 = 1 << UInt64(slot)
        buffer.header.present |= bit
        buffer.header.fast |= bit
        buffer.header.malformed &= ~bit
        buffer.withUnsafeMutablePointerToElements { $0[slot] = word }
    }

    package mutating func setSlow(_ slot: Int) {
        guard slot >= 0, slot < wordCount else { return }
        makeUnique()
        let bit: UInt64 = 1 << UInt64(slot)
        buffer.header.present |= bit
        buffer.header.fast &= ~bit
        buffer.header.malformed &= ~bit
    }

    /// The malformed state: no value, not fast, and `has()` unknown to the compiled code.
    mutating func setMalformed(_ slot: Int) {
        guard slot >= 0, slot < wordCount else { return }
        makeUnique()
        let bit: UInt64 = 1 << UInt64(slot)
        buffer.header.present &= ~bit
        buffer.header.fast &= ~bit
        buffer.header.malformed |= bit
    }

    package mutating func poolAppend(_ word: Int64) {
        makeUnique(extra: 1)
        let at = buffer.header.wordCount + buffer.header.poolCount
        buffer.withUnsafeMutablePointerToElements { ($0 + at).initialize(to: word) }
        buffer.header.poolCount += 1
    }

    package mutating func poolTruncate(_ count: Int) {
        guard count >= 0, count < poolCount else { return }
        makeUnique()
        buffer.header.poolCount = count
    }

    /// Replaces a whole device's state in one step, for a reader that converted all its facts
    /// (the streaming facts reader): the value of every slot `s` in `touched` (the slots written
    /// by this device or the previous one; below 64) is swapped with `values[s]` (so the caller
    /// gets the old values back, to release when it likes, and no value is retained twice), the
    /// `present` and `fast` bits (nothing malformed), the slot words and the list pool. One
    /// uniqueness check for the whole device instead of one per fact.
    package mutating func assign(
        values: UnsafeMutableBufferPointer<Value?>, touched: UInt64, present: UInt64, fast: UInt64,
        words: UnsafeBufferPointer<Int64>, pool: UnsafeBufferPointer<Int64>
    ) {
        makeUnique(extra: max(0, pool.count - poolCount))
        buffer.withUnsafeMutablePointers { h, p in
            let wc = h.pointee.wordCount
            h.pointee.present = present
            h.pointee.fast = fast
            h.pointee.malformed = 0
            h.pointee.facts.withUnsafeMutableBufferPointer { f in
                var t = touched
                while t != 0 {
                    let s = t.trailingZeroBitCount
                    t &= t &- 1
                    if s < f.count && s < values.count { swap(&f[s], &values[s]) }
                }
            }
            if let src = words.baseAddress { p.update(from: src, count: min(wc, words.count)) }
            if let src = pool.baseAddress { (p + wc).update(from: src, count: pool.count) }
            h.pointee.poolCount = pool.count
        }
    }

    /// Encodes one slot from its value (`encoding` nil: the slot is never read fast).
    package mutating func encode(_ slot: Int, _ value: Value?, _ encoding: FastEncoding?) {
        guard let value else {
            setMissing(slot)
            return
        }
        guard let enc = encoding else {
            setSlow(slot)
            return
        }
        if enc == .stringList {
            guard case .list(let items) = value, poolCount < Int(Int32.max) - items.count else {
                setSlow(slot)
                return
            }
            let offset = poolCount
            for item in items {
                guard case .string(let s) = item else {
                    poolTruncate(offset)
                    setSlow(slot)
                    return
                }
                poolAppend(FastWords.string(s))
            }
            setFast(slot, Int64(offset) << 32 | Int64(items.count))
            return
        }
        if let w = FastWords.scalar(value, enc) {
            setFast(slot, w)
        } else {
            setSlow(slot)
        }
    }
}

extension Schema {
    /// The fast encoding of every slot.
    package var fastEncodings: [FastEncoding?] {
        facts.enumerated().map { FastEncoding($0.element.type, slot: $0.offset) }
    }
}

extension Input {
    /// Re-encodes every slot from `facts` (after facts were written directly).
    package mutating func encodeAll(_ encodings: [FastEncoding?]) {
        let values = facts
        var f = FastFacts(slots: values.count)
        f.facts = values
        for i in values.indices { f.encode(i, values[i], i < encodings.count ? encodings[i] : nil) }
        let malformed = self.malformed
        for (slot, _) in malformed where slot >= 0 && slot < values.count && values[slot] == nil {
            f.setMalformed(slot)
        }
        f.factErrors = factErrors
        f.unknownNames = unknownNames
        f.malformedMessages = malformed
        fast = f  // valid: a new FastFacts is
    }
}
