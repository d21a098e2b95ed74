import Warden

/// What decided one cell: the action, and the rule that gave it.
public struct GridVerdict: Sendable, Hashable {
    /// The decision's action.
    public let action: Action
    /// The deciding rule: the first fired rule (in source order) whose action is the decision's,
    /// else the first rule whose error applied that action through `onError`; nil when no rule did
    /// (nothing fired: `allow`).
    public let rule: String?
    /// Whether the deciding rule decided through its error (`onError`), not by firing.
    public let byError: Bool
    /// Every fired rule, in source order.
    public let fired: [String]

    /// The verdict of a decision.
    public init(_ d: Decision) {
        action = d.action
        fired = d.fired.map(\.name)
        if let f = d.fired.first(where: { $0.action == d.action }) {
            rule = f.name
            byError = false
        } else if let e = d.errors.lazy.compactMap({ e -> String? in
            if case .rule(let name, _, _, let a, _) = e, a == d.action { return name }
            return nil
        }).first {
            rule = e
            byError = true
        } else {
            rule = nil
            byError = false
        }
    }
}

/// One cell of the grid: the decision for its row's and column's representative values.
public struct GridCell: Sendable, Hashable {
    /// The decision of the policy.
    public let verdict: GridVerdict
    /// With `--diff`: the decision of the old policy.
    public let old: GridVerdict?
    /// The device evaluated: the given facts plus the two axis facts, as a facts JSON object.
    public let device: String

    /// Whether the old policy decides this cell with another action.
    public var changed: Bool { old.map { $0.action != verdict.action } ?? false }
}

/// The decision over two facts: one cell per pair of bands, each evaluated by the real engine.
public struct DecisionGrid: Sendable {
    /// The fact down the side.
    public let rows: MatrixAxis
    /// The fact across the top.
    public let columns: MatrixAxis
    /// `cells[r][c]`: row band `r`, column band `c`.
    public let cells: [[GridCell]]
    /// Whether the cells carry the old policy's decision (`--diff`).
    public let isDiff: Bool

    /// The number of cells whose action changes from the old policy.
    public var changedCount: Int { cells.reduce(0) { $0 + $1.filter(\.changed).count } }

    /// Builds the grid.
    /// - Parameters:
    ///   - program: the policy.
    ///   - old: with `--diff`, the old policy (the axes split at both policies' constants).
    ///   - rows: the fact down the side; `columns`: the fact across the top (two different facts).
    ///   - given: the other facts of every cell (read with `program`'s schema); nil for none.
    ///   - missing: add a `missing` band to each axis (the fact is not given).
    ///   - today: the `today` fact where `given` does not give it, and the value of an unsplit date axis.
    public static func make(
        program: Program, old: Program? = nil, rows: String, columns: String, given: Input? = nil,
        missing: Bool = false, today: Value.Day
    ) -> Result<DecisionGrid, MatrixError> {
        guard rows != columns else {
            return .failure(
                MatrixError(.badAxis, "the rows and the columns are both `\(rows)`; choose two different facts"))
        }
        let programs = [program] + (old.map { [$0] } ?? [])
        let schema = program.schema
        var base = given ?? program.input([:])
        base.setIfMissing("today", .date(today), in: schema)
        let rowAxis: MatrixAxis
        let colAxis: MatrixAxis
        switch MatrixAxis.make(
            fact: rows, programs: programs, missing: missing, anyDate: today, given: base, other: columns)
        {
        case .failure(let e): return .failure(e)
        case .success(let a): rowAxis = a
        }
        switch MatrixAxis.make(
            fact: columns, programs: programs, missing: missing, anyDate: today, given: base, other: rows)
        {
        case .failure(let e): return .failure(e)
        case .success(let a): colAxis = a
        }
        guard let rowSlot = schema.slot(ofFact: rows), let colSlot = schema.slot(ofFact: columns) else {
            return .failure(MatrixError(.badAxis, "unknown fact `\(rows)` or `\(columns)`"))
        }
        var cells: [[GridCell]] = []
        var decision = Decision()
        for rb in rowAxis.bands {
            var line: [GridCell] = []
            for cb in colAxis.bands {
                var input = base
                input.set(slot: rowSlot, rb.value)
                input.set(slot: colSlot, cb.value)
                program.evaluate(input, into: &decision)
                let now = GridVerdict(decision)
                var before: GridVerdict?
                if let old {
                    old.evaluate(input, into: &decision)
                    before = GridVerdict(decision)
                }
                line.append(GridCell(verdict: now, old: before, device: MatrixFacts.object(input, schema: schema)))
            }
            cells.append(line)
        }
        return .success(DecisionGrid(rows: rowAxis, columns: colAxis, cells: cells, isDiff: old != nil))
    }
}

/// Facts JSON (CLI.md "Facts JSON") for the grid's devices and band values.
public enum MatrixFacts {
    /// A value as it is written in facts JSON: enum members, versions and dates as strings.
    public static func json(_ v: Value) -> String {
        switch v {
        case .enumMember(let e, let o): JSONWriter.quoted(e.member(at: o))
        case .version(let ver): JSONWriter.quoted(ver.text)
        case .date(let d): JSONWriter.quoted(d.description)
        case .string(let s): JSONWriter.quoted(s)
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .uint(let u): String(u)
        case .double(let d): d.isFinite ? ValuePrinter.display(.double(d)) : "null"
        case .list(let items): "[" + items.map(json).joined(separator: ", ") + "]"
        default: "null"
        }
    }

    /// The present facts of an input as one JSON object, in schema order.
    public static func object(_ input: Input, schema: Schema) -> String {
        var parts: [String] = []
        for f in schema.facts {
            if let v = input.fact(f.name, in: schema) { parts.append(JSONWriter.quoted(f.name) + ": " + json(v)) }
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
