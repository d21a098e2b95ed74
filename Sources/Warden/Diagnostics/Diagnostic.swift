extension Diagnostic {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// A note attached to another diagnostic; a warning (the policy still compiles); an error.
        case note, warning, error
        /// Orders by seriousness: note < warning < error.
        public static func < (a: Diagnostic.Severity, b: Diagnostic.Severity) -> Bool { a.rank < b.rank }
        var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }
    }
}

/// A message about the source, with the exact range it is about.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// A secondary message with its own location (for example the other side of a conflict).
    public struct Note: Sendable, Hashable {
        /// The note's text.
        public var message: String
        /// Where it points, if anywhere.
        public var span: SourceFile.Span?
        /// Creates a note.
        public init(_ message: String, span: SourceFile.Span? = nil) {
            self.message = message
            self.span = span
        }
    }

    /// Error, warning or note.
    public var severity: Diagnostic.Severity
    /// The stable code (`W0301`...): what kind of problem, documented with an example and a fix.
    public var code: Diagnostic.Code
    /// Lowercase message, names in backticks, no trailing period.
    public var message: String
    /// The offending range.
    public var span: SourceFile.Span
    /// Notes that point elsewhere.
    public var notes: [Note]
    /// A suggested replacement for the text of `span` (the "did you mean"), if any: an editor
    /// applies it by replacing `span`'s text with it (an empty text deletes it). Text output
    /// shows it as a `help:` line with the corrected source line.
    public var fixIt: String?
    /// True when the diagnostic is an "unexpected end of input" from the parser: the REPL
    /// continues the entry on the next line instead of reporting it.
    public var isIncomplete: Bool
    /// What the diagnostic is about (the fact, the key, the function, the limit), where known.
    public var data: Diagnostic.Data

    /// Creates a diagnostic.
    public init(
        _ severity: Diagnostic.Severity, _ code: Diagnostic.Code, _ message: String, span: SourceFile.Span,
        notes: [Note] = [],
        fixIt: String? = nil, isIncomplete: Bool = false, data: Diagnostic.Data = .none
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.span = span
        self.notes = notes
        self.fixIt = fixIt
        self.isIncomplete = isIncomplete
        self.data = data
    }

    package static func error(
        _ code: ErrorCode, _ message: String, _ span: SourceSpan, fixIt: String? = nil, notes: [Note] = [],
        data: ErrorData = .none
    ) -> Diagnostic {
        Diagnostic(.error, code, message, span: span, notes: notes, fixIt: fixIt, data: data)
    }
    static func warning(
        _ code: ErrorCode, _ message: String, _ span: SourceSpan, fixIt: String? = nil, notes: [Note] = [],
        data: ErrorData = .none
    ) -> Diagnostic {
        Diagnostic(.warning, code, message, span: span, notes: notes, fixIt: fixIt, data: data)
    }

    /// `error[W0301]`: the severity and the code, as text output labels the diagnostic.
    public var label: String { "\(severity.rawValue)[\(code.rawValue)]" }

    /// `error[W0301]: message`, without the location (see `rendered(in:)` for the caret form).
    public var description: String { "\(label): \(message)" }
}

extension Diagnostic {
    /// Renders the diagnostic the way compilers do:
    /// `file:line:col: error[W0301]: message`, the source line, and a caret under the range.
    public func rendered(in source: SourceFile) -> String {
        var out = source.render(label, message, span)
        if let fixIt, let corrected = source.correctedLine(span, fixIt) {
            out += "help: " + (fixIt.isEmpty ? "delete it" : "write `\(fixIt)`") + ":\n" + corrected + "\n"
        }
        for note in notes {
            if let s = note.span {
                out += source.render("note", note.message, s)
            } else {
                out += "note: \(note.message)\n"
            }
        }
        return out
    }
}

extension SourceFile {
    /// The line of `span` with the span's text replaced by `replacement`, as a terminal should
    /// show it; nil when the span is not on one line or the line is too long to show whole.
    package func correctedLine(_ span: SourceSpan, _ replacement: String) -> String? {
        let line = sourceLocation(of: span.start).line
        guard let range = lineRange(line), range.upperBound <= bytes.count, span.start >= range.lowerBound,
            span.end <= range.upperBound, span.start <= span.end,
            range.count + replacement.utf8.count <= Self.maxShownColumns
        else { return nil }
        let before = String(decoding: bytes[range.lowerBound..<span.start], as: UTF8.self)
        let after = String(decoding: bytes[span.end..<range.upperBound], as: UTF8.self)
        return (before + replacement + after).replacingTabs()
    }

    /// The most source-line scalars a rendered diagnostic shows; longer lines are cut to a window
    /// around the caret, marked with `…` (a 1 MB one-line file with 100 errors printed 100 MB).
    static let maxShownColumns = 160

    /// `name:line:col: label: message`, the line, and `^~~~` under the span.
    package func render(_ label: String, _ message: String, _ span: SourceSpan) -> String {
        let loc = sourceLocation(of: span.start)
        let shown = location(of: span.start)
        var out = "\(fileName(at: span.start)):\(shown.line):\(loc.column): \(label): \(message)\n"
        let endLoc = sourceLocation(of: span.end)
        let (text, first) = shownLine(loc.line, caretByte: span.start, column: loc.column - 1)
        let line = text.replacingTabs()
        let count = line.unicodeScalars.count
        let caret = max(0, loc.column - 1 - first)
        var width: Int
        if endLoc.line == loc.line {
            width = max(1, endLoc.column - loc.column)
        } else {
            width = max(1, count - caret)
        }
        let marked = first > 0 ? 1 : 0  // the leading `…` is one column
        if first > 0 || count > Self.maxShownColumns {
            width = max(1, min(width, count - caret - marked))
        }
        out += line + "\n"
        out += String(repeating: " ", count: caret + marked) + "^" + String(repeating: "~", count: width - 1)
        return out + "\n"
    }

    /// A line's text, or for a long line a window of it around the caret (byte `caretByte`, scalar
    /// column `column`, 0-based) with `…` at a cut end; and the column of the window's first scalar.
    /// Only the window is scanned, so a hundred errors on a megabyte line stay cheap.
    func shownLine(_ line: Int, caretByte: Int, column: Int) -> (String, Int) {
        guard let range = lineRange(line), range.upperBound <= bytes.count else { return ("", 0) }
        let start = range.lowerBound
        let end = range.upperBound
        let most = Self.maxShownColumns
        // At most `most` bytes: at most `most` scalars (the common case).
        if end - start <= most { return (lineText(line), 0) }
        let caret = min(max(caretByte, start), end)
        var i = caret
        var back = 0
        func stepBack() {
            i -= 1
            while i > start && bytes[i] & 0xC0 == 0x80 { i -= 1 }
            back += 1
        }
        while i > start && back < most / 4 { stepBack() }
        var j = caret
        var forward = 0
        while j < end && back + forward < most {
            j += 1
            while j < end && bytes[j] & 0xC0 == 0x80 { j += 1 }
            forward += 1
        }
        while i > start && back + forward < most { stepBack() }  // near the end: widen to the left
        if i == start && j == end { return (lineText(line), 0) }
        let text = String(decoding: bytes[i..<j], as: UTF8.self)
        return ((i > start ? "…" : "") + text + (j < end ? "…" : ""), i > start ? max(0, column - back) : 0)
    }
}

extension String {
    /// The text as a terminal should show a source line: tabs as one space, so carets stay aligned
    /// (columns count scalars), and control characters, line separators and bidirectional controls
    /// as U+FFFD, one column each, so the line cannot break, reorder or drive the terminal.
    package func replacingTabs() -> String {
        guard unicodeScalars.contains(where: { $0 == "\t" || String.isUnshowable($0) }) else { return self }
        let shown = unicodeScalars.map { $0 == "\t" ? " " : String.isUnshowable($0) ? "\u{FFFD}" : $0 }
        return String(String.UnicodeScalarView(shown))
    }

    /// C0 and C1 controls, DEL, and the characters `Lexer.hiddenCharacterName` names.
    package static func isUnshowable(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || Lexer.hiddenCharacterName(v) != nil
    }
}

/// Edit distance (Levenshtein) for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased().unicodeScalars)
    let y = Array(b.lowercased().unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}

/// The nearest candidate to `name`, if it is close enough to be a plausible typo.
package func nearest(_ name: String, in candidates: some Sequence<String>) -> String? {
    let limit = max(1, min(3, (name.count + 2) / 3))
    let length = name.lowercased().unicodeScalars.count
    var best: (String, Int)?
    for c in candidates {
        // The distance is at least the difference in length: skip hopeless candidates without the
        // quadratic comparison (a 1 MB identifier took a minute against the fact names).
        let count = c.utf8.allSatisfy { $0 < 0x80 } ? c.utf8.count : c.lowercased().unicodeScalars.count
        if abs(count - length) > limit { continue }
        let d = editDistance(name, c)
        if let b = best, b.1 <= d { continue }
        best = (c, d)
    }
    guard let (cand, d) = best else { return nil }
    return d <= limit ? cand : nil
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias Severity = Diagnostic.Severity
