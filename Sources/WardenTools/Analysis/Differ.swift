import Warden

// `warden diff OLD NEW`: the classes of devices whose decision changes. Rules are matched between
// the two policies by their condition (with `let`s inlined), action, `onError` and `set`s; the
// unmatched ones are the change. Their facts' cells are enumerated: a cell where the changed rules
// decide differently (old → new) belongs to that class, as long as no unchanged rule decides as
// much or more; a search over the unchanged rules' facts finds an example device per class (and
// drops cells where none can exist). Effective configuration is compared per scope.

/// One class of devices whose decision changes.
package struct DiffClass: Sendable {
    /// The action the changed rules decide in the old and in the new policy.
    package var from: Action
    package var to: Action
    /// The facts the class is described over (slots).
    package var slots: [Int]
    /// The readable conditions (a device in any of them is in the class).
    package var terms: [String]
    /// The class's cells: a cell index per fact of `slots`.
    package var cells: [[Int]]
    /// A device of the class (facts JSON) and its real decisions in both policies.
    package var example: String?
    package var exampleFrom: Action?
    package var exampleTo: Action?
    /// Set when unchanged rules can decide this much or more (the class then excludes those devices).
    package var unlessAtLeast: Action?
    /// Set when other rules can make the weaker side stronger (up to below `max(from, to)`): the
    /// device still changes, from or to what they decide.
    package var lowerMayRise: Bool = false
    /// False when a rule involved has a construct the analysis cannot split.
    package var exact: Bool
}

/// A configuration key whose effective value changes in some scopes.
package struct ConfigChange: Sendable {
    package var key: String
    package var old: String
    package var new: String
    package var scopes: [String]
}

/// A device of a facts file whose decision changes.
package struct DeviceChange: Sendable {
    package var id: String
    package var from: Action
    package var to: Action
}

/// The result of `warden diff`.
package struct DiffReport: Sendable {
    /// Rules only in the old policy and only in the new one (`rule "x" (line 3)`).
    package var removed: [String] = []
    package var added: [String] = []
    /// The facts the changed rules read (slots), the coordinates of `DiffClass.cells`.
    package var slots: [Int] = []
    package var classes: [DiffClass] = []
    package var config: [ConfigChange] = []
    package var unanswered: [String] = []
    /// With facts: devices read, and those whose decision changes.
    package var devicesRead: Int?
    package var deviceChanges: [DeviceChange] = []

    /// Whether anything changes (the exit status of `warden diff`).
    package var changes: Bool { !classes.isEmpty || !config.isEmpty || !deviceChanges.isEmpty || !unanswered.isEmpty }
}

/// Compares two policies (sets) compiled by one engine.
package struct PolicyDiffer {
    package let old: AnalysisContext
    package let new: AnalysisContext
    /// Evaluations the example search may spend in all.
    package var searchBudget = 400_000
    /// Terms shown per class.
    package var maxTerms = 12

    package init(old: Program, new: Program, cellLimit: Int = 1 << 16) {
        let co = AnalysisContext.classify(old)
        let cn = AnalysisContext.classify(new)
        let domains = AnalysisContext.partition([(old, co), (new, cn)])
        let (removed, added, _) = PolicyDiffer.match(old, new)
        self.old = AnalysisContext(
            program: old, domains: domains, classified: co, cellLimit: cellLimit, fullVectors: Set(removed))
        self.new = AnalysisContext(
            program: new, domains: domains, classified: cn, cellLimit: cellLimit, fullVectors: Set(added))
    }

    /// The rules of each side with no equal rule on the other (indices), and the matched old rules.
    package func match() -> (removed: [Int], added: [Int], unchanged: [Int]) {
        PolicyDiffer.match(old.program, new.program)
    }

    static func match(_ oldProgram: Program, _ newProgram: Program) -> (
        removed: [Int], added: [Int], unchanged: [Int]
    ) {
        let ko = RuleKeys(oldProgram).keys
        let kn = RuleKeys(newProgram).keys
        var pool: [String: [Int]] = [:]
        for (i, k) in ko.enumerated() { pool[k, default: []].append(i) }
        var added: [Int] = []
        var unchanged: [Int] = []
        let oldNames = oldProgram.policy.rules.map(\.name)
        let newNames = newProgram.policy.rules.map(\.name)
        for (j, k) in kn.enumerated() {
            // The same condition, action and sets: the rule of the same name if there is one.
            if var list = pool[k], !list.isEmpty {
                let name = newNames.dropFirst(j).first
                let at = list.firstIndex { oldNames.dropFirst($0).first == name } ?? 0
                let i = list.remove(at: at)
                pool[k] = list
                unchanged.append(i)
            } else {
                added.append(j)
            }
        }
        let removed = pool.values.flatMap { $0 }.sorted()
        return (removed, added, unchanged.sorted())
    }

    /// The strongest action of rules on a device (nil: none fires or errs).
    static func contribution(_ ctx: AnalysisContext, _ rules: [Int], _ cellOf: [Int]) -> Action {
        var a = Action.allow
        for ri in rules {
            guard let r = ctx.rules.dropFirst(ri).first else { continue }
            switch ctx.lookup(ri, cellOf) {
            case .fire: a = max(a, r.action)
            case .error: a = max(a, r.onError)
            case .no: break
            }
        }
        return a
    }

    /// A side's rule: 0 the old policy, 1 the new one.
    struct SideRule: Hashable {
        var side: Int
        var index: Int
    }

    func analyzed(_ r: SideRule) -> AnalyzedRule? {
        (r.side == 0 ? old : new).rules.dropFirst(r.index).first
    }

    /// The changed rules grouped by shared facts (a device's change is decided within one group).
    func components(_ changed: [SideRule]) -> [[SideRule]] {
        var parent = Array(changed.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while let p = parent.dropFirst(i).first, p != i { i = p }
            return i
        }
        var bySlot: [Int: Int] = [:]
        for (i, r) in changed.enumerated() {
            for slot in analyzed(r)?.slots ?? [] {
                if let j = bySlot[slot] {
                    let (a, b) = (root(i), root(j))
                    if a != b, a < parent.count { parent[a] = b }
                } else {
                    bySlot[slot] = i
                }
            }
        }
        var groups: [Int: [SideRule]] = [:]
        var order: [Int] = []
        for (i, r) in changed.enumerated() {
            let k = root(i)
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(r)
        }
        return order.compactMap { groups[$0] }
    }

    package func run() -> DiffReport {
        var report = DiffReport()
        let (removed, added, unchanged) = match()
        report.removed = removed.map { "\(old.ruleName($0)) (\(old.location($0)))" }
        report.added = added.map { "\(new.ruleName($0)) (\(new.location($0)))" }
        var slotSet = Set<Int>()
        for ri in removed { slotSet.formUnion(old.rules.dropFirst(ri).first?.slots ?? []) }
        for ri in added { slotSet.formUnion(new.rules.dropFirst(ri).first?.slots ?? []) }
        report.slots = slotSet.sorted()
        report.config = configChanges(removed: removed, added: added)
        guard !removed.isEmpty || !added.isEmpty else { return report }
        let changed = removed.map { SideRule(side: 0, index: $0) } + added.map { SideRule(side: 1, index: $0) }
        var budget = searchBudget
        for component in components(changed) {
            let others = changed.filter { !component.contains($0) }
            report.classes += classes(
                component, others: others, unchanged: unchanged, budget: &budget, unanswered: &report.unanswered)
        }
        return report
    }

    /// The classes of one group of changed rules: its cells where old and new decide differently,
    /// kept when a device of the cell can change (the other rules staying low enough).
    func classes(
        _ component: [SideRule], others: [SideRule], unchanged: [Int], budget: inout Int, unanswered: inout [String]
    ) -> [DiffClass] {
        var slotSet = Set<Int>()
        for r in component { slotSet.formUnion(analyzed(r)?.slots ?? []) }
        let slots = slotSet.sorted()
        let removed = component.filter { $0.side == 0 }.map(\.index)
        let added = component.filter { $0.side == 1 }.map(\.index)
        let grid = CellGrid(slots: slots, domains: old.domains, limit: old.cellLimit)
        guard let n = grid.count else {
            let names = component.map { ($0.side == 0 ? old : new).ruleName($0.index) }
            unanswered.append(
                "the changed rules \(names.joined(separator: ", ")) read \(slots.count) facts with more than \(old.cellLimit) cells: not enumerated"
            )
            return []
        }
        let changedExact = component.allSatisfy { analyzed($0)?.isExact ?? false }
        var groups: [String: (Action, Action, [[Int]])] = [:]
        var orderOfKeys: [String] = []
        var cellOf = [Int](repeating: -1, count: old.program.schema.facts.count)
        for k in 0..<n {
            let cells = grid.cell(k)
            for (i, slot) in slots.enumerated() where slot >= 0 && slot < cellOf.count {
                cellOf[slot] = cells.dropFirst(i).first ?? -1
            }
            let a = PolicyDiffer.contribution(old, removed, cellOf)
            let b = PolicyDiffer.contribution(new, added, cellOf)
            guard a != b else { continue }
            let key = "\(a)>\(b)"
            if groups[key] == nil {
                groups[key] = (a, b, [])
                orderOfKeys.append(key)
            }
            groups[key]?.2.append(cells)
        }
        var out: [DiffClass] = []
        for key in orderOfKeys {
            guard let (a, b, cells) = groups[key] else { continue }
            let top = max(a, b)
            // The class: unchanged rules decide below `top`; the other changed rules below `top`
            // on the side that does not reach it and at most `top` on the side that does.
            // `quiet`: they all decide nothing above allow (preferred for the example device).
            var constraints: [WitnessSearch.Constraint] = []
            var quiet: [WitnessSearch.Constraint] = []
            var othersExact = true
            var unless = false
            let low = min(a, b)
            var raisable = false
            func limit(_ r: AnalyzedRule, context: Int, atMost: Bool) {
                if (r.action > low && r.action < top) || (r.onError > low && r.onError < top) { raisable = true }
                var allowed = RuleOutcome.no.bit
                if r.action < top || (atMost && r.action == top) {
                    allowed |= RuleOutcome.fire.bit
                } else {
                    unless = true
                }
                if r.onError < top || (atMost && r.onError == top) {
                    allowed |= RuleOutcome.error.bit
                } else {
                    unless = true
                }
                if allowed != 0b111 {
                    constraints.append(.init(rule: r.index, allowed: allowed, context: context))
                    if !r.isExact { othersExact = false }
                }
                var q = RuleOutcome.no.bit
                if r.action == .allow { q |= RuleOutcome.fire.bit }
                if r.onError == .allow { q |= RuleOutcome.error.bit }
                if q != 0b111 { quiet.append(.init(rule: r.index, allowed: q, context: context)) }
            }
            for ri in unchanged {
                if let r = old.rules.dropFirst(ri).first { limit(r, context: 0, atMost: false) }
            }
            for o in others {
                guard let r = analyzed(o) else { continue }
                limit(r, context: o.side, atMost: (o.side == 0) == (a > b))
            }
            var calm = WitnessSearch(contexts: [old, new], budget: 0)
            var search = WitnessSearch(contexts: [old, new], budget: 0)
            var kept: [[Int]] = []
            var example: [Int: Int]?
            var exampleActions: (Action, Action)?
            var incomplete = false
            for c in cells {
                if budget <= 0 {
                    kept.append(c)
                    incomplete = true
                    continue
                }
                var preset: [Int: Int] = [:]
                for (i, slot) in slots.enumerated() { preset[slot] = c.dropFirst(i).first ?? 0 }
                if example == nil {
                    calm.budget = min(budget, 20_000)
                    let found = calm.find(preset: preset, quiet)
                    budget -= min(budget, 20_000) - max(calm.budget, 0)
                    if case .found(let device) = found, let (x, y) = verify(device) {
                        example = device
                        exampleActions = (x, y)
                        kept.append(c)
                        continue
                    }
                }
                search.budget = min(budget, 50_000)
                let result = search.find(preset: preset, constraints)
                budget -= min(budget, 50_000) - max(search.budget, 0)
                switch result {
                case .found(let device):
                    kept.append(c)
                    if example == nil, let (x, y) = verify(device) {
                        example = device
                        exampleActions = (x, y)
                    }
                case .unknown:
                    kept.append(c)
                    incomplete = true
                case .none:
                    // No device of this cell keeps the other rules low enough: drop it when exact.
                    if !othersExact { kept.append(c) }
                }
            }
            guard !kept.isEmpty else { continue }
            if incomplete {
                unanswered.append("the example search for \(a) → \(b) ran over its budget: some cells kept unchecked")
            }
            out.append(
                DiffClass(
                    from: a, to: b, slots: slots,
                    terms: Terms.render(kept, slots: slots, domains: old.domains, max: maxTerms),
                    cells: kept, example: example.map { old.deviceJSON($0) }, exampleFrom: exampleActions?.0,
                    exampleTo: exampleActions?.1, unlessAtLeast: unless ? top : nil, lowerMayRise: raisable,
                    exact: changedExact && othersExact))
        }
        return out
    }

    /// Both policies' real decisions on a device, when they differ.
    func verify(_ cells: [Int: Int]) -> (Action, Action)? {
        let values = old.deviceValues(cells)
        let x = old.program.evaluate(old.program.input(values)).action
        let y = new.program.evaluate(new.program.input(values)).action
        return x == y ? nil : (x, y)
    }

    /// The devices of a facts file whose decision changes.
    package func deviceChanges(_ devices: [(id: String, input: Input)]) -> [DeviceChange] {
        var out: [DeviceChange] = []
        for d in devices {
            let x = old.program.evaluate(d.input).action
            let y = new.program.evaluate(d.input).action
            if x != y { out.append(DeviceChange(id: d.id, from: x, to: y)) }
        }
        return out
    }

    // MARK: - Configuration

    /// Effective configuration per scope (route × groups named by the config blocks), and `set`s
    /// of changed rules.
    func configChanges(removed: [Int], added: [Int]) -> [ConfigChange] {
        let schema = old.program.schema
        var groupNames = Set<String>()
        for p in [old.program, new.program] {
            for c in p.policy.configs { groupNames.formUnion(c.groups ?? []) }
        }
        let names = Array(groupNames.sorted().prefix(DomainPartition.maxListMembers))
        var scopes: [(String, [String: Value])] = []
        let managements: [(String, Value?)] =
            schema.slot(ofFact: "management") == nil
            ? [("every device", nil)]
            : [("unmanaged", .enumMember(.management, 0)), ("enrolled", .enumMember(.management, 1))]
        for (mName, m) in managements {
            for mask in 0..<(1 << names.count) {
                var gs: [String] = []
                for (i, g) in names.enumerated() where mask & (1 << i) != 0 { gs.append(g) }
                var facts: [String: Value] = [:]
                if let m { facts["management"] = m }
                if schema.slot(ofFact: "groups") != nil { facts["groups"] = .list(gs.map { .string($0) }) }
                let label =
                    names.isEmpty
                    ? mName
                    : "\(mName), \(gs.isEmpty ? "none of the groups \(names.map(ValuePrinter.quote).joined(separator: ", "))" : "groups \(gs.map(ValuePrinter.quote).joined(separator: ", "))")"
                scopes.append((label, facts))
            }
        }
        var changes: [String: ConfigChange] = [:]
        var order: [String] = []
        for (label, facts) in scopes {
            var w: [String] = []
            let a = Program.configuration(
                old.program.policy, schema, old.program.input(facts), setters: [], warnings: &w)
            let b = Program.configuration(
                new.program.policy, schema, new.program.input(facts), setters: [], warnings: &w)
            var av: [String: String] = [:]
            var bv: [String: String] = [:]
            for e in a { av[e.key] = e.jsonText }
            for e in b { bv[e.key] = e.jsonText }
            for k in schema.keys.map(\.name) where av[k] != bv[k] {
                let x = av[k] ?? "(absent)"
                let y = bv[k] ?? "(absent)"
                let key = "\(k)\u{0}\(x)\u{0}\(y)"
                if changes[key] == nil {
                    changes[key] = ConfigChange(key: k, old: x, new: y, scopes: [])
                    order.append(key)
                }
                changes[key]?.scopes.append(label)
            }
        }
        var out = order.compactMap { changes[$0] }
        for (ctx, rules, verb) in [(old, removed, "no longer"), (new, added, "now")] {
            for ri in rules {
                guard let r = ctx.program.policy.rules.dropFirst(ri).first else { continue }
                for s in r.sets {
                    guard let k = schema.keys.dropFirst(s.key).first else { continue }
                    out.append(
                        ConfigChange(
                            key: k.name, old: verb == "now" ? "-" : k.displayText(s.value),
                            new: verb == "now" ? k.displayText(s.value) : "-",
                            scopes: ["devices where \(ctx.ruleName(ri)) (\(ctx.location(ri))) fires: \(verb) set"]))
                }
            }
        }
        return out
    }
}

/// Matching keys of rules: the condition with `let`s inlined and names resolved, the action,
/// `onError` and `set`s.
struct RuleKeys {
    let keys: [String]

    init(_ program: Program) {
        var printer = CanonicalPrinter(program: program)
        keys = program.policy.rules.map { r in
            let sets = r.sets.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return
                "\(printer.text(r.condition))|\(r.action?.rawValue ?? "-")|\((r.onError ?? program.policy.onError).rawValue)|\(sets)"
        }
    }
}

/// A canonical text of an expression: resolved names, `let`s inlined (memoised; a `let` whose
/// text grows too long stays a unique token, so rules using it never match: they count as changed).
struct CanonicalPrinter {
    let program: Program
    var memo: [Int: String] = [:]
    static let maxLetText = 4096

    init(program: Program) { self.program = program }

    mutating func text(_ e: Expr) -> String {
        if let r = program.policy.resolutions[e.id] {
            switch r {
            case .constant(let v): return "c{\(v.type):\(ValuePrinter.display(v))}"
            case .fact(let s): return "f\(s)"
            case .hasFact(let s): return "has(f\(s))"
            case .variable(let n): return "v{\(n)}"
            case .letValue(let i):
                if let t = memo[i] { return t }
                let lets = program.policy.lets
                guard let l = lets.dropFirst(i).first else { return "?" }
                var t = "(" + text(l.expr) + ")"
                if t.utf8.count > CanonicalPrinter.maxLetText { t = "let{\(i)@\(program.source.name)@\(l.span.start)}" }
                memo[i] = t
                return t
            case .hostFunction(let i):
                if case .call(_, let target, let args, _) = e.kind {
                    return
                        "h\(i)(\((target.map { [$0] } ?? []) .map { text($0) }.joined(separator: ","))|\(args.map { text($0) }.joined(separator: ",")))"
                }
                return "h\(i)"
            }
        }
        switch e.kind {
        case .literal(let l): return "l{\(l)}"
        case .ident(let n): return n
        case .select(let op, let field, _): return "\(text(op)).\(field)"
        case .call(let name, let target, let args, _):
            let t = target.map { text($0) + "." } ?? ""
            return "\(t)\(name)(\(args.map { text($0) }.joined(separator: ",")))"
        case .index(let a, let b): return "\(text(a))[\(text(b))]"
        case .list(let xs): return "[\(xs.map { text($0) }.joined(separator: ","))]"
        case .map(let es): return "{\(es.map { text($0.key) + ":" + text($0.value) }.joined(separator: ","))}"
        case .unary(let op, let x): return "\(op.rawValue)(\(text(x)))"
        case .binary(let first, let links):
            var s = text(first)
            for l in links { s = "(\(s) \(l.op.rawValue) \(text(l.rhs)))" }
            return s
        case .and(let xs): return "and(\(xs.map { text($0) }.joined(separator: ",")))"
        case .or(let xs): return "or(\(xs.map { text($0) }.joined(separator: ",")))"
        case .conditional(let c, let a, let b): return "(\(text(c)) ? \(text(a)) : \(text(b)))"
        }
    }
}
