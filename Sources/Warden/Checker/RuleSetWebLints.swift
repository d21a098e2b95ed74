// A rule's `set vpn` / `set antiphishing` get the config blocks' web-protection lint: a rule that
// leaves a device with `vpn = 1` and `antiphishing = 0` (with what its blocks or the defaults give)
// turns on a VPN that does nothing useful.

extension Checker {
    /// Warns on a rule whose `set vpn = 1` or `set antiphishing = 0` leaves some device it can
    /// reach (with the blocks it gets, or the defaults) with VPN on and anti-phishing off.
    func lintRuleWebProtection(_ rules: [CheckedRule], configs: [CheckedConfig]) {
        guard let vpn = schema.keyIndex(of: "vpn"), let ap = schema.keyIndex(of: "antiphishing"),
            rules.contains(where: { $0.sets.contains { $0.key == vpn || $0.key == ap } })
        else { return }
        // The (vpn, antiphishing) values each combination of blocks leaves, with its blocks: the
        // first combination for each distinct pair of values is enough.
        var outcomes: [(vpn: ConfigValue?, ap: ConfigValue?, blocks: [Int])] = []
        var combos = Checker.combinationsAndCompleteness(configs).combos
        // A device in no group and not enrolled may get no block at all: it has the defaults.
        if !configs.contains(where: { $0.reaches(enrolled: false, memberOf: []) }) { combos.insert([], at: 0) }
        for combo in combos {
            let ordered = combo.sorted { configs[$0].applicationOrder($0) < configs[$1].applicationOrder($1) }
            var v = schema.keys[vpn].defaultValue
            var a = schema.keys[ap].defaultValue
            for ci in ordered {
                for s in configs[ci].settings {
                    if s.key == vpn { v = s.value }
                    if s.key == ap { a = s.value }
                }
            }
            if !outcomes.contains(where: { $0.vpn == v && $0.ap == a }) { outcomes.append((v, a, ordered)) }
        }
        for rule in rules {
            // The rule's own values: the last `set` of each key wins.
            let setVPN = rule.sets.last { $0.key == vpn }
            let setAP = rule.sets.last { $0.key == ap }
            guard setVPN != nil || setAP != nil else { continue }
            for outcome in outcomes {
                let v = setVPN?.value ?? outcome.vpn
                let a = setAP?.value ?? outcome.ap
                guard v == .int(1), a == .int(0) else { continue }
                // Reported at the `set` that makes the pair: anti-phishing off, or else the VPN on.
                guard let at = (setAP?.value == .int(0) ? setAP : setVPN) ?? setAP else { continue }
                let blocks = outcome.blocks.map { "`\(configs[$0].name)`" }.joined(separator: ", ")
                let who =
                    outcome.blocks.isEmpty
                    ? "a device that gets no config block"
                    : "a device that gets config\(outcome.blocks.count == 1 ? "" : "s") \(blocks)"
                let gives =
                    setVPN == nil
                    ? " keeps `vpn = 1`\(outcome.blocks.isEmpty ? " (the default)" : "")"
                    : setAP == nil ? " keeps `antiphishing = 0`" : " gets both from the rule"
                warning(
                    .ineffectiveSetting,
                    "`vpn = 1` with `antiphishing = 0`: web protection's VPN without anti-phishing does nothing useful",
                    at.span,
                    notes: [
                        .init(who + gives),
                        .init(
                            setAP == nil
                                ? "add `set antiphishing = 1` to the rule, or turn anti-phishing on in a config block"
                                : "set `antiphishing = 1`, or `vpn = 0` with it"),
                    ])
                break
            }
        }
    }
}
