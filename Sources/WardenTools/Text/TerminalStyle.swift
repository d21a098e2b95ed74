import Warden

// Colour for diagnostics and explanations on a terminal (`--color auto|always|never`, `NO_COLOR`).
// The renderers produce plain text; a `TerminalStyle` adds ANSI colours to it afterwards, so the
// text is the same byte for byte without colour, and any renderer can use it.

/// When to colour: on a terminal only (`auto`, unless `NO_COLOR` is set), always, or never.
public enum ColorChoice: String, Sendable, CaseIterable {
    case auto, always, never
}

/// ANSI colours for text written to a terminal; a disabled style returns text unchanged.
public struct TerminalStyle: Sendable {
    /// Whether colours are written.
    public var enabled: Bool

    /// A style that colours or not.
    public init(enabled: Bool) { self.enabled = enabled }

    /// No colour.
    public static let plain = TerminalStyle(enabled: false)

    /// Whether to colour a stream: `always` and `never` as said; `auto` when the stream is a
    /// terminal and `NO_COLOR` is not set to a non-empty value (https://no-color.org).
    public static func colors(_ choice: ColorChoice, isTerminal: Bool, noColor: String?) -> Bool {
        switch choice {
        case .always: true
        case .never: false
        case .auto: isTerminal && (noColor ?? "").isEmpty
        }
    }

    /// `text` in the SGR colour `code` (`"1;31"` bold red), when enabled.
    public func paint(_ text: some StringProtocol, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : String(text)
    }

    /// The colour of a severity word (`error`, `warning`, `note`, `help`).
    static func code(severity: some StringProtocol) -> String? {
        switch severity {
        case "error": "1;31"
        case "warning": "1;33"
        case "note": "1;36"
        case "help": "1;32"
        default: nil
        }
    }

    /// The colour of an action: allow green, warn yellow, blockAccess red, wipeData bold magenta.
    public static func code(action: Action) -> String {
        switch action {
        case .allow: "32"
        case .warn: "33"
        case .blockAccess: "31"
        case .wipeData: "1;35"
        }
    }

    /// Rendered diagnostics (`file:1:2: error: ...`, source lines, carets, `help:` lines), coloured:
    /// the place in bold, the severity in its colour, the caret line in green.
    public func diagnostics(_ text: String) -> String {
        guard enabled else { return text }
        return mapLines(text) { line in
            // `error: ...`, `error[W0401]: ...`, `help: ...` at the start of the line.
            for word in ["error", "warning", "note", "help"] {
                if let n = TerminalStyle.severityLength(line, word), let c = TerminalStyle.code(severity: word) {
                    return paint(line.prefix(n) + ":", c) + line.dropFirst(n + 1)
                }
            }
            // `place: error: ...` (or `place: error[W0401]: ...`).
            for word in ["error", "warning", "note"] {
                for r in line.ranges(of: ": ") where !line[..<r.lowerBound].contains(" ") {
                    let after = line[r.upperBound...]
                    if let n = TerminalStyle.severityLength(after, word), let c = TerminalStyle.code(severity: word) {
                        return paint(line[..<r.lowerBound] + ":", "1") + " " + paint(after.prefix(n) + ":", c)
                            + after.dropFirst(n + 1)
                    }
                }
            }
            // The caret line under the source line.
            if line.contains("^") && line.allSatisfy({ $0 == " " || $0 == "^" || $0 == "~" }) {
                return paint(line, "1;32")
            }
            return String(line)
        }
    }

    /// The length of `word` and its optional code (`error`, `error[W0401]`) when `text` starts with
    /// them followed by `: `; nil otherwise.
    static func severityLength(_ text: Substring, _ word: String) -> Int? {
        guard text.hasPrefix(word) else { return nil }
        var rest = text.dropFirst(word.count)
        var n = word.count
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let code = rest[rest.index(after: rest.startIndex)..<close]
            guard code.first == "W", code.count == 5, code.dropFirst().allSatisfy(\.isASCII),
                code.dropFirst().allSatisfy(\.isNumber)
            else { return nil }
            n += code.count + 2
            rest = rest[rest.index(after: close)...]
        }
        return rest.hasPrefix(": ") ? n : nil
    }

    /// An explanation (`device 3: warn`, `  fired "x" → warn: ...`), its actions coloured.
    public func decisionText(_ text: String) -> String {
        guard enabled else { return text }
        return mapLines(text) { line in
            for a in Action.allCases {
                let name = a.rawValue
                // The decision: `device X: action` (or `line N: action (error: ...)`), at the line's end or before ` (`.
                if !line.hasPrefix(" "), let r = line.ranges(of: ": " + name).last,
                    r.upperBound == line.endIndex || line[r.upperBound...].hasPrefix(" (")
                {
                    return line[..<r.lowerBound] + ": " + paint(name, TerminalStyle.code(action: a))
                        + line[r.upperBound...]
                }
                // A fired rule: `  fired "x" → action`.
                if line.hasPrefix("  "), let r = line.firstRange(of: "→ " + name),
                    r.upperBound == line.endIndex || line[r.upperBound...].hasPrefix(":")
                {
                    return line[..<r.lowerBound] + "→ " + paint(name, TerminalStyle.code(action: a))
                        + line[r.upperBound...]
                }
            }
            return String(line)
        }
    }

    /// `warden test` output: `PASS` in green, `FAIL` in red, and the explanations of failures as
    /// in `decisionText`.
    public func testText(_ text: String) -> String {
        guard enabled else { return text }
        return decisionText(
            mapLines(text) { line in
                if line.hasPrefix("PASS ") { return paint("PASS", "1;32") + line.dropFirst(4) }
                if line.hasPrefix("FAIL ") { return paint("FAIL", "1;31") + line.dropFirst(4) }
                return String(line)
            })
    }

    func mapLines(_ text: String, _ body: (Substring) -> String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(body).joined(separator: "\n")
    }
}
