// Bounds the evaluation depth of `let` chains. The parser bounds each expression's nesting, but a
// `let` is evaluated where it is first used, so the evaluator's (and the compiler's) recursion
// follows the *effective* depth: the nesting at a `let` reference plus the depth of the let's own
// body, transitively. A chain of 4,000 `let L{i} = L{i-1} || rooted` once overflowed the stack.
// Here each expression's effective depth and comprehension nesting are computed (memoized over
// the lets, which may only refer to earlier lets, so one pass in order suffices) and an
// expression beyond the nesting limits is rejected, which keeps every evaluation path within the
// stack the single-expression limits were calibrated for (512 KiB in a debug build).
//
// INVARIANT: the walk recurses along one expression's AST (parser-bounded), never through lets.

/// Effective depths through `let`s.
package struct LetDepth {
    /// What a `let` reference costs in nesting levels (the evaluator's frames for the hop).
    static let hopCost = 2

    struct Measure {
        /// Effective nesting (AST levels, plus `hopCost` per let reference followed).
        var depth = 0
        /// Effective comprehension-macro nesting.
        var comprehensions = 0
        /// The deepest `let` reference (for the diagnostic's position), if any.
        var via: Expr?
        var viaLet = -1
        /// Through a let already reported: not reported again (one chain, one error).
        var reported = false
    }

    let resolutions: Resolutions
    let maxNesting: Int
    /// Each let's measure, by index (lets only refer to earlier ones).
    var lets: [Measure] = []

    init(resolutions: Resolutions, maxNesting: Int) {
        self.resolutions = resolutions
        self.maxNesting = maxNesting
    }

    /// The measure of `e`, with let references resolved from `lets`.
    func measure(_ e: Expr) -> Measure {
        if case .letValue(let i)? = resolutions[e.id] {
            var m = Measure()
            if i >= 0, i < lets.count {
                m = lets[i]
                let (r, o) = m.depth.addingReportingOverflow(LetDepth.hopCost)
                m.depth = o ? Int.max : r
            }
            m.via = e
            m.viaLet = i
            return m
        }
        var best = Measure()
        func take(_ child: Expr, comprehension: Bool = false) {
            var m = measure(child)
            if comprehension { m.comprehensions += 1 }
            if m.reported { best.reported = true }
            if m.depth > best.depth || (m.depth == best.depth && best.via == nil && m.via != nil) {
                best.depth = m.depth
                best.via = m.via ?? best.via
                best.viaLet = m.via == nil ? best.viaLet : m.viaLet
            }
            if m.comprehensions > best.comprehensions {
                best.comprehensions = m.comprehensions
                if best.via == nil, m.via != nil {
                    best.via = m.via
                    best.viaLet = m.viaLet
                }
            }
        }
        switch e.kind {
        case .literal, .ident: break
        case .select(let x, _, _): take(x)
        case .call(let name, let target, let args, _):
            let macro = target != nil && Checker.macroNames.contains(name)
            if let t = target { take(t) }
            for (j, a) in args.enumerated() { take(a, comprehension: macro && j > 0) }
        case .index(let a, let b):
            take(a)
            take(b)
        case .list(let items): for x in items { take(x) }
        case .map(let entries):
            for entry in entries {
                take(entry.key)
                take(entry.value)
            }
        case .unary(_, let x): take(x)
        case .binary(let first, let links):
            take(first)
            for l in links { take(l.rhs) }
        case .and(let xs), .or(let xs): for x in xs { take(x) }
        case .conditional(let c, let a, let b):
            take(c)
            take(a)
            take(b)
        }
        if best.depth < Int.max { best.depth += 1 }
        return best
    }

    /// Whether a measure is beyond the limits (only through lets: a let-free expression is the parser's).
    func tooDeep(_ m: Measure) -> Bool {
        m.via != nil && !m.reported && (m.depth > maxNesting || m.comprehensions > Limits.maxComprehensionNesting)
    }

    func message(_ m: Measure, names: [String], what: String) -> String {
        let name = m.viaLet >= 0 && m.viaLet < names.count ? "`\(names[m.viaLet])`" : "a `let`"
        if m.comprehensions > Limits.maxComprehensionNesting {
            return
                "`let` chain too deep: \(what) nests \(m.comprehensions) comprehension macros through \(name) (limit \(Limits.maxComprehensionNesting))"
        }
        return "`let` chain too deep: \(what) nests \(m.depth) levels through \(name) (limit \(maxNesting))"
    }

    /// Diagnostics for every let, rule condition and test value of `policy` beyond the limits. A let
    /// reported once is not reported again through the lets that use it: one long chain, one error.
    static func check(_ policy: CheckedPolicy, maxNesting: Int) -> [Diagnostic] {
        var d = LetDepth(resolutions: policy.resolutions, maxNesting: maxNesting)
        var out: [Diagnostic] = []
        let names = policy.lets.map(\.name)
        d.lets.reserveCapacity(policy.lets.count)
        for l in policy.lets {
            var m = d.measure(l.expr)
            if d.tooDeep(m) {
                out.append(
                    .error(.nestingTooDeep, d.message(m, names: names, what: "`let \(l.name)`"), m.via?.span ?? l.span))
                m = Measure()
                m.reported = true
            }
            d.lets.append(m)
        }
        // A condition that names no `let` (`CheckedRule.lets` empty) nests only as the parser
        // allows: its measure has no `via` and is never too deep, so it is not walked again.
        for r in policy.rules where !r.lets.isEmpty {
            let m = d.measure(r.condition)
            if d.tooDeep(m) {
                out.append(
                    .error(.nestingTooDeep, d.message(m, names: names, what: "the condition"), m.via?.span ?? r.span))
            }
        }
        for t in policy.tests {
            for g in t.given {
                let m = d.measure(g.expr)
                if d.tooDeep(m) {
                    out.append(
                        .error(.nestingTooDeep, d.message(m, names: names, what: "the value"), m.via?.span ?? t.span))
                }
            }
        }
        return out
    }

    /// The diagnostic for one expression checked against `policy`'s lets (the REPL's), if too deep.
    package static func check(_ e: Expr, resolutions: Resolutions, policy: CheckedPolicy, maxNesting: Int)
        -> Diagnostic?
    {
        var d = LetDepth(resolutions: policy.resolutions, maxNesting: maxNesting)
        for l in policy.lets { d.lets.append(d.measure(l.expr)) }
        var withLets = LetDepth(resolutions: resolutions, maxNesting: maxNesting)
        withLets.lets = d.lets
        let m = withLets.measure(e)
        guard withLets.tooDeep(m) else { return nil }
        return .error(
            .nestingTooDeep,
            withLets.message(m, names: policy.lets.map(\.name), what: "the expression"), m.via?.span ?? e.span)
    }
}
