// The instrumented walk behind `Program.explain(_:)`: a rule's condition is evaluated again over
// its boolean structure (`&&`, `||`, `!`, `?:`, the `let`s it names), with the same short-circuit
// and error semantics as the reference evaluator, and every leaf (a comparison, a fact, a call) is
// evaluated by the reference evaluator itself. Only the operands that decided the result are kept:
// for an `&&` that is false, the false operand; for one that is true, every operand; for one that
// erred, the operand whose error it gave.
//
// INVARIANT: the walk recurses on the condition's boolean structure only, at most `maxDepth` deep
// (deeper, the rest is one leaf for the evaluator, whose recursion the parser and LetDepth bound);
// the facts of a leaf are gathered with an explicit work list, never recursion. Every node walked
// is charged to the engine's limits; a limit ends the walk and marks the evidence incomplete.

/// Walks rules for their evidence, over one device (one state: `let`s are computed once).
struct EvidenceRecorder {
    let program: Program
    let evaluator: Evaluator
    var state: EvalState
    /// Set when a limit was reached: the rest of the explanation is not computed.
    var aborted = false

    /// How deep the walk follows the boolean structure before handing the rest to the evaluator.
    static let maxDepth = 48
    /// The longest source text or value text shown.
    static let maxText = 80

    init(program: Program, input: Input) {
        self.program = program
        self.evaluator = program.evaluator
        self.state = EvalState(input: input, limits: program.engine.limits.evalLimits)
    }

    /// What one subexpression contributes: the fact slots read and the deciding conditions.
    /// Each list holds a few more than the evidence shows (so a cut is seen), never one per
    /// operand of a 100,000-term condition.
    struct Fragment {
        var slots: [Int] = []
        var conditions: [Evidence.Condition] = []
        /// Whether something was left out of `slots` or `conditions`.
        var overflow = false

        static let maxSlots = 8 * Evidence.maxItems

        mutating func add(slot: Int) {
            if slots.count < Fragment.maxSlots { slots.append(slot) } else { overflow = true }
        }

        mutating func add(_ c: Evidence.Condition) {
            if conditions.count <= Evidence.maxItems { conditions.append(c) } else { overflow = true }
        }

        mutating func merge(_ other: Fragment) {
            overflow = overflow || other.overflow
            for slot in other.slots { add(slot: slot) }
            for c in other.conditions { add(c) }
        }
    }

    /// The evidence of rule `ri` on this device.
    mutating func evidence(rule ri: Int) -> Evidence {
        let r = program.policy.rules[ri]
        let end = max(r.span.start, r.span.end - 1)
        let lastLine = max(r.line, program.source.location(of: end).line)
        var ev = Evidence(rule: r.name, file: r.file, firstLine: r.line, lastLine: lastLine)
        guard !aborted else {
            ev.isComplete = false
            return ev
        }
        state.steps = 0
        var f = Fragment()
        _ = walk(r.condition, &f, depth: 0)
        var seen: Set<Int> = []
        let facts = program.schema.facts
        for slot in f.slots where slot >= 0 && slot < facts.count && seen.insert(slot).inserted {
            guard ev.facts.count < Evidence.maxItems else {
                ev.isComplete = false
                break
            }
            ev.facts.append(reading(slot, name: facts[slot].name))
        }
        if f.conditions.count > Evidence.maxItems || f.overflow { ev.isComplete = false }
        ev.conditions = Array(f.conditions.prefix(Evidence.maxItems))
        if aborted { ev.isComplete = false }
        return ev
    }

    func reading(_ slot: Int, name: String) -> Evidence.Fact {
        if slot < state.facts.count, let v = state.facts[slot] {
            return Evidence.Fact(name: name, value: EvidenceRecorder.shortText(v), malformation: nil)
        }
        return Evidence.Fact(name: name, value: nil, malformation: state.malformed[slot])
    }

    // MARK: - The walk

    mutating func walk(_ e: Expr, _ f: inout Fragment, depth: Int) -> Result<Value, EvalError> {
        do {
            try evaluator.charge(1, &state)
        } catch {
            aborted = true
            return .failure(error)
        }
        guard depth < EvidenceRecorder.maxDepth else { return leaf(e, &f) }
        if let r = evaluator.resolutions.byID[e.id] {
            switch r {
            case .letValue(let i) where i >= 0 && i < evaluator.lets.count:
                return walk(evaluator.lets[i], &f, depth: depth + 1)
            case .fact(let slot):
                f.add(slot: slot)
                return evaluate(e)
            default:
                return leaf(e, &f)
            }
        }
        switch e.kind {
        case .and(let operands): return logical(operands, absorbing: false, &f, depth: depth)
        case .or(let operands): return logical(operands, absorbing: true, &f, depth: depth)
        case .unary(let op, let operand) where op != .negate:
            switch walk(operand, &f, depth: depth + 1) {
            case .success(.bool(let b)): return .success(.bool(!b))
            case .success(let v):
                var err = EvalError.noOverload("!_", [v])
                err.span = e.span
                return .failure(err)
            case .failure(let err): return .failure(err)
            }
        case .binary(let first, let links):
            guard links.count == 1, let link = links.first, link.op.isRelation else { return leaf(e, &f) }
            return comparison(e, first, link, &f)
        case .conditional(let c, let a, let b):
            switch walk(c, &f, depth: depth + 1) {
            case .success(.bool(let cond)): return walk(cond ? a : b, &f, depth: depth + 1)
            case .success(let v):
                return .failure(
                    EvalError(
                        .noSuchOverload,
                        "no matching overload for '_?_:_' applied to '(\(v.type.typeName), ...)'", span: c.span))
            case .failure(let err): return .failure(err)
            }
        default:
            return leaf(e, &f)
        }
    }

    /// `&&` / `||` as `Evaluator.logical` decides them, keeping the deciding operands' evidence.
    mutating func logical(_ operands: [Expr], absorbing: Bool, _ f: inout Fragment, depth: Int)
        -> Result<Value, EvalError>
    {
        var all = Fragment()
        var firstError: (error: EvalError, fragment: Fragment)?
        for operand in operands {
            var sub = Fragment()
            let r = walk(operand, &sub, depth: depth + 1)
            if aborted {
                f.merge(sub)
                return r
            }
            switch r {
            case .success(.bool(let b)):
                if b == absorbing {
                    f.merge(sub)
                    return .success(.bool(absorbing))
                }
                all.merge(sub)
            case .success(let other):
                if firstError == nil {
                    var err = EvalError.noOverload(absorbing ? "_||_" : "_&&_", [other])
                    err.message = "no matching overload: " + err.message
                    err.span = operand.span
                    firstError = (err, sub)
                }
            case .failure(let err):
                if firstError == nil { firstError = (err, sub) }
            }
        }
        if let firstError {
            f.merge(firstError.fragment)
            return .failure(firstError.error)
        }
        f.merge(all)
        return .success(.bool(!absorbing))
    }

    /// A comparison `a op b`: both sides with their values, and its result.
    mutating func comparison(_ e: Expr, _ first: Expr, _ link: ChainLink, _ f: inout Fragment)
        -> Result<Value, EvalError>
    {
        EvidenceRecorder.gatherFacts(first, evaluator, into: &f)
        EvidenceRecorder.gatherFacts(link.rhs, evaluator, into: &f)
        let lv = evaluate(first)
        if aborted { return lv }
        // The right side is evaluated even when the left one erred, to show it (the result is the left's error).
        let rv = evaluate(link.rhs)
        if aborted { return rv }
        let result: Result<Value, EvalError>
        switch (lv, rv) {
        case (.failure(let err), _), (_, .failure(let err)):
            result = .failure(err)
        case (.success(let a), .success(let b)):
            do {
                result = .success(try evaluator.binary(link.op, a, b, &state))
            } catch {
                if error.kind == .limitExceeded { aborted = true }
                result = .failure(error)
            }
        }
        f.add(
            Evidence.Condition(
                source: sourceText(e), op: link.op.rawValue, left: sideText(first, lv), right: sideText(link.rhs, rv),
                result: EvidenceRecorder.truth(result), error: EvidenceRecorder.errorText(result)))
        return result
    }

    /// Any other test (a call, `has()`, a selection, ...): its value, and the facts it reads.
    mutating func leaf(_ e: Expr, _ f: inout Fragment) -> Result<Value, EvalError> {
        EvidenceRecorder.gatherFacts(e, evaluator, into: &f)
        let r = evaluate(e)
        if aborted { return r }
        f.add(
            Evidence.Condition(
                source: sourceText(e), op: nil, left: sideText(e, r), right: nil,
                result: EvidenceRecorder.truth(r), error: EvidenceRecorder.errorText(r)))
        return r
    }

    /// The reference evaluator's value of `e` in this walk's state.
    mutating func evaluate(_ e: Expr) -> Result<Value, EvalError> {
        let r = evaluator.attempt(e, &state)
        if case .failure(let err) = r, err.kind == .limitExceeded { aborted = true }
        return r
    }

    static func truth(_ r: Result<Value, EvalError>) -> Bool? {
        if case .success(.bool(let b)) = r { return b }
        return nil
    }

    static func errorText(_ r: Result<Value, EvalError>) -> String? {
        switch r {
        case .failure(let err): return err.message
        case .success(.bool): return nil
        case .success(let v): return "gave `\(v.type)`, not `bool`"
        }
    }

    // MARK: - Text

    /// One side of a comparison: `osVersion 9.1` (a fact), `11.0 (minimumOs)` (a `let`), `90` (a
    /// constant), `daysBetween(patchLevel, today) = 412` (anything else).
    func sideText(_ e: Expr, _ r: Result<Value, EvalError>) -> String {
        let src = sourceText(e)
        let resolution = evaluator.resolutions.byID[e.id]
        if case .literal = e.kind { return src }
        if case .constant? = resolution { return src }
        switch (resolution, r) {
        case (.fact(let slot)?, .failure):
            return state.malformed[slot] != nil ? "\(src) malformed" : "\(src) missing"
        case (.fact?, .success(let v)):
            return "\(src) \(EvidenceRecorder.shortText(v))"
        case (.letValue?, .success(let v)):
            return "\(EvidenceRecorder.shortText(v)) (\(src))"
        case (_, .success(let v)):
            let text = EvidenceRecorder.shortText(v)
            return text == src ? src : "\(src) = \(text)"
        case (_, .failure):
            return "\(src) (error)"
        }
    }

    /// The source text of a node on one line, capped.
    func sourceText(_ e: Expr) -> String {
        var out = ""
        var space = false
        for ch in program.source.text(e.span) {
            if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" || ch == "\r\n" {
                space = true
                continue
            }
            if space && !out.isEmpty { out.append(" ") }
            space = false
            out.append(ch)
            if out.count > EvidenceRecorder.maxText {
                return out + "…"
            }
        }
        return out
    }

    /// A value as short text: `9.1`, `high`, `2024-03-01`, `"acme"`, `["Sales", "IT"]`.
    static func shortText(_ v: Value) -> String { shortText(v, depth: 0) }

    static func shortText(_ v: Value, depth: Int) -> String {
        switch v {
        case .version(let x): return capped(x.text)
        case .date(let d): return "\(d)"
        case .enumMember(let e, let o): return e.member(at: o)
        case .string(let s): return ValuePrinter.quote(capped(s))
        case .list(let items):
            guard depth < 2 else { return items.isEmpty ? "[]" : "[…]" }
            var parts = items.prefix(5).map { shortText($0, depth: depth + 1) }
            if items.count > 5 { parts.append("… \(items.count) items") }
            return "[" + parts.joined(separator: ", ") + "]"
        case .map(let m):
            return m.count == 0 ? "{}" : "{… \(m.count) entries}"
        case .bytes(let b):
            return b.count > 16 ? "bytes (\(b.count))" : ValuePrinter.display(v)
        default:
            return capped(ValuePrinter.display(v))
        }
    }

    static func capped(_ s: String) -> String {
        s.utf8.count <= maxText ? s : String(s.prefix(maxText)) + "…"
    }

    // MARK: - Facts of a leaf

    /// The fact slots an expression reads (through the `let`s it names, each once), in source
    /// order of the walk; iterative, so any depth costs no stack.
    static func gatherFacts(_ root: Expr, _ evaluator: Evaluator, into f: inout Fragment) {
        var work: [Expr] = [root]
        var lets: Set<Int> = []
        var visited = 0
        while let e = work.popLast() {
            visited += 1
            if visited > 10_000 {
                f.overflow = true
                return
            }
            if let r = evaluator.resolutions.byID[e.id] {
                switch r {
                case .fact(let s), .hasFact(let s):
                    f.add(slot: s)
                    continue
                case .letValue(let i):
                    if i >= 0, i < evaluator.lets.count, lets.insert(i).inserted { work.append(evaluator.lets[i]) }
                    continue
                case .constant:
                    continue
                case .variable, .hostFunction:
                    break
                }
            }
            // Children pushed in reverse, so they pop in source order.
            var children: [Expr] = []
            switch e.kind {
            case .literal, .ident: break
            case .select(let x, _, _): children = [x]
            case .call(_, let target, let args, _): children = (target.map { [$0] } ?? []) + args
            case .index(let a, let b): children = [a, b]
            case .list(let items): children = items
            case .map(let entries): children = entries.flatMap { [$0.key, $0.value] }
            case .unary(_, let x): children = [x]
            case .binary(let first, let links): children = [first] + links.map(\.rhs)
            case .and(let xs), .or(let xs): children = xs
            case .conditional(let c, let a, let b): children = [c, a, b]
            }
            work.append(contentsOf: children.reversed())
        }
    }
}
