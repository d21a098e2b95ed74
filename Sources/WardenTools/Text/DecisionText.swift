import Warden

/// Decisions as text for people (`warden eval --format text`, the REPL's `:eval`, failing tests).
public enum DecisionText {
    /// The most source lines shown of one rule.
    public static let maxRuleLines = 12

    /// `device 17: blockAccess`, and with `explain` each fired rule and error with its source.
    public static func render(_ d: Decision, program: Program, device: String, explain: Bool, showConfig: Bool)
        -> String
    {
        var out = "device \(device): \(d.action.rawValue)\n"
        guard explain else { return out }
        out += explanation(d, program: program, showConfig: showConfig)
        return out
    }

    /// `device 17: blockAccess` and its explanation with evidence: each fired and erroring rule
    /// with its source, the facts it read and the conditions that decided it; with `showConfig`,
    /// the configuration keys set by a block or rule with their source (`full`: every key), and
    /// the config blocks that did not apply with why.
    public static func render(
        _ x: Decision.Explanation, program: Program, device: String, showConfig: Bool, fullConfig: Bool = false
    ) -> String {
        "device \(device): \(x.decision.action.rawValue)\n"
            + explanation(x.decision, evidence: x, program: program, showConfig: showConfig, fullConfig: fullConfig)
    }

    /// The explanation lines of a decision, indented by two spaces (no evidence: only the rules' source).
    public static func explanation(_ d: Decision, program: Program, showConfig: Bool) -> String {
        explanation(d, evidence: nil, program: program, showConfig: showConfig, fullConfig: false)
    }

    static func explanation(
        _ d: Decision, evidence x: Explanation?, program: Program, showConfig: Bool, fullConfig: Bool
    ) -> String {
        var out = ""
        if d.fired.isEmpty && d.errors.isEmpty {
            out += "  no rule fired\n"
        }
        for (i, f) in d.fired.enumerated() {
            out += "  fired \(ValuePrinter.quote(f.name)) → \(f.action.rawValue)"
            if let m = f.message { out += ": \(m)" }
            out += "\n"
            if let x, i < x.fired.count {
                out += ruleSource(program, x.fired[i]) + evidenceLines(x.fired[i])
            } else {
                out += ruleSource(program, name: f.name, line: f.line, file: f.file)
            }
        }
        for (i, e) in d.errors.enumerated() {
            switch e {
            case .rule(let name, let message, let line, let action, let kind):
                out +=
                    "  error[\(ErrorCode(kind).rawValue)] in \(ValuePrinter.quote(name)) → \(action.rawValue) (onError): \(message)\n"
                if let x, i < x.errors.count, let ev = x.errors[i] {
                    out += ruleSource(program, ev) + evidenceLines(ev, error: message)
                } else {
                    out += ruleSource(program, name: name, line: line, file: program.file(ofRule: name))
                }
            case .fact(_, let message):
                out += "  fact error[\(e.code.rawValue)]: \(message)\n"
            }
        }
        for w in d.warnings { out += "  warning: \(w)\n" }
        if showConfig {
            if let x {
                out += configuration(x, full: fullConfig)
            } else {
                out += configLines(d.config, full: fullConfig)
            }
        }
        return out
    }

    /// The configuration of an explanation (the REPL's `:config`): the keys set with their source,
    /// the count of schema defaults, and the config blocks that did not apply with why.
    public static func configuration(_ x: Decision.Explanation, full: Bool = false) -> String {
        var out = configLines(x.decision.config, full: full)
        for s in x.skippedConfigs { out += "  not applied: \(s.locationText): \(s.reason)\n" }
        return out
    }

    /// `    facts: osVersion = 9.1, …` and one `    when: osVersion 9.1 < 11.0 (minimumOs)` per
    /// condition. `error` is the rule's error message, not repeated on its lines.
    static func evidenceLines(_ ev: Evidence, error: String? = nil) -> String {
        var out = ""
        if !ev.facts.isEmpty {
            let facts = ev.facts.map { f in
                f.malformation != nil && f.malformation == error ? "\(f.name) malformed" : f.text
            }
            out += "    facts: " + facts.joined(separator: ", ") + "\n"
        }
        for c in ev.conditions {
            if let e = c.error, e == error {
                out += "    when: \(c.left)\(c.op.map { " \($0) \(c.right ?? "")" } ?? "") → error\n"
            } else {
                out += "    when: \(c.text)\n"
            }
        }
        if !ev.isComplete { out += "    (evidence cut short: a limit was reached or there was too much to show)\n" }
        return out
    }

    /// The configuration: the keys set by a config block or a rule, each with where its value came
    /// from, then how many keys keep their schema default (`full`: those too, one per line).
    static func configLines(_ config: [ConfigEntry], full: Bool) -> String {
        let shown = full ? config : config.filter { $0.origin != .schemaDefault }
        let defaults = config.count - config.filter { $0.origin != .schemaDefault }.count
        var head = "  config: "
        let set = config.count - defaults
        head += set == 0 ? "no key set by a block or rule" : "\(set) key\(set == 1 ? "" : "s") set"
        if defaults > 0 {
            head += ", \(defaults) at \(defaults == 1 ? "its" : "their") schema default\(defaults == 1 ? "" : "s")"
        }
        var out = head + "\n"
        let width = min(52, shown.map { $0.key.count + 3 + $0.jsonText.count }.max() ?? 0)
        for e in shown {
            let assignment = "\(e.key) = \(e.jsonText)"
            let pad = String(repeating: " ", count: max(0, width - assignment.count))
            out += "    \(assignment)\(pad)  ← \(originText(e.origin))\n"
        }
        return out
    }

    /// `config "Web" (line 3)`, `rule "open network" (set, line 9)`, `schema default`.
    static func originText(_ o: ConfigOrigin) -> String {
        switch o {
        case .schemaDefault: return "schema default"
        case .block: return o.text
        case .rule(let n, let f, let l):
            return "rule \(ValuePrinter.quote(n)) (set, \(f.map { "\($0):" } ?? "line ")\(l))"
        }
    }

    /// The rule's source lines from its evidence (at most `maxRuleLines`).
    static func ruleSource(_ program: Program, _ ev: Evidence) -> String {
        sourceLines(program, first: ev.firstLine, last: ev.lastLine, file: ev.file)
    }

    /// A rule's source lines, found by its name and first line.
    static func ruleSource(_ program: Program, name: String, line: Int, file: String?) -> String {
        sourceLines(program, first: line, last: program.lastLine(ofRule: name, line: line), file: file)
    }

    static func sourceLines(_ program: Program, first: Int, last: Int, file: String?) -> String {
        let last = max(first, last)
        let shownLast = min(last, first + maxRuleLines - 1)
        var out = ""
        // Continuation lines keep their indentation relative to the first line.
        let indent = program.source.lineText(first, file: file).replacingTabs().prefix(while: { $0 == " " }).count
        for line in first...shownLast {
            out += sourceLine(program, line, file: file, indent: line == first ? nil : indent)
        }
        if shownLast < last {
            let more = last - shownLast
            out += "         … \(more) more line\(more == 1 ? "" : "s")\n"
        }
        return out
    }

    /// `      17 | rule …`: one source line, without its leading spaces (at most `indent` of them).
    static func sourceLine(_ program: Program, _ line: Int, file: String? = nil, indent: Int? = nil) -> String {
        let text = program.source.lineText(line, file: file).replacingTabs()
        let leading = text.prefix(while: { $0 == " " }).count
        let trimmed = String(text.dropFirst(min(leading, indent ?? leading)))
        let n = file.map { "\($0):\(line)" } ?? String(line)
        return "    " + String(repeating: " ", count: max(0, 4 - n.count)) + n + " | " + trimmed + "\n"
    }
}

extension Program {
    /// Whether the policy has config blocks or `set` actions (its decisions carry a configuration worth showing).
    public var hasConfiguration: Bool { !policy.configs.isEmpty || policy.rules.contains { !$0.sets.isEmpty } }

    /// The last source line of the rule named `name` that starts at `line` (`line` when not found).
    package func lastLine(ofRule name: String, line: Int) -> Int {
        guard let r = policy.rules.first(where: { $0.name == name && $0.line == line }) else { return line }
        return max(line, source.location(of: max(r.span.start, r.span.end - 1)).line)
    }
}
