import Warden

// Text and JSON renderings of `warden analyze` and `warden diff`.

extension AnalysisReport {
    /// The text report: one finding a line, its example device or proof indented below.
    package func text(name: String) -> String {
        var out = "\(name): \(rules) rule\(rules == 1 ? "" : "s"), "
        out += findings.isEmpty ? "no findings\n" : "\(findings.count) finding\(findings.count == 1 ? "" : "s")\n"
        for f in findings {
            let place = f.location.map { "\($0): " } ?? ""
            out += "\(place)\(f.subject) \(f.message)\n"
            if let e = f.example { out += "  example device: \(e)\n" }
            if let p = f.proof { out += "  proof: \(p)\n" }
            if !f.notExact.isEmpty { out += "  not exact: \(f.notExact.joined(separator: "; "))\n" }
        }
        for u in unanswered { out += "not answered: \(u)\n" }
        return out
    }

    /// The JSON report (one object).
    package func json(name: String) -> String {
        var items: [String] = []
        for f in findings {
            var fields: [String] = [
                "\"kind\":\(JSONWriter.quoted(f.kind.rawValue))",
                "\"exact\":\(f.exact)",
                "\"subject\":\(JSONWriter.quoted(f.subject))",
                "\"location\":\(f.location.map(JSONWriter.quoted) ?? "null")",
                "\"message\":\(JSONWriter.quoted(f.message))",
            ]
            fields.append("\"example\":\(f.example ?? "null")")
            fields.append("\"proof\":\(f.proof.map(JSONWriter.quoted) ?? "null")")
            fields.append("\"notExact\":[\(f.notExact.map(JSONWriter.quoted).joined(separator: ","))]")
            items.append("{" + fields.joined(separator: ",") + "}")
        }
        return "{\"policy\":\(JSONWriter.quoted(name)),\"rules\":\(rules),\"cells\":\(cells),\"findings\":["
            + items.joined(separator: ",") + "],\"unanswered\":["
            + unanswered.map(JSONWriter.quoted).joined(separator: ",") + "]}\n"
    }
}

extension DiffReport {
    /// The text report.
    package func text() -> String {
        var out = ""
        if removed.isEmpty && added.isEmpty {
            out += "rules: no change\n"
        } else {
            for r in removed { out += "- \(r)\n" }
            for r in added { out += "+ \(r)\n" }
        }
        if classes.isEmpty {
            out += "decisions: no device changes decision\n"
        }
        for c in classes {
            var head = "\(c.from) → \(c.to)"
            if c.lowerMayRise {
                head += " (\(min(c.from, c.to)) or more where other rules decide more, below \(max(c.from, c.to)))"
            }
            if let u = c.unlessAtLeast { head += " (unless another rule decides \(u) or more)" }
            if !c.exact { head += " (not exact: may include devices that do not change)" }
            out += head + "\n"
            for (i, t) in c.terms.enumerated() { out += (i == 0 ? "  when " : "    || ") + t + "\n" }
            if let e = c.example {
                out += "  example device: \(e)"
                if let x = c.exampleFrom, let y = c.exampleTo { out += " (\(x) → \(y))" }
                out += "\n"
            }
        }
        if !config.isEmpty { out += "configuration:\n" }
        for c in config {
            out += "  \(c.key): \(c.old) → \(c.new) for \(c.scopes.joined(separator: "; "))\n"
        }
        if let n = devicesRead {
            out += "devices: \(deviceChanges.count) of \(n) change decision\n"
            for d in deviceChanges { out += "  \(d.id): \(d.from) → \(d.to)\n" }
        }
        for u in unanswered { out += "not answered: \(u)\n" }
        return out
    }

    /// The JSON report (one object).
    package func json() -> String {
        func strings(_ xs: [String]) -> String { "[" + xs.map(JSONWriter.quoted).joined(separator: ",") + "]" }
        var classItems: [String] = []
        for c in classes {
            classItems.append(
                "{\"from\":\"\(c.from)\",\"to\":\"\(c.to)\",\"when\":\(strings(c.terms)),\"example\":\(c.example ?? "null"),"
                    + "\"exampleDecisions\":\(c.exampleFrom.map { x in c.exampleTo.map { "[\"\(x)\",\"\($0)\"]" } ?? "null" } ?? "null"),"
                    + "\"unlessAtLeast\":\(c.unlessAtLeast.map { "\"\($0)\"" } ?? "null"),\"lowerMayRise\":\(c.lowerMayRise),\"exact\":\(c.exact)}"
            )
        }
        let configItems = config.map {
            "{\"key\":\(JSONWriter.quoted($0.key)),\"old\":\(JSONWriter.quoted($0.old)),\"new\":\(JSONWriter.quoted($0.new)),\"scopes\":\(strings($0.scopes))}"
        }
        var out =
            "{\"removed\":\(strings(removed)),\"added\":\(strings(added)),\"classes\":[\(classItems.joined(separator: ","))],"
        out += "\"configuration\":[\(configItems.joined(separator: ","))]"
        if let n = devicesRead {
            let ds = deviceChanges.map {
                "{\"id\":\(JSONWriter.quoted($0.id)),\"from\":\"\($0.from)\",\"to\":\"\($0.to)\"}"
            }
            out +=
                ",\"devices\":{\"read\":\(n),\"changed\":\(deviceChanges.count),\"changes\":[\(ds.joined(separator: ","))]}"
        }
        out += ",\"unanswered\":\(strings(unanswered))}\n"
        return out
    }
}
