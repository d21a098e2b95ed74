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
    public func fastDevice(json bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONDevice, FactsError> {
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
struct FastLineReader {
    let program: Program
    let encodings: [FastEncoding?]
    /// Fact names by the word of their UTF-8 bytes (confirmed on the bytes).
    let names: [Int64: [(slot: Int, bytes: [UInt8])]]
    /// Enum members' bytes, by enum.
    let members: [EnumType: [[UInt8]]]
    var defaults: [(slot: Int, value: Value)] = []
    /// Slots written while reading the current line (to clear before the next).
    var written: [Int] = []

    init(program: Program) {
        self.program = program
        self.encodings = program.schema.fastEncodings
        var names: [Int64: [(slot: Int, bytes: [UInt8])]] = [:]
        for (i, f) in program.schema.facts.enumerated() where program.schema.slot(ofFact: f.name) == i {
            names[FastWords.string(f.name), default: []].append((i, Array(f.name.utf8)))
        }
        self.names = names
        var members: [EnumType: [[UInt8]]] = [:]
        for e in EnumType.allCases { members[e] = e.members.map { Array($0.utf8) } }
        self.members = members
        written.reserveCapacity(program.schema.facts.count)
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
        // Clear what the previous line left.
        for slot in written {
            d.input.fast.facts[slot] = nil
            d.input.fast.setMissing(slot)
        }
        written.removeAll(keepingCapacity: true)
        d.input.fast.poolTruncate(0)
        if !d.input.factErrors.isEmpty { d.input.factErrors.removeAll(keepingCapacity: true) }
        if !d.input.malformed.isEmpty {  // (the fast path never marks one; kept clean all the same)
            for slot in d.input.malformed.keys { d.input.fast.setMissing(slot) }
            d.input.malformed.removeAll()
        }
        if !d.input.unknownNames.isEmpty { d.input.unknownNames.removeAll(keepingCapacity: true) }
        d.idJSON = nil
        guard d.input.facts.count == encodings.count,
            d.input.fast.wordCount == min(encodings.count, FastEncoding.maxSlots)
        else {
            d = JSONDevice(input: Input(slots: encodings.count), idJSON: nil)
            return read(bytes, into: &d)
        }
        var p = FastJSONCursor(bytes)
        guard parseObject(&p, &d) else { return false }
        for (slot, value) in defaults where d.input.facts[slot] == nil {
            d.input.fast.facts[slot] = value
            d.input.fast.encode(slot, value, encodings[slot])
            written.append(slot)
        }
        d.input.fastValid = true
        return true
    }

    mutating func parseObject(_ p: inout FastJSONCursor, _ d: inout JSONDevice) -> Bool {
        p.skipWhitespace()
        guard p.take(0x7B) else { return false }  // {
        p.skipWhitespace()
        var sawID = false
        if !p.take(0x7D) {
            while true {
                p.skipWhitespace()
                guard let key = p.plainString() else { return false }
                p.skipWhitespace()
                guard p.take(0x3A) else { return false }  // :
                p.skipWhitespace()
                if key.count == 2 && key[0] == 0x69 && key[1] == 0x64 {  // "id"
                    guard !sawID, let text = p.idText() else { return false }
                    sawID = true
                    d.idJSON = text
                } else {
                    guard let slot = slot(of: key), d.input.facts[slot] == nil, let enc = encodings[slot],
                        value(&p, slot, enc, &d)
                    else { return false }
                    written.append(slot)
                }
                p.skipWhitespace()
                if p.take(0x2C) { continue }  // ,
                guard p.take(0x7D) else { return false }  // }
                break
            }
        }
        p.skipWhitespace()
        return p.atEnd
    }

    func slot(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let candidates = names[FastWords.string(key)] else { return nil }
        for c in candidates where c.bytes.elementsEqual(key) { return c.slot }
        return nil
    }

    /// One fact value of the slot's own type, stored in the device.
    mutating func value(_ p: inout FastJSONCursor, _ slot: Int, _ enc: FastEncoding, _ d: inout JSONDevice) -> Bool {
        let v: Value
        let word: Int64
        switch enc {
        case .bool:
            guard let b = p.bool() else { return false }
            v = .bool(b)
            word = b ? 1 : 0
        case .int:
            guard let i = p.int() else { return false }
            v = .int(i)
            word = i
        case .string:
            guard let s = p.plainString() else { return false }
            v = .string(String(decoding: s, as: UTF8.self))
            word = FastWords.string(s)
        case .enumeration(let e):
            guard let s = p.plainString(), let all = members[e],
                let o = all.firstIndex(where: { $0.elementsEqual(s) })
            else { return false }
            v = .enumMember(e, o)
            word = Int64(o)
        case .version:
            guard let s = p.plainString(), let ver = Version(String(decoding: s, as: UTF8.self)) else { return false }
            v = .version(ver)
            guard let w = FastWords.version(ver) else {
                d.input.fast.facts[slot] = v
                d.input.fast.setSlow(slot)
                return true
            }
            word = w
        case .date:
            guard let s = p.plainString(), let day = FastJSONCursor.day(s) else { return false }
            v = .date(day)
            word = Int64(day.daysSinceEpoch)
        case .stringList:
            guard p.take(0x5B) else { return false }  // [
            var items: [Value] = []
            let offset = d.input.fast.poolCount
            p.skipWhitespace()
            if !p.take(0x5D) {
                while true {
                    p.skipWhitespace()
                    guard let s = p.plainString() else { return false }
                    items.append(.string(String(decoding: s, as: UTF8.self)))
                    d.input.fast.poolAppend(FastWords.string(s))
                    p.skipWhitespace()
                    if p.take(0x2C) { continue }
                    guard p.take(0x5D) else { return false }  // ]
                    break
                }
            }
            v = .list(items)
            guard offset < Int(Int32.max), items.count < Int(Int32.max) else { return false }
            word = Int64(offset) << 32 | Int64(items.count)
        }
        d.input.fast.facts[slot] = v
        d.input.fast.setFast(slot, word)
        return true
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

    /// A string of printable ASCII without escapes; its bytes (valid until the line is released).
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard i < b.count, b[i] == 0x22 else { return nil }
        let start = i + 1
        var j = start
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
