import Testing

@testable import Warden
@testable import WardenTools

/// Builds ASTs by hand (ids are unique per builder), so the evaluator is tested without the parser.
final class ASTBuilder {
    var nextID = 0
    let span = SourceSpan(start: 0, end: 1)

    func node(_ kind: ExprKind) -> Expr {
        nextID += 1
        return Expr(id: nextID, span: span, kind: kind)
    }
    func int(_ i: Int64) -> Expr { node(.literal(.int(i))) }
    func str(_ s: String) -> Expr { node(.literal(.string(s))) }
    func bool(_ b: Bool) -> Expr { node(.literal(.bool(b))) }
    func ident(_ n: String) -> Expr { node(.ident(n)) }
    func call(_ n: String, _ args: [Expr], target: Expr? = nil) -> Expr {
        node(.call(n, target: target, args: args, nameSpan: span))
    }
    func bin(_ a: Expr, _ op: BinaryOp, _ b: Expr) -> Expr {
        node(.binary(a, [ChainLink(op: op, opSpan: span, rhs: b)]))
    }
    func list(_ xs: [Expr]) -> Expr { node(.list(xs)) }

    /// Every call of a built-in in `e` (lets included by the caller), by node id: what the checker
    /// records in `Resolutions.calls` for a checked tree.
    static func builtinCalls(_ e: Expr) -> CallTable {
        var out = CallTable()
        func visit(_ e: Expr) {
            switch e.kind {
            case .literal, .ident: break
            case .select(let x, _, _), .unary(_, let x): visit(x)
            case .call(let name, let target, let args, _):
                if let id = BuiltinID(name: name) { out[e.id] = id }
                if let t = target { visit(t) }
                args.forEach(visit)
            case .index(let a, let b):
                visit(a)
                visit(b)
            case .list(let xs), .and(let xs), .or(let xs): xs.forEach(visit)
            case .map(let entries):
                for entry in entries {
                    visit(entry.key)
                    visit(entry.value)
                }
            case .binary(let first, let links):
                visit(first)
                for l in links { visit(l.rhs) }
            case .conditional(let a, let b, let c):
                visit(a)
                visit(b)
                visit(c)
            }
        }
        visit(e)
        return out
    }
}

@Suite struct EvaluatorTests {
    func run(
        _ e: Expr, _ r: Resolutions = Resolutions(), lets: [Expr] = [], facts: [Value?] = [],
        bindings: [String: Value] = [:],
        limits: EvalLimits = .init(), host: [@Sendable ([Value]) -> Result<Value, EvalError>] = [],
        celMode: Bool = false, resolvingCalls: Bool = true
    ) -> (Result<Value, EvalError>, Int) {
        // The checker resolves every call to its built-in; hand-built trees get the same here.
        var r = r
        if resolvingCalls {
            for x in [e] + lets {
                let calls = celMode ? CELResolver.resolve(x, bindingNames: []).calls : ASTBuilder.builtinCalls(x)
                r.calls.merge(calls)
            }
        }
        let ev = Evaluator(resolutions: r, lets: lets, hostFunctions: host, celMode: celMode)
        var st = EvalState(facts: facts, bindings: bindings, limits: limits)
        let v = ev.evaluate(e, &st)
        return (v, st.steps)
    }

    func value(_ r: (Result<Value, EvalError>, Int)) -> Value? {
        if case .success(let v) = r.0 { return v }
        return nil
    }

    func error(_ r: (Result<Value, EvalError>, Int)) -> EvalError? {
        if case .failure(let e) = r.0 { return e }
        return nil
    }

    @Test func factsReadTheirSlotAndMissingFactsNameTheFact() {
        let b = ASTBuilder()
        let e = b.ident("osVersion")
        var r = Resolutions()
        r[e.id] = .fact(1)
        let present = run(e, r, facts: [nil, .int(7)])
        #expect(value(present).map { Builtins.equals($0, .int(7)) } == true)
        let missing = error(run(e, r, facts: [nil, nil]))
        #expect(missing?.kind == .missingFact)
        #expect(missing?.message == "fact `osVersion` is missing")
        #expect(missing?.span != nil)
    }

    @Test func hasFactTestsPresence() {
        let b = ASTBuilder()
        let e = b.call("has", [b.ident("x")])
        var r = Resolutions()
        r[e.id] = .hasFact(0)
        #expect(value(run(e, r, facts: [nil])).map { Builtins.equals($0, .bool(false)) } == true)
        #expect(value(run(e, r, facts: [.int(1)])).map { Builtins.equals($0, .bool(true)) } == true)
    }

    @Test func missingFactIsAbsorbedByFalseAnd() {
        let b = ASTBuilder()
        let f = b.ident("x")
        let e = b.node(.and([f, b.bool(false)]))
        var r = Resolutions()
        r[f.id] = .fact(0)
        #expect(value(run(e, r, facts: [nil])).map { Builtins.equals($0, .bool(false)) } == true)
    }

    @Test func letsAreEvaluatedOnceAndCached() {
        let b = ASTBuilder()
        // let 0 = [1, 2, ..., 50].all(x, x > 0): costs more than 50 steps.
        let items = (1...50).map { b.int(Int64($0)) }
        let body = b.bin(b.ident("x"), .greater, b.int(0))
        let letExpr = b.call("all", [b.ident("x"), body], target: b.list(items))
        let use1 = b.ident("big")
        let use2 = b.ident("big")
        var r = Resolutions()
        r[use1.id] = .letValue(0)
        r[use2.id] = .letValue(0)
        let one = run(b.node(.and([use1, b.bool(true)])), r, lets: [letExpr])
        let two = run(b.node(.and([use1, use2])), r, lets: [letExpr])
        #expect(value(two).map { Builtins.equals($0, .bool(true)) } == true)
        #expect(two.1 - one.1 < 5)
    }

    @Test func aLetErrorIsThatError() {
        let b = ASTBuilder()
        let letExpr = b.bin(b.int(1), .divide, b.int(0))
        let use = b.ident("bad")
        var r = Resolutions()
        r[use.id] = .letValue(0)
        #expect(error(run(use, r, lets: [letExpr]))?.kind == .divisionByZero)
    }

    @Test func aLetCycleIsAnErrorNotACrash() {
        let b = ASTBuilder()
        let use = b.ident("a")
        var r = Resolutions()
        r[use.id] = .letValue(0)
        #expect(error(run(use, r, lets: [use])) != nil)
    }

    @Test func constantsAndVariables() {
        let b = ASTBuilder()
        let c = b.ident("medium")
        var r = Resolutions()
        r[c.id] = .constant(.enumMember(.threatLevel, 2))
        #expect(value(run(c, r)).map { Builtins.equals($0, .enumMember(.threatLevel, 2)) } == true)
        let v = b.ident("x")
        r[v.id] = .variable("x")
        #expect(error(run(v, r))?.message == "undeclared reference to 'x' (in container '')")
        #expect(value(run(v, r, bindings: ["x": .int(3)])).map { Builtins.equals($0, .int(3)) } == true)
    }

    @Test func hostFunctionsReceiveEvaluatedArguments() {
        let b = ASTBuilder()
        let e = b.call("twice", [b.bin(b.int(2), .add, b.int(3))])
        var r = Resolutions()
        r[e.id] = .hostFunction(0)
        let twice: @Sendable ([Value]) -> Result<Value, EvalError> = { args in
            guard case .int(let i) = args.first else { return .failure(EvalError(.custom, "bad")) }
            return .success(.int(i * 2))
        }
        #expect(value(run(e, r, host: [twice])).map { Builtins.equals($0, .int(10)) } == true)
        #expect(error(run(e, r, host: [])) != nil)
    }

    @Test func costLimitStopsEvaluation() {
        let b = ASTBuilder()
        let items = (1...100).map { b.int(Int64($0)) }
        let e = b.call("map", [b.ident("x"), b.bin(b.ident("x"), .multiply, b.int(2))], target: b.list(items))
        var limits = EvalLimits()
        limits.maxSteps = 50
        let err = error(run(e, limits: limits))
        #expect(err?.kind == .limitExceeded)
        #expect(err?.message == "evaluation cost limit exceeded (50 steps)")
    }

    @Test func limitErrorsAreNotAbsorbedByOr() {
        let b = ASTBuilder()
        let items = (1...100).map { b.int(Int64($0)) }
        let heavy = b.call("all", [b.ident("x"), b.bool(true)], target: b.list(items))
        let e = b.node(.or([heavy, b.bool(true)]))
        var limits = EvalLimits()
        limits.maxSteps = 50
        #expect(error(run(e, limits: limits))?.kind == .limitExceeded)
    }

    @Test func stringAndListSizeLimits() {
        let b = ASTBuilder()
        var limits = EvalLimits()
        limits.maxStringBytes = 5
        limits.maxListLength = 3
        #expect(error(run(b.bin(b.str("abc"), .add, b.str("def")), limits: limits))?.kind == .limitExceeded)
        #expect(value(run(b.bin(b.str("ab"), .add, b.str("c")), limits: limits)) != nil)
        let l = b.bin(b.list([b.int(1), b.int(2)]), .add, b.list([b.int(3), b.int(4)]))
        #expect(error(run(l, limits: limits))?.kind == .limitExceeded)
    }

    @Test func enumMembersCompareByOrdinalWithinOneEnum() {
        let b = ASTBuilder()
        let x = b.ident("a")
        let y = b.ident("b")
        var r = Resolutions()
        r[x.id] = .constant(.enumMember(.threatLevel, 1))
        r[y.id] = .constant(.enumMember(.threatLevel, 3))
        #expect(value(run(b.bin(x, .less, y), r)).map { Builtins.equals($0, .bool(true)) } == true)
        // Unordered enums have no `<`; members of different enums never compare: an error, not `false`.
        r[x.id] = .constant(.enumMember(.management, 0))
        r[y.id] = .constant(.enumMember(.management, 1))
        #expect(error(run(b.bin(x, .less, y), r))?.kind == .noSuchOverload)
        r[y.id] = .constant(.enumMember(.deviceLock, 0))
        #expect(error(run(b.bin(x, .equal, y), r))?.kind == .noSuchOverload)
        #expect(error(run(b.bin(x, .notEqual, y), r))?.kind == .noSuchOverload)
    }

    @Test func domainFunctions() throws {
        let b = ASTBuilder()
        let cmp = b.bin(b.call("version", [b.str("10.0")]), .greater, b.call("version", [b.str("9.1")]))
        #expect(value(run(cmp)).map { Builtins.equals($0, .bool(true)) } == true)
        let eq = b.bin(b.call("version", [b.str("13")]), .equal, b.call("version", [b.str("13.0.0")]))
        #expect(value(run(eq)).map { Builtins.equals($0, .bool(true)) } == true)
        #expect(error(run(b.call("version", [b.str("1..2")]))) != nil)
        #expect(error(run(b.call("date", [b.str("2024-02-30")]))) != nil)
        let days = b.call(
            "daysBetween", [b.call("date", [b.str("2024-02-28")]), b.call("date", [b.str("2024-03-01")])])
        #expect(value(run(days)).map { Builtins.equals($0, .int(2)) } == true)
        #expect(value(run(b.call("lower", [b.str("AbC")]))).map { Builtins.equals($0, .string("abc")) } == true)
        #expect(
            value(run(b.call("upper", [], target: b.str("AbC")))).map { Builtins.equals($0, .string("ABC")) } == true)
        let dl = b.bin(b.call("date", [b.str("2024-01-01")]), .less, b.call("date", [b.str("2024-01-02")]))
        #expect(value(run(dl)).map { Builtins.equals($0, .bool(true)) } == true)
    }

    @Test func domainFunctionsAreAbsentInCELMode() {
        let b = ASTBuilder()
        #expect(
            error(run(b.call("version", [b.str("1.0")]), celMode: true))?.message.contains("unbound function") == true)
    }

    @Test func comprehensionVariableShadowsABindingOnlyInsideTheMacro() {
        let b = ASTBuilder()
        // [1, 2].map(x, x * 10) + [x]
        let m = b.call(
            "map", [b.ident("x"), b.bin(b.ident("x"), .multiply, b.int(10))], target: b.list([b.int(1), b.int(2)]))
        let e = b.bin(m, .add, b.list([b.ident("x")]))
        let v = value(run(e, bindings: ["x": .int(7)]))
        #expect(v.map { Builtins.equals($0, .list([.int(10), .int(20), .int(7)])) } == true)
    }

    @Test func aCallTheCheckerDidNotResolveIsTheRulesInternalError() {
        let b = ASTBuilder()
        let call = b.call("size", [b.list([b.int(1)])])
        #expect(value(run(call)).map { Builtins.equals($0, .int(1)) } == true)
        let err = error(run(call, resolvingCalls: false))
        #expect(err?.kind == .internalError)
        #expect(err?.code == .internalError)
        #expect(err?.message.contains("not resolved") == true)
        // In CEL mode an unresolved call is a function CEL does not have.
        let cel = error(run(b.call("version", [b.str("1.0")]), celMode: true, resolvingCalls: false))
        #expect(cel?.message.contains("unbound function") == true)
    }

    @Test func dispatchFollowsTheResolutionNotTheName() {
        // The evaluator runs the built-in the call resolved to: a call named `size` resolved to
        // `lower` runs `lower` (no name comparison at run time).
        let b = ASTBuilder()
        let call = b.call("size", [b.str("AbC")])
        var r = Resolutions()
        r.calls[call.id] = .lower
        #expect(value(run(call, r, resolvingCalls: false)).map { Builtins.equals($0, .string("abc")) } == true)
    }

    @Test func errorsCarryTheFailingSpan() {
        let b = ASTBuilder()
        let bad = Expr(id: 99, span: SourceSpan(start: 4, end: 9), kind: .index(b.list([]), b.int(0)))
        #expect(error(run(bad))?.span == SourceSpan(start: 4, end: 9))
    }
}

#if canImport(Foundation)
    import Foundation

    @Suite struct EvaluatorDepthTests {
        /// Nesting at the parser's limit (200) evaluates on a 2 MiB thread stack in a debug build
        /// (about 6 KiB per level for nested macro calls; far less in release).
        @Test func deepNestingFitsInASmallStack() {
            let b = ASTBuilder()
            var list = b.int(1)
            var neg = b.int(1)
            var call = b.list([b.int(1)])
            for _ in 0..<200 {
                list = b.list([list])
                neg = b.node(.unary(.negate, neg))
                call = b.call("map", [b.ident("x"), b.ident("x")], target: call)
            }
            let exprs = [list, neg, call]
            final class Box: @unchecked Sendable { var ok = 0 }
            let box = Box()
            let done = DispatchSemaphore(value: 0)
            let t = Thread {
                for e in exprs {
                    let ev = Evaluator(resolutions: CELResolver.resolve(e, bindingNames: []), lets: [], celMode: true)
                    var st = EvalState(facts: [])
                    if case .success = ev.evaluate(e, &st) { box.ok += 1 }
                }
                done.signal()
            }
            t.stackSize = 2 << 20
            t.start()
            done.wait()
            #expect(box.ok == exprs.count)
        }
    }
#endif
