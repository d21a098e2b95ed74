import Warden

/// The schema as text for people (`warden schema`, the REPL's `:schema`).
public enum SchemaText {
    /// Every fact, key and enum, one line each.
    public static func overview(_ schema: Schema) -> String {
        var out = "Facts (inputs of rules):\n"
        let fw = schema.facts.map(\.name.count).max() ?? 0
        let tw = schema.facts.map { $0.type.description.count }.max() ?? 0
        for f in schema.facts {
            out += "  " + pad(f.name, fw) + "  " + pad(f.type.description, tw) + "  " + f.description + "\n"
        }
        out += "\nDefender app-configuration keys (outputs of config blocks and `set`):\n"
        let kw = schema.keys.map(\.name.count).max() ?? 0
        for k in schema.keys {
            let def = k.defaultValue.map { k.displayText($0) } ?? "none"
            out +=
                "  " + pad(k.name, kw) + "  " + pad(k.kind.typeName, 11) + "  default " + pad(def, 7) + "  " + k.allowed
                + "\n"
        }
        out += "\nEnums:\n"
        for e in schema.enums {
            out +=
                "  " + pad(e.name, max(13, schema.enums.map(\.name.count).max() ?? 0)) + "  "
                + e.members.joined(separator: e.isOrdered ? " < " : ", ")
                + (e.isOrdered ? "" : "  (unordered)") + "\n"
        }
        return out
    }

    /// One entry: a fact, a key or an enum; nil when there is none of that name.
    public static func entry(_ name: String, in schema: Schema) -> String? {
        if let f = schema.fact(named: name) {
            var out = "fact \(f.name): \(f.type)\n  \(f.description)\n"
            if case .enumeration(let e) = f.type {
                out += "  members: " + e.members.joined(separator: e.isOrdered ? " < " : ", ") + "\n"
            }
            switch f.type {
            case .version: out += "  in facts JSON: a string of dotted numbers, such as \"13.0.2\"\n"
            case .date: out += "  in facts JSON: a string YYYY-MM-DD, such as \"2024-05-01\"\n"
            case .enumeration: out += "  in facts JSON: the member's name as a string\n"
            default: break
            }
            return out
        }
        if let k = schema.key(named: name) {
            var out = "key \(k.name): \(k.kind.typeName)\n  \(k.description)\n"
            out += "  default: " + (k.defaultValue.map { k.displayText($0) } ?? "none (left out unless set)") + "\n"
            out += "  allowed: \(k.allowed)\n"
            if k.needsNetworkProtection {
                out += "  needs network protection (`DefenderNetworkProtectionEnable = 1`)\n"
            }
            if let note = k.editionNote { out += "  note: \(note)\n" }
            out += "  on the wire: a string value in the app configuration's customSettings\n"
            return out
        }
        if let e = schema.enum(named: name) {
            return "enum \(e.name): " + e.members.joined(separator: e.isOrdered ? " < " : ", ")
                + (e.isOrdered ? "\n" : " (unordered: `<` does not apply)\n")
        }
        return nil
    }

    /// The nearest name of any entry.
    public static func suggestion(_ name: String, in schema: Schema) -> String? {
        nearest(name, in: schema.facts.map(\.name) + schema.keys.map(\.name) + schema.enums.map(\.name))
    }

    static func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
}
