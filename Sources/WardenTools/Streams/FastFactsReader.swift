import Warden

// The streaming facts reader of `warden eval`: JSON Lines read and converted in one pass straight
// into a reused device (its `Value` facts and its typed slots), with no JSON tree in between.
//
// The fast path takes the common shape only: an object whose keys are known facts (or `id`), given
// once each, with values of the fact's own JSON type, strings of printable ASCII without escapes,
// integers in plain syntax. Anything else (an unknown name, `null`, a wrong type, an escape,
// non-ASCII text, a fraction, malformed JSON) is declined and the line is read again by
// `Program.device(json:)`, which produces exactly the existing device or message. So the fast
// path never decides an error, and its devices equal the existing reader's.

/// Splits JSON Lines facts fed in chunks into devices, like `DeviceStream`, converting each line
/// straight into typed fact slots. The device passed to `body` is reused for the next line: copy it
/// to keep it. Memory stays flat however many devices stream through.
public struct FastDeviceStream {
    let program: Program
    var splitter: LineSplitter
    var reader: FastLineReader
    var scratch: JSONDevice

    /// Creates a stream for a program's schema. Lines longer than `maxLineBytes` are reported invalid.
    public init(program: Program, maxLineBytes: Int = 16 << 20) {
        self.program = program
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes)
        self.reader = FastLineReader(program: program)
        self.scratch = JSONDevice(input: Input(slots: program.schema.facts.count), idJSON: nil)
    }

    /// Gives every device that lacks the fact `name` this value (as `Input.setIfMissing`): a device
    /// that gives it malformed keeps it malformed.
    public mutating func setDefault(_ name: String, _ value: Value) {
        guard let slot = program.schema.slot(ofFact: name) else { return }
        reader.defaults.removeAll { $0.slot == slot }
        reader.defaults.append((slot, value))
    }

    /// Feeds a chunk of bytes; `body(lineNumber, line)` is called for every complete non-blank line.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (Int, DeviceLine) -> Void) {
        var reader = self.reader
        var scratch = self.scratch
        self.scratch = JSONDevice(input: Input(slots: 0), idJSON: nil)  // keep `scratch` unique
        splitter.feed(chunk) { n, line in FastDeviceStream.handle(&reader, &scratch, n, line, body) }
        self.reader = reader
        self.scratch = scratch
    }

    /// Ends the stream: a last line without a final newline is still read.
    public mutating func finish(_ body: (Int, DeviceLine) -> Void) {
        var reader = self.reader
        var scratch = self.scratch
        self.scratch = JSONDevice(input: Input(slots: 0), idJSON: nil)
        splitter.finish { n, line in FastDeviceStream.handle(&reader, &scratch, n, line, body) }
        self.reader = reader
        self.scratch = scratch
    }

    static func handle(
        _ reader: inout FastLineReader, _ scratch: inout JSONDevice, _ n: Int, _ line: LineSplitter.Line,
        _ body: (Int, DeviceLine) -> Void
    ) {
        switch line {
        case .tooLong(let length):
            body(n, .invalid(FactsError(message: "line is \(length) bytes, over the limit")))
        case .bytes(let b):
            if DeviceStream.isBlank(b) { return }
            if reader.read(b, into: &scratch) {
                body(n, .device(scratch))
                return
            }
            switch reader.program.device(json: b) {
            case .success(var d):
                reader.finishSlow(&d.input)
                body(n, .device(d))
            case .failure(let e):
                body(n, .invalid(e))
            }
        }
    }
}

extension Program {
    /// Reads one device from a JSON object's bytes in a single pass into typed slots (the fast
    /// reader, falling back to `device(json:)` for anything unusual). Same result as `device(json:)`.
    public func fastDevice(json bytes: UnsafeBufferPointer<UInt8>) -> Result<Input.JSONDevice, Input.Error> {
        var reader = FastLineReader(program: self)
        var d = JSONDevice(input: Input(slots: schema.facts.count), idJSON: nil)
        if reader.read(bytes, into: &d) { return .success(d) }
        switch device(json: bytes) {
        case .success(var d):
            reader.finishSlow(&d.input)
            return .success(d)
        case .failure(let e):
            return .failure(e)
        }
    }
}

/// Converts one JSON line into a device (the fast path); `read` returns false to decline.
///
/// A byte-level scanner specialised for the schema: keys are matched by length and bytes against
/// the fact names (the key order of the previous line is tried first, then a hash), integers and
/// booleans are converted in place, and the values of string-typed facts (strings, enum members,
/// versions, dates, lists of strings) are looked up by their exact bytes in a per-fact cache of
/// values already converted (`ValueCache`): a fleet repeats a few versions, dates, models and tag
/// lists, so most values are neither copied, parsed nor allocated. The line's result is kept in
/// the reader's own slots and written into the device in one step (`FastFacts.assign`).
struct FastLineReader {
    let program: Program
    let encodings: [FastEncoding?]
    /// Fact names by the word of their UTF-8 bytes (confirmed on the bytes).
    let names: [Int64: [(slot: Int, bytes: [UInt8])]]
    /// Every fact name's UTF-8 bytes, one after another; slot `s`'s are `nameBytes[nameStart[s] ..< nameStart[s + 1]]`.
    let nameBytes: [UInt8]
    let nameStart: [Int]
    /// Enum members' bytes, by enum.
    let members: [EnumType: [[UInt8]]]
    /// Facts given to a device that lacks them, with their typed words (`nil`: present but not fast).
    var defaults: [(slot: Int, value: Value)] = [] {
        didSet {
            defaultWords = defaults.map { FastLineReader.defaultWord($0.value, $0.slot, encodings) }
            highDefault = defaults.contains { $0.slot >= FastEncoding.maxSlots }
        }
    }
    /// A default for a slot at or above 64 (outside this path's slots): the existing reader applies it.
    var highDefault = false
    var defaultWords: [Int64?] = []
    /// Slots written into the device by the previous line (to clear those this line does not give).
    var written: UInt64 = 0
    /// Slots of `values` that may hold a value (to release before the next line).
    var dirty: UInt64 = 0
    /// Slot words per device (`min(slots, 64)`).
    let wordCount: Int
    /// `order`'s mark for the `id` key.
    static let idKey = -2
    /// The slot of the k-th key of the previous line: tried first for the k-th key of this one.
    var order: [Int] = []
    /// This line's values, words and list pool, by slot (slots below 64: the fast path's).
    var values: [Value?] = Array(repeating: nil, count: FastEncoding.maxSlots)
    var words: [Int64] = Array(repeating: 0, count: FastEncoding.maxSlots)
    var pool: [Int64] = []
    var present: UInt64 = 0
    var fastBits: UInt64 = 0
    var cache: ValueCache

    init(program: Program) {
        self.program = program
        let encodings = program.schema.fastEncodings
        self.encodings = encodings
        self.wordCount = min(encodings.count, FastEncoding.maxSlots)
        var names: [Int64: [(slot: Int, bytes: [UInt8])]] = [:]
        var nameBytes: [UInt8] = []
        var nameStart: [Int] = []
        for (i, f) in program.schema.facts.enumerated() {
            nameStart.append(nameBytes.count)
            if program.schema.slot(ofFact: f.name) == i {
                names[FastWords.string(f.name), default: []].append((i, Array(f.name.utf8)))
                nameBytes += Array(f.name.utf8)
            }
        }
        nameStart.append(nameBytes.count)
        self.names = names
        self.nameBytes = nameBytes
        self.nameStart = nameStart
        var members: [EnumType: [[UInt8]]] = [:]
        for e in program.schema.enums { members[e] = e.members.map { Array($0.utf8) } }
        self.members = members
        self.cache = ValueCache(slots: min(encodings.count, FastEncoding.maxSlots))
    }

    /// A default's typed word, as `FastFacts.encode` would give it (nil: not fast; lists stay slow).
    static func defaultWord(_ value: Value, _ slot: Int, _ encodings: [FastEncoding?]) -> Int64? {
        guard slot >= 0, slot < encodings.count, let enc = encodings[slot] else { return nil }
        return FastWords.scalar(value, enc)
    }

    /// Applies the defaults to a device read by the existing reader and encodes its slots.
    func finishSlow(_ input: inout Input) {
        for (slot, value) in defaults where input.isAbsent(slot) {
            input.facts[slot] = value
        }
        input.encodeAll(encodings)
    }

    /// Reads `bytes` into `d` (reusing its storage); false when the line needs the existing reader.
    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, into d: inout JSONDevice) -> Bool {
        if !d.input.factErrors.isEmpty { d.input.fast.factErrors.removeAll(keepingCapacity: true) }
        if !d.input.malformed.isEmpty {  // (the fast path never marks one; kept clean all the same)
            for slot in d.input.malformed.keys { d.input.fast.setMissing(slot) }
            d.input.malformed.removeAll()
        }
        if !d.input.unknownNames.isEmpty { d.input.fast.unknownNames.removeAll(keepingCapacity: true) }
        d.idJSON = nil
        guard !highDefault else { return false }
        guard d.input.fast.slotCount == encodings.count, d.input.fast.wordCount == wordCount else {
            d = JSONDevice(input: Input(slots: encodings.count), idJSON: nil)
            written = ~0
            return read(bytes, into: &d)
        }
        // This line's slots start empty (the values the last device gave back are released here).
        var clear = dirty
        while clear != 0 {
            values[clear.trailingZeroBitCount] = nil
            clear &= clear &- 1
        }
        dirty = 0
        present = 0
        fastBits = 0
        pool.removeAll(keepingCapacity: true)
        var p = FastJSONCursor(bytes)
        guard parseObject(&p, &d.idJSON) else {
            dirty = present
            d.idJSON = nil
            return false
        }
        for (k, (slot, value)) in defaults.enumerated()
        where slot >= 0 && slot < FastEncoding.maxSlots && present >> UInt64(slot) & 1 == 0 {
            let bit: UInt64 = 1 << UInt64(slot)
            values[slot] = value
            present |= bit
            if k < defaultWords.count, let w = defaultWords[k] {
                words[slot] = w
                fastBits |= bit
            }
        }
        let touched = written | present
        values.withUnsafeMutableBufferPointer { v in
            words.withUnsafeBufferPointer { w in
                pool.withUnsafeBufferPointer { pl in
                    d.input.fast.assign(
                        values: v, touched: touched, present: present, fast: fastBits, words: w, pool: pl)
                }
            }
        }
        dirty = touched  // the device's old values, swapped out
        written = present
        d.input.fastValid = true
        return true
    }

    mutating func parseObject(_ p: inout FastJSONCursor, _ id: inout String?) -> Bool {
        p.skipWhitespace()
        guard p.take(0x7B) else { return false }  // {
        p.skipWhitespace()
        var sawID = false
        var k = 0
        if !p.take(0x7D) {
            while true {
                p.skipWhitespace()
                // The key the previous line had here, compared in place; else scanned and looked up.
                var slot = k < order.count ? order[k] : -1
                if slot == FastLineReader.idKey {
                    if !FastLineReader.idBytes.withUnsafeBufferPointer({ p.takeQuoted($0, 0, 2) }) { slot = -1 }
                } else if slot >= 0 && slot + 1 < nameStart.count {
                    let from = nameStart[slot]
                    let to = nameStart[slot + 1]
                    if !nameBytes.withUnsafeBufferPointer({ p.takeQuoted($0, from, to) }) { slot = -1 }
                } else {
                    slot = -1
                }
                if slot == -1 {
                    guard let key = p.plainString() else { return false }
                    if key.count == 2 && key[0] == 0x69 && key[1] == 0x64 {  // "id"
                        slot = FastLineReader.idKey
                    } else {
                        guard let s = self.slot(of: key) else { return false }
                        slot = s
                    }
                    remember(slot, at: k)
                }
                p.skipWhitespace()
                guard p.take(0x3A) else { return false }  // :
                p.skipWhitespace()
                if slot == FastLineReader.idKey {
                    guard !sawID, let text = p.idText() else { return false }
                    sawID = true
                    id = text
                } else {
                    guard slot >= 0, slot < FastEncoding.maxSlots, present >> UInt64(slot) & 1 == 0,
                        slot < encodings.count, let enc = encodings[slot], value(&p, slot, enc)
                    else { return false }
                }
                k += 1
                p.skipWhitespace()
                if p.take(0x2C) { continue }  // ,
                guard p.take(0x7D) else { return false }  // }
                break
            }
        }
        p.skipWhitespace()
        return p.atEnd
    }

    static let idBytes: [UInt8] = [0x69, 0x64]

    /// Remembers the k-th key's slot for the next line (the first 256 keys).
    mutating func remember(_ slot: Int, at k: Int) {
        if k < order.count {
            order[k] = slot
        } else if k < 256 {
            while order.count < k { order.append(-1) }
            order.append(slot)
        }
    }

    /// The slot of a key, by hash and bytes.
    func slot(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let candidates = names[FastWords.string(key)] else { return nil }
        for c in candidates where c.bytes.elementsEqual(key) { return c.slot }
        return nil
    }

    /// Stores this line's value of a slot (below 64).
    @inline(__always)
    mutating func store(_ slot: Int, _ v: Value, _ word: Int64, fast: Bool) {
        let bit: UInt64 = 1 << UInt64(slot)
        values[slot] = v
        present |= bit
        if fast {
            words[slot] = word
            fastBits |= bit
        }
    }

    /// Stores a cached scalar value (copied straight from the cache: one retain at most).
    @inline(__always)
    mutating func storeCached(_ slot: Int, _ ix: Int) -> Bool {
        guard ix >= 0, ix < cache.entries.count, ix < cache.values.count else { return false }
        let bit: UInt64 = 1 << UInt64(slot)
        values[slot] = cache.values[ix]
        present |= bit
        let e = cache.entries[ix]
        if e.fast {
            words[slot] = e.word
            fastBits |= bit
        }
        return true
    }

    /// One fact value of the slot's own type, stored in this line's slots.
    mutating func value(_ p: inout FastJSONCursor, _ slot: Int, _ enc: FastEncoding) -> Bool {
        switch enc {
        case .bool:
            guard let b = p.bool() else { return false }
            store(slot, .bool(b), b ? 1 : 0, fast: true)
            return true
        case .int:
            guard let i = p.int() else { return false }
            store(slot, .int(i), i, fast: true)
            return true
        case .stringList:
            guard let span = p.plainStringList() else { return false }
            let hash = ValueCache.hash(span)
            if let e = cache.find(slot, span, hash) {
                let (v, word, fast, from, count) = cache.entry(e)
                guard pool.count < Int(Int32.max) - count else { return false }
                let offset = pool.count
                cache.appendPool(from: from, count: count, to: &pool)
                store(slot, v, fast ? Int64(offset) << 32 | Int64(count) : word, fast: fast)
                return true
            }
            // Not seen before: convert the elements (the span is a valid list of plain strings).
            var q = FastJSONCursor(span)
            _ = q.take(0x5B)
            var items: [Value] = []
            var elementWords: [Int64] = []
            q.skipWhitespace()
            if !q.take(0x5D) {
                while true {
                    q.skipWhitespace()
                    guard let s = q.plainString() else { return false }
                    items.append(.string(String(decoding: s, as: UTF8.self)))
                    elementWords.append(FastWords.string(s))
                    q.skipWhitespace()
                    if q.take(0x2C) { continue }
                    guard q.take(0x5D) else { return false }  // ]
                    break
                }
            }
            guard pool.count < Int(Int32.max) - items.count, items.count < Int(Int32.max) else { return false }
            let v = Value.list(items)
            cache.insert(slot, span, hash, v, word: 0, fast: true, pool: elementWords)
            let offset = pool.count
            pool += elementWords
            store(slot, v, Int64(offset) << 32 | Int64(items.count), fast: true)
            return true
        case .string, .enumeration, .version, .date:
            guard let scanned = p.plainStringHashed() else { return false }
            let s = scanned.0
            let hash = scanned.1
            if let e = cache.find(slot, s, hash) {
                return storeCached(slot, e)
            }
            guard let converted = convert(s, enc) else { return false }
            let word = converted.1
            cache.insert(slot, s, hash, converted.0, word: word ?? 0, fast: word != nil, pool: [])
            store(slot, converted.0, word ?? 0, fast: word != nil)
            return true
        }
    }

    /// A plain string's value and word for a string-typed encoding (word nil: present but not
    /// fast, a version that does not pack); nil when the existing reader must decide.
    func convert(_ s: UnsafeBufferPointer<UInt8>, _ enc: FastEncoding) -> (Value, Int64?)? {
        switch enc {
        case .string:
            return (.string(String(decoding: s, as: UTF8.self)), FastWords.string(s))
        case .enumeration(let e):
            guard let all = members[e], let o = all.firstIndex(where: { $0.elementsEqual(s) }) else { return nil }
            return (.enumMember(e, o), Int64(o))
        case .version:
            guard let ver = Version(String(decoding: s, as: UTF8.self)) else { return nil }
            return (.version(ver), FastWords.version(ver))
        case .date:
            guard let day = FastJSONCursor.day(s) else { return nil }
            return (.date(day), Int64(day.daysSinceEpoch))
        case .bool, .int, .stringList:
            return nil
        }
    }
}

/// Values already converted, by fact slot and the exact bytes they were read from (a string's
/// contents, or a list's whole text from `[` to `]`): one open-addressing table of `buckets` per
/// slot. Bounded: at most `maxEntries` values per slot and spans of at most `maxSpan` bytes are
/// kept; anything else is converted every time (same result, only slower).
struct ValueCache {
    static let buckets = 256
    static let maxEntries = 128
    static let maxSpan = 512

    struct Entry {
        var hash: UInt64
        var offset: Int
        var length: Int
        var word: Int64
        var fast: Bool
        var poolOffset: Int
        var poolCount: Int
    }

    /// Entry index + 1 by slot and bucket (0: empty).
    var table: [Int32]
    var counts: [Int]
    var entries: [Entry] = []
    var values: [Value] = []
    var bytes: [UInt8] = []
    var pool: [Int64] = []

    init(slots: Int) {
        table = Array(repeating: 0, count: max(0, slots) * ValueCache.buckets)
        counts = Array(repeating: 0, count: max(0, slots))
    }

    static let seed: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Mixes eight bytes (little-endian) into a hash.
    @inline(__always)
    static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
        let x = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
        return x ^ (x >> 32)
    }

    /// The hash of `n` bytes from the words mixed so far and the last partial word.
    @inline(__always)
    static func finish(_ h: UInt64, _ part: UInt64, _ n: Int) -> UInt64 {
        let x = (h ^ part ^ (UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15)) &* 0xC4CE_B9FE_1A85_EC53
        return x ^ (x >> 29)
    }

    /// The hash of the bytes, as `FastJSONCursor.plainStringHashed` computes it while scanning.
    static func hash(_ s: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = seed
        guard let base = s.baseAddress else { return finish(h, 0, 0) }
        let raw = UnsafeRawPointer(base)
        let n = s.count
        var k = 0
        while n - k >= 8 {
            h = mix(h, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)))
            k += 8
        }
        var w: UInt64 = 0
        var shift: UInt64 = 0
        while k < n {
            w |= UInt64(s[k]) << shift
            shift += 8
            k += 1
        }
        return finish(h, w, n)
    }

    /// The entry of these exact bytes in the slot's table, if any.
    @inline(__always)
    func find(_ slot: Int, _ s: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> Int? {
        guard slot >= 0, slot < counts.count else { return nil }
        let base = slot * ValueCache.buckets
        var b = Int(truncatingIfNeeded: hash & UInt64(ValueCache.buckets - 1))
        for _ in 0..<ValueCache.buckets {
            let ix = Int(table[base + b]) - 1
            guard ix >= 0, ix < entries.count else { return nil }
            let e = entries[ix]
            if e.hash == hash && e.length == s.count
                && bytes.withUnsafeBufferPointer({ FastJSONCursor.equal(s, $0, at: e.offset) })
            {
                return ix
            }
            b = (b + 1) & (ValueCache.buckets - 1)
        }
        return nil
    }

    /// An entry's value, word, whether the word is fast, and its list words in the cache's pool.
    @inline(__always)
    func entry(_ ix: Int) -> (Value, Int64, Bool, Int, Int) {
        let e = entries[ix]
        return (values[ix], e.word, e.fast, e.poolOffset, e.poolCount)
    }

    /// Appends an entry's list words to a line's pool.
    @inline(__always)
    func appendPool(from: Int, count: Int, to out: inout [Int64]) {
        guard from >= 0, count > 0, from <= pool.count - count else { return }
        pool.withUnsafeBufferPointer {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[from..<(from + count)]))
        }
    }

    /// Remembers a converted value (when the slot's table and the span's size allow).
    mutating func insert(
        _ slot: Int, _ s: UnsafeBufferPointer<UInt8>, _ hash: UInt64, _ v: Value, word: Int64, fast: Bool,
        pool words: [Int64]
    ) {
        guard slot >= 0, slot < counts.count, counts[slot] < ValueCache.maxEntries, s.count <= ValueCache.maxSpan,
            entries.count < Int(Int32.max) - 1
        else { return }
        let base = slot * ValueCache.buckets
        var b = Int(truncatingIfNeeded: hash & UInt64(ValueCache.buckets - 1))
        while table[base + b] != 0 { b = (b + 1) & (ValueCache.buckets - 1) }  // at most half full
        entries.append(
            Entry(
                hash: hash, offset: bytes.count, length: s.count, word: word, fast: fast, poolOffset: pool.count,
                poolCount: words.count))
        values.append(v)
        bytes.append(contentsOf: s)
        pool += words
        table[base + b] = Int32(truncatingIfNeeded: entries.count)
        counts[slot] += 1
    }
}

/// A cursor over one line's bytes, for the plain JSON the fast path accepts.
struct FastJSONCursor {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

    var atEnd: Bool { i >= b.count }

    @inline(__always) mutating func skipWhitespace() {
        while i < b.count {
            let c = b[i]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            i += 1
        }
    }

    @inline(__always) mutating func take(_ c: UInt8) -> Bool {
        guard i < b.count, b[i] == c else { return false }
        i += 1
        return true
    }

    /// Whether the byte after a literal or number may end it (JSON's delimiters, or the end).
    var atDelimiter: Bool {
        guard i < b.count else { return true }
        switch b[i] {
        case 0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x7D, 0x5D: return true
        default: return false
        }
    }

    /// Whether `a` equals `count(a)` bytes of `b` from `offset`, eight bytes at a time.
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        let n = a.count
        guard offset >= 0, offset <= b.count - n else { return false }
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return n == 0 }
        let ra = UnsafeRawPointer(pa)
        let rb = UnsafeRawPointer(pb + offset)
        var k = 0
        while n - k >= 8 {
            if ra.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                != rb.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            {
                return false
            }
            k += 8
        }
        while k < n {
            if a[k] != b[offset + k] { return false }
            k += 1
        }
        return true
    }

    /// Takes `"NAME"` where NAME is `bytes[from ..< to]` (printable ASCII without a quote or a
    /// backslash: a fact name), as `plainString` would have read it; false (unmoved) otherwise.
    @inline(__always)
    mutating func takeQuoted(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        let n = to - from
        guard n >= 0, from >= 0, to <= bytes.count, i >= 0, n <= b.count - i - 2, b[i] == 0x22, b[i + 1 + n] == 0x22,
            FastJSONCursor.equal(UnsafeBufferPointer(rebasing: bytes[from..<to]), b, at: i + 1)
        else { return false }
        i += n + 2
        return true
    }

    /// `plainString`, with a hash of the bytes computed while scanning them eight at a time (the
    /// same hash whichever way the bytes were scanned: `ValueCache.hash`).
    mutating func plainStringHashed() -> (UnsafeBufferPointer<UInt8>, UInt64)? {
        guard i < b.count, b[i] == 0x22, let base = b.baseAddress else { return nil }
        let start = i + 1
        var j = start
        var h = ValueCache.seed
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        while b.count - j >= 8 {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
            let quote = w ^ 0x2222_2222_2222_2222
            let backslash = w ^ 0x5C5C_5C5C_5C5C_5C5C
            let del = w ^ 0x7F7F_7F7F_7F7F_7F7F
            // The lowest flagged byte is the first special one (a borrow only flags bytes above it).
            let special =
                (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((del &- ones) & ~del)
                    | ((w &- 0x2020_2020_2020_2020) & ~w) | w) & 0x8080_8080_8080_8080
            if special == 0 {
                h = ValueCache.mix(h, w)
                j += 8
                continue
            }
            let t = special.trailingZeroBitCount >> 3
            guard b[j + t] == 0x22 else { return nil }
            let part = t == 0 ? 0 : w & ((1 << (8 * UInt64(t))) &- 1)
            i = j + t + 1
            return (UnsafeBufferPointer(rebasing: b[start..<(j + t)]), ValueCache.finish(h, part, j + t - start))
        }
        // Fewer than eight bytes left in the line: byte by byte, into the same words.
        var part: UInt64 = 0
        var shift: UInt64 = 0
        while j < b.count {
            let c = b[j]
            if c == 0x22 {
                i = j + 1
                return (UnsafeBufferPointer(rebasing: b[start..<j]), ValueCache.finish(h, part, j - start))
            }
            guard c >= 0x20 && c < 0x7F && c != 0x5C else { return nil }
            part |= UInt64(c) << shift
            shift += 8
            if shift == 64 {
                h = ValueCache.mix(h, part)
                part = 0
                shift = 0
            }
            j += 1
        }
        return nil
    }

    /// A list of plain strings (`[`, strings separated by commas, `]`, with whitespace), as its
    /// whole text from `[` to `]`; nil (the cursor unmoved) for anything else.
    mutating func plainStringList() -> UnsafeBufferPointer<UInt8>? {
        let start = i
        guard take(0x5B) else { return nil }  // [
        skipWhitespace()
        if !take(0x5D) {
            while true {
                skipWhitespace()
                guard plainString() != nil else {
                    i = start
                    return nil
                }
                skipWhitespace()
                if take(0x2C) { continue }  // ,
                guard take(0x5D) else {  // ]
                    i = start
                    return nil
                }
                break
            }
        }
        return UnsafeBufferPointer(rebasing: b[start..<i])
    }

    /// A string of printable ASCII without escapes; its bytes (valid until the line is released).
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard i < b.count, b[i] == 0x22 else { return nil }
        let start = i + 1
        var j = start
        // Eight bytes at a time while none is a quote, a backslash, a control or not ASCII.
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            while b.count - j >= 8 {
                let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
                let quote = w ^ 0x2222_2222_2222_2222
                let backslash = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let del = w ^ 0x7F7F_7F7F_7F7F_7F7F
                let special =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((del &- ones) & ~del)
                    | ((w &- 0x2020_2020_2020_2020) & ~w) | w
                if special & 0x8080_8080_8080_8080 != 0 { break }
                j += 8
            }
        }
        while j < b.count {
            let c = b[j]
            if c == 0x22 {
                i = j + 1
                return UnsafeBufferPointer(rebasing: b[start..<j])
            }
            guard c >= 0x20 && c < 0x7F && c != 0x5C else { return nil }
            j += 1
        }
        return nil
    }

    mutating func bool() -> Bool? {
        let save = i
        if b.count - i >= 4 && b[i] == 0x74 && b[i + 1] == 0x72 && b[i + 2] == 0x75 && b[i + 3] == 0x65 {  // true
            i += 4
            if atDelimiter { return true }
        } else if b.count - i >= 5 && b[i] == 0x66 && b[i + 1] == 0x61 && b[i + 2] == 0x6C && b[i + 3] == 0x73
            && b[i + 4] == 0x65
        {  // false
            i += 5
            if atDelimiter { return false }
        }
        i = save
        return nil
    }

    /// `-?(0|[1-9][0-9]*)` fitting in Int64, not followed by a fraction or exponent.
    mutating func int() -> Int64? {
        var j = i
        let negative = j < b.count && b[j] == 0x2D
        if negative { j += 1 }
        guard j < b.count, b[j] &- 0x30 < 10 else { return nil }
        var magnitude: UInt64 = 0
        if b[j] == 0x30 {
            j += 1
        } else {
            while j < b.count, b[j] &- 0x30 < 10 {
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(b[j] - 0x30))
                if o1 || o2 { return nil }
                magnitude = a
                j += 1
            }
        }
        let save = i
        i = j
        guard atDelimiter else {
            i = save
            return nil
        }
        if !negative {
            guard magnitude <= UInt64(Int64.max) else {
                i = save
                return nil
            }
            return Int64(magnitude)
        }
        if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
        if magnitude == Int64.min.magnitude { return Int64.min }
        i = save
        return nil
    }

    /// The `id` member's JSON text as the existing reader re-encodes it (integers and plain strings).
    mutating func idText() -> String? {
        if i < b.count && b[i] == 0x22 {
            guard let s = plainString() else { return nil }
            var text = "\""
            text += String(decoding: s, as: UTF8.self)
            text += "\""
            return text
        }
        guard let n = int() else { return nil }
        return String(n)
    }

    /// `YYYY-MM-DD` as a real calendar date.
    static func day(_ s: UnsafeBufferPointer<UInt8>) -> Day? {
        guard s.count == 10, s[4] == 0x2D, s[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for k in r {
                guard s[k] &- 0x30 < 10 else { return nil }
                n = n * 10 + Int(s[k] - 0x30)
            }
            return n
        }
        guard let y = num(0..<4), let m = num(5..<7), let dd = num(8..<10) else { return nil }
        return Day(year: y, month: m, day: dd)
    }
}
