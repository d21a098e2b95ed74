/// A strict RFC 8259 JSON parser over bytes: no comments, trailing commas, leading zeros,
/// NaN/Infinity literals or single quotes; control characters in strings, lone surrogates
/// in `\u` escapes and invalid UTF-8 anywhere are errors at their byte offset. It iterates
/// with an explicit stack, so deep nesting yields an error, never a stack overflow.
package enum JSONParser {
    /// Parses the whole input as one JSON value (surrounding whitespace allowed).
    package static func parse(_ bytes: some Collection<UInt8>) -> Result<JSONValue, JSONError> {
        if let r = bytes.withContiguousStorageIfAvailable({ JSONParser.parse($0, maxDepth: 256) }) { return r }
        let copy = Array(bytes)
        return copy.withUnsafeBufferPointer { JSONParser.parse($0, maxDepth: 256) }
    }

    /// Parses the whole input as one JSON value; arrays and objects may nest `maxDepth` deep.
    /// (Parsing never recurses, but releasing, comparing or writing a `JSONValue` does, so keep
    /// `maxDepth` in the thousands at most.)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = 256) -> Result<JSONValue, JSONError> {
        var p = JSONByteParser(maxDepth: maxDepth)
        p.buf = bytes
        p.n = bytes.count
        do {
            return .success(try p.document())
        } catch {
            return .failure(error)
        }
    }
}

/// A parser that keeps its working buffers from one input to the next: the same as
/// `JSONParser.parse`, a little faster when parsing many lines (JSON Lines facts).
struct JSONLineParser {
    private var parser: JSONByteParser

    init(maxDepth: Int = 256) {
        parser = JSONByteParser(maxDepth: maxDepth)
    }

    /// Parses the whole input as one JSON value (surrounding whitespace allowed).
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONError> {
        parser.reset(bytes)
        do {
            return .success(try parser.document())
        } catch {
            return .failure(error)
        }
    }
}

private struct JSONByteParser {
    struct Frame {
        var isObject: Bool
        var valueStart: Int
        var keyStart: Int
    }

    var buf: UnsafeBufferPointer<UInt8>
    var n: Int
    let maxDepth: Int
    var i = 0
    /// Values of the open containers, flat; a frame owns `values[valueStart...]`.
    var values: [JSONValue] = []
    /// Keys of the open objects, flat, parallel to their values.
    var keys: [String] = []
    var frames: [Frame] = []
    /// Reused buffer for strings with escapes.
    var scratch: [UInt8] = []

    init(maxDepth: Int) {
        self.buf = UnsafeBufferPointer(start: nil, count: 0)
        self.n = 0
        self.maxDepth = maxDepth
    }

    /// Points the parser at new input, dropping what an earlier (failed) parse left behind.
    mutating func reset(_ input: UnsafeBufferPointer<UInt8>) {
        buf = input
        n = input.count
        i = 0
        if !frames.isEmpty { frames.removeAll(keepingCapacity: true) }
        if !values.isEmpty { values.removeAll(keepingCapacity: true) }
        if !keys.isEmpty { keys.removeAll(keepingCapacity: true) }
    }

    mutating func document() throws(JSONError) -> JSONValue {
        let v = try valueTree()
        skipWhitespace()
        if i < n { throw unexpected("end of input") }
        return v
    }

    @inline(__always) mutating func skipWhitespace() {
        while i < n {
            let c = buf[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// Parses one value and everything nested in it, iteratively.
    mutating func valueTree() throws(JSONError) -> JSONValue {
        var v: JSONValue
        nextValue: while true {
            skipWhitespace()
            guard i < n else { throw unexpected("a value") }
            switch buf[i] {
            case 0x7B:  // {
                try open(isObject: true)
                skipWhitespace()
                if i < n && buf[i] == 0x7D {
                    i += 1
                    v = close()
                } else {
                    try memberKey()
                    continue nextValue
                }
            case 0x5B:  // [
                try open(isObject: false)
                skipWhitespace()
                if i < n && buf[i] == 0x5D {
                    i += 1
                    v = close()
                } else {
                    continue nextValue
                }
            case 0x22: v = .string(try string())
            case 0x2D, 0x30...0x39: v = try number()
            case 0x74:
                try literal("true")
                v = .bool(true)
            case 0x66:
                try literal("false")
                v = .bool(false)
            case 0x6E:
                try literal("null")
                v = .null
            default:
                throw unexpected("a value")
            }
            // Attach the finished value to its container; close containers that end here.
            while true {
                guard let top = frames.last else { return v }
                values.append(v)
                skipWhitespace()
                guard i < n else { throw unexpected(top.isObject ? "`,` or `}`" : "`,` or `]`") }
                let c = buf[i]
                if c == 0x2C {
                    i += 1
                    if top.isObject {
                        skipWhitespace()
                        try memberKey()
                    }
                    continue nextValue
                }
                if c == (top.isObject ? 0x7D : 0x5D) {
                    i += 1
                    v = close()
                    continue
                }
                throw unexpected(top.isObject ? "`,` or `}`" : "`,` or `]`")
            }
        }
    }

    mutating func open(isObject: Bool) throws(JSONError) {
        guard frames.count < maxDepth else {
            throw JSONError("nesting deeper than \(maxDepth) levels", at: i)
        }
        if frames.capacity == 0 {
            // First container: size the stacks once instead of growing them one by one.
            frames.reserveCapacity(8)
            values.reserveCapacity(32)
            keys.reserveCapacity(32)
        }
        frames.append(Frame(isObject: isObject, valueStart: values.count, keyStart: keys.count))
        i += 1
    }

    mutating func close() -> JSONValue {
        guard let f = frames.popLast() else { return .null }
        let count = values.count - f.valueStart
        if f.isObject {
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(count)
            for k in 0..<count {
                members.append((keys[f.keyStart + k], values[f.valueStart + k]))
            }
            keys.removeSubrange(f.keyStart...)
            values.removeSubrange(f.valueStart...)
            return .object(members)
        }
        let items = Array(values[f.valueStart...])
        values.removeSubrange(f.valueStart...)
        return .array(items)
    }

    /// A member name and its colon; whitespace before it is already skipped.
    mutating func memberKey() throws(JSONError) {
        guard i < n, buf[i] == 0x22 else { throw unexpected("a string key") }
        keys.append(try string())
        skipWhitespace()
        guard i < n, buf[i] == 0x3A else { throw unexpected("`:`") }
        i += 1
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let len = word.utf8CodeUnitCount
        let ok = word.withUTF8Buffer { w -> Bool in
            guard n - i >= len else { return false }
            for k in 0..<len where buf[i + k] != w[k] { return false }
            return true
        }
        guard ok else { throw JSONError("invalid literal, expected `\(word)`", at: i) }
        i += len
    }

    // MARK: strings

    /// A string token starting at the `"` at `i`.
    mutating func string() throws(JSONError) -> String {
        let start = i + 1
        var j = start
        if let base = buf.baseAddress {
            // Skip eight plain ASCII bytes at a time (no `"`, `\\`, control or non-ASCII byte).
            let raw = UnsafeRawPointer(base)
            while n - j >= 8 {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
                let quote = w ^ 0x2222_2222_2222_2222
                let backslash = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let ones: UInt64 = 0x0101_0101_0101_0101
                let high: UInt64 = 0x8080_8080_8080_8080
                let special =
                    ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (w &- 0x2020_2020_2020_2020) | w
                if special & high != 0 { break }
                j += 8
            }
        }
        while j < n {
            let c = buf[j]
            if c == 0x22 {
                i = j + 1
                return String(decoding: UnsafeBufferPointer(rebasing: buf[start..<j]), as: UTF8.self)
            }
            if c == 0x5C { return try escapedString(start: start, firstEscape: j) }
            if c < 0x20 { throw controlCharacter(c, at: j) }
            j = c < 0x80 ? j + 1 : try utf8End(at: j)
        }
        throw JSONError("unexpected end of input in string", at: n)
    }

    /// The slow path: a string with escapes, decoded into `scratch`.
    mutating func escapedString(start: Int, firstEscape: Int) throws(JSONError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<firstEscape]))
        var j = firstEscape
        while j < n {
            let c = buf[j]
            if c == 0x22 {
                i = j + 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if c == 0x5C {
                guard j + 1 < n else { break }
                let e = buf[j + 1]
                switch e {
                case 0x22, 0x5C, 0x2F: scratch.append(e)
                case 0x62: scratch.append(0x08)
                case 0x66: scratch.append(0x0C)
                case 0x6E: scratch.append(0x0A)
                case 0x72: scratch.append(0x0D)
                case 0x74: scratch.append(0x09)
                case 0x75:
                    j = try unicodeEscape(at: j)
                    continue
                default:
                    throw JSONError("invalid escape \(describe(e, at: j + 1, prefix: "\\"))", at: j)
                }
                j += 2
            } else if c < 0x20 {
                throw controlCharacter(c, at: j)
            } else if c < 0x80 {
                scratch.append(c)
                j += 1
            } else {
                let end = try utf8End(at: j)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: buf[j..<end]))
                j = end
            }
        }
        throw JSONError("unexpected end of input in string", at: n)
    }

    /// Decodes `\uXXXX` (and its low surrogate, for a high one) at `j`; returns the index after it.
    mutating func unicodeEscape(at j: Int) throws(JSONError) -> Int {
        let hi = try hex4(at: j + 2, escapeAt: j)
        var scalar = hi
        var end = j + 6
        if hi >= 0xD800 && hi <= 0xDBFF {
            guard end + 1 < n, buf[end] == 0x5C, buf[end + 1] == 0x75 else {
                throw JSONError("lone surrogate in \\u escape", at: j)
            }
            let lo = try hex4(at: end + 2, escapeAt: end)
            guard lo >= 0xDC00 && lo <= 0xDFFF else { throw JSONError("lone surrogate in \\u escape", at: j) }
            scalar = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            end += 6
        } else if hi >= 0xDC00 && hi <= 0xDFFF {
            throw JSONError("lone surrogate in \\u escape", at: j)
        }
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(0xC0 | UInt8(scalar >> 6))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(0xE0 | UInt8(scalar >> 12))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        default:
            scratch.append(0xF0 | UInt8(scalar >> 18))
            scratch.append(0x80 | UInt8((scalar >> 12) & 0x3F))
            scratch.append(0x80 | UInt8((scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(scalar & 0x3F))
        }
        return end
    }

    func hex4(at j: Int, escapeAt: Int) throws(JSONError) -> UInt32 {
        guard j + 4 <= n else { throw JSONError("invalid \\u escape: expected 4 hex digits", at: escapeAt) }
        var v: UInt32 = 0
        for k in j..<(j + 4) {
            let c = buf[k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw JSONError("invalid \\u escape: expected 4 hex digits", at: escapeAt)
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    func controlCharacter(_ c: UInt8, at j: Int) -> JSONError {
        JSONError("control character U+00\(hexByte(c)) in string must be escaped", at: j)
    }

    /// The index after the well-formed UTF-8 sequence whose lead byte (≥ 0x80) is at `j`
    /// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
    func utf8End(at j: Int) throws(JSONError) -> Int {
        let b0 = buf[j]
        var need = 0
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: need = 1
        case 0xE0:
            need = 2
            lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: need = 2
        case 0xED:
            need = 2
            hi = 0x9F
        case 0xF0:
            need = 3
            lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4:
            need = 3
            hi = 0x8F
        default: throw invalidUTF8(j)
        }
        guard need < n - j else { throw invalidUTF8(j) }
        let b1 = buf[j + 1]
        guard b1 >= lo && b1 <= hi else { throw invalidUTF8(j) }
        var k = 2
        while k <= need {
            guard buf[j + k] & 0xC0 == 0x80 else { throw invalidUTF8(j) }
            k += 1
        }
        return j + need + 1
    }

    /// The message carries no position: the error's `offset` does, and callers print it once
    /// ("invalid JSON: invalid UTF-8 at byte 25", not "... at byte 24 at byte 25").
    func invalidUTF8(_ j: Int) -> JSONError { JSONError("invalid UTF-8", at: j) }

    // MARK: numbers

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func number() throws(JSONError) -> JSONValue {
        let start = i
        var j = i
        let negative = buf[j] == 0x2D
        if negative { j += 1 }
        guard j < n, isDigit(buf[j]) else {
            throw j < n
                ? JSONError("invalid number: expected a digit after `-`", at: j)
                : JSONError("unexpected end of input in number", at: n)
        }
        var magnitude: UInt64 = 0
        var overflow = false
        if buf[j] == 0x30 {
            j += 1
            if j < n && isDigit(buf[j]) { throw JSONError("leading zeros are not allowed", at: start) }
        } else {
            while j < n, isDigit(buf[j]) {
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(buf[j] - 0x30))
                magnitude = a
                overflow = overflow || o1 || o2
                j += 1
            }
        }
        var integral = true
        if j < n && buf[j] == 0x2E {
            j += 1
            guard j < n, isDigit(buf[j]) else { throw JSONError("invalid number: expected a digit after `.`", at: j) }
            while j < n, isDigit(buf[j]) { j += 1 }
            integral = false
        }
        if j < n && (buf[j] == 0x65 || buf[j] == 0x45) {
            j += 1
            if j < n && (buf[j] == 0x2B || buf[j] == 0x2D) { j += 1 }
            guard j < n, isDigit(buf[j]) else {
                throw JSONError("invalid number: expected a digit in the exponent", at: j)
            }
            while j < n, isDigit(buf[j]) { j += 1 }
            integral = false
        }
        i = j
        if integral && !overflow {
            if !negative && magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
            if negative && magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
            if negative && magnitude == Int64.min.magnitude { return .int(Int64.min) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<j]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw JSONError("number out of range", at: start) }
        return .double(d)
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    // MARK: errors

    /// "expected X, found Y" at `i`; invalid UTF-8 there is reported as such.
    func unexpected(_ expected: String) -> JSONError {
        guard i < n else { return JSONError("unexpected end of input, expected \(expected)", at: n) }
        let c = buf[i]
        if c >= 0x80 {
            do {
                _ = try utf8End(at: i)
            } catch {
                return error
            }
        }
        return JSONError("expected \(expected), found \(describe(c, at: i, prefix: ""))", at: i)
    }

    /// A byte for a message: `x` for printable ASCII, U+XXXX for controls, the character for UTF-8.
    func describe(_ c: UInt8, at j: Int, prefix: String) -> String {
        if c >= 0x21 && c < 0x7F { return "`\(prefix)\(String(UnicodeScalar(c)))`" }
        if c < 0x80 { return prefix.isEmpty ? "U+00\(hexByte(c))" : "`\(prefix)` followed by U+00\(hexByte(c))" }
        if let end = try? utf8End(at: j) {
            let ch = String(decoding: UnsafeBufferPointer(rebasing: buf[j..<end]), as: UTF8.self)
            return "`\(prefix)\(ch)`"
        }
        return prefix.isEmpty ? "invalid UTF-8" : "`\(prefix)` followed by invalid UTF-8"
    }
}

private func hexByte(_ c: UInt8) -> String {
    String(decoding: [JSONWriter.hexDigit(c >> 4), JSONWriter.hexDigit(c & 0xF)], as: UTF8.self).uppercased()
}
