// The tree-walking evaluator: CEL semantics over the AST and the checker's side tables.
//
// INVARIANT: recursion follows the AST, whose depth the parser bounds (`Limits.maxNesting`);
// the evaluator adds no recursion of its own beyond that (lets are evaluated at most once and
// a let cycle is reported, never followed).

/// Bounds on one evaluation.
package struct EvalLimits: Sendable {
    /// Cost budget: one step per node, more for iterations and scans.
    var maxSteps = 1_000_000
    /// The longest string or bytes value an evaluation may build.
    var maxStringBytes = 1 << 20
    /// The longest list (or map) an evaluation may build.
    var maxListLength = 100_000
    /// Cost budget of one whole decision (every rule and `let`), in steps.
    package var maxDecisionSteps = 1_000_000
    /// Bytes of values one decision may build in total (strings, bytes, list and map results).
    package var maxDecisionBytes = 64 << 20

    package init() {}
}

/// Per-evaluation mutable state (one decision or one expression); not shared across threads.
package struct EvalState {
    var facts: [Value?]
    /// Facts given but malformed, by slot (their slot in `facts` is nil): the error of reading them.
    var malformed: [Int: String] = [:]
    var bindings: [String: Value]
    var limits: EvalLimits
    /// Cost used so far (reset per rule, per expression).
    package var steps: Int = 0
    /// Cost used by the whole decision (never reset within one).
    package var decisionSteps: Int = 0
    /// Bytes of values built by the whole decision (an approximate but conservative count).
    package var decisionBytes: Int = 0
    /// Let values, computed on first use.
    var letCache: [Int: LetSlot] = [:]
    /// Comprehension variables, innermost last.
    var scopes: [(name: String, value: Value)] = []
    /// Compiled `matches` patterns.
    var regexCache: [String: Regex] = [:]

    package init(facts: [Value?], bindings: [String: Value] = [:], limits: EvalLimits = .init()) {
        self.facts = facts
        self.bindings = bindings
        self.limits = limits
    }

    enum LetSlot {
        case inProgress
        case done(Result<Value, EvalError>)
    }
}

/// Evaluates checked (or, in CEL mode, resolved) expressions.
package struct Evaluator: Sendable {
    let resolutions: Resolutions
    let lets: [Expr]
    let hostFunctions: [@Sendable ([Value]) -> Result<Value, EvalError>]
    let celMode: Bool

    package init(
        resolutions: Resolutions, lets: [Expr], hostFunctions: [@Sendable ([Value]) -> Result<Value, EvalError>] = [],
        celMode: Bool
    ) {
        self.resolutions = resolutions
        self.lets = lets
        self.hostFunctions = hostFunctions
        self.celMode = celMode
    }

    /// Evaluates `e`; errors are CEL error values, never traps.
    package func evaluate(_ e: Expr, _ state: inout EvalState) -> Result<Value, EvalError> {
        do {
            return .success(try eval(e, &state))
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Cost

    @inline(__always)
    func charge(_ n: Int, _ s: inout EvalState) throws(EvalError) {
        let (r, o) = s.steps.addingReportingOverflow(n)
        s.steps = o ? Int.max : r
        let (d, od) = s.decisionSteps.addingReportingOverflow(n)
        s.decisionSteps = od ? Int.max : d
        if s.steps > s.limits.maxSteps { throw .limit(s.limits.maxSteps) }
        if s.decisionSteps > s.limits.maxDecisionSteps { throw Evaluator.decisionStepsError(s.limits) }
    }

    @inline(never)
    static func decisionStepsError(_ l: EvalLimits) -> EvalError {
        EvalError(
            .limitExceeded, "decision cost limit exceeded (\(l.maxDecisionSteps) steps over all rules)",
            data: ErrorData(limit: l.maxDecisionSteps))
    }

    /// Counts `n` bytes of a value built, against the decision's memory budget.
    func chargeBytes(_ n: Int, _ s: inout EvalState) throws(EvalError) {
        let (d, o) = s.decisionBytes.addingReportingOverflow(n)
        s.decisionBytes = o ? Int.max : d
        if s.decisionBytes > s.limits.maxDecisionBytes {
            throw EvalError(
                .limitExceeded,
                "decision memory limit exceeded (\(s.limits.maxDecisionBytes) bytes of values built over all rules)",
                data: ErrorData(limit: s.limits.maxDecisionBytes))
        }
    }

    /// Bytes counted for each element of a list or entry of a map that is built.
    static let bytesPerElement = 16

    func checkString(_ count: Int, _ s: EvalState) throws(EvalError) {
        if count > s.limits.maxStringBytes {
            throw EvalError(
                .limitExceeded, "string longer than the limit of \(s.limits.maxStringBytes) bytes",
                data: ErrorData(limit: s.limits.maxStringBytes))
        }
    }

    func checkList(_ count: Int, _ s: EvalState) throws(EvalError) {
        if count > s.limits.maxListLength {
            throw EvalError(
                .limitExceeded, "list longer than the limit of \(s.limits.maxListLength) elements",
                data: ErrorData(limit: s.limits.maxListLength))
        }
    }

    // MARK: - Nodes

    func eval(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        do {
            try charge(1, &s)
            // One lookup of the node's resolution (a resolved node is not looked up again).
            if let r = resolutions.byID[e.id] { return try resolved(r, e, &s) }
            return try evalKind(e, &s)
        } catch {
            throw Evaluator.located(error, e.span)
        }
    }

    /// The error, with the node's span unless it already has a more precise one.
    @inline(never)
    static func located(_ error: EvalError, _ span: SourceSpan) -> EvalError {
        if error.span != nil { return error }
        var err = error
        err.span = span
        return err
    }

    /// Evaluates without throwing, for the operators that absorb errors.
    func attempt(_ e: Expr, _ s: inout EvalState) -> Result<Value, EvalError> {
        do {
            return .success(try eval(e, &s))
        } catch {
            return .failure(error)
        }
    }

    // Each node kind has its own small function: in debug builds a frame holds every local of
    // its function, and one big switch would make each nesting level cost kilobytes of stack.
    func evalKind(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        // No payload bindings here: each case's function extracts its own.
        switch e.kind {
        case .literal: return evalLiteral(e)
        case .ident: return try evalIdent(e, &s)
        case .select: return try evalSelect(e, &s)
        case .call: return try evalCall(e, &s)
        case .index: return try evalIndex(e, &s)
        case .list: return try evalList(e, &s)
        case .map: return try evalMap(e, &s)
        case .unary: return try evalUnary(e, &s)
        case .binary: return try evalBinary(e, &s)
        case .and: return try evalLogical(e, absorbing: false, &s)
        case .or: return try evalLogical(e, absorbing: true, &s)
        case .conditional: return try evalConditional(e, &s)
        }
    }

    @inline(never)
    func evalLiteral(_ e: Expr) -> Value {
        guard case .literal(let lit) = e.kind else { return .null }
        return literal(lit)
    }

    @inline(never)
    func evalIdent(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .ident(let name) = e.kind else { return .null }
        return try lookup(name, &s)
    }

    @inline(never)
    func evalCall(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .call(_, let target, let args, _) = e.kind else { return .null }
        guard let id = resolutions.calls[e.id] else { throw unresolvedCall(e) }
        return try call(id, target, args, e, &s)
    }

    @inline(never)
    func evalLogical(_ e: Expr, absorbing: Bool, _ s: inout EvalState) throws(EvalError) -> Value {
        switch e.kind {
        case .and(let operands), .or(let operands): return try logical(operands, absorbing: absorbing, &s)
        default: return .null
        }
    }

    @inline(never)
    func evalSelect(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .select(let operand, let field, _) = e.kind else { return .null }
        let v = try eval(operand, &s)
        return try select(v, field)
    }

    @inline(never)
    func evalIndex(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .index(let a, let b) = e.kind else { return .null }
        let container = try eval(a, &s)
        let idx = try eval(b, &s)
        return try Builtins.index(container, idx)
    }

    @inline(never)
    func evalList(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .list(let items) = e.kind else { return .null }
        try checkList(items.count, s)
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try eval(item, &s)) }
        return .list(out)
    }

    @inline(never)
    func evalMap(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .map(let entries) = e.kind else { return .null }
        try checkList(entries.count, s)
        var m = MapValue()
        for entry in entries {
            let k = try eval(entry.key, &s)
            let v = try eval(entry.value, &s)
            guard Builtins.isKeyKind(k) else {
                throw EvalError(.invalidArgument, "unsupported key type '\(k.type.typeName)'")
            }
            try charge(m.count / 8, &s)
            if Builtins.find(k, in: m) != nil {
                throw EvalError(.invalidArgument, "failed with repeated key: \(k)")
            }
            m.append(k, v)
        }
        return .map(m)
    }

    @inline(never)
    func evalUnary(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .unary(let op, let operand) = e.kind else { return .null }
        let v = try eval(operand, &s)
        switch op {
        case .negate:
            return try Arithmetic.negate(v)
        case .bang, .not:
            guard case .bool(let b) = v else { throw .noOverload("!_", [v]) }
            return .bool(!b)
        }
    }

    @inline(never)
    func evalBinary(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .binary(let first, let links) = e.kind else { return .null }
        var acc = try eval(first, &s)
        for link in links {
            let rhs = try eval(link.rhs, &s)
            do {
                acc = try binary(link.op, acc, rhs, &s)
            } catch {
                throw Evaluator.located(error, SourceSpan(start: e.span.start, end: link.rhs.span.end))
            }
        }
        return acc
    }

    @inline(never)
    func evalConditional(_ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .conditional(let c, let a, let b) = e.kind else { return .null }
        let cv = try eval(c, &s)
        guard case .bool(let cond) = cv else {
            throw EvalError(.noSuchOverload, "no matching overload for '_?_:_' applied to '(\(cv.type.typeName), ...)'")
        }
        return try eval(cond ? a : b, &s)
    }

    func literal(_ lit: Literal) -> Value {
        switch lit {
        case .int(let i): .int(i)
        case .uint(let u): .uint(u)
        case .double(let d): .double(d)
        case .string(let str): .string(str)
        case .bytes(let b): .bytes(b)
        case .bool(let b): .bool(b)
        case .null: .null
        }
    }

    /// `&&` (absorbing `false`) or `||` (absorbing `true`), commutative over errors: the
    /// absorbing value wins over an error anywhere; otherwise the first error propagates.
    func logical(_ operands: [Expr], absorbing: Bool, _ s: inout EvalState) throws(EvalError) -> Value {
        var firstError: EvalError?
        for operand in operands {
            switch attempt(operand, &s) {
            case .success(.bool(let b)):
                if b == absorbing { return .bool(absorbing) }
            case .success(let other):
                if firstError == nil {
                    var err = EvalError.noOverload(absorbing ? "_||_" : "_&&_", [other])
                    err.message = "no matching overload: " + err.message
                    err.span = operand.span
                    firstError = err
                }
            case .failure(let err):
                if err.kind == .limitExceeded { throw err }
                if firstError == nil { firstError = err }
            }
        }
        if let err = firstError { throw err }
        return .bool(!absorbing)
    }

    // MARK: - Names

    @inline(never)
    func resolved(_ r: Resolution, _ e: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        switch r {
        case .constant(let v):
            return v
        case .fact(let slot):
            guard slot >= 0, slot < s.facts.count, let v = s.facts[slot] else {
                throw Evaluator.absentFact(slot, e, s)
            }
            return v
        case .hasFact(let slot):
            guard slot >= 0, slot < s.facts.count else { return .bool(false) }
            if s.facts[slot] != nil { return .bool(true) }
            // A malformed fact is not missing: `has()` of it is the rule's error, neither true nor false.
            if let message = s.malformed[slot] { throw EvalError(.malformedFact, message) }
            return .bool(false)
        case .letValue(let i):
            return try letValue(i, &s)
        case .variable(let name):
            return try variable(name, s)
        case .hostFunction(let i):
            guard i >= 0, i < hostFunctions.count else {
                throw EvalError(.internalError, "internal error: unknown host function #\(i)")
            }
            var args: [Value] = []
            if case .call(_, let target, let argExprs, _) = e.kind {
                if let t = target { args.append(try eval(t, &s)) }
                for a in argExprs { args.append(try eval(a, &s)) }
            }
            switch hostFunctions[i](args) {
            case .success(let v): return v
            case .failure(let err): throw err
            }
        }
    }

    /// The error of reading a fact that has no value: malformed (with why) or missing.
    @inline(never)
    static func absentFact(_ slot: Int, _ e: Expr, _ s: EvalState) -> EvalError {
        if let message = s.malformed[slot] { return EvalError(.malformedFact, message) }
        let name = Evaluator.dottedName(e) ?? "#\(slot)"
        return EvalError(.missingFact, "fact `\(name)` is missing", data: ErrorData(fact: name))
    }

    func letValue(_ i: Int, _ s: inout EvalState) throws(EvalError) -> Value {
        switch s.letCache[i] {
        case .done(let r):
            switch r {
            case .success(let v): return v
            case .failure(let err): throw err
            }
        case .inProgress:
            throw EvalError(.custom, "let #\(i) refers to itself")
        case nil:
            guard i >= 0, i < lets.count else { throw EvalError(.custom, "unknown let #\(i)") }
            s.letCache[i] = .inProgress
            // A let sees no comprehension variables of the place that first used it.
            let saved = s.scopes
            s.scopes = []
            let r = attempt(lets[i], &s)
            s.scopes = saved
            if case .failure(let err) = r, err.kind == .limitExceeded {
                s.letCache[i] = nil
                throw err
            }
            s.letCache[i] = .done(r)
            switch r {
            case .success(let v): return v
            case .failure(let err): throw err
            }
        }
    }

    /// A comprehension variable (innermost first) or a binding.
    func variable(_ name: String, _ s: EvalState) throws(EvalError) -> Value {
        for entry in s.scopes.reversed() where entry.name == name { return entry.value }
        if let v = s.bindings[name] { return v }
        throw .undeclared(name)
    }

    /// An unresolved bare name: a variable, else a type name.
    func lookup(_ name: String, _ s: inout EvalState) throws(EvalError) -> Value {
        for entry in s.scopes.reversed() where entry.name == name { return entry.value }
        if let v = s.bindings[name] { return v }
        if let t = Builtins.typeNamed(name) { return .type(t) }
        throw .undeclared(name)
    }

    /// `a.b.c` as text, for messages.
    static func dottedName(_ e: Expr) -> String? {
        switch e.kind {
        case .ident(let n): return n
        case .select(let operand, let field, _):
            guard let base = dottedName(operand) else { return nil }
            return base + "." + field
        default: return nil
        }
    }

    func select(_ v: Value, _ field: String) throws(EvalError) -> Value {
        guard case .map(let m) = v else {
            throw EvalError(.noSuchField, "type '\(v.type.typeName)' does not support field selection")
        }
        let key = Value.string(field)
        guard let j = Builtins.find(key, in: m) else { throw .noSuchKey(key) }
        return m.values[j]
    }

    // MARK: - Operators

    func binary(_ op: BinaryOp, _ a: Value, _ b: Value, _ s: inout EvalState) throws(EvalError) -> Value {
        switch op {
        case .equal, .notEqual:
            // Equality stops at the shorter operand (the compiled path relies on this bound).
            try charge(min(Evaluator.weight(a), Evaluator.weight(b)), &s)
            let eq = try Builtins.checkedEquals(a, b)
            return .bool(op == .equal ? eq : !eq)
        case .less:
            guard let c = try Builtins.compare(a, b, op: "_<_") else { return .bool(false) }
            return .bool(c < 0)
        case .lessEqual:
            guard let c = try Builtins.compare(a, b, op: "_<=_") else { return .bool(false) }
            return .bool(c <= 0)
        case .greater:
            guard let c = try Builtins.compare(a, b, op: "_>_") else { return .bool(false) }
            return .bool(c > 0)
        case .greaterEqual:
            guard let c = try Builtins.compare(a, b, op: "_>=_") else { return .bool(false) }
            return .bool(c >= 0)
        case .in:
            try charge(Evaluator.weight(b), &s)
            return .bool(try Builtins.contains(b, a))
        case .add:
            switch (a, b) {
            case (.string(let x), .string(let y)):
                try checkString(x.utf8.count + y.utf8.count, s)
                try charge((x.utf8.count + y.utf8.count) / 16, &s)
                try chargeBytes(x.utf8.count + y.utf8.count, &s)
                return .string(x + y)
            case (.bytes(let x), .bytes(let y)):
                try checkString(x.count + y.count, s)
                try charge((x.count + y.count) / 16, &s)
                try chargeBytes(x.count + y.count, &s)
                return .bytes(x + y)
            case (.list(let x), .list(let y)):
                try checkList(x.count + y.count, s)
                // One step per element copied: at /16, `l.map(x, big + big)` held 500 MB in one rule.
                try charge(x.count + y.count, &s)
                try chargeBytes((x.count + y.count) * Evaluator.bytesPerElement, &s)
                return .list(x + y)
            default:
                return try Arithmetic.add(a, b)
            }
        case .subtract: return try Arithmetic.subtract(a, b)
        case .multiply: return try Arithmetic.multiply(a, b)
        case .divide: return try Arithmetic.divide(a, b)
        case .remainder: return try Arithmetic.remainder(a, b)
        }
    }

    /// The extra cost of scanning a value (lists, maps, long strings).
    static func weight(_ v: Value) -> Int {
        switch v {
        case .list(let l): l.count
        case .map(let m): m.count
        case .string(let str): str.utf8.count / 16
        case .bytes(let b): b.count / 16
        default: 0
        }
    }

    // MARK: - Calls

    /// A call the checker (or `CELResolver`) did not resolve: in CEL mode a function CEL does not
    /// have (the resolver leaves it so); otherwise a call the checker let through unresolved, which
    /// cannot happen for a checked program: the rule's internal error, never a trap.
    @inline(never)
    func unresolvedCall(_ e: Expr) -> EvalError {
        guard case .call(let name, _, _, _) = e.kind else {
            return EvalError(.internalError, "internal error: a call node without a call")
        }
        if celMode { return EvalError(.noSuchOverload, "unbound function '\(name)' (no such overload)") }
        return EvalError(
            .internalError, "internal error: the call of `\(name)` was not resolved by the checker",
            data: ErrorData(function: name))
    }

    /// Dispatches a resolved call on its built-in (an integer switch; the name is never compared).
    func call(_ id: BuiltinID, _ target: Expr?, _ args: [Expr], _ e: Expr, _ s: inout EvalState) throws(EvalError)
        -> Value
    {
        if id.isComprehension, let t = target, let first = args.first, case .ident(let v) = first.kind {
            let range = try eval(t, &s)
            return try comprehension(id, range, v, Array(args.dropFirst()), &s)
        }
        if id == .has, target == nil, let arg = args.first, args.count == 1 { return try hasMacro(arg, &s) }
        return try functionCall(id, target, args, &s)
    }

    @inline(never)
    func hasMacro(_ arg: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        guard case .select(let operand, let field, _) = arg.kind else {
            throw EvalError(.invalidArgument, "invalid argument to has() macro")
        }
        let v = try eval(operand, &s)
        guard case .map(let m) = v else {
            throw EvalError(.noSuchField, "type '\(v.type.typeName)' does not support field selection")
        }
        return .bool(Builtins.find(.string(field), in: m) != nil)
    }

    @inline(never)
    func functionCall(_ id: BuiltinID, _ target: Expr?, _ args: [Expr], _ s: inout EvalState) throws(EvalError)
        -> Value
    {
        var argv: [Value] = []
        argv.reserveCapacity(args.count)
        var t: Value?
        if let te = target { t = try eval(te, &s) }
        for a in args { argv.append(try eval(a, &s)) }
        return try function(id, t, argv, &s)
    }

    /// The built-in functions, by ID; a call of a form the function does not take (`x.int()`,
    /// `size(a, b)`, a macro without its variable) has no overload.
    func function(_ id: BuiltinID, _ target: Value?, _ args: [Value], _ s: inout EvalState) throws(EvalError)
        -> Value
    {
        // The operands (receiver first), built only for an error message: no array per call.
        func all() -> [Value] { (target.map { [$0] } ?? []) + args }
        // The one argument of a function called `f(x)`, without a receiver.
        let single: Value? = target == nil && args.count == 1 ? args.first : nil
        // The one operand of `f(x)` or `x.f()`.
        let one: Value? = target == nil ? single : (args.isEmpty ? target : nil)
        switch id {
        case .size:
            guard let x = one else { break }
            if case .string(let str) = x { try charge(str.utf8.count / 16, &s) }
            return try Builtins.size(x)
        case .contains, .startsWith, .endsWith:
            guard case .string(let str)? = target, args.count == 1, let arg = args.first else { break }
            guard case .string(let sub) = arg else { throw .noOverload(id.name, all()) }
            try charge(str.utf8.count / 16, &s)
            switch id {
            case .contains: return .bool(Builtins.stringContains(str, sub))
            case .startsWith: return .bool(Builtins.startsWith(str, sub))
            default: return .bool(Builtins.endsWith(str, sub))
            }
        case .matches:
            // `s.matches(p)` or `matches(s, p)`.
            let pair: (Value, Value)?
            if let t = target {
                pair = args.count == 1 ? args.first.map { (t, $0) } : nil
            } else {
                pair = args.count == 2 ? args.first.flatMap { a in args.last.map { (a, $0) } } : nil
            }
            guard let (a, b) = pair else { break }
            guard case .string(let str) = a, case .string(let pattern) = b else {
                throw .noOverload(id.name, all())
            }
            return .bool(try matches(str, pattern, &s))
        case .int:
            if let x = single { return try Arithmetic.toInt(x) }
        case .uint:
            if let x = single { return try Arithmetic.toUInt(x) }
        case .double:
            if let x = single { return try Arithmetic.toDouble(x) }
        case .string:
            guard let x = single else { break }
            let r = try Arithmetic.toStringValue(x)
            if case .string(let str) = r {
                try checkString(str.utf8.count, s)
                try chargeBytes(str.utf8.count, &s)
            }
            return r
        case .bytes:
            guard let x = single else { break }
            let r = try Arithmetic.toBytes(x)
            if case .bytes(let b) = r { try chargeBytes(b.count, &s) }
            return r
        case .bool:
            if let x = single { return try Arithmetic.toBool(x) }
        case .dyn:
            if let x = single { return x }
        case .type:
            if let x = single { return Builtins.typeOf(x) }
        case .version:
            if let x = single { return try Builtins.version(x) }
        case .date:
            if let x = single { return try Builtins.date(x) }
        case .lower, .upper:
            guard let x = one else { break }
            guard case .string(let str) = x else { throw .noOverload(id.name, all()) }
            try charge(str.utf8.count / 16, &s)
            let r = id == .lower ? str.lowercased() : str.uppercased()
            try checkString(r.utf8.count, s)
            try chargeBytes(r.utf8.count, &s)
            return .string(r)
        case .daysBetween:
            if target == nil, args.count == 2, let a = args.first, let b = args.last {
                return try Builtins.daysBetween(a, b)
            }
        case .has, .all, .exists, .existsOne, .map, .filter:
            // A macro's name without the macro's form (`has(a, b)`, `l.all(1, true)`).
            break
        }
        throw .noOverload(id.name, all())
    }

    /// Regex automaton steps per evaluation step.
    static let regexStepsPerStep = 4

    func matches(_ str: String, _ pattern: String, _ s: inout EvalState) throws(EvalError) -> Bool {
        let re: Regex
        if let cached = s.regexCache[pattern] {
            re = cached
        } else {
            try charge(pattern.utf8.count, &s)
            switch Regex.compile(pattern) {
            case .success(let r): re = r
            case .failure(let err): throw EvalError(.invalidArgument, "invalid regular expression: \(err.message)")
            }
            s.regexCache[pattern] = re
        }
        // The matcher's steps (states visited × scalars) cost `regexStepsPerStep` per evaluation
        // step, calibrated so that a step of regex work takes about as long as other steps (about
        // 10 ns each in a release build here, against 30 for building strings). The budget is the
        // smaller of the rule's and the decision's remaining steps.
        let rule = s.limits.maxSteps.subtractingReportingOverflow(s.steps)
        let decision = s.limits.maxDecisionSteps.subtractingReportingOverflow(s.decisionSteps)
        let remaining = max(
            0, min(rule.overflow ? 0 : rule.partialValue, decision.overflow ? 0 : decision.partialValue))
        let per = Evaluator.regexStepsPerStep
        var budget = remaining.multipliedReportingOverflow(by: per).overflow ? Int.max : remaining * per
        let before = budget
        let r = re.search(str, budget: &budget)
        try charge(max(0, before - budget) / per, &s)
        guard let found = r else {
            try charge(remaining == Int.max ? remaining : remaining + 1, &s)  // throws the limit that ran out
            throw .limit(s.limits.maxSteps)
        }
        return found
    }

    // MARK: - Macros

    func comprehension(_ id: BuiltinID, _ range: Value, _ v: String, _ body: [Expr], _ s: inout EvalState)
        throws(EvalError) -> Value
    {
        let valid = id == .map ? (body.count == 1 || body.count == 2) : body.count == 1
        guard valid, let first = body.first else {
            throw EvalError(.noSuchOverload, "wrong number of arguments to the `\(id.name)` macro")
        }
        let items: [Value]
        switch range {
        case .list(let l): items = l
        case .map(let m): items = m.keys
        default: throw .noOverload(id.name, [range])
        }
        switch id {
        case .all: return try quantifier(id.name, items, v, first, absorbing: false, &s)
        case .exists: return try quantifier(id.name, items, v, first, absorbing: true, &s)
        case .existsOne: return try existsOne(items, v, first, &s)
        case .map: return try mapMacro(items, v, body, &s)
        default: return try filterMacro(items, v, first, &s)
        }
    }

    /// `all` (absorbing `false`) and `exists` (absorbing `true`): the absorbing value wins over
    /// errors; otherwise the first error propagates.
    @inline(never)
    func quantifier(_ name: String, _ items: [Value], _ v: String, _ body: Expr, absorbing: Bool, _ s: inout EvalState)
        throws(EvalError) -> Value
    {
        var firstError: EvalError?
        for item in items {
            try charge(1, &s)
            switch step(body, v, item, &s) {
            case .success(.bool(let b)):
                if b == absorbing { return .bool(absorbing) }
            case .success(let other):
                if firstError == nil { firstError = .noOverload(name, [other]) }
            case .failure(let err):
                if err.kind == .limitExceeded { throw err }
                if firstError == nil { firstError = err }
            }
        }
        if let err = firstError { throw err }
        return .bool(!absorbing)
    }

    @inline(never)
    func existsOne(_ items: [Value], _ v: String, _ body: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        var count = 0
        for item in items {
            try charge(1, &s)
            switch step(body, v, item, &s) {
            case .success(.bool(let b)): if b { count += 1 }
            case .success(let other): throw .noOverload(BuiltinID.existsOne.name, [other])
            case .failure(let err): throw err
            }
        }
        return .bool(count == 1)
    }

    @inline(never)
    func mapMacro(_ items: [Value], _ v: String, _ body: [Expr], _ s: inout EvalState) throws(EvalError) -> Value {
        var out: [Value] = []
        for item in items {
            try charge(1, &s)
            if body.count == 2 {
                switch step(body[0], v, item, &s) {
                case .success(.bool(let keep)): if !keep { continue }
                case .success(let other): throw .noOverload(BuiltinID.map.name, [other])
                case .failure(let err): throw err
                }
            }
            switch step(body[body.count - 1], v, item, &s) {
            case .success(let r): out.append(r)
            case .failure(let err): throw err
            }
        }
        try chargeBytes(out.count * Evaluator.bytesPerElement, &s)
        return .list(out)
    }

    @inline(never)
    func filterMacro(_ items: [Value], _ v: String, _ body: Expr, _ s: inout EvalState) throws(EvalError) -> Value {
        var out: [Value] = []
        for item in items {
            try charge(1, &s)
            switch step(body, v, item, &s) {
            case .success(.bool(let keep)): if keep { out.append(item) }
            case .success(let other): throw .noOverload(BuiltinID.filter.name, [other])
            case .failure(let err): throw err
            }
        }
        try chargeBytes(out.count * Evaluator.bytesPerElement, &s)
        return .list(out)
    }

    /// Evaluates a macro body with the variable bound, always unbinding it afterwards.
    func step(_ body: Expr, _ v: String, _ item: Value, _ s: inout EvalState) -> Result<Value, EvalError> {
        // Each nested comprehension costs several debug-build frames: bound them so evaluation
        // stays within a 512 KiB thread stack (the checker reports this at compile time too).
        guard s.scopes.count < Limits.maxComprehensionNesting else {
            return .failure(
                EvalError(
                    .limitExceeded,
                    "comprehension macros nested too deeply (limit \(Limits.maxComprehensionNesting))"))
        }
        s.scopes.append((v, item))
        let r = attempt(body, &s)
        s.scopes.removeLast()
        return r
    }
}
