import Warden

// The constants a policy's rules compare one fact with: where `warden matrix` splits an axis.
// The walk reads the checked rule conditions (and the `let`s they use, inlined), finds relations
// (`==`, `<`, `in`, ...) and string tests (`startsWith`, ...) with the fact on one side and a
// constant on the other, and evaluates the constant side with the program's own evaluator over the
// facts fixed in every cell of the grid (the given ones; the axes' facts are left out, so a side
// that reads them is never taken for a constant). `daysBetween(x, t) op n` cuts the date `x` at
// `t - n`.

/// One place where an ordered axis (int, version, date) is cut: just below a value (`x < c`,
/// `x >= c`) or just above it (`x > c`, `x <= c`); an equality cuts on both sides.
struct AxisCut: Sendable {
    var value: Value
    /// `false`: the cut lies just below `value` (it belongs to the band above); `true`: just above.
    var after: Bool
}

/// What the rules compare a fact with.
struct SplitPoints: Sendable {
    /// Cuts of an ordered fact, in source order (duplicates included).
    var cuts: [AxisCut] = []
    /// Constants a string fact, or the elements of a list fact, is compared with, in source order.
    var strings: [String] = []
}

/// Collects the split points of one fact in one program.
struct SplitCollector {
    let program: Program
    let fact: String
    let type: WardenType
    private var lets: [String: Int] = [:]
    private var letFacts: [Int: Set<String>] = [:]
    private var walkedLets: Set<Int> = []
    private(set) var points = SplitPoints()
    private var seenStrings: Set<String> = []
    private let factNames: Set<String>

    /// The facts fixed in every cell (the given ones), with the axes' slots empty.
    private let known: [Value?]
    /// The facts that vary across the grid: this axis's and the other's.
    private let varying: Set<String>

    init(program: Program, fact: String, type: WardenType, known: [Value?], other: String?) {
        self.program = program
        self.fact = fact
        self.type = type
        for (i, l) in program.policy.lets.enumerated() where lets[l.name] == nil { lets[l.name] = i }
        factNames = Set(program.schema.facts.map(\.name))
        var k = known
        k.removeAll(keepingCapacity: true)
        for (i, v) in known.enumerated() where i < program.schema.facts.count {
            let name = program.schema.facts[i].name
            k.append(name == fact || name == other ? nil : v)
        }
        while k.count < program.schema.facts.count { k.append(nil) }
        self.known = k
        self.varying = Set([fact] + (other.map { [$0] } ?? []))
    }

    /// The split points of `fact` in every rule of the program. `known`: the facts fixed in every
    /// cell by slot (a comparison with one of them is a comparison with a constant in the grid);
    /// `other`: the other axis's fact, which is not fixed.
    static func collect(_ program: Program, fact: String, type: WardenType, known: [Value?] = [], other: String? = nil)
        -> SplitPoints
    {
        var c = SplitCollector(program: program, fact: fact, type: type, known: known, other: other)
        for rule in program.policy.rules { c.walk(rule.condition, aliases: []) }
        return c.points
    }

    // MARK: - Walking

    /// Visits every node; `aliases` are comprehension variables that range over the fact's elements.
    private mutating func walk(_ e: Expr, aliases: Set<String>) {
        switch e.kind {
        case .literal: break
        case .ident(let name):
            if !aliases.contains(name), let li = lets[name], walkedLets.insert(li).inserted,
                li < program.policy.lets.count
            {
                walk(program.policy.lets[li].expr, aliases: [])
            }
        case .select(let x, _, _): walk(x, aliases: aliases)
        case .call(_, let target, let args, _):
            if let target { walk(target, aliases: aliases) }
            // The built-in the checker resolved the call to (a host function has none).
            let builtin = program.policy.resolutions.calls[e.id]
            var inner = aliases
            if let target, builtin?.isComprehension == true, args.count >= 2,
                let v0 = args.first, case .ident(let v) = v0.kind, references(target, aliases: aliases)
            {
                inner.insert(v)  // `tags.exists(t, t == "BYOD")`: `t` stands for the fact's elements
            }
            for a in args { walk(a, aliases: inner) }
            if let target, let builtin, Self.stringTests.contains(builtin), args.count == 1,
                references(target, aliases: aliases), let a0 = args.first, let c = constant(a0, aliases: aliases)
            {
                record(c, op: .equal, direct: false)
            }
        case .index(let a, let b):
            walk(a, aliases: aliases)
            walk(b, aliases: aliases)
        case .list(let items): for x in items { walk(x, aliases: aliases) }
        case .map(let entries):
            for en in entries {
                walk(en.key, aliases: aliases)
                walk(en.value, aliases: aliases)
            }
        case .unary(_, let x): walk(x, aliases: aliases)
        case .binary(let first, let links):
            walk(first, aliases: aliases)
            for l in links { walk(l.rhs, aliases: aliases) }
            relations(first, links, aliases: aliases)
        case .and(let xs), .or(let xs): for x in xs { walk(x, aliases: aliases) }
        case .conditional(let a, let b, let c):
            walk(a, aliases: aliases)
            walk(b, aliases: aliases)
            walk(c, aliases: aliases)
        }
    }

    static let stringTests: Set<BuiltinID> = [.startsWith, .endsWith, .contains]

    /// The first relation of a chain `first op1 e1 op2 e2 ...`: it compares the fold so far (the
    /// arithmetic before it) with its operand. A later relation compares a boolean, which splits
    /// nothing (booleans are enumerated), and skipping it keeps a long chain linear.
    private mutating func relations(_ first: Expr, _ links: [ChainLink], aliases: Set<String>) {
        guard let k = links.firstIndex(where: { $0.op.isRelation }), let link = links.dropFirst(k).first else {
            return
        }
        var lhs = first
        if k > 0 {
            // The fold so far, as a node of its own (no side-table entry: the evaluator computes it).
            lhs.id = -1
            lhs.kind = .binary(first, Array(links.prefix(k)))
        }
        let direct = k == 0 && isFact(first, aliases: aliases)
        if k == 0, let (t, sign) = daysBetween(first, aliases: aliases),
            let c = constant(link.rhs, aliases: aliases)
        {
            dateCut(t, sign, c, link.op)
        } else if k == 0, let (t, sign) = daysBetween(link.rhs, aliases: aliases),
            let c = constant(first, aliases: aliases)
        {
            dateCut(t, sign, c, Self.mirrored(link.op))
        } else if references(lhs, aliases: aliases), !references(link.rhs, aliases: aliases),
            let c = constant(link.rhs, aliases: aliases)
        {
            record(c, op: link.op, direct: direct)
        } else if references(link.rhs, aliases: aliases), !references(lhs, aliases: aliases),
            let c = constant(lhs, aliases: aliases)
        {
            // `c op x` is `x op' c` with the comparison mirrored; `c in x` tests membership.
            record(c, op: Self.mirrored(link.op), direct: isFact(link.rhs, aliases: aliases))
        }
    }

    /// `daysBetween(x, t)` (sign -1: `t - x` days) or `daysBetween(t, x)` (sign +1: `x - t`) with
    /// the date fact `x` itself and `t` a date fixed in the grid (a constant, `today`, a given fact).
    private mutating func daysBetween(_ e: Expr, aliases: Set<String>) -> (Day, Int)? {
        guard type == .date, program.policy.resolutions.calls[e.id] == .daysBetween,
            case .call(_, nil, let args, _) = e.kind, args.count == 2,
            let a = args.first, let b = args.last
        else { return nil }
        if isFact(a, aliases: aliases), case .date(let t)? = constant(b, aliases: aliases) { return (t, -1) }
        if isFact(b, aliases: aliases), case .date(let t)? = constant(a, aliases: aliases) { return (t, 1) }
        return nil
    }

    /// Cuts a date fact where `daysBetween(...) op n` changes: `t - x op n` is `x op' t - n` (the
    /// comparison mirrored), `x - t op n` is `x op t + n`.
    private mutating func dateCut(_ t: Day, _ sign: Int, _ n: Value, _ op: BinaryOp) {
        guard case .int(let days) = n, days > -4_000_000, days < 4_000_000 else { return }
        let d = Day(daysSinceEpoch: t.daysSinceEpoch + (sign < 0 ? -Int(days) : Int(days)))
        cut(.date(d), op: sign < 0 ? Self.mirrored(op) : op, direct: true)
    }

    static func mirrored(_ op: BinaryOp) -> BinaryOp {
        switch op {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        default: op
        }
    }

    // MARK: - Recording

    /// Records a constant the fact is compared with. `direct`: the fact itself is the operand (not
    /// `lower(x)` or `x + 1`), so the comparison's direction tells on which side of `c` the cut lies.
    private mutating func record(_ c: Value, op: BinaryOp, direct: Bool) {
        switch (type, c) {
        case (.string, .string(let s)), (.list(.string), .string(let s)):
            if seenStrings.insert(s).inserted { points.strings.append(s) }
        case (.string, .list(let items)), (.list(.string), .list(let items)):
            for case .string(let s) in items where seenStrings.insert(s).inserted { points.strings.append(s) }
        case (.int, .int), (.version, .version), (.date, .date):
            cut(c, op: op, direct: direct)
        case (.int, .list(let items)), (.version, .list(let items)), (.date, .list(let items)):
            for v in items { cut(v, op: .equal, direct: direct) }
        case (.int, .uint(let u)):
            if u <= UInt64(Int64.max) { cut(.int(Int64(u)), op: op, direct: false) }
        case (.int, .double(let d)):
            // `x > 720.5`: the integers on both sides of the constant bound the bands.
            if let lo = Int64(exactly: d.rounded(.down)) {
                cut(.int(lo), op: .equal, direct: false)
                if Double(lo) != d, lo < Int64.max { cut(.int(lo + 1), op: .equal, direct: false) }
            }
        default: break
        }
    }

    private mutating func cut(_ c: Value, op: BinaryOp, direct: Bool) {
        guard direct else {
            points.cuts.append(AxisCut(value: c, after: false))
            points.cuts.append(AxisCut(value: c, after: true))
            return
        }
        switch op {
        case .less, .greaterEqual: points.cuts.append(AxisCut(value: c, after: false))
        case .greater, .lessEqual: points.cuts.append(AxisCut(value: c, after: true))
        default:
            points.cuts.append(AxisCut(value: c, after: false))
            points.cuts.append(AxisCut(value: c, after: true))
        }
    }

    // MARK: - Facts and constants

    /// Whether the expression is the fact itself (or a comprehension variable over its elements).
    private func isFact(_ e: Expr, aliases: Set<String>) -> Bool {
        guard case .ident(let name) = e.kind else { return false }
        return name == fact || aliases.contains(name)
            || (lets[name].map { li in
                li < program.policy.lets.count && isFact(program.policy.lets[li].expr, aliases: [])
            } ?? false)
    }

    /// Whether the expression reads the fact (through `let`s too).
    private mutating func references(_ e: Expr, aliases: Set<String>) -> Bool {
        facts(in: e, aliases: aliases).contains(fact)
    }

    /// The facts an expression reads (aliases count as the fact).
    private mutating func facts(in e: Expr, aliases: Set<String>) -> Set<String> {
        switch e.kind {
        case .literal: return []
        case .ident(let name):
            if aliases.contains(name) { return [fact] }
            if let li = lets[name], li < program.policy.lets.count {
                if let known = letFacts[li] { return known }
                let found = facts(in: program.policy.lets[li].expr, aliases: [])
                letFacts[li] = found
                return found
            }
            return factNames.contains(name) ? [name] : []
        case .select(let x, _, _): return facts(in: x, aliases: aliases)
        case .call(_, let target, let args, _):
            var s = target.map { facts(in: $0, aliases: aliases) } ?? []
            for a in args { s.formUnion(facts(in: a, aliases: aliases)) }
            return s
        case .index(let a, let b): return facts(in: a, aliases: aliases).union(facts(in: b, aliases: aliases))
        case .list(let items):
            return items.reduce(into: Set<String>()) { $0.formUnion(facts(in: $1, aliases: aliases)) }
        case .map(let entries):
            return entries.reduce(into: Set<String>()) {
                $0.formUnion(facts(in: $1.key, aliases: aliases))
                $0.formUnion(facts(in: $1.value, aliases: aliases))
            }
        case .unary(_, let x): return facts(in: x, aliases: aliases)
        case .binary(let first, let links):
            return links.reduce(into: facts(in: first, aliases: aliases)) {
                $0.formUnion(facts(in: $1.rhs, aliases: aliases))
            }
        case .and(let xs), .or(let xs):
            return xs.reduce(into: Set<String>()) { $0.formUnion(facts(in: $1, aliases: aliases)) }
        case .conditional(let a, let b, let c):
            return facts(in: a, aliases: aliases).union(facts(in: b, aliases: aliases)).union(
                facts(in: c, aliases: aliases))
        }
    }

    /// The value of a side that reads neither axis's fact, by the program's evaluator on the facts
    /// fixed in every cell; nil when it reads an axis fact or a comprehension variable, or fails
    /// (a fact neither axis nor given is missing there).
    private mutating func constant(_ e: Expr, aliases: Set<String>) -> Value? {
        guard facts(in: e, aliases: aliases).isDisjoint(with: varying) else { return nil }
        var state = EvalState(facts: known, limits: program.engine.limits.evalLimits)
        if case .success(let v) = program.evaluator.evaluate(e, &state) { return v }
        return nil
    }
}
