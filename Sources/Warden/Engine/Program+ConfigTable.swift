// The effective configuration of a decision, from a table built at compile time.
//
// Which config blocks apply to a device depends on two facts only, never on an expression: a
// block on the managedDevices route needs an enrolled device (`management` other than its first
// member), and a block `for groups [...]` needs one of those groups in `groups` (Program.applies).
// A policy with a few such *variable* blocks therefore has a few possible sets of applying blocks,
// and for a decision where no fired rule `set`s a key, the configuration (and the warnings of
// blocks that conflict) is a function of that set alone. `ConfigTable` computes each one once, when
// the program is built; a decision then finds its entry by a bit per variable block (a retain, not
// the schema's keys copied, hashed and re-rendered: ~9 µs per decision on the samples before).
// A decision whose fired rules `set` keys, or a policy with more variable blocks than the table
// takes, is configured by `Program.configuration` as before.

/// The configuration of each set of applying config blocks (see the file comment).
struct ConfigTable: Sendable {
    /// The most variable blocks a table takes (2^6 = 64 entries built at compile time).
    static let maxVariableBlocks = 6

    /// A block whose applying depends on the device: its index in `policy.configs`, and what it needs.
    struct Variable: Sendable {
        let block: Int
        let needsEnrolment: Bool
        let groups: Set<String>?
    }

    let variables: [Variable]
    /// The slots of `management` and `groups` (nil: the schema has no such fact; a block that needs it
    /// then never applies, as in `Program.applies`).
    let managementSlot: Int?
    let groupsSlot: Int?
    /// The configuration of one set of applying blocks.
    struct Entry: Sendable {
        let config: [ConfigEntry]
        /// The warnings of blocks that conflict.
        let warnings: [String]
        /// By key index: the key's position in `config`; -1 for a key without a value there.
        let positions: [Int]
    }

    /// By mask (bit k: variable block k applies).
    let entries: [Entry]

    /// The table for `policy`, or nil when it has no config blocks or too many variable ones.
    init?(_ policy: CheckedPolicy, _ schema: Schema) {
        guard !policy.configs.isEmpty else { return nil }
        var always: [Int] = []
        var variables: [Variable] = []
        for (i, c) in policy.configs.enumerated() where c.isLive {
            if c.route == .managedDevices || c.groups != nil {
                variables.append(Variable(block: i, needsEnrolment: c.route == .managedDevices, groups: c.groups))
            } else {
                always.append(i)
            }
        }
        guard variables.count <= ConfigTable.maxVariableBlocks else { return nil }
        self.variables = variables
        managementSlot = schema.slot(ofFact: "management")
        groupsSlot = schema.slot(ofFact: "groups")
        var entries: [Entry] = []
        for mask in 0..<(1 << variables.count) {
            var applying = always
            for (k, v) in variables.enumerated() where mask >> k & 1 != 0 { applying.append(v.block) }
            applying.sort()
            var warnings: [String] = []
            let config = Program.configuration(policy, schema, applying: applying, setters: [], warnings: &warnings)
            var positions = [Int](repeating: -1, count: schema.keys.count)
            var at = 0
            for (k, key) in schema.keys.enumerated() where at < config.count && config[at].key == key.name {
                positions[k] = at
                at += 1
            }
            entries.append(Entry(config: config, warnings: warnings, positions: positions))
        }
        self.entries = entries
    }

    /// The device's configuration: its entry, with the fired rules' `set`s applied over it (as
    /// `Program.configuration` applies them); nil, with `warnings` untouched, when a `set` names a key
    /// the entry has no value for (the caller computes it from scratch).
    func configuration(
        _ input: Input, _ policy: CheckedPolicy, _ keys: [Schema.KeyDefinition],
        _ setters: [(rule: Int, setting: KeySetting)], _ warnings: inout [String]
    ) -> [ConfigEntry]? {
        let mask = mask(input)
        guard mask >= 0, mask < entries.count else { return nil }
        let entry = entries[mask]
        for (_, s) in setters {
            guard s.key >= 0, s.key < entry.positions.count, entry.positions[s.key] >= 0 else { return nil }
        }
        if !entry.warnings.isEmpty { warnings += entry.warnings }
        guard !setters.isEmpty else { return entry.config }
        var config = entry.config
        Program.applySetters(policy, keys, setters, warnings: &warnings) { key, value, origin in
            let at = entry.positions[key]
            guard at >= 0, at < config.count else { return }
            let k = keys[key]
            config[at] = ConfigEntry(key: k.name, value: value, jsonText: k.jsonText(value), origin: origin)
        }
        return config
    }

    /// The entry index for a device: which variable blocks apply to it (`Program.applies`'s tests).
    func mask(_ input: Input) -> Int {
        guard !variables.isEmpty else { return 0 }
        let facts = input.facts
        var enrolled = false
        if let slot = managementSlot, slot >= 0, slot < facts.count, case .enumMember(_, let o)? = facts[slot] {
            enrolled = o != 0
        }
        var deviceGroups: [Value]? = nil
        if let slot = groupsSlot, slot >= 0, slot < facts.count, case .list(let gs)? = facts[slot] {
            deviceGroups = gs
        }
        var mask = 0
        for (k, v) in variables.enumerated() {
            if v.needsEnrolment && !enrolled { continue }
            if let groups = v.groups {
                guard let deviceGroups else { continue }
                let met = deviceGroups.contains {
                    if case .string(let g) = $0 { return groups.contains(g) } else { return false }
                }
                if !met { continue }
            }
            mask |= 1 << k
        }
        return mask
    }
}
