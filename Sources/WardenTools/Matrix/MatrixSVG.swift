import Warden

/// The grid as a self-contained SVG picture (no scripts, fonts or links): a title, the column
/// labels, per row its label and one rectangle per cell filled with its action's colour
/// (`MatrixPalette`), the action and deciding rule written in it, and a legend.
///
/// With a diff, a changed cell has the new action's fill, a dashed black outline, a corner
/// triangle in the old action's colour and `old → new` as its first line.
///
/// Layout, in pixels (fixed, so that a screenshot's cells land on known points): cells are
/// `cellHeight` high and equally wide; each cell's `rect` carries `data-row`, `data-col`,
/// `data-action` (and `data-old-action` in a diff). Inside a cell, the 8 pixels above its bottom
/// edge hold no text or outline: a probe there sees the fill.
public enum MatrixSVG {
    /// The height of a cell.
    public static let cellHeight = 52
    static let titleHeight = 52
    static let headerHeight = 28
    static let charWidth = 8

    /// The SVG document (UTF-8 text).
    public static func render(_ g: DecisionGrid, given: String? = nil, old: String? = nil) -> String {
        let rowLabelWidth = max(g.rows.fact.count + 2, g.rows.bands.map(\.label.count).max() ?? 0)
        let left = rowLabelWidth * charWidth + 24
        let longest =
            g.cells.flatMap { $0 }.map { c in
                max(line1(c).count, MatrixText.clip(c.verdict.rule ?? "", MatrixText.maxRuleWidth).count + 8)
            }.max() ?? 0
        let labels = g.columns.bands.map(\.label.count).max() ?? 0
        let cellWidth = min(240, max(110, max(longest, labels) * 17 / 2 + 34))
        let top = titleHeight + headerHeight
        let gridHeight = g.rows.bands.count * cellHeight
        let byError = g.cells.contains { $0.contains { $0.verdict.byError || ($0.old?.byError ?? false) } }
        var legendLines = 1
        if byError { legendLines += 1 }
        if g.isDiff { legendLines += 1 }
        let title = "warden matrix: \(g.rows.fact) × \(g.columns.fact)"
        let total = g.cells.reduce(0) { $0 + $1.count }
        let diffNote =
            "dashed cells change: old → new (corner: the old action\(old.map { " of \($0)" } ?? "")); \(g.changedCount) of \(total) change"
        var subtitle = "rows: \(g.rows.fact) ↓   columns: \(g.columns.fact) →"
        if let given { subtitle += "   other facts: \(given)" }
        let width = max(
            left + g.columns.bands.count * cellWidth + 12, title.count * 9 + 24, subtitle.count * 7 + 24,
            g.isDiff ? diffNote.count * 7 + 24 : 0, 420)
        let height = top + gridHeight + 16 + legendLines * 22 + 8

        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans, Verdana, sans-serif" font-size="13">

            """
        s += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        s += "<text x=\"12\" y=\"24\" font-size=\"15\" font-weight=\"bold\" fill=\"#1a1a1a\">\(escape(title))</text>\n"
        s += "<text x=\"12\" y=\"44\" fill=\"#555555\">\(escape(subtitle))</text>\n"
        for (c, b) in g.columns.bands.enumerated() {
            let x = left + c * cellWidth + cellWidth / 2
            s +=
                "<text x=\"\(x)\" y=\"\(top - 8)\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#1a1a1a\">\(escape(b.label))</text>\n"
        }
        for (r, line) in g.cells.enumerated() {
            let y = top + r * cellHeight
            if r < g.rows.bands.count {
                s +=
                    "<text x=\"\(left - 10)\" y=\"\(y + cellHeight / 2 + 5)\" text-anchor=\"end\" font-weight=\"bold\" fill=\"#1a1a1a\">\(escape(g.rows.bands[r].label))</text>\n"
            }
            for (c, cell) in line.enumerated() {
                s += self.cell(cell, x: left + c * cellWidth, y: y, width: cellWidth, row: r, col: c)
            }
        }
        // Legend.
        var ly = top + gridHeight + 16
        var lx = 12
        for a in Action.allCases {
            s += "<rect x=\"\(lx)\" y=\"\(ly)\" width=\"14\" height=\"14\" fill=\"\(MatrixPalette.hex(a))\"/>"
            s += "<text x=\"\(lx + 20)\" y=\"\(ly + 12)\" fill=\"#1a1a1a\">\(a.rawValue)</text>\n"
            lx += 20 + a.rawValue.count * charWidth + 20
        }
        if byError {
            ly += 22
            s +=
                "<text x=\"12\" y=\"\(ly + 12)\" fill=\"#555555\">(error): the rule decided through its error (onError)</text>\n"
        }
        if g.isDiff {
            ly += 22
            s += "<text x=\"12\" y=\"\(ly + 12)\" fill=\"#555555\">\(escape(diffNote))</text>\n"
        }
        return s + "</svg>\n"
    }

    static func line1(_ c: GridCell) -> String {
        if let old = c.old, c.changed { return "\(old.action.rawValue) → \(c.verdict.action.rawValue)" }
        return c.verdict.action.rawValue
    }

    static func cell(_ c: GridCell, x: Int, y: Int, width: Int, row: Int, col: Int) -> String {
        let a = c.verdict.action
        let ink = MatrixPalette.ink(a)
        var s = "<g>"
        s +=
            "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(cellHeight)\" fill=\"\(MatrixPalette.hex(a))\" stroke=\"#ffffff\" stroke-width=\"2\" data-row=\"\(row)\" data-col=\"\(col)\" data-action=\"\(a.rawValue)\""
        if let old = c.old { s += " data-old-action=\"\(old.action.rawValue)\"" }
        s += "/>"
        if let old = c.old, c.changed {
            s +=
                "<rect x=\"\(x + 3)\" y=\"\(y + 3)\" width=\"\(width - 6)\" height=\"\(cellHeight - 6)\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/>"
            s +=
                "<path d=\"M\(x + width - 22) \(y + 1) L\(x + width - 1) \(y + 1) L\(x + width - 1) \(y + 22) Z\" fill=\"\(MatrixPalette.hex(old.action))\" stroke=\"#000000\" stroke-width=\"1\"/>"
        }
        s += "<text x=\"\(x + 8)\" y=\"\(y + 19)\" font-weight=\"bold\" fill=\"\(ink)\">\(escape(line1(c)))</text>"
        if let rule = c.verdict.rule {
            let maxChars = max(4, (width - 16) / 7)
            let text =
                MatrixText.clip(rule, min(maxChars, MatrixText.maxRuleWidth)) + (c.verdict.byError ? " (error)" : "")
            s += "<text x=\"\(x + 8)\" y=\"\(y + 37)\" fill=\"\(ink)\">\(escape(text))</text>"
        }
        return s + "</g>\n"
    }

    /// Text for SVG character data and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if ch.value < 0x20 && ch != "\t" && ch != "\n" {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }
}
