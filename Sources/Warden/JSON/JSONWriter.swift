/// Appends compact JSON text to a byte buffer (for output lines). Callers place the
/// structural characters themselves (`raw("{")`, `key("id")`, `raw(",")`, ...).
package struct JSONWriter {
    package var bytes: [UInt8]

    init() { bytes = [] }

    package init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The buffer as text.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Empties the buffer, keeping its capacity (to reuse one writer for many lines).
    package mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Appends text verbatim (no quoting or escaping).
    package mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends one byte verbatim.
    mutating func raw(byte: UInt8) { bytes.append(byte) }

    /// Appends already-valid JSON text verbatim.
    package mutating func raw(text: String) { bytes.append(contentsOf: text.utf8) }

    package mutating func null() { raw("null") }

    mutating func bool(_ b: Bool) {
        if b { raw("true") } else { raw("false") }
    }

    /// Appends `"s":`.
    mutating func key(_ s: String) {
        string(s)
        bytes.append(0x3A)
    }

    /// Appends `s` as a JSON string with minimal escaping; non-ASCII stays UTF-8.
    package mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { appendEscaped($0) }
    }

    /// Appends a JSON string from UTF-8 bytes (which must be valid UTF-8).
    mutating func appendEscaped(_ u: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        var runStart = 0
        var k = 0
        let n = u.count
        let raw = UnsafeRawPointer(u.baseAddress)
        while k < n {
            // Skip eight bytes at a time while none needs escaping (`"`, `\\`, controls).
            if let raw, n - k >= 8 {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                let quote = w ^ 0x2222_2222_2222_2222
                let backslash = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let ones: UInt64 = 0x0101_0101_0101_0101
                let special =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                    | ((w &- 0x2020_2020_2020_2020) & ~w)
                if special & 0x8080_8080_8080_8080 == 0 {
                    k += 8
                    continue
                }
            }
            let c = u[k]
            if c >= 0x20 && c != 0x22 && c != 0x5C {
                k += 1
                continue
            }
            if runStart < k { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<k])) }
            bytes.append(0x5C)
            switch c {
            case 0x22: bytes.append(0x22)
            case 0x5C: bytes.append(0x5C)
            case 0x0A: bytes.append(0x6E)  // n
            case 0x0D: bytes.append(0x72)  // r
            case 0x09: bytes.append(0x74)  // t
            case 0x08: bytes.append(0x62)  // b
            case 0x0C: bytes.append(0x66)  // f
            default:
                bytes.append(contentsOf: [0x75, 0x30, 0x30, JSONWriter.hexDigit(c >> 4), JSONWriter.hexDigit(c & 0xF)])
            }
            k += 1
            runStart = k
        }
        if runStart < n { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<n])) }
        bytes.append(0x22)
    }

    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x61 + v - 10 }

    package mutating func int(_ i: Int64) {
        if i < 0 { bytes.append(0x2D) }
        uint(i.magnitude)
    }

    mutating func uint(_ u: UInt64) {
        if u < 10 {
            bytes.append(0x30 + UInt8(u))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        var v = u
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            while v > 0 {
                count += 1
                scratch[24 - count] = 0x30 + UInt8(v % 10)
                v /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[(24 - count)...]))
        }
    }

    /// Appends the shortest representation that reads back as the same double (`1.5`, `100.0`,
    /// `1e+20`, `-0.0`). JSON has no NaN or infinity: those are written as `null` (the typed
    /// encoder writes the strings `"NaN"`, `"Infinity"`, `"-Infinity"` instead).
    mutating func double(_ d: Double) {
        guard d.isFinite else {
            null()
            return
        }
        bytes.append(contentsOf: d.description.utf8)
    }

    /// Appends any JSON value, compactly.
    package mutating func value(_ j: JSONValue) {
        switch j {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .array(let items):
            bytes.append(0x5B)
            for (k, item) in items.enumerated() {
                if k > 0 { bytes.append(0x2C) }
                value(item)
            }
            bytes.append(0x5D)
        case .object(let members):
            bytes.append(0x7B)
            for (k, m) in members.enumerated() {
                if k > 0 { bytes.append(0x2C) }
                key(m.key)
                value(m.value)
            }
            bytes.append(0x7D)
        }
    }

    /// `s` as a JSON string literal, quotes included.
    package static func quoted(_ s: String) -> String {
        var w = JSONWriter(capacity: s.utf8.count + 2)
        w.string(s)
        return w.text
    }
}
