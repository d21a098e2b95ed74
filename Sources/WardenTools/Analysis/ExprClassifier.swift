import Warden

// What the analysis knows of one rule condition: the facts it reads (through `let`s too), the
// constants it compares them with (the split points), and the constructs it cannot treat exactly.
//
// An expression is "cell-determined" when its value is the same for every device of one cell of
// the fact domains (Domains.swift): enums and booleans are enumerated, so reading them is; a raw
// integer, version, date, string or list fact is not, but comparing it with a constant is (the
// constant is one of the split points). Anything else (regex, macros over lists, arithmetic on
// facts, comparisons between two split facts, host functions) is not, and is named: the analysis
// then answers "may", never a wrong "never" or "always".

/// The facts, split constants and inexact constructs of an expression (with `let`s inlined).
package struct ExprFacts: Sendable {
    /// The fact slots it reads (`has()` included).
    package var slots: Set<Int> = []
    /// Constructs it cannot analyse exactly, named for the user (empty: exact).
    package var inexact: [String] = []
    /// Constants compared with each split fact (ints, versions, dates, strings, list members).
    package var constants: [Int: [Value]] = [:]

    /// Whether the analysis of the expression is exact.
    package var isExact: Bool { inexact.isEmpty }

    mutating func merge(_ o: ExprFacts) {
        slots.formUnion(o.slots)
        for n in o.inexact where !inexact.contains(n) { inexact.append(n) }
        for (s, cs) in o.constants { constants[s, default: []] += cs }
    }

    mutating func note(_ what: String) {
        if !inexact.contains(what) { inexact.append(what) }
    }
}

/// Classifies the expressions of one compiled policy.
package struct ExprClassifier {
    enum Shape: Equatable {
        /// Known at compile time.
        case constant
        /// The same value on every device of a cell.
        case cell
        /// A split fact read as is (its value varies within a cell).
        case raw(Int)
        /// Not analysed exactly.
        case inexact
    }

    let program: Program
    let schema: Schema
    private var letMemo: [Int: (Shape, ExprFacts)] = [:]

    /// A classifier over a program's checked policy.
    package init(program: Program) {
        self.program = program
        self.schema = program.schema
    }

    /// The facts of a rule condition: exact when its top level is cell-determined.
    package mutating func classify(_ e: Expr) -> ExprFacts {
        var info = ExprFacts()
        let s = shape(e, &info)
        switch s {
        case .constant, .cell: break
        case .raw(let slot): info.note("the value of `\(factName(slot))` used as a condition")
        case .inexact: if info.inexact.isEmpty { info.note("an expression it cannot split") }
        }
        return info
    }

    /// A constant expression's value (nil when it errs).
    package func constantValue(_ e: Expr) -> Value? {
        var state = EvalState(facts: [Value?](repeating: nil, count: schema.facts.count))
        switch program.evaluator.evaluate(e, &state) {
        case .success(let v): return v
        case .failure: return nil
        }
    }

    func factName(_ slot: Int) -> String {
        slot >= 0 && slot < schema.facts.count ? schema.facts[slot].name : "#\(slot)"
    }

    func factType(_ slot: Int) -> WardenType {
        slot >= 0 && slot < schema.facts.count ? schema.facts[slot].type : .dyn
    }

    /// Whether the domain of a fact is enumerated whole (booleans and enums).
    func isEnumerated(_ slot: Int) -> Bool {
        switch factType(slot) {
        case .bool, .enumeration: true
        default: false
        }
    }

    mutating func letShape(_ i: Int, _ info: inout ExprFacts) -> Shape {
        if let (s, f) = letMemo[i] {
            info.merge(f)
            return s
        }
        let lets = program.policy.lets
        guard i >= 0, i < lets.count else {
            info.note("an unknown `let`")
            return .inexact
        }
        var f = ExprFacts()
        let s = shape(lets[i].expr, &f)
        letMemo[i] = (s, f)
        info.merge(f)
        return s
    }

    mutating func shape(_ e: Expr, _ info: inout ExprFacts) -> Shape {
        if let r = program.policy.resolutions[e.id] {
            switch r {
            case .constant: return .constant
            case .fact(let slot):
                info.slots.insert(slot)
                return isEnumerated(slot) ? .cell : .raw(slot)
            case .hasFact(let slot):
                info.slots.insert(slot)
                return .cell
            case .letValue(let i): return letShape(i, &info)
            case .variable(let n):
                info.note("the comprehension variable `\(n)`")
                return .inexact
            case .hostFunction:
                if case .call(let name, let target, let args, _) = e.kind {
                    if let t = target { _ = shape(t, &info) }
                    for a in args { _ = shape(a, &info) }
                    info.note("the host function `\(name)`")
                } else {
                    info.note("a host function")
                }
                return .inexact
            }
        }
        switch e.kind {
        case .literal: return .constant
        case .ident(let n):
            info.note("the name `\(n)`")
            return .inexact
        case .select(let operand, let field, _):
            if shape(operand, &info) == .constant { return .constant }
            info.note("the field selection `.\(field)`")
            return .inexact
        case .call(let name, let target, let args, _):
            var all: [Shape] = []
            if let t = target { all.append(shape(t, &info)) }
            // The built-in the checker resolved the call to. A macro's first argument binds its
            // variable: not an expression.
            let builtin = program.policy.resolutions.calls[e.id]
            let isMacro = target != nil && builtin?.isComprehension == true && args.first.map(Self.isIdent) == true
            for a in isMacro ? Array(args.dropFirst()) : args { all.append(shape(a, &info)) }
            if all.allSatisfy({ $0 == .constant }) { return .constant }
            if builtin == .matches {
                info.note("the regex `matches`")
            } else if isMacro {
                info.note("the macro `\(name)` over a list")
            } else {
                info.note("the function `\(name)`")
            }
            return .inexact
        case .index(let a, let b):
            if shape(a, &info) == .constant && shape(b, &info) == .constant { return .constant }
            info.note("indexing")
            return .inexact
        case .list(let items):
            let shapes = items.map { shape($0, &info) }
            if shapes.allSatisfy({ $0 == .constant }) { return .constant }
            info.note("a list built from facts")
            return .inexact
        case .map(let entries):
            var allConstant = true
            for entry in entries {
                if shape(entry.key, &info) != .constant { allConstant = false }
                if shape(entry.value, &info) != .constant { allConstant = false }
            }
            if allConstant { return .constant }
            info.note("a map built from facts")
            return .inexact
        case .unary(let op, let x):
            let s = shape(x, &info)
            switch s {
            case .constant: return .constant
            case .cell: return .cell
            case .raw(let slot):
                info.note(
                    op == .negate ? "arithmetic on `\(factName(slot))`" : "`\(op.rawValue)` of `\(factName(slot))`")
                return .inexact
            case .inexact: return .inexact
            }
        case .binary(let first, let links):
            var cur = shape(first, &info)
            var curExpr: Expr? = first
            for link in links {
                let rhs = shape(link.rhs, &info)
                cur = combine(cur, curExpr, link.op, rhs, link.rhs, &info)
                curExpr = nil
            }
            return cur
        case .and(let xs), .or(let xs):
            return logical(xs.map { shape($0, &info) }, &info)
        case .conditional(let c, let a, let b):
            return logical([shape(c, &info), shape(a, &info), shape(b, &info)], &info)
        }
    }

    static func isIdent(_ e: Expr) -> Bool {
        if case .ident = e.kind { return true }
        return false
    }

    func logical(_ shapes: [Shape], _ info: inout ExprFacts) -> Shape {
        if shapes.contains(.inexact) { return .inexact }
        for s in shapes {
            if case .raw(let slot) = s {
                info.note("the value of `\(factName(slot))` used directly")
                return .inexact
            }
        }
        return shapes.allSatisfy { $0 == .constant } ? .constant : .cell
    }

    /// One step of a left-associative chain. `lhsExpr` is the left operand when it is a single
    /// expression (the first link), nil for an already folded left side.
    func combine(_ lhs: Shape, _ lhsExpr: Expr?, _ op: BinaryOp, _ rhs: Shape, _ rhsExpr: Expr, _ info: inout ExprFacts)
        -> Shape
    {
        if lhs == .inexact || rhs == .inexact { return .inexact }
        if lhs == .constant && rhs == .constant { return lhsExpr == nil ? .inexact : .constant }
        guard op.isRelation else {
            // Arithmetic: between cell-determined values it stays so; on a raw fact it does not.
            for s in [lhs, rhs] {
                if case .raw(let slot) = s {
                    info.note("arithmetic on `\(factName(slot))`")
                    return .inexact
                }
            }
            return .cell
        }
        switch (lhs, rhs) {
        case (.raw(let a), .raw(let b)):
            info.note("a comparison between the facts `\(factName(a))` and `\(factName(b))`")
            return .inexact
        case (.raw(let slot), .constant):
            return split(slot, op, rhsExpr, factOnLeft: true, &info)
        case (.constant, .raw(let slot)):
            guard let l = lhsExpr else {
                info.note("constant arithmetic compared with `\(factName(slot))`")
                return .inexact
            }
            return split(slot, op, l, factOnLeft: false, &info)
        case (.raw(let slot), _), (_, .raw(let slot)):
            info.note("a comparison of `\(factName(slot))` with a computed value")
            return .inexact
        default:
            return .cell
        }
    }

    /// `fact op constant` (or `constant op fact`): records the split points.
    func split(_ slot: Int, _ op: BinaryOp, _ constExpr: Expr, factOnLeft: Bool, _ info: inout ExprFacts) -> Shape {
        let name = factName(slot)
        guard let value = constantValue(constExpr) else {
            // A constant that errs makes the comparison err on every device: cell-determined.
            return .cell
        }
        let type = factType(slot)
        if op == .in {
            if factOnLeft {
                guard case .list(let items) = value else { return .cell }
                for item in items {
                    guard Self.fits(item, type) else {
                        info.note("`\(name) in` a list of other types")
                        return .inexact
                    }
                }
                info.constants[slot, default: []] += items
                return .cell
            }
            guard case .list(.string) = type, case .string = value else {
                info.note("membership in the fact `\(name)`")
                return .inexact
            }
            info.constants[slot, default: []].append(value)
            return .cell
        }
        switch type {
        case .int, .version, .date:
            guard Self.fits(value, type) else {
                info.note("a comparison of `\(name)` with a `\(value.type)`")
                return .inexact
            }
        case .string:
            guard op == .equal || op == .notEqual else {
                info.note("the ordering of the string fact `\(name)`")
                return .inexact
            }
            guard Self.fits(value, type) else { return .cell }
        default:
            info.note("a comparison of the `\(type)` fact `\(name)`")
            return .inexact
        }
        info.constants[slot, default: []].append(value)
        return .cell
    }

    static func fits(_ v: Value, _ t: WardenType) -> Bool {
        switch (v, t) {
        case (.int, .int), (.version, .version), (.date, .date), (.string, .string): true
        case (.string, .list(.string)): true
        default: false
        }
    }
}
