/// Splits a stream of byte chunks into lines, for JSON Lines input read in chunks by the CLI.
/// Lines end at `\n`; a `\r` before it is dropped too. Lines are numbered from 1.
package struct LineSplitter {
    /// One line: its bytes (valid only during the callback), or the byte length of a line
    /// longer than `maxLineBytes`, whose bytes were dropped rather than buffered.
    package enum Line {
        case bytes(UnsafeBufferPointer<UInt8>)
        case tooLong(Int)
    }

    let maxLineBytes: Int
    /// The part of the current line seen in earlier chunks (empty while dropping).
    private var buffer: [UInt8] = []
    /// How many bytes of the current line were seen in earlier chunks.
    private var pending = 0
    /// The current line is too long: its bytes are counted, not kept.
    private var dropping = false
    /// While dropping: whether the last byte seen was `\r`.
    private var lastWasCR = false
    /// The number the next line gets.
    private(set) var lineNumber = 1

    package init(maxLineBytes: Int = 16 << 20) {
        self.maxLineBytes = max(0, maxLineBytes)
    }

    /// Feeds a chunk; calls `body(lineNumber, line)` for every complete line (without "\n" or "\r\n").
    /// A line longer than maxLineBytes is reported ONCE as `.tooLong` and its bytes are dropped, not buffered.
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (Int, LineSplitter.Line) -> Void) {
        chunk.withMemoryRebound(to: UInt8.self) { bytes in
            let n = bytes.count
            var start = 0
            while start < n {
                guard let nl = LineSplitter.newline(in: bytes, from: start) else {
                    accumulate(bytes, start, n)
                    return
                }
                if pending == 0 && !dropping {
                    var end = nl
                    if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                    let length = end - start
                    if length > maxLineBytes {
                        body(lineNumber, .tooLong(length))
                    } else {
                        body(lineNumber, .bytes(UnsafeBufferPointer(rebasing: bytes[start..<end])))
                    }
                } else {
                    accumulate(bytes, start, nl)
                    emitPending(body)
                }
                lineNumber += 1
                start = nl + 1
            }
        }
    }

    /// Reports the last line when the input did not end with a newline.
    package mutating func finish(_ body: (Int, LineSplitter.Line) -> Void) {
        guard pending > 0 || dropping else { return }
        emitPending(body)
        lineNumber += 1
    }

    private mutating func accumulate(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        let count = to - from
        guard count > 0 else { return }
        pending += count
        lastWasCR = bytes[to - 1] == 0x0D
        if dropping { return }
        // One byte of slack for a `\r` that may turn out to precede the newline.
        if pending > maxLineBytes + 1 {
            dropping = true
            buffer = []
            return
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<to]))
    }

    private mutating func emitPending(_ body: (Int, LineSplitter.Line) -> Void) {
        if dropping {
            body(lineNumber, .tooLong(pending - (lastWasCR ? 1 : 0)))
        } else {
            var length = buffer.count
            if length > 0 && buffer[length - 1] == 0x0D { length -= 1 }
            if length > maxLineBytes {
                body(lineNumber, .tooLong(length))
            } else {
                let line = lineNumber
                buffer.withUnsafeBufferPointer { body(line, .bytes(UnsafeBufferPointer(rebasing: $0[0..<length]))) }
            }
        }
        if buffer.capacity > 1 << 20 {
            buffer = []
        } else {
            buffer.removeAll(keepingCapacity: true)
        }
        pending = 0
        dropping = false
        lastWasCR = false
    }

    /// The index of the first `\n` at or after `from`, scanning eight bytes at a time.
    static func newline(in p: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        let n = p.count
        var k = from
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            while n - k >= 8 {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                let x = w ^ 0x0A0A_0A0A_0A0A_0A0A
                let t = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
                if t != 0 { return k + t.trailingZeroBitCount >> 3 }
                k += 8
            }
        }
        while k < n {
            if p[k] == 0x0A { return k }
            k += 1
        }
        return nil
    }
}
