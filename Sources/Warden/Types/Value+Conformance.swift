extension Value {
    /// Whether the value has the given static type (lists element by element).
    package func conforms(to t: WardenType) -> Bool {
        switch (self, t) {
        case (_, .dyn): return true
        case (.bool, .bool), (.int, .int), (.uint, .uint), (.double, .double), (.string, .string), (.bytes, .bytes),
            (.null, .null), (.type, .type), (.version, .version), (.date, .date):
            return true
        case (.enumMember(let e, _), .enumeration(let f)): return e == f
        case (.list(let items), .list(let el)): return items.allSatisfy { $0.conforms(to: el) }
        case (.map(let m), .map(let k, let v)):
            return m.keys.allSatisfy { $0.conforms(to: k) } && m.values.allSatisfy { $0.conforms(to: v) }
        default: return false
        }
    }
}
