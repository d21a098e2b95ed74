// Typing of function calls and macros (LANGUAGE.md §3's function list, plus host functions).

extension Checker {
    static let macroNames: Set<String> = BuiltinTable.macroNames

    func checkCall(
        _ e: Expr, _ name: String, target: Expr?, args: [Expr], nameSpan: SourceSpan, expected: WardenType?
    ) -> WardenType {
        // Every call of a built-in is resolved to its entry here (`resolutions.calls`): the
        // evaluator dispatches on that, never on the name.
        let builtin = BuiltinID(name: name)
        if let target, let id = builtin, id.isComprehension, let first = args.first, case .ident(let v) = first.kind {
            resolutions.calls[e.id] = id
            return checkComprehension(e, id, target: target, variable: v, args: args, nameSpan: nameSpan)
        }
        if builtin == .has && target == nil {
            return checkHas(e, args: args, nameSpan: nameSpan)
        }
        guard let id = builtin, !id.isComprehension, id != .has else {
            return checkOtherCall(e, name, target: target, args: args, nameSpan: nameSpan)
        }
        resolutions.calls[e.id] = id
        let all = (target.map { [$0] } ?? []) + args
        func arity(_ n: Int) -> Bool { hasArity(n, e, name, all: all, args: args) }
        switch id {
        case .size:
            guard arity(1) else { return .error }
            let t = check(all[0])
            switch t {
            case .string, .bytes, .list, .map, .dyn, .error: return .int
            default:
                error(.typeMismatch, "`size` applies to strings, bytes, lists and maps, not `\(t)`", all[0].span)
                return .error
            }
        case .contains, .startsWith, .endsWith, .matches:
            guard arity(2) else { return .error }
            let a = check(all[0])
            let b = check(all[1])
            // `tags.contains("BYOD")`: membership in a list is `in`.
            if id == .contains, target != nil, case .list(let el) = a, b == .string || b == el {
                let fix = "\(source.text(all[1].span)) in \(source.text(all[0].span))"
                error(
                    .typeMismatch,
                    "`contains` applies to `string`, not `\(a)`; to test membership, write `\(fix)`", e.span, fixIt: fix
                )
                return .bool
            }
            for (t, x) in [(a, all[0]), (b, all[1])] where !(t.isDynamic || t == .string) {
                error(.typeMismatch, "`\(name)` applies to `string`, not `\(t)`", x.span)
            }
            if id == .matches, case .literal(.string(let pattern)) = all[1].kind {
                if case .failure(let err) = Regex.compile(pattern) {
                    error(.invalidLiteral, "invalid regular expression: \(err)", all[1].span)
                }
            }
            return .bool
        case .lower, .upper:
            guard arity(1) else { return .error }
            let t = check(all[0])
            if !(t.isDynamic || t == .string) {
                error(.typeMismatch, "`\(name)` applies to `string`, not `\(t)`", all[0].span)
            }
            return .string
        case .version, .date:
            guard arity(1) else { return .error }
            let want: WardenType = id == .version ? .version : .date
            if case .literal(.string(let s)) = all[0].kind {
                let t = convert(all[0], s, to: want)
                if t != .error, let c = resolutions[all[0].id] { resolutions[e.id] = c }
                recordType(all[0].id, .string)
                return want
            }
            let t = check(all[0])
            if !(t.isDynamic || t == .string || t == want) {
                error(.typeMismatch, "`\(name)` takes a `string`, not `\(t)`", all[0].span)
            }
            return want
        case .daysBetween:
            guard arity(2) else { return .error }
            for a in all {
                let t = check(a, expected: .date)
                if !(t.isDynamic || t == .date) {
                    error(.typeMismatch, "`daysBetween` takes dates, not `\(t)`", a.span)
                }
            }
            return .int
        case .int, .uint, .double, .string, .bytes, .bool, .dyn, .type:
            guard arity(1) else { return .error }
            return checkConversion(id, all[0])
        case .has, .all, .exists, .existsOne, .map, .filter:
            // Excluded by the guard above (a macro in a macro's form is checked there).
            return checkOtherCall(e, name, target: target, args: args, nameSpan: nameSpan)
        }
    }

    /// Whether a call has `n` arguments (its receiver counted); if not, reports `wrongArgumentCount`
    /// and still checks the arguments, so their own mistakes are reported too.
    private func hasArity(_ n: Int, _ e: Expr, _ name: String, all: [Expr], args: [Expr]) -> Bool {
        if all.count == n { return true }
        error(
            .wrongArgumentCount, "`\(name)` takes \(n == 1 ? "one argument" : "\(n) arguments"), not \(all.count)",
            e.span)
        for a in args { _ = check(a) }
        return false
    }

    /// A call that is not a built-in in its form: a host function, a macro without its receiver
    /// or variable, or an unknown function.
    private func checkOtherCall(_ e: Expr, _ name: String, target: Expr?, args: [Expr], nameSpan: SourceSpan)
        -> WardenType
    {
        let all = (target.map { [$0] } ?? []) + args
        func arity(_ n: Int) -> Bool { hasArity(n, e, name, all: all, args: args) }
        if let i = hostFunctions.firstIndex(where: { $0.name == name }), target == nil {
            let f = hostFunctions[i]
            guard arity(f.parameters.count) else { return .error }
            for (a, p) in zip(all, f.parameters) {
                let t = check(a, expected: p)
                if !assignable(t, to: p) { error(.typeMismatch, "`\(name)` takes `\(p)` here, not `\(t)`", a.span) }
            }
            resolutions[e.id] = .hostFunction(i)
            return f.result
        }
        for a in all { _ = check(a) }
        if let entry = BuiltinTable.entry(named: name), entry.form == .macro {
            // `all(...)` without a receiver, or without a variable: the macro's form, not a typo.
            let overload = entry.overloads.first ?? "list.\(name)(x, bool)"
            var usage = String(overload.prefix { $0 != "-" })  // drop ` -> result`
            while usage.last == " " { usage.removeLast() }
            error(
                .wrongArgumentCount, "`\(name)` is a macro taking a variable and a body: write `\(usage)`", e.span)
            return .error
        }
        let sug = nearest(name, in: Checker.builtinFunctions + hostFunctions.map(\.name))
        error(
            .unknownFunction,
            "unknown function `\(name)`" + (sug.map { "; did you mean `\($0)`?" } ?? ""), nameSpan, fixIt: sug,
            data: ErrorData(function: name))
        return .error
    }

    private func checkConversion(_ id: BuiltinID, _ arg: Expr) -> WardenType {
        let t = check(arg)
        let result: WardenType
        switch id {
        case .dyn: result = .dyn
        case .type: result = .type
        default: result = Checker.typeNames[id.name] ?? .dyn
        }
        if t.isDynamic { return result }
        let ok: Bool
        switch id {
        case .int, .uint, .double: ok = [.int, .uint, .double, .string].contains(t)
        case .string:
            switch t {
            case .int, .uint, .double, .string, .bytes, .bool, .enumeration, .version, .date: ok = true
            default: ok = false
            }
        case .bytes: ok = t == .string || t == .bytes
        case .bool: ok = t == .bool || t == .string
        default: ok = true
        }
        if !ok { error(.typeMismatch, "no conversion `\(id.name)` from `\(t)`", arg.span) }
        return result
    }

    private func checkHas(_ e: Expr, args: [Expr], nameSpan: SourceSpan) -> WardenType {
        guard args.count == 1 else {
            error(.wrongArgumentCount, "`has` takes one argument: a fact or a field selection", e.span)
            return .error
        }
        let arg = args[0]
        switch arg.kind {
        case .ident(let name):
            if let slot = schema.slot(ofFact: name), !scopes.contains(where: { $0.name == name }),
                letIndex[name] == nil
            {
                checkSupplied(slot, name, arg.span)
                resolutions[e.id] = .hasFact(slot)
                recordType(arg.id, schema.facts[slot].type)
                return .bool
            }
            let sug = nearest(name, in: schema.facts.map(\.name))
            error(
                .unknownFact,
                "`has` takes a fact or a field selection; `\(name)` is not a fact"
                    + (sug.map { "; did you mean `\($0)`?" } ?? ""), arg.span, fixIt: sug,
                data: ErrorData(fact: name))
            return .error
        case .select(let operand, _, let fieldSpan):
            let t = check(operand)
            switch t {
            case .map, .dyn, .error:
                resolutions.calls[e.id] = .has
                return .bool
            default:
                error(.noSuchField, "`has` needs a map field selection; `\(t)` has no fields", fieldSpan)
                return .error
            }
        default:
            error(.typeMismatch, "`has` takes a fact or a field selection", arg.span)
            return .error
        }
    }

    private func checkComprehension(
        _ e: Expr, _ id: BuiltinID, target: Expr, variable: String, args: [Expr], nameSpan: SourceSpan
    ) -> WardenType {
        let name = id.name
        let tt = check(target)
        let vt: WardenType
        switch tt {
        case .list(let el): vt = el
        case .map(let k, _): vt = k
        case .dyn, .error: vt = .dyn
        default:
            error(.typeMismatch, "`\(name)` applies to lists and maps, not `\(tt)`", target.span)
            vt = .error
        }
        let expectedArgs = id == .map ? [2, 3] : [2]
        guard expectedArgs.contains(args.count) else {
            error(
                .wrongArgumentCount,
                "`\(name)` takes \(expectedArgs.map(String.init).joined(separator: " or ")) arguments", e.span)
            return .error
        }
        if scopes.count >= Limits.maxComprehensionNesting {
            error(
                .nestingTooDeep, "comprehension macros nested too deeply (limit \(Limits.maxComprehensionNesting))",
                nameSpan,
                data: ErrorData(limit: Limits.maxComprehensionNesting))
            return .error
        }
        scopes.append((variable, vt))
        defer { scopes.removeLast() }
        recordType(args[0].id, vt)
        func bool(_ x: Expr) {
            let t = check(x)
            if !(t.isDynamic || t == .bool) {
                error(.typeMismatch, "the predicate of `\(name)` must be `bool`, not `\(t)`", x.span)
            }
        }
        switch id {
        case .filter:
            bool(args[1])
            if case .map(let k, _) = tt { return .list(k) }
            return tt.isDynamic ? .list(.dyn) : .list(vt)
        case .map:
            if args.count == 3 {
                bool(args[1])
                return .list(check(args[2]))
            }
            return .list(check(args[1]))
        default:  // all, exists, exists_one
            bool(args[1])
            return .bool
        }
    }
}
