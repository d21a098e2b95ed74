import Warden

// The shared machinery of `analyze` and `diff`: each rule's facts and exactness, the grid of
// cells over a set of facts, the real evaluator run on a representative device per cell, and a
// backtracking search for a device meeting constraints on rule outcomes.

/// How a rule's condition ends on one device.
package enum RuleOutcome: UInt8, Sendable {
    case no = 0
    case fire = 1
    case error = 2

    var bit: UInt8 { 1 << rawValue }
}

/// A rule of a program as the analysis sees it.
package struct AnalyzedRule: Sendable {
    /// Its index in its program's rules.
    package var index: Int
    /// Its facts, split constants and inexact constructs.
    package var facts: ExprFacts
    /// The facts it reads, sorted.
    package var slots: [Int]
    /// Its severity (`allow` for a rule that only sets keys).
    package var action: Action
    /// The action applied when its condition errs.
    package var onError: Action
    /// Whether its answers are exact (its constructs and its facts' domains are).
    package var isExact: Bool
    /// The number of cells of each of its facts, and the index of each one's "missing" cell.
    package var radices: [Int] = []
    package var missing: [Int] = []
}

/// A product of fact domains, enumerated in mixed radix (the first slot varies slowest).
package struct CellGrid: Sendable {
    /// The facts of the grid.
    package var slots: [Int]
    /// The number of cells of each fact.
    package var radices: [Int]
    /// The number of cells, nil when over `limit`.
    package var count: Int?

    package init(slots: [Int], domains: DomainPartition, limit: Int) {
        self.slots = slots
        self.radices = slots.map { domains.domain($0)?.cells.count ?? 1 }
        var n = 1
        var over = false
        for r in radices {
            let (p, o) = n.multipliedReportingOverflow(by: max(r, 1))
            if o || p > limit {
                over = true
                break
            }
            n = p
        }
        self.count = over ? nil : n
    }

    /// The cell indices of the `k`-th cell.
    package func cell(_ k: Int) -> [Int] {
        var out = [Int](repeating: 0, count: radices.count)
        var rest = k
        for i in radices.indices.reversed() {
            let r = max(radices[i], 1)
            out[i] = rest % r
            rest /= r
        }
        return out
    }
}

/// One program, its rules classified, over a partition of the fact domains.
package struct AnalysisContext: Sendable {
    /// The program.
    package let program: Program
    /// The rules, in source order.
    package let rules: [AnalyzedRule]
    /// The fact domains.
    package let domains: DomainPartition
    /// Most cells enumerated for one question.
    package let cellLimit: Int
    /// Each rule's outcome on every cell of its own grid (nil when its grid is over the limit).
    package let vectors: [[RuleOutcome]?]

    /// Classifies a program's rules; `domains` may be shared with another program (diff).
    /// With `fullVectors`, only those rules get outcome vectors up to `cellLimit`; the others only
    /// when their grid has at most 1,024 cells (the rest are evaluated when looked up).
    package init(
        program: Program, domains: DomainPartition, classified: [ExprFacts], cellLimit: Int = 1 << 16,
        fullVectors: Set<Int>? = nil
    ) {
        self.program = program
        self.domains = domains
        self.cellLimit = cellLimit
        var rules: [AnalyzedRule] = []
        for (i, r) in program.policy.rules.enumerated() {
            let f = i < classified.count ? classified[i] : ExprFacts()
            let slots = f.slots.sorted()
            let domainsExact = slots.allSatisfy { domains.domain($0)?.isExact ?? false }
            rules.append(
                AnalyzedRule(
                    index: i, facts: f, slots: slots, action: r.action ?? .allow,
                    onError: r.onError ?? program.policy.onError, isExact: f.isExact && domainsExact,
                    radices: slots.map { max(domains.domain($0)?.cells.count ?? 1, 1) },
                    missing: slots.map { domains.domain($0)?.missingIndex ?? 0 }))
        }
        self.rules = rules
        var vectors: [[RuleOutcome]?] = []
        let ctx = AnalysisContext(program: program, domains: domains, rules: rules, cellLimit: cellLimit)
        for i in rules.indices {
            if let full = fullVectors, !full.contains(i) {
                let grid = CellGrid(slots: rules[i].slots, domains: domains, limit: 1024)
                vectors.append(grid.count == nil ? nil : ctx.outcomes(i))
            } else {
                vectors.append(ctx.outcomes(i))
            }
        }
        self.vectors = vectors
    }

    private init(program: Program, domains: DomainPartition, rules: [AnalyzedRule], cellLimit: Int) {
        self.program = program
        self.domains = domains
        self.rules = rules
        self.cellLimit = cellLimit
        self.vectors = []
    }

    /// A rule's outcome on a device given as a cell index per slot (-1 or absent: missing), from
    /// its vector when it has one, else evaluated.
    package func lookup(_ ri: Int, _ cellOf: [Int]) -> RuleOutcome {
        guard let r = rules.dropFirst(ri).first else { return .no }
        if ri < vectors.count, let vector = vectors[ri] {
            var k = 0
            for (i, slot) in r.slots.enumerated() {
                let radix = r.radices[i]
                var ci = slot >= 0 && slot < cellOf.count ? cellOf[slot] : -1
                if ci < 0 || ci >= radix { ci = r.missing[i] }
                k = k * radix + ci
            }
            return k < vector.count ? vector[k] : .no
        }
        var facts = emptyFacts
        for slot in r.slots where slot >= 0 && slot < cellOf.count && slot < facts.count {
            let ci = cellOf[slot]
            facts[slot] = ci < 0 ? nil : (domains.domain(slot)?.cells.dropFirst(ci).first?.value ?? nil)
        }
        return outcome(ri, facts)
    }

    /// The classified conditions of a program's rules.
    package static func classify(_ program: Program) -> [ExprFacts] {
        var c = ExprClassifier(program: program)
        return program.policy.rules.map { c.classify($0.condition) }
    }

    /// The partition for one or more programs' classified rules.
    package static func partition(_ parts: [(Program, [ExprFacts])]) -> DomainPartition {
        var slots: Set<Int> = []
        var constants: [Int: [Value]] = [:]
        var schema = Schema.builtIn
        for (p, fs) in parts {
            schema = p.schema
            for f in fs {
                slots.formUnion(f.slots)
                for (s, cs) in f.constants { constants[s, default: []] += cs }
            }
        }
        return DomainPartition(schema: schema, slots: slots, constants: constants)
    }

    /// An empty fact vector.
    package var emptyFacts: [Value?] { [Value?](repeating: nil, count: program.schema.facts.count) }

    /// Sets the facts of a grid cell.
    package func fill(_ facts: inout [Value?], _ slots: [Int], _ cells: [Int]) {
        for (i, slot) in slots.enumerated() where i < cells.count && slot >= 0 && slot < facts.count {
            facts[slot] = domains.domain(slot)?.cells.dropFirst(cells[i]).first?.value ?? nil
        }
    }

    /// The outcome of a rule on a device (the real reference evaluator, a fresh state).
    package func outcome(_ ri: Int, _ facts: [Value?]) -> RuleOutcome {
        let rules = program.policy.rules
        guard ri >= 0, ri < rules.count else { return .no }
        var state = EvalState(facts: facts, limits: program.engine.limits.evalLimits)
        switch program.evaluator.evaluate(rules[ri].condition, &state) {
        case .success(.bool(true)): return .fire
        case .success(.bool(false)): return .no
        default: return .error
        }
    }

    /// A rule's outcome on every cell of its own grid (nil when the grid is over the limit).
    package func outcomes(_ ri: Int) -> [RuleOutcome]? {
        guard ri >= 0, ri < rules.count else { return nil }
        let grid = CellGrid(slots: rules[ri].slots, domains: domains, limit: cellLimit)
        guard let n = grid.count else { return nil }
        var facts = emptyFacts
        var out: [RuleOutcome] = []
        out.reserveCapacity(n)
        for k in 0..<n {
            fill(&facts, grid.slots, grid.cell(k))
            out.append(outcome(ri, facts))
        }
        return out
    }

    /// The facts JSON of a device given as cell indices by slot (missing facts left out).
    package func deviceJSON(_ cells: [Int: Int]) -> String {
        var parts: [String] = []
        for slot in cells.keys.sorted() {
            guard let ci = cells[slot], let d = domains.domain(slot), let cell = d.cells.dropFirst(ci).first,
                let v = cell.value
            else { continue }
            parts.append("\(JSONWriter.quoted(d.name)):\(AnalysisContext.json(v))")
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// A device's facts by name (missing facts left out).
    package func deviceValues(_ cells: [Int: Int]) -> [String: Value] {
        var out: [String: Value] = [:]
        for (slot, ci) in cells {
            guard let d = domains.domain(slot), let v = d.cells.dropFirst(ci).first?.value ?? nil else { continue }
            out[d.name] = v
        }
        return out
    }

    /// A value as facts JSON.
    package static func json(_ v: Value) -> String {
        switch v {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return String(d)
        case .string(let s): return JSONWriter.quoted(s)
        case .enumMember(let e, let o): return JSONWriter.quoted(e.member(at: o))
        case .version(let ver): return JSONWriter.quoted(ver.text)
        case .date(let d): return JSONWriter.quoted(d.description)
        case .list(let items): return "[" + items.map(json).joined(separator: ",") + "]"
        default: return "null"
        }
    }

    /// Where a rule is: `line 3` or `a.warden:3`.
    package func location(_ ri: Int) -> String {
        guard ri >= 0, ri < program.policy.rules.count else { return "?" }
        let r = program.policy.rules[ri]
        return r.file.map { "\($0):\(r.line)" } ?? "line \(r.line)"
    }

    /// `rule "name"` (or `rule#3`).
    package func ruleName(_ ri: Int) -> String {
        guard ri >= 0, ri < program.policy.rules.count else { return "?" }
        let r = program.policy.rules[ri]
        return r.isNamed ? "rule \(ValuePrinter.quote(r.name))" : r.name
    }
}

/// A search for a device whose rule outcomes meet constraints, over the cells of the facts the
/// constrained rules read; facts no constrained rule reads stay missing.
package struct WitnessSearch {
    /// A rule and the outcomes allowed for it (a bit set of `RuleOutcome`).
    package struct Constraint: Sendable {
        package var rule: Int
        package var allowed: UInt8
        package var context: Int

        package init(rule: Int, allowed: UInt8, context: Int = 0) {
            self.rule = rule
            self.allowed = allowed
            self.context = context
        }
    }

    /// The answer.
    package enum Result: Sendable {
        /// A device: cell index by slot.
        case found([Int: Int])
        /// No device of the cells meets the constraints.
        case none
        /// The budget ran out first.
        case unknown
    }

    let contexts: [AnalysisContext]
    /// Evaluations left.
    package var budget: Int
    /// The last search plan: for these preset facts and constraints.
    var plan: (keys: [Int], signature: [[Int]], order: [Int], checks: [[Constraint]])?

    package init(contexts: [AnalysisContext], budget: Int) {
        self.contexts = contexts
        self.budget = budget
    }

    /// Finds a device with `preset` cells that meets every constraint.
    package mutating func find(preset: [Int: Int], _ constraints: [Constraint]) -> Result {
        let keys = preset.keys.sorted()
        let signature = constraints.map { [$0.rule, $0.context, Int($0.allowed)] }
        let order: [Int]
        let checks: [[Constraint]]
        if let p = plan, p.keys == keys, p.signature == signature {
            (order, checks) = (p.order, p.checks)
        } else {
            (order, checks) = prepare(preset, constraints)
            plan = (keys, signature, order, checks)
        }
        guard let first = contexts.first else { return .none }
        var cellOf = [Int](repeating: -1, count: first.program.schema.facts.count)
        for (slot, ci) in preset where slot >= 0 && slot < cellOf.count { cellOf[slot] = ci }
        guard meets(checks.first ?? [], cellOf) else { return budget < 0 ? .unknown : .none }
        var exhausted = false
        if search(0, order, checks, &cellOf, &exhausted) {
            var out = preset
            for slot in order where slot >= 0 && slot < cellOf.count && cellOf[slot] >= 0 { out[slot] = cellOf[slot] }
            return .found(out)
        }
        return exhausted ? .unknown : .none
    }

    /// The variables in search order and the constraints checked after each (the plan depends
    /// only on which facts are preset and on the constraints, so cells of one grid share it).
    func prepare(_ preset: [Int: Int], _ constraints: [Constraint]) -> ([Int], [[Constraint]]) {
        // Variables: the constrained rules' facts not preset, the most shared first.
        var uses: [Int: Int] = [:]
        for c in constraints {
            guard let ctx = contexts.dropFirst(c.context).first, let r = ctx.rules.dropFirst(c.rule).first else {
                continue
            }
            for s in r.slots where preset[s] == nil { uses[s, default: 0] += 1 }
        }
        let order = uses.keys.sorted { (uses[$0] ?? 0, -$0) > (uses[$1] ?? 0, -$1) }
        var position: [Int: Int] = [:]
        for (i, s) in order.enumerated() { position[s] = i }
        // Each constraint is checked once, when its last variable is assigned (-1: at the start).
        var checks = [[Constraint]](repeating: [], count: order.count + 1)
        var placed: [Int: [Constraint]] = [:]
        for c in constraints {
            guard let ctx = contexts.dropFirst(c.context).first, let r = ctx.rules.dropFirst(c.rule).first else {
                continue
            }
            let at = r.slots.compactMap { position[$0] }.max() ?? -1
            placed[at + 1, default: []].append(c)
        }
        checks = checks.indices.map { placed[$0] ?? [] }
        return (order, checks)
    }

    mutating func meets(_ cs: [Constraint], _ cellOf: [Int]) -> Bool {
        for c in cs {
            guard let ctx = contexts.dropFirst(c.context).first else { continue }
            budget -= 1
            if budget < 0 { return false }
            if ctx.lookup(c.rule, cellOf).bit & c.allowed == 0 { return false }
        }
        return true
    }

    mutating func search(
        _ depth: Int, _ order: [Int], _ checks: [[Constraint]], _ cellOf: inout [Int], _ exhausted: inout Bool
    ) -> Bool {
        guard let slot = order.dropFirst(depth).first else { return true }
        guard let first = contexts.first, let domain = first.domains.domain(slot), slot >= 0, slot < cellOf.count
        else { return false }
        let here = checks.dropFirst(depth + 1).first ?? []
        for ci in domain.cells.indices {
            if budget <= 0 {
                exhausted = true
                return false
            }
            cellOf[slot] = ci
            if meets(here, cellOf) && search(depth + 1, order, checks, &cellOf, &exhausted) { return true }
            if budget < 0 {
                exhausted = true
                return false
            }
        }
        cellOf[slot] = -1
        return false
    }
}
