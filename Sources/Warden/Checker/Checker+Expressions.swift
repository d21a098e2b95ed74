// Typing of expressions, with the expected type flowing into string literals, bare enum
// members, list elements and `?:` branches (LANGUAGE.md §3).

extension Checker {
    /// Types `e`. `expected` only guides literal conversion and bare enum members; callers check the result.
    @discardableResult
    package func check(_ e: Expr, expected: WardenType? = nil) -> WardenType {
        let t = infer(e, expected: expected)
        recordType(e.id, t)
        return t
    }

    /// Keeps a node's static type in `resolutions.types`, while checking a test's given values
    /// (`recordsTypes`): those are the only nodes whose types are read back (`givenMismatch`), and
    /// keeping every node's type cost a few percent of compiling a big policy.
    func recordType(_ id: Int, _ t: WardenType) {
        if recordsTypes { resolutions.types[id] = t }
    }

    private func infer(_ e: Expr, expected: WardenType?) -> WardenType {
        switch e.kind {
        case .literal(let lit):
            return checkLiteral(e, lit, expected: expected)
        case .ident(let name):
            return checkIdent(e, name, expected: expected)
        case .select(let operand, let field, let fieldSpan):
            return checkSelect(e, operand, field, fieldSpan)
        case .call(let name, let target, let args, let nameSpan):
            return checkCall(e, name, target: target, args: args, nameSpan: nameSpan, expected: expected)
        case .index(let operand, let index):
            let ot = check(operand)
            let it = check(index)
            switch ot {
            case .list(let el):
                if !(it.isDynamic || it == .int || it == .uint) {
                    error(.typeMismatch, "a list index must be `int`, not `\(it)`", index.span)
                }
                return el
            case .map(let k, let v):
                if !comparableForEquality(k, it) {
                    error(.typeMismatch, "a key of `\(ot)` cannot be `\(it)`", index.span)
                }
                return v
            case .dyn, .error: return .dyn
            default:
                error(.noSuchField, "`\(ot)` cannot be indexed", operand.span)
                return .error
            }
        case .list(let items):
            // The list's own fixed element type wins over the context's (a mix is reported below).
            var elementExpected: WardenType?
            if case .list(let el)? = hint(e) ?? expected { elementExpected = el }
            var types: [WardenType] = []
            for item in items { types.append(check(item, expected: elementExpected)) }
            return .list(unify(types, items, "a list mixes"))
        case .map(let entries):
            var kts: [WardenType] = []
            var vts: [WardenType] = []
            for entry in entries {
                let kt = check(entry.key)
                switch kt {
                case .int, .uint, .bool, .string, .dyn, .error: break
                default:
                    error(
                        .typeMismatch, "a map key must be `int`, `uint`, `bool` or `string`, not `\(kt)`",
                        entry.key.span)
                }
                kts.append(kt)
                vts.append(check(entry.value))
            }
            return .map(join(kts), unify(vts, entries.map(\.value), "a map's values mix"))
        case .unary(let op, let operand):
            let t = check(operand)
            switch op {
            case .bang, .not:
                if !(t.isDynamic || t == .bool) {
                    error(.typeMismatch, "`\(op.rawValue)` applies to `bool`, not `\(t)`", e.span)
                    return .error
                }
                return .bool
            case .negate:
                if t.isDynamic || t == .int || t == .double { return t.isDynamic ? .dyn : t }
                error(.typeMismatch, "`-` applies to `int` and `double`, not `\(t)`", e.span)
                return .error
            }
        case .binary(let first, let links):
            return checkChain(first, links)
        case .and(let operands), .or(let operands):
            let word = if case .and = e.kind { "&&" } else { "||" }
            for o in operands {
                let t = check(o)
                if !(t.isDynamic || t == .bool) {
                    error(.typeMismatch, "`\(word)` applies to `bool`, not `\(t)`", o.span)
                }
            }
            return .bool
        case .conditional(let c, let a, let b):
            let ct = check(c)
            if !(ct.isDynamic || ct == .bool) {
                error(.typeMismatch, "the condition of `?:` must be `bool`, not `\(ct)`", c.span)
            }
            // The branches' own fixed type wins over the context's (a mix is reported by `unify`).
            if let flow = hint(e) ?? expected {
                let at = check(a, expected: flow)
                let bt = check(b, expected: flow)
                return unify([at, bt], [a, b], "the branches of `?:` mix")
            }
            // Let a flexible branch take the other branch's type.
            if isFlexible(a) && !isFlexible(b) {
                let bt = check(b)
                return unify([check(a, expected: bt), bt], [a, b], "the branches of `?:` mix")
            }
            let at = check(a)
            return unify([at, check(b, expected: at)], [a, b], "the branches of `?:` mix")
        }
    }

    /// The common type of several expressions (`dyn` when they differ).
    func join(_ types: [WardenType]) -> WardenType {
        var result: WardenType?
        for t in types where t != .error {
            if let r = result, r != t {
                if case .list = r, case .list = t { result = .list(.dyn) } else { return .dyn }
            } else {
                result = t
            }
        }
        return result ?? .dyn
    }

    /// Two different enums inside two types at the same place (`ThreatLevel` and `DeviceLock`,
    /// `list(ThreatLevel)` and `list(DeviceLock)`), if any.
    func enumClash(_ a: WardenType, _ b: WardenType) -> (EnumType, EnumType)? {
        switch (a, b) {
        case (.enumeration(let x), .enumeration(let y)): return x == y ? nil : (x, y)
        case (.list(let x), .list(let y)): return enumClash(x, y)
        case (.map(let k1, let v1), .map(let k2, let v2)): return enumClash(k1, k2) ?? enumClash(v1, v2)
        default: return nil
        }
    }

    /// `join`, but members of two different enums meeting (in `?:` branches, list elements, map
    /// values) are a type error: they could only ever compare unequal.
    func unify(_ types: [WardenType], _ exprs: [Expr], _ what: String) -> WardenType {
        var first: (type: WardenType, index: Int)?
        for (i, t) in types.enumerated() where !t.isDynamic {
            guard let f = first else {
                first = (t, i)
                continue
            }
            if let (x, y) = enumClash(f.type, t) {
                let span = i < exprs.count ? exprs[i].span : (exprs.last?.span ?? SourceSpan(start: 0, end: 0))
                var notes: [Diagnostic.Note] = []
                if f.index < exprs.count { notes.append(.init("this one is `\(f.type)`", span: exprs[f.index].span)) }
                error(
                    .cannotCompare,
                    "\(what) `\(x.name)` and `\(y.name)`: members of different enums never compare",
                    span, notes: notes)
                return .error
            }
        }
        return join(types)
    }

    /// The type an expression fixes by itself, cheaply and without reporting anything: a bound name
    /// (fact, `let`, variable), a qualified member (`ThreatLevel.low`), or a `?:` or list containing
    /// one. Nil when its type comes from its context (`high`, `"13.0"`) or takes a full check to know.
    func hint(_ e: Expr, depth: Int = 0) -> WardenType? {
        // Bounded, so that checking deeply nested lists and `?:` stays linear.
        guard depth < 32 else { return nil }
        var t: WardenType?
        switch e.kind {
        case .ident(let name):
            if let v = scopes.last(where: { $0.name == name }) {
                t = v.type
            } else if let i = letIndex[name], i >= 0, i < lets.count {
                t = lets[i].type
            } else if let slot = schema.slot(ofFact: name), slot >= 0, slot < schema.facts.count {
                t = schema.facts[slot].type
            }
        case .select(let operand, let field, _):
            if case .ident(let base) = operand.kind, let en = schema.enum(named: base), !isBoundName(base),
                en.ordinal(of: field) != nil
            {
                t = .enumeration(en)
            }
        case .conditional(_, let a, let b):
            t = hint(a, depth: depth + 1) ?? hint(b, depth: depth + 1)
        case .list(let items):
            for item in items {
                if let h = hint(item, depth: depth + 1) {
                    t = .list(h)
                    break
                }
            }
        default:
            break
        }
        guard let t, !t.isDynamic else { return nil }
        return t
    }

    // MARK: - Literals and names

    private func checkLiteral(_ e: Expr, _ lit: Literal, expected: WardenType?) -> WardenType {
        switch lit {
        case .int: return .int
        case .uint: return .uint
        case .double: return .double
        case .bool: return .bool
        case .null: return .null
        case .bytes: return .bytes
        case .string(let s):
            guard let expected else { return .string }
            return convert(e, s, to: expected) ?? .string
        }
    }

    /// Converts a string literal at compile time when it is compared with an enum, a version or a date.
    /// Returns nil when no conversion applies; reports an error and returns `.error` when the text does not convert.
    func convert(_ e: Expr, _ s: String, to type: WardenType) -> WardenType? {
        switch type {
        case .enumeration(let en):
            if let o = en.ordinal(of: s) {
                resolutions[e.id] = .constant(.enumMember(en, o))
                return type
            }
            let sug = nearest(s, in: en.members)
            error(
                .unknownEnumMember,
                "`\"\(s)\"` is not a member of `\(en.name)` (\(en.members.joined(separator: ", ")))"
                    + (sug.map { "; did you mean `\($0)`?" } ?? ""), e.span, fixIt: sug.map { "\"\($0)\"" },
                data: ErrorData(member: s))
            return .error
        case .version:
            if let v = Version(s) {
                resolutions[e.id] = .constant(.version(v))
                return .version
            }
            error(
                .invalidLiteral, "`\"\(s)\"` is not a version: expected digits separated by dots, such as \"13.0.2\"",
                e.span)
            return .error
        case .date:
            if let d = Day(s) {
                resolutions[e.id] = .constant(.date(d))
                return .date
            }
            error(
                .invalidLiteral,
                "`\"\(s)\"` is not a date: expected a calendar date YYYY-MM-DD, such as \"2024-05-01\"", e.span)
            return .error
        default:
            return nil
        }
    }

    /// Whether `name` is bound as a variable, `let` or fact (so it is not a bare enum member).
    func isBoundName(_ name: String) -> Bool {
        scopes.contains { $0.name == name } || letIndex[name] != nil || schema.slot(ofFact: name) != nil
    }

    private func checkIdent(_ e: Expr, _ name: String, expected: WardenType?) -> WardenType {
        if let v = scopes.last(where: { $0.name == name }) {
            resolutions[e.id] = .variable(name)
            return v.type
        }
        if let i = letIndex[name] {
            resolutions[e.id] = .letValue(i)
            usedLets.insert(i)
            return lets[i].type
        }
        if let slot = schema.slot(ofFact: name) {
            checkSupplied(slot, name, e.span)
            resolutions[e.id] = .fact(slot)
            return schema.facts[slot].type
        }
        let owners = enums(withMember: name)
        if !owners.isEmpty {
            var chosen = owners[0]
            if case .enumeration(let en)? = expected {
                if owners.contains(en) {
                    chosen = en
                } else {
                    let sug = nearest(name, in: en.members)
                    error(
                        .unknownEnumMember,
                        "`\(name)` is not a member of `\(en.name)` (\(en.members.joined(separator: ", ")))"
                            + (sug.map { "; did you mean `\($0)`?" } ?? ""), e.span, fixIt: sug,
                        data: ErrorData(member: name))
                    return .error
                }
            }
            resolutions[e.id] = .constant(.enumMember(chosen, chosen.ordinal(of: name) ?? 0))
            return .enumeration(chosen)
        }
        if let t = Checker.typeNames[name] {
            resolutions[e.id] = .constant(.type(t))
            return .type
        }
        if let en = schema.enum(named: name) {
            resolutions[e.id] = .constant(.type(.enumeration(en)))
            return .type
        }
        var candidates = schema.facts.map(\.name) + lets.map(\.name) + scopes.map(\.name)
        for en in schema.enums { candidates += en.members }
        if case .enumeration(let en)? = expected {
            // In an enum context a stray name is most likely a wrong member: list the members,
            // unless it is clearly a misspelt fact or `let`.
            let member = nearest(name, in: en.members)
            if member != nil || nearest(name, in: candidates) == nil {
                error(
                    .unknownEnumMember,
                    "`\(name)` is not a member of `\(en.name)` (\(en.members.joined(separator: ", ")))"
                        + (member.map { "; did you mean `\($0)`?" } ?? ""), e.span, fixIt: member,
                    data: ErrorData(member: name))
                return .error
            }
        }
        let sug = nearest(name, in: candidates)
        error(
            .unknownFact, "unknown fact `\(name)`" + (sug.map { "; did you mean `\($0)`?" } ?? ""), e.span, fixIt: sug,
            data: ErrorData(fact: name))
        return .error
    }

    private func checkSelect(_ e: Expr, _ operand: Expr, _ field: String, _ fieldSpan: SourceSpan) -> WardenType {
        if case .ident(let base) = operand.kind, let en = schema.enum(named: base), !isBoundName(base) {
            if let o = en.ordinal(of: field) {
                resolutions[e.id] = .constant(.enumMember(en, o))
                return .enumeration(en)
            }
            let sug = nearest(field, in: en.members)
            error(
                .unknownEnumMember,
                "`\(field)` is not a member of `\(en.name)` (\(en.members.joined(separator: ", ")))"
                    + (sug.map { "; did you mean `\($0)`?" } ?? ""), fieldSpan, fixIt: sug,
                data: ErrorData(member: field))
            return .error
        }
        let ot = check(operand)
        switch ot {
        case .map(let k, let v):
            if !(k.isDynamic || k == .string) { error(.noSuchField, "`\(ot)` has no fields", fieldSpan) }
            return v
        case .dyn, .error:
            return .dyn
        default:
            error(.noSuchField, "`\(ot)` has no field `\(field)`", fieldSpan)
            return .error
        }
    }

    // MARK: - Operators

    /// Whether an expression's type can be decided by its context: a string literal, a bare enum
    /// member, or a list of those.
    func isFlexible(_ e: Expr) -> Bool {
        switch e.kind {
        case .literal(.string): return true
        case .ident(let name): return !isBoundName(name) && !enums(withMember: name).isEmpty
        case .list(let items): return !items.isEmpty && items.allSatisfy(isFlexible)
        case .conditional(_, let a, let b): return isFlexible(a) && isFlexible(b)
        default: return false
        }
    }

    /// Bare member names used in a flexible expression.
    func memberNames(_ e: Expr) -> [String]? {
        switch e.kind {
        case .ident(let name): return [name]
        case .list(let items):
            var all: [String] = []
            for i in items {
                guard let m = memberNames(i) else { return nil }
                all += m
            }
            return all
        case .conditional(_, let a, let b):
            guard let x = memberNames(a), let y = memberNames(b) else { return nil }
            return x + y
        default: return nil
        }
    }

    private func checkChain(_ first: Expr, _ links: [ChainLink]) -> WardenType {
        guard let head = links.first else { return check(first) }
        var acc = checkBinary(head.op, first, head.rhs, opSpan: head.opSpan)
        var leftSpan = first.span.union(head.rhs.span)
        for link in links.dropFirst() {
            let rt = check(link.rhs, expected: link.op.isRelation && !link.op.isIn ? acc : nil)
            acc = typeBinary(link.op, acc, rt, span: leftSpan.union(link.rhs.span), opSpan: link.opSpan)
            leftSpan = leftSpan.union(link.rhs.span)
        }
        return acc
    }

    private func checkBinary(_ op: BinaryOp, _ l: Expr, _ r: Expr, opSpan: SourceSpan) -> WardenType {
        let span = l.span.union(r.span)
        guard op.isRelation else {
            return typeBinary(op, check(l), check(r), span: span, opSpan: opSpan)
        }
        var lt: WardenType
        var rt: WardenType
        let lh = hint(l)
        let rh = hint(r)
        if lh != nil || rh != nil {
            // Two-way: a side that fixes its own type keeps it; the other side takes it.
            lt = check(l, expected: lh ?? rh.flatMap { op == .in ? elementType($0) : $0 })
            rt = check(r, expected: rh ?? lh.map { op == .in ? .list($0) : $0 })
            return relate(op, l, r, lt, rt, span: span, opSpan: opSpan)
        }
        let lf = isFlexible(l)
        let rf = isFlexible(r)
        if lf && !rf {
            rt = check(r)
            lt = check(l, expected: op == .in ? elementType(rt) : rt)
        } else if rf && !lf {
            lt = check(l)
            rt = check(r, expected: op == .in ? .list(lt) : lt)
        } else if lf && rf, let lm = memberNames(l), let rm = memberNames(r) {
            // `medium < high`: the first enum that has every member wins.
            let all = lm + rm
            if let en = schema.enums.first(where: { en in all.allSatisfy { en.ordinal(of: $0) != nil } }) {
                lt = check(l, expected: .enumeration(en))
                rt = check(r, expected: op == .in ? .list(.enumeration(en)) : .enumeration(en))
            } else {
                // No one enum has every member: say which enums each name belongs to.
                var seen: [String] = []
                for n in all where !seen.contains(n) { seen.append(n) }
                let owners = seen.map { n in
                    "`\(n)` is in \(enums(withMember: n).map(\.name).joined(separator: ", "))"
                }
                error(
                    .ambiguousMember,
                    "no one enum has all of \(seen.map { "`\($0)`" }.joined(separator: ", ")) (\(owners.joined(separator: "; "))): qualify a member, such as `\(enums(withMember: seen.last ?? "").first?.name ?? "ThreatLevel").\(seen.last ?? "")`",
                    span)
                check(l)
                check(r)
                return .bool
            }
        } else if lf && rf, memberNames(l) != nil {
            lt = check(l)
            rt = check(r, expected: op == .in ? .list(lt) : lt)
        } else if lf && rf, memberNames(r) != nil {
            rt = check(r)
            lt = check(l, expected: op == .in ? elementType(rt) : rt)
        } else {
            lt = check(l)
            rt = check(r, expected: op == .in ? .list(lt) : lt)
        }
        return relate(op, l, r, lt, rt, span: span, opSpan: opSpan)
    }

    func elementType(_ t: WardenType) -> WardenType? {
        switch t {
        case .list(let e): return e
        case .map(let k, _): return k
        default: return nil
        }
    }

    static func isNumeric(_ t: WardenType) -> Bool { t == .int || t == .uint || t == .double }

    /// `==` applies: same type, numbers of any kind, `null`, or anything dynamic.
    func comparableForEquality(_ a: WardenType, _ b: WardenType) -> Bool {
        if a.isDynamic || b.isDynamic || a == b { return true }
        if Checker.isNumeric(a) && Checker.isNumeric(b) { return true }
        // `null` compares only with `null` and `dyn`: a fact's value is never null (`has()` tests presence).
        if a == .null || b == .null { return false }
        switch (a, b) {
        case (.list(let x), .list(let y)): return comparableForEquality(x, y)
        case (.map(let k1, let v1), .map(let k2, let v2)):
            return comparableForEquality(k1, k2) && comparableForEquality(v1, v2)
        default: return false
        }
    }

    func typeBinary(_ op: BinaryOp, _ lt: WardenType, _ rt: WardenType, span: SourceSpan, opSpan: SourceSpan)
        -> WardenType
    {
        if lt == .error || rt == .error { return op.isRelation ? .bool : .error }
        switch op {
        case .equal, .notEqual:
            if !comparableForEquality(lt, rt) {
                error(.cannotCompare, "cannot compare `\(lt)` with `\(rt)`" + mismatchReason(lt, rt, span), span)
            }
            return .bool
        case .less, .lessEqual, .greater, .greaterEqual:
            if lt.isDynamic || rt.isDynamic { return .bool }
            if Checker.isNumeric(lt) && Checker.isNumeric(rt) { return .bool }
            if lt == rt {
                switch lt {
                case .string, .bytes, .bool, .version, .date, .type: return .bool
                case .enumeration(let en):
                    if en.isOrdered { return .bool }
                    error(.cannotCompare, "`\(en.name)` is not ordered: `\(op.rawValue)` does not apply", opSpan)
                    return .bool
                default: break
                }
            }
            error(
                .cannotCompare,
                "cannot compare `\(lt)` with `\(rt)` using `\(op.rawValue)`" + mismatchReason(lt, rt, span), span)
            return .bool
        case .in:
            switch rt {
            case .list(let el):
                if !comparableForEquality(lt, el) {
                    error(.cannotCompare, "cannot look for `\(lt)` in `\(rt)`" + mismatchReason(lt, el, span), span)
                }
            case .map(let k, _):
                if !comparableForEquality(lt, k) {
                    error(.cannotCompare, "cannot look for `\(lt)` in the keys of `\(rt)`", span)
                }
            case .dyn: break
            default:
                error(.typeMismatch, "`in` needs a list or a map on its right, not `\(rt)`", span)
            }
            return .bool
        case .add:
            if lt.isDynamic || rt.isDynamic { return lt.isDynamic ? rt.isDynamic ? .dyn : rt : lt }
            switch (lt, rt) {
            case (.int, .int), (.uint, .uint), (.double, .double), (.string, .string), (.bytes, .bytes): return lt
            case (.list(let a), .list(let b)): return .list(join([a, b]))
            default:
                error(.typeMismatch, "`+` does not apply to `\(lt)` and `\(rt)`", span)
                return .error
            }
        case .subtract, .multiply, .divide, .remainder:
            if lt.isDynamic || rt.isDynamic { return lt.isDynamic ? rt.isDynamic ? .dyn : rt : lt }
            if lt == rt && (lt == .int || lt == .uint || (lt == .double && op != .remainder)) { return lt }
            error(.typeMismatch, "`\(op.rawValue)` does not apply to `\(lt)` and `\(rt)`", span)
            return .error
        }
    }
}

extension Checker {
    /// Why two types do not compare, when there is more to say than their names.
    func mismatchReason(_ a: WardenType, _ b: WardenType, _ span: SourceSpan) -> String {
        if enumClash(a, b) != nil { return ": members of different enums never compare" }
        if a == .null || b == .null { return ": a `\(a == .null ? b : a)` is never null" }
        return ""
    }

    /// `typeBinary`, with a clearer error for `fact == null` (a fact is missing, never null).
    func relate(
        _ op: BinaryOp, _ l: Expr, _ r: Expr, _ lt: WardenType, _ rt: WardenType, span: SourceSpan,
        opSpan: SourceSpan
    ) -> WardenType {
        if op == .equal || op == .notEqual, lt == .null || rt == .null, !comparableForEquality(lt, rt),
            lt != .error, rt != .error
        {
            let other = lt == .null ? r : l
            if case .fact(let slot)? = resolutions[other.id], slot >= 0, slot < schema.facts.count {
                let name = schema.facts[slot].name
                let test = op == .equal ? "!has(\(name))" : "has(\(name))"
                error(
                    .neverNull,
                    "`\(name)` is never null: a fact that is not given is missing, and a `\(schema.facts[slot].type)` is never null; use `\(test)`",
                    span, fixIt: test)
                return .bool
            }
        }
        if reportLiteralMismatch(op, l, r, lt, rt, span: span, mismatched: typeBinaryRejects(op, lt, rt)) {
            return .bool
        }
        return typeBinary(op, lt, rt, span: span, opSpan: opSpan)
    }

    /// True when `typeBinary` would report `lt op rt` as a mismatch of types.
    func typeBinaryRejects(_ op: BinaryOp, _ lt: WardenType, _ rt: WardenType) -> Bool {
        if lt == .error || rt == .error || lt.isDynamic || rt.isDynamic { return false }
        switch op {
        case .equal, .notEqual: return !comparableForEquality(lt, rt)
        case .less, .lessEqual, .greater, .greaterEqual:
            if Checker.isNumeric(lt) && Checker.isNumeric(rt) { return false }
            return lt != rt
        default: return false
        }
    }
}

extension BinaryOp {
    var isIn: Bool { self == .in }
}
