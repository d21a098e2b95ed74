// The `set` actions of rules get the configuration blocks' lints: a rule's
// `set DefenderOpenNetworkDetection = 2` while network protection is off does nothing (and
// `set vpn`/`set antiphishing`: RuleSetWebLints.swift).

extension Checker {
    /// Warns on a rule's `set` of a key that needs network protection when some device the rule
    /// can reach has network protection off (from the blocks it gets, or the default) and the rule
    /// does not turn it on itself.
    func lintRuleSets(_ rules: [CheckedRule], configs: [CheckedConfig]) {
        lintRuleWebProtection(rules, configs: configs)
        guard let np = schema.keyIndex(of: "DefenderNetworkProtectionEnable"),
            rules.contains(where: { $0.sets.contains { schema.keys[$0.key].needsNetworkProtection } })
        else { return }
        // The first combination of blocks (if any) that leaves network protection off, with its blocks.
        var offIn: [Int]?
        let combos = Checker.combinationsAndCompleteness(configs).combos
        for combo in combos.isEmpty ? [[]] : combos {
            let ordered = combo.sorted { configs[$0].applicationOrder($0) < configs[$1].applicationOrder($1) }
            var value = schema.keys[np].defaultValue
            for ci in ordered {
                for s in configs[ci].settings where s.key == np { value = s.value }
            }
            if value != .int(1) {
                offIn = ordered
                break
            }
        }
        guard let off = offIn else { return }
        let who =
            off.isEmpty
            ? "a device that gets no config block keeps network protection off (the default)"
            : "a device that gets config\(off.count == 1 ? "" : "s") \(off.map { "`\(configs[$0].name)`" }.joined(separator: ", ")) has network protection off"
        for rule in rules {
            if rule.sets.contains(where: { $0.key == np && $0.value == .int(1) }) { continue }
            for s in rule.sets where schema.keys[s.key].needsNetworkProtection {
                warning(
                    .ineffectiveSetting,
                    "`\(schema.keys[s.key].name)` has no effect while network protection is off (`DefenderNetworkProtectionEnable = 0`)",
                    s.span,
                    notes: [
                        .init(who),
                        .init(
                            "add `set DefenderNetworkProtectionEnable = 1` to the rule, or turn it on in a config block"
                        ),
                    ])
            }
        }
    }
}
