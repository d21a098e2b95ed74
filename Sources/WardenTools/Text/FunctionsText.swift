import Warden

extension SchemaText {
    /// The built-in functions and macros, from the one table the checker and evaluator read
    /// (`warden schema --functions`): name, form, overloads, cost, and how the compiled path runs it;
    /// then the host's functions, if any.
    public static func functions(hostFunctions: [HostFunction] = []) -> String {
        var out = "Built-in functions and macros (CEL mode has those not marked `warden only`):\n"
        for e in BuiltinTable.entries {
            out += "  \(e.name)  (\(e.form.rawValue)\(e.inCEL ? "" : ", warden only"))  \(e.summary)\n"
            for o in e.overloads { out += "      \(o)\n" }
            out += "      cost: \(e.cost); compiled path: \(e.compiled == .native ? "native" : "reference evaluator")\n"
        }
        if !hostFunctions.isEmpty {
            out += "\nHost functions:\n"
            for f in hostFunctions {
                out += "  \(f.name)(\(f.parameters.map(\.description).joined(separator: ", "))) -> \(f.result)\n"
            }
        }
        return out
    }
}
