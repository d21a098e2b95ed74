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

/// The state and word of one fact slot.
struct FastSlot: Sendable, Hashable {
    /// `missing`, `fast` (the word is valid) or `slow` (present; read the `Value`).
    var state: UInt8
    var word: Int64

    static let missing: UInt8 = 0
    static let fast: UInt8 = 1
    static let slow: UInt8 = 2

    static let empty = FastSlot(state: FastSlot.missing, word: 0)
}

/// How a slot's values are encoded, from the schema type.
enum FastEncoding: Sendable, Hashable {
    case bool, int, date, version, string, stringList
    case enumeration(EnumType)

    init?(_ type: WardenType) {
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

enum FastWords {
    /// The word of a string's UTF-8 bytes.
    static func string(_ u: UnsafeBufferPointer<UInt8>) -> Int64 {
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

    static func string(_ s: String) -> Int64 {
        var s = s
        return s.withUTF8 { string($0) }
    }

    /// Whether a string word is exact (short) or a hash that must be confirmed.
    @inline(__always) static func isExact(_ w: Int64) -> Bool { w >= 0 }

    /// Packs a version when it fits (at most 4 components, each < 2^16).
    static func version(_ v: Version) -> Int64? {
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
    static func scalar(_ v: Value, _ enc: FastEncoding) -> Int64? {
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

/// The typed slots of one input, kept in step with `Input.facts`.
struct FastFacts: Sendable {
    var slots: [FastSlot]
    /// Element words of list facts.
    var pool: [Int64] = []

    init(slots n: Int) { slots = Array(repeating: .empty, count: n) }

    /// Encodes one slot from its value (`encoding` nil: the slot is never read fast).
    mutating func encode(_ slot: Int, _ value: Value?, _ encoding: FastEncoding?) {
        guard slot >= 0, slot < slots.count else { return }
        guard let value else {
            slots[slot] = .empty
            return
        }
        guard let enc = encoding else {
            slots[slot] = FastSlot(state: FastSlot.slow, word: 0)
            return
        }
        if enc == .stringList {
            guard case .list(let items) = value, pool.count < Int(Int32.max) - items.count else {
                slots[slot] = FastSlot(state: FastSlot.slow, word: 0)
                return
            }
            let offset = pool.count
            for item in items {
                guard case .string(let s) = item else {
                    pool.removeSubrange(offset...)
                    slots[slot] = FastSlot(state: FastSlot.slow, word: 0)
                    return
                }
                pool.append(FastWords.string(s))
            }
            slots[slot] = FastSlot(state: FastSlot.fast, word: Int64(offset) << 32 | Int64(items.count))
            return
        }
        if let w = FastWords.scalar(value, enc) {
            slots[slot] = FastSlot(state: FastSlot.fast, word: w)
        } else {
            slots[slot] = FastSlot(state: FastSlot.slow, word: 0)
        }
    }

    /// Empties every slot, keeping capacity.
    mutating func clear() {
        for i in slots.indices { slots[i] = .empty }
        pool.removeAll(keepingCapacity: true)
    }
}

extension Schema {
    /// The fast encoding of every slot.
    var fastEncodings: [FastEncoding?] { facts.map { FastEncoding($0.type) } }
}

extension Input {
    /// Re-encodes every slot from `facts` (after facts were written directly).
    mutating func encodeAll(_ encodings: [FastEncoding?]) {
        var f = FastFacts(slots: facts.count)
        for i in facts.indices { f.encode(i, facts[i], i < encodings.count ? encodings[i] : nil) }
        fast = f
        fastValid = true
    }
}
