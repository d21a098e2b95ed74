extension SourceFile {
    /// A range of source text, as byte offsets into the UTF-8 source (`start..<end`).
    public struct Span: Sendable, Hashable {
        /// Byte offset of the first byte.
        public var start: Int
        /// Byte offset one past the last byte.
        public var end: Int
        /// Creates a span from byte offsets.
        public init(start: Int, end: Int) {
            self.start = start
            self.end = max(start, end)
        }
        /// The smallest span covering both spans.
        public func union(_ other: SourceFile.Span) -> SourceFile.Span {
            SourceSpan(start: min(start, other.start), end: max(end, other.end))
        }
        /// An empty span at `offset`.
        public static func at(_ offset: Int) -> SourceFile.Span { SourceFile.Span(start: offset, end: offset) }
    }
}

extension SourceFile {
    /// A 1-based line and column; the column counts Unicode scalars.
    public struct Location: Sendable, Hashable, CustomStringConvertible {
        /// 1-based line number.
        public var line: Int
        /// 1-based column, in Unicode scalars.
        public var column: Int
        /// Creates a location.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
        /// `line:column`.
        public var description: String { "\(line):\(column)" }
    }
}

/// The text of one source (a file, a REPL entry, an expression) with a line-start table.
///
/// Spans store byte offsets; lines and columns are computed from the table on demand. A line ends
/// at LF, CR or CRLF, as in editors (the lexer rejects the other line separators editors know, so
/// line numbers agree with what an editor shows).
public struct SourceFile: Sendable {
    /// The name shown in diagnostics (`samples/a.warden`, `<input>`, `<repl>`).
    public let name: String
    /// The source as UTF-8 bytes. Invalid UTF-8 is kept as is and diagnosed by the lexer.
    public let bytes: [UInt8]
    /// Byte offsets at which each line starts.
    package let lineStarts: [Int]
    /// The files of a policy set joined into this source (PolicySet.swift); empty for one file.
    public package(set) var files: [SourceFile.Segment] = []

    /// Creates a source from a string.
    public init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// Creates a source from raw bytes (which may not be valid UTF-8).
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        self.lineStarts = bytes.withUnsafeBufferPointer { buf in
            var starts = [0]
            var lastCR = -2
            for i in buf.indices where buf[i] == 0x0A || buf[i] == 0x0D {
                if buf[i] == 0x0D {
                    lastCR = i
                } else if lastCR + 1 == i {
                    starts.removeLast()  // CRLF is one line end: the line starts after the LF
                }
                starts.append(i + 1)
            }
            return starts
        }
    }

    /// The number of lines.
    public var lineCount: Int { lineStarts.count }

    /// The 0-based line index containing `offset`.
    func lineIndex(of offset: Int) -> Int {
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The line and column (in Unicode scalars) of a byte offset.
    /// In a policy set, the line counts from the start of the offset's own file.
    public func location(of offset: Int) -> SourceFile.Location {
        let global = sourceLocation(of: offset)
        guard let seg = segment(at: offset) else { return global }
        return SourceLocation(line: global.line - seg.firstLine, column: global.column)
    }

    /// The line (counted in the whole source) and column of a byte offset.
    func sourceLocation(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        let li = lineIndex(of: clamped)
        return SourceLocation(line: li + 1, column: scalarCount(from: lineStarts[li], to: clamped) + 1)
    }

    /// Counts the Unicode scalars between two byte offsets (continuation bytes are not counted).
    func scalarCount(from: Int, to: Int) -> Int {
        var n = 0
        var i = from
        while i < to && i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { n += 1 }
            i += 1
        }
        return n
    }

    /// The byte range of a 1-based line without its line end (LF, CR or CRLF); nil past the last line.
    package func lineRange(_ line: Int) -> Range<Int>? {
        guard line >= 1 && line <= lineStarts.count else { return nil }
        let start = lineStarts[line - 1]
        guard line < lineStarts.count else { return start..<max(start, bytes.count) }
        var end = lineStarts[line] - 1  // the LF or lone CR that ends the line
        if end > start && end < bytes.count && bytes[end] == 0x0A && bytes[end - 1] == 0x0D { end -= 1 }
        return start..<max(start, end)
    }

    /// The text of a 1-based line, without its line end (invalid UTF-8 repaired).
    public func lineText(_ line: Int) -> String {
        guard let r = lineRange(line), !r.isEmpty, r.upperBound <= bytes.count else { return "" }
        return String(decoding: bytes[r], as: UTF8.self)
    }

    /// The source text of a span (invalid UTF-8 repaired).
    public func text(_ span: SourceFile.Span) -> String {
        let s = max(0, min(span.start, bytes.count))
        let e = max(s, min(span.end, bytes.count))
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }
}

extension SourceFile {
    /// One file of a policy set, inside the joined source.
    public struct Segment: Sendable {
        /// The file's name (its path as given).
        public let name: String
        /// The byte offset at which the file starts in the joined source.
        public let start: Int
        /// The byte offset one past its last byte.
        public let end: Int
        /// The number of lines of the joined source before it.
        let firstLine: Int
        /// The file alone.
        let file: SourceFile
    }
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias SourceSpan = SourceFile.Span
package typealias SourceLocation = SourceFile.Location
package typealias SourceSegment = SourceFile.Segment
