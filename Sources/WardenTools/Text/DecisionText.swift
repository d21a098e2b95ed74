import Warden

/// Decisions as text for people (`warden eval --format text`, the REPL's `:eval`, failing tests).
public enum DecisionText {
    /// `device 17: blockAccess`, and with `explain` each fired rule and error with its source line.
    public static func render(_ d: Decision, program: Program, device: String, explain: Bool, showConfig: Bool)
        -> String
    {
        var out = "device \(device): \(d.action.rawValue)\n"
        guard explain else { return out }
        out += explanation(d, program: program, showConfig: showConfig)
        return out
    }

    /// The explanation lines of a decision, indented by two spaces.
    public static func explanation(_ d: Decision, program: Program, showConfig: Bool) -> String {
        var out = ""
        if d.fired.isEmpty && d.errors.isEmpty {
            out += "  no rule fired\n"
        }
        for f in d.fired {
            out += "  fired \(ValuePrinter.quote(f.name)) → \(f.action.rawValue)"
            if let m = f.message { out += ": \(m)" }
            out += "\n" + sourceLine(program, f.line, file: f.file)
        }
        for e in d.errors {
            switch e {
            case .rule(let name, let message, let line, let action, let kind):
                out +=
                    "  error[\(ErrorCode(kind).rawValue)] in \(ValuePrinter.quote(name)) → \(action.rawValue) (onError): \(message)\n"
                out += sourceLine(program, line, file: program.file(ofRule: name))
            case .fact(_, let message):
                out += "  fact error[\(e.code.rawValue)]: \(message)\n"
            }
        }
        for w in d.warnings { out += "  warning: \(w)\n" }
        if showConfig {
            out += "  config: " + d.config.map { "\($0.key) = \($0.jsonText)" }.joined(separator: ", ") + "\n"
            out += configOrigins(d.config)
        }
        return out
    }

    /// `  set by: config "Web" (line 3): vpn, antiphishing; rule "r" (line 9): vpn`, grouped by
    /// origin in key order; keys not listed have their schema default. Empty when all are defaults.
    static func configOrigins(_ config: [ConfigEntry]) -> String {
        var groups: [(origin: ConfigOrigin, keys: [String])] = []
        for e in config where e.origin != .schemaDefault {
            if let i = groups.firstIndex(where: { $0.origin == e.origin }) {
                groups[i].keys.append(e.key)
            } else {
                groups.append((e.origin, [e.key]))
            }
        }
        guard !groups.isEmpty else { return "" }
        return "  set by: "
            + groups.map { "\($0.origin.text): \($0.keys.joined(separator: ", "))" }.joined(separator: "; ")
            + "; the rest are schema defaults\n"
    }

    static func sourceLine(_ program: Program, _ line: Int, file: String? = nil) -> String {
        let text = program.source.lineText(line, file: file).replacingTabs()
        let trimmed = String(text.drop(while: { $0 == " " }))
        let n = file.map { "\($0):\(line)" } ?? String(line)
        return "    " + String(repeating: " ", count: max(0, 4 - n.count)) + n + " | " + trimmed + "\n"
    }
}

extension Program {
    /// Whether the policy has config blocks or `set` actions (its decisions carry a configuration worth showing).
    public var hasConfiguration: Bool { !policy.configs.isEmpty || policy.rules.contains { !$0.sets.isEmpty } }
}
