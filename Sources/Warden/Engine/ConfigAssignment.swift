// Decision warnings for config blocks that reach one device and disagree (Assignment.swift):
// Intune does not resolve such conflicts, so a decision never applies one silently.

extension Program {
    /// One warning per key that two applying blocks give different values with no single
    /// `override` between them (the override blocks decide when there are any). `order` is the
    /// applying blocks in application order.
    static func unresolvedConflicts(_ policy: CheckedPolicy, _ schema: Schema, _ order: [Int]) -> [String] {
        var byKey: [Int: [(block: Int, value: ConfigValue)]] = [:]
        for ci in order {
            for s in policy.configs[ci].settings { byKey[s.key, default: []].append((ci, s.value)) }
        }
        var out: [String] = []
        for key in byKey.keys.sorted() {
            guard let entries = byKey[key], entries.count > 1, key < schema.keys.count else { continue }
            let overrides = entries.filter { policy.configs[$0.block].isOverride }
            let deciding = overrides.isEmpty ? entries : overrides
            guard let winner = deciding.last, let other = deciding.first(where: { $0.value != winner.value }) else {
                continue
            }
            let k = schema.keys[key]
            let w = policy.configs[winner.block]
            let o = policy.configs[other.block]
            let both = overrides.isEmpty ? "neither says `override`" : "both say `override`"
            out.append(
                "`\(k.name)`: config `\(o.name)` (\(o.location)) gives \(k.displayText(other.value)) and config `\(w.name)` (\(w.location)) gives \(k.displayText(winner.value)); both reach this device and \(both), and Intune does not resolve this; the documented value is \(k.displayText(winner.value)) (the later block)"
            )
        }
        return out
    }
}
