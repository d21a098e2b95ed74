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
    /// By mask (bit k: variable block k applies): the configuration and the conflict warnings.
    let entries: [(config: [ConfigEntry], warnings: [String])]

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
        var entries: [(config: [ConfigEntry], warnings: [String])] = []
        for mask in 0..<(1 << variables.count) {
            var applying = always
            for (k, v) in variables.enumerated() where mask >> k & 1 != 0 { applying.append(v.block) }
            applying.sort()
            var warnings: [String] = []
            let config = Program.configuration(policy, schema, applying: applying, setters: [], warnings: &warnings)
            entries.append((config, warnings))
        }
        self.entries = entries
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
