// Name resolution for plain CEL (`--cel`): no schema, no checker. Calls resolve to their built-in
// (`Resolutions.calls`) as the checker's do. Bindings may have dotted
// names (`a.b.c`, CEL's qualified identifiers); a selection chain resolves to the longest
// bound prefix, unless its root is a comprehension variable in scope.

package enum CELResolver {
    /// Resolves the names of `e` against the binding names.
    package static func resolve(_ e: Expr, bindingNames: Set<String>) -> Resolutions {
        var r = Resolutions()
        var scope: [String] = []
        visit(e, bindingNames, &scope, &r)
        return r
    }

    static func visit(_ e: Expr, _ names: Set<String>, _ scope: inout [String], _ r: inout Resolutions) {
        switch e.kind {
        case .literal:
            break
        case .ident(let name):
            r[e.id] = identResolution(name, names, scope)
        case .select(let operand, _, _):
            resolveChain(e, operand, names, &scope, &r)
        case .call(let name, let target, let args, _):
            // Every call of a function plain CEL has is resolved to its built-in; any other call
            // (Warden's domain functions, unknown names) stays unresolved, which the evaluator
            // reports as CEL's "unbound function".
            let builtin = BuiltinID(name: name).flatMap { $0.entry.inCEL ? $0 : nil }
            if let id = builtin { r.calls[e.id] = id }
            if let t = target, let id = builtin, id.isComprehension, let first = args.first,
                case .ident(let v) = first.kind
            {
                visit(t, names, &scope, &r)
                scope.append(v)
                for a in args.dropFirst() { visit(a, names, &scope, &r) }
                scope.removeLast()
            } else {
                if let t = target { visit(t, names, &scope, &r) }
                for a in args { visit(a, names, &scope, &r) }
            }
        case .index(let a, let b):
            visit(a, names, &scope, &r)
            visit(b, names, &scope, &r)
        case .list(let items):
            for i in items { visit(i, names, &scope, &r) }
        case .map(let entries):
            for entry in entries {
                visit(entry.key, names, &scope, &r)
                visit(entry.value, names, &scope, &r)
            }
        case .unary(_, let x):
            visit(x, names, &scope, &r)
        case .binary(let first, let links):
            visit(first, names, &scope, &r)
            for l in links { visit(l.rhs, names, &scope, &r) }
        case .and(let xs), .or(let xs):
            for x in xs { visit(x, names, &scope, &r) }
        case .conditional(let a, let b, let c):
            visit(a, names, &scope, &r)
            visit(b, names, &scope, &r)
            visit(c, names, &scope, &r)
        }
    }

    static func identResolution(_ name: String, _ names: Set<String>, _ scope: [String]) -> Resolution {
        if scope.contains(name) || names.contains(name) { return .variable(name) }
        if let t = Builtins.typeNamed(name) { return .constant(.type(t)) }
        return .variable(name)
    }

    /// `a.b.c`: the longest prefix that is a binding name is looked up as one variable.
    static func resolveChain(
        _ top: Expr, _ operand: Expr, _ names: Set<String>, _ scope: inout [String], _ r: inout Resolutions
    ) {
        // Collect the chain from the top select down to its root.
        var chain: [(id: Int, field: String)] = []
        var cur = top
        while case .select(let inner, let field, _) = cur.kind {
            chain.append((cur.id, field))
            cur = inner
        }
        guard case .ident(let root) = cur.kind, !scope.contains(root) else {
            visit(cur, names, &scope, &r)
            return
        }
        // chain is top-first; prefixes grow from the root.
        let fields = chain.reversed().map(\.field)
        let ids = chain.reversed().map(\.id)
        var dotted: [String] = [root]
        var best: (Int, String)?
        for (k, f) in fields.enumerated() {
            dotted.append(f)
            let name = dotted.joined(separator: ".")
            if names.contains(name) { best = (ids[k], name) }
        }
        if let (id, name) = best {
            r[id] = .variable(name)
        } else {
            r[cur.id] = identResolution(root, names, scope)
        }
    }
}
