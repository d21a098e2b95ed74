import Warden

/// The fixed palette of the grid: one colour, letter and terminal colour per action.
public enum MatrixPalette {
    /// The SVG fill of an action: allow green `#2e7d32`, warn amber `#f9a825`, blockAccess red
    /// `#c62828`, wipeData purple `#6a1b9a` (as red, green, blue).
    public static func rgb(_ a: Action) -> (r: Int, g: Int, b: Int) {
        switch a {
        case .allow: (46, 125, 50)
        case .warn: (249, 168, 37)
        case .blockAccess: (198, 40, 40)
        case .wipeData: (106, 27, 154)
        }
    }

    /// `#2e7d32`.
    public static func hex(_ a: Action) -> String {
        let (r, g, b) = rgb(a)
        return "#"
            + [r, g, b].map { n in
                let s = String(n, radix: 16)
                return s.count < 2 ? "0" + s : s
            }.joined()
    }

    /// The colour of text on an action's fill (dark on amber, white on the others).
    public static func ink(_ a: Action) -> String { a == .warn ? "#1a1a1a" : "#ffffff" }

    /// The letter of an action in plain text: `A` allow, `W` warn, `B` blockAccess, `X` wipeData.
    public static func letter(_ a: Action) -> String {
        switch a {
        case .allow: "A"
        case .warn: "W"
        case .blockAccess: "B"
        case .wipeData: "X"
        }
    }

    /// The terminal's SGR colours of an action's cell (background and foreground).
    static func sgr(_ a: Action) -> String {
        switch a {
        case .allow: "42;97"
        case .warn: "43;30"
        case .blockAccess: "41;97"
        case .wipeData: "45;97"
        }
    }
}

/// The grid as text: a table for a terminal, and JSON.
public enum MatrixText {
    /// The longest rule name shown in a cell (longer ones end in `…`).
    public static let maxRuleWidth = 22

    /// A cell's text: `B high threat`, `B! old Android` (by the rule's error), `A→B old Android` (a diff).
    public static func cellText(_ c: GridCell) -> String {
        var s = ""
        if let old = c.old, c.changed { s += MatrixPalette.letter(old.action) + "→" }
        s += MatrixPalette.letter(c.verdict.action)
        if c.verdict.byError { s += "!" }
        if let r = c.verdict.rule { s += " " + clip(r, maxRuleWidth) }
        return s
    }

    /// `s`, cut to `n` characters with `…` at the end when longer.
    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    /// `s` without its trailing spaces.
    static func trimmed(_ s: String) -> String { String(s.reversed().drop(while: { $0 == " " }).reversed()) }

    static func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }

    /// The table: a header of column bands, a line per row band, a legend; with `color`, each cell
    /// has its action's background (ANSI SGR) and changed cells are bold and underlined.
    public static func render(_ g: DecisionGrid, color: Bool, given: String? = nil, old: String? = nil) -> String {
        let corner = "\(g.rows.fact) \\ \(g.columns.fact)"
        let texts = g.cells.map { $0.map(cellText) }
        let w0 = max(corner.count, g.rows.bands.map(\.label.count).max() ?? 0)
        var widths: [Int] = g.columns.bands.map(\.label.count)
        for line in texts {
            for (c, t) in line.enumerated() where c < widths.count { widths[c] = max(widths[c], t.count) }
        }
        var out = "decision grid: \(g.rows.fact) (rows) × \(g.columns.fact) (columns)"
        if let given { out += "; other facts from \(given)" }
        out += "\n\n"
        var header = pad(corner, w0)
        for (c, b) in g.columns.bands.enumerated() where c < widths.count { header += " | " + pad(b.label, widths[c]) }
        out += trimmed(header) + "\n" + String(repeating: "-", count: w0)
        for w in widths { out += "-+-" + String(repeating: "-", count: w) }
        out += "\n"
        for (r, line) in g.cells.enumerated() where r < g.rows.bands.count {
            var row = pad(g.rows.bands[r].label, w0)
            for (c, cell) in line.enumerated() where c < widths.count && c < texts[r].count {
                let t = pad(texts[r][c], widths[c])
                row += " | "
                if color {
                    row += "\u{1B}[\(cell.changed ? "1;4;" : "")\(MatrixPalette.sgr(cell.verdict.action))m\(t)\u{1B}[0m"
                } else {
                    row += t
                }
            }
            out += trimmed(row) + "\n"
        }
        out += "\n" + legend(g, old: old)
        return out
    }

    /// The legend lines under the table.
    static func legend(_ g: DecisionGrid, old: String?) -> String {
        var out = Action.allCases.map { "\(MatrixPalette.letter($0)) \($0.rawValue)" }.joined(separator: "  ")
        out += "; ! = decided by the rule's error (onError)\n"
        if g.isDiff {
            let n = g.changedCount
            let total = g.cells.reduce(0) { $0 + $1.count }
            out += "X→Y: the decision changes from X (\(old ?? "the old policy")) to Y; \(n) of \(total) cells change\n"
        }
        return out
    }

    /// The grid as one JSON object: the axes (band labels and values), and per cell the action,
    /// the deciding rule, whether it decided by error, the fired rules, the device, and with a
    /// diff the old action and rule and whether it changed.
    public static func json(_ g: DecisionGrid) -> String {
        func axis(_ a: MatrixAxis) -> String {
            let bands = a.bands.map { b in
                "{\"label\": \(JSONWriter.quoted(b.label)), "
                    + (b.value.map { "\"value\": \(MatrixFacts.json($0))" } ?? "\"missing\": true") + "}"
            }
            return "{\"fact\": \(JSONWriter.quoted(a.fact)), \"bands\": [\(bands.joined(separator: ", "))]}"
        }
        func verdict(_ v: GridVerdict) -> String {
            "\"action\": \(JSONWriter.quoted(v.action.rawValue)), \"rule\": "
                + (v.rule.map(JSONWriter.quoted) ?? "null") + ", \"byError\": \(v.byError)"
        }
        var out = "{\"rows\": \(axis(g.rows)),\n \"columns\": \(axis(g.columns)),\n \"cells\": [\n"
        out += g.cells.map { line in
            "  ["
                + line.map { c in
                    var s = "{" + verdict(c.verdict)
                    s += ", \"fired\": [" + c.verdict.fired.map(JSONWriter.quoted).joined(separator: ", ") + "]"
                    if let old = c.old {
                        s += ", \"old\": {" + verdict(old) + "}, \"changed\": \(c.changed)"
                    }
                    return s + ", \"device\": \(c.device)}"
                }.joined(separator: ",\n   ") + "]"
        }.joined(separator: ",\n")
        out += "]"
        if g.isDiff { out += ",\n \"changed\": \(g.changedCount)" }
        return out + "}\n"
    }
}
