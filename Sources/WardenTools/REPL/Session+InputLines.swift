// Piped REPL input (`warden repl < session.txt`): errors name the input's line, `<stdin>:7:3`,
// not the entry's own `<repl>:1:3`. Entries are rendered under a private name, which
// `numbered` rewrites to the input's name and line.

extension Session {
    /// The name entry diagnostics are rendered under: `<repl>`, or a marker that `numbered`
    /// rewrites when `numberedInput` is set.
    var entryName: String { numberedInput == nil ? "<repl>" : Session.entryMarker }

    /// The marker entry diagnostics carry while input lines are numbered.
    static let entryMarker = "\u{1}entry"

    /// Rewrites the diagnostics of an entry that began at input line `entryStart`: the entry's
    /// `<marker>:L:C:` becomes `input:(entryStart + L - 1):C:`, a bare `<marker>:` becomes
    /// `input:entryStart:`, and a message without a place (`error: ...`) gets `input:entryStart: `.
    static func numbered(_ text: String, input: String, entryStart: Int) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var out = ""
            var l = Substring(line)
            if l.hasPrefix(entryMarker + ":") {
                l = l.dropFirst(entryMarker.count + 1)
                let digits = l.prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty, l.dropFirst(digits.count).hasPrefix(":"), let n = Int(digits),
                    case (let sum, let overflow) = entryStart.addingReportingOverflow(n - 1), !overflow
                {
                    out += "\(input):\(sum)" + l.dropFirst(digits.count)
                } else {
                    out += "\(input):\(entryStart):" + l
                }
            } else if l.hasPrefix("error: ") || l.hasPrefix("error[") || l.hasPrefix("warning: ") {
                out += "\(input):\(entryStart): " + l
            } else {
                out += l
            }
            lines.append(out)
        }
        return lines.joined(separator: "\n")
    }
}
