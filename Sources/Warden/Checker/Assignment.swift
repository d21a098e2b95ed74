// Intune's assignment model for config blocks (Grammar/README.md, "Config assignment"): which
// blocks can reach one device, the conflicts and possible conflicts between them, and the lints
// on every configuration some device can get.
//
// - Routes: the managedApps route reaches every device, the managedDevices route enrolled ones
//   (`management` is `androidEnterprise` or `deviceAdmin`). An enrolled device gets both.
// - Apps: a block's `for apps` is its Intune policy's target app. Defender keys are read only by
//   the Defender app (`com.microsoft.scmx`); a block whose list lacks it configures nothing.
// - Groups are memberships: a user may be in any number of groups.

/// The Microsoft Defender app, the only app that reads the Defender keys.
let defenderAppID = "com.microsoft.scmx"

/// How surely two config blocks reach one device.
enum Overlap: Sendable {
    /// No device gets both.
    case never
    /// Only a user in groups of both lists gets both (the lists share no group).
    case possible
    /// Some device certainly gets both: either has no group list, or the lists share a group.
    case certain
}

extension CheckedConfig {
    /// Whether the block targets the Defender app (no `for apps`, or a list naming it).
    var targetsDefender: Bool { apps.map { $0.contains(defenderAppID) } ?? true }

    /// Whether an empty `apps []` or `groups []` makes it target nothing (an error of its own).
    var targetsNothing: Bool { (apps?.isEmpty ?? false) || (groups?.isEmpty ?? false) }

    /// Whether the block takes part in any device's configuration.
    var isLive: Bool { targetsDefender && !targetsNothing }

    /// Whether it reaches a device that is (or is not) enrolled and is in exactly these groups.
    func reaches(enrolled: Bool, memberOf: Set<String>) -> Bool {
        if route == .managedDevices && !enrolled { return false }
        if let groups, groups.isDisjoint(with: memberOf) { return false }
        return true
    }

    /// The `override` blocks come after the others; among each, managedApps before managedDevices,
    /// then source order. The last block in this order that sets a key gives its documented value.
    func applicationOrder(_ index: Int) -> (Int, Int, Int) {
        (isOverride ? 1 : 0, route == .managedDevices ? 1 : 0, index)
    }

    /// Two blocks can reach one device: both target Defender, and (routes never separate blocks,
    /// since an enrolled device gets both routes) their groups may meet.
    static func overlap(_ a: CheckedConfig, _ b: CheckedConfig) -> Overlap {
        guard a.isLive && b.isLive else { return .never }
        guard let x = a.groups, let y = b.groups else { return .certain }
        return x.isDisjoint(with: y) ? .possible : .certain
    }

    /// `"Pilot"`, or `one of "IT", "Pilot"`.
    var groupsText: String {
        let names = (groups ?? []).sorted().map { "\"\($0)\"" }
        return names.count == 1 ? names.joined() : "one of " + names.joined(separator: ", ")
    }
}

extension Checker {
    /// "line N" (with the file's name when the checker checks one file of a set).
    func place(_ span: SourceSpan) -> String {
        source.files.count > 1 ? "\(source.fileName(at: span.start)):\(line(span))" : "line \(line(span))"
    }

    func lintConfiguration(_ all: [CheckedConfig]) {
        for c in all where !c.targetsNothing {
            if !c.targetsDefender {
                warning(
                    .configTargetsNothing,
                    "config `\(c.name)` targets no Defender app: Defender keys are read only by `\(defenderAppID)`, so this block configures nothing and does not apply",
                    c.span, notes: [.init("add \"\(defenderAppID)\" to its `for apps` list, or drop `for apps`")])
            }
            if c.route == .managedApps
                && !c.settings.contains(where: { schema.keys[$0.key].name == "DefenderMAMConfigs" })
            {
                error(
                    .routeRequirement,
                    "config `\(c.name)` is on the managedApps route but `DefenderMAMConfigs = 1` is missing (every managed-apps policy must carry it)",
                    c.span, fixIt: "DefenderMAMConfigs = 1")
            }
        }
        let configs = all.filter(\.isLive)
        reportConflicts(configs)
        lintCombinations(configs)
    }

    /// Conflicts: blocks that can reach one device and give one key different values, neither or
    /// both `override`. A certain overlap is an error, a possible one a warning, at both blocks.
    func reportConflicts(_ configs: [CheckedConfig]) {
        // Past `maxReportedConflicts` pairs the rest are counted, not reported (thousands of blocks
        // for different groups would otherwise give millions of warnings).
        var reported = 0
        var unreported = (errors: 0, warnings: 0)
        var last: SourceSpan?
        defer {
            if let last, unreported.errors + unreported.warnings > 0 {
                let n = unreported.errors + unreported.warnings
                let text = "\(n) more conflicting pair\(n == 1 ? "" : "s") of config blocks not shown"
                if unreported.errors > 0 {
                    error(.configConflict, text, last)
                } else {
                    warning(.configConflict, text, last)
                }
            }
        }
        for j in configs.indices {
            for i in 0..<j {
                let a = configs[i]
                let b = configs[j]
                let overlap = CheckedConfig.overlap(a, b)
                guard overlap != .never, a.isOverride == b.isOverride else { continue }
                for sb in b.settings {
                    guard let sa = a.settings.first(where: { $0.key == sb.key }), sa.value != sb.value else { continue }
                    if reported >= Checker.maxReportedConflicts {
                        if overlap == .possible { unreported.warnings += 1 } else { unreported.errors += 1 }
                        last = sb.span
                        continue
                    }
                    reported += 1
                    let key = schema.keys[sb.key]
                    let va = key.displayText(sa.value)
                    let vb = key.displayText(sb.value)
                    if overlap == .possible {
                        let who = "a user in both \(a.groupsText) and \(b.groupsText)"
                        let both = a.isOverride ? " (both blocks say `override`)" : ""
                        let text =
                            "possible conflict: \(who) gets `\(key.name)` = \(va) (config `\(a.name)`, \(place(sa.span))) and \(vb) (config `\(b.name)`, \(place(sb.span)))\(both); Intune does not resolve this"
                        let fix = Diagnostic.Note("mark exactly one of the two blocks `override` to let it win")
                        warning(
                            .configConflict, text, sb.span,
                            notes: [.init("config `\(a.name)` sets it here", span: sa.span), fix])
                        warning(
                            .configConflict, text, sa.span,
                            notes: [.init("config `\(b.name)` sets it here", span: sb.span), fix])
                    } else if a.isOverride {
                        error(
                            .configConflict,
                            "config `\(a.name)` and config `\(b.name)` both say `override` and give `\(key.name)` different values",
                            sb.span, notes: [.init("the other value is here, in config `\(a.name)`", span: sa.span)])
                        error(
                            .configConflict,
                            "config `\(a.name)` and config `\(b.name)` both say `override` and give `\(key.name)` different values",
                            sa.span, notes: [.init("the other value is here, in config `\(b.name)`", span: sb.span)])
                    } else {
                        let fix = Diagnostic.Note("mark one of the two blocks `override` to let it win")
                        error(
                            .configConflict,
                            "conflict: `\(key.name)` is \(vb) here but \(va) in config `\(a.name)`, and both reach the same devices; Intune does not resolve this",
                            sb.span, notes: [.init("config `\(a.name)` sets it here", span: sa.span), fix])
                        error(
                            .configConflict,
                            "conflict: `\(key.name)` is \(va) here but \(vb) in config `\(b.name)`, and both reach the same devices; Intune does not resolve this",
                            sa.span, notes: [.init("config `\(b.name)` sets it here", span: sb.span), fix])
                    }
                }
            }
        }
    }

    /// The most group names whose every combination of memberships is linted; past it, devices in
    /// no group, one group or two groups are linted.
    static let maxLintedGroups = 10

    /// The most conflicting pairs (key by key) reported one by one.
    static let maxReportedConflicts = 200

    /// The most (membership, block) pairs examined when enumerating combinations.
    static let maxLintWork = 4_000_000

    /// Every distinct set of blocks that reaches some device: enrolled or not, times the group
    /// memberships that matter (those the blocks name).
    /// The combinations, and whether they are every one some device can get (false past
    /// `maxLintedGroups` group names or the work budget: then only memberships of up to two
    /// groups, or as many as the budget allowed, were enumerated).
    static func combinationsAndCompleteness(_ configs: [CheckedConfig]) -> (combos: [[Int]], complete: Bool) {
        var names: Set<String> = []
        for c in configs { names.formUnion(c.groups ?? []) }
        let groups = names.sorted()
        var memberships: [Set<String>] = []
        var complete = true
        if groups.count <= maxLintedGroups {
            for mask in 0..<(1 << groups.count) {
                var m: Set<String> = []
                for (i, g) in groups.enumerated() where mask & (1 << i) != 0 { m.insert(g) }
                memberships.append(m)
            }
        } else {
            complete = false
            memberships.append([])
            for g in groups { memberships.append([g]) }
            // Pairs too, while they stay within the work budget below.
            if groups.count * groups.count / 2 * max(1, configs.count) <= maxLintWork {
                for (i, g) in groups.enumerated() {
                    for h in groups[(i + 1)...] { memberships.append([g, h]) }
                }
            }
        }
        var seen: Set<[Int]> = []
        var out: [[Int]] = []
        var work = 0
        for enrolled in [false, true] {
            for m in memberships {
                // Hostile input (thousands of blocks and groups) must not hang `check`.
                work += configs.count
                if work > maxLintWork { return (out, false) }
                let combo = configs.indices.filter { configs[$0].reaches(enrolled: enrolled, memberOf: m) }
                if !combo.isEmpty && seen.insert(combo).inserted { out.append(combo) }
            }
        }
        return (out, complete)
    }

    /// Lints on every configuration some device can get, each problem reported once at the key
    /// that produces it.
    func lintCombinations(_ configs: [CheckedConfig]) {
        var reported: Set<String> = []
        func once(_ kind: String, _ span: SourceSpan) -> Bool {
            reported.insert("\(kind)|\(span.start)|\(span.end)").inserted
        }
        let (combos, complete) = Checker.combinationsAndCompleteness(configs)
        if !complete, let first = configs.first {
            // Never silent: say that some combinations were not linted.
            warning(
                .lintCoverageLimited,
                "the config blocks name more than \(Checker.maxLintedGroups) groups: lints covered devices in at most two of them (\(combos.count) combinations), not every combination of memberships",
                first.span)
        }
        for combo in combos {
            let ordered = combo.sorted { configs[$0].applicationOrder($0) < configs[$1].applicationOrder($1) }
            var effective: [Int: (value: ConfigValue, span: SourceSpan?, block: Int?)] = [:]
            for (ki, k) in schema.keys.enumerated() {
                if let d = k.defaultValue { effective[ki] = (d, nil, nil) }
            }
            for ci in ordered {
                for s in configs[ci].settings { effective[s.key] = (s.value, s.span, ci) }
            }
            func value(_ name: String) -> (value: ConfigValue, span: SourceSpan?, block: Int?)? {
                schema.keyIndex(of: name).flatMap { effective[$0] }
            }
            let blocks = ordered.map { "`\(configs[$0].name)`" }.joined(separator: ", ")
            let context = Diagnostic.Note(
                "a device that gets config\(ordered.count == 1 ? "" : "s") \(blocks) has this configuration")
            if let vpn = value("vpn"), let ap = value("antiphishing"), vpn.value == .int(1), ap.value == .int(0),
                let at = ap.span ?? vpn.span, once("vpn", at)
            {
                warning(
                    .ineffectiveSetting,
                    "`vpn = 1` with `antiphishing = 0`: web protection's VPN without anti-phishing does nothing useful",
                    at, notes: [context])
            }
            if let np = value("DefenderNetworkProtectionEnable"), np.value != .int(1) {
                var notes = [context]
                if let s = np.span, let b = np.block {
                    notes.append(.init("config `\(configs[b].name)` turns network protection off here", span: s))
                }
                for ci in ordered {
                    for s in configs[ci].settings where schema.keys[s.key].needsNetworkProtection && once("np", s.span)
                    {
                        warning(
                            .ineffectiveSetting,
                            "`\(schema.keys[s.key].name)` has no effect while network protection is off (`DefenderNetworkProtectionEnable = 0`)",
                            s.span, notes: notes)
                    }
                }
            }
        }
    }
}
