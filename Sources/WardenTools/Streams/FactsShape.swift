import Warden

// Facts that are not JSON Lines at all: a JSON array, or a pretty-printed document, fed to a
// JSON Lines reader would give one error per line ("must be a JSON object", "invalid JSON" ...).
// `FactsShape` looks at the first non-blank line of the stream and names the mistake once.

/// Watches the start of a JSON Lines facts stream for a JSON array or a pretty-printed JSON
/// document, and whether the stream had anything but blank lines.
public struct FactsShape {
    /// The first non-blank line so far (up to `maxLine` bytes).
    var firstLine: [UInt8] = []
    /// Whether the first non-blank line has been judged.
    var decided = false
    /// Whether every byte seen so far was white space.
    public private(set) var sawOnlyBlank = true

    /// The longest first line looked at.
    static let maxLine = 4096

    /// Creates a watcher for a new stream.
    public init() {}

    /// Looks at the next chunk; returns the message for a stream that is not JSON Lines, once its
    /// first non-blank line is complete. The chunk is still to be fed to the reader when it returns nil.
    public mutating func sniff(_ chunk: UnsafeRawBufferPointer) -> String? {
        for byte in chunk {
            let blank = byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
            if !blank { sawOnlyBlank = false }
            if decided { return nil }
            if firstLine.isEmpty && blank { continue }
            if byte == 0x0A || firstLine.count >= FactsShape.maxLine {
                decided = true
                return FactsShape.hint(firstLine: firstLine)
            }
            firstLine.append(byte)
        }
        return nil
    }

    /// At the end of the stream: the message for a last (and first) line without a newline.
    public mutating func finish() -> String? {
        if decided || firstLine.isEmpty { return nil }
        decided = true
        return FactsShape.hint(firstLine: firstLine)
    }

    /// The message for a stream whose first non-blank line is `line`, if it shows that the stream
    /// is a JSON array or a pretty-printed document rather than JSON Lines.
    public static func hint(firstLine line: [UInt8]) -> String? {
        // The line without its trailing white space.
        let trimmed = line.reversed().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        let end = trimmed.count
        guard let first = line.first else { return nil }
        if first == UInt8(ascii: "[") {
            return "the facts are a JSON array, not JSON Lines (one device object per line): "
                + "give the file a `.json` name to read it as one document, or write one object per line "
                + "(for example with `jq -c '.[]'`)"
        }
        if first == UInt8(ascii: "{") && end == 1 {
            return "the facts look like pretty-printed JSON, not JSON Lines (one device object per line): "
                + "give the file a `.json` name to read it as one document, or put each device on one line "
                + "(for example with `jq -c .`)"
        }
        return nil
    }

    /// Whether a whole facts document is empty (nothing but white space).
    public static func isEmpty(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }
}
