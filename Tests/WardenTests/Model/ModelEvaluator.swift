// The independent model of Warden's decision semantics, written from the language description
// (README "A tour of the language" and "Security model", Grammar/README.md, LANGUAGE.md §3–§5,
// SCHEMA.md), over the generator's own AST and the device's JSON text. It shares no code or types
// with the engine's checker or evaluator.

enum MVal: Equatable {
    case bool(Bool)
    case int(Int64)
    case str(String)
    /// Components with trailing zeros removed, so `13 == 13.0.0`.
    case version([UInt64])
    /// Days since 1970-01-01.
    case date(Int)
    case member(MEnum, Int)
    case list([String])
}

/// A value or an error (CEL's error kind).
enum MOut {
    case val(MVal)
    case err(String)
}

/// What the model expects of one decision.
struct MDecision: Equatable, CustomStringConvertible {
    var action: String
    var fired: Set<String>
    var errored: Set<String>
    var factErrors: Set<String>

    var description: String {
        "action \(action), fired \(fired.sorted()), errored \(errored.sorted()), fact errors \(factErrors.sorted())"
    }
}

// MARK: conversions (LANGUAGE.md §3)

/// `[0-9]+(\.[0-9]+)*`, each component < 2^32.
func modelVersion(_ s: String) -> [UInt64]? {
    var comps: [UInt64] = []
    for part in s.split(separator: ".", omittingEmptySubsequences: false) {
        guard !part.isEmpty else { return nil }
        var v: UInt64 = 0
        for u in part.unicodeScalars {
            guard u.value >= 48, u.value <= 57 else { return nil }
            v = v * 10 + UInt64(u.value - 48)
            if v >= 1 << 32 { return nil }
        }
        comps.append(v)
    }
    while comps.last == 0 { comps.removeLast() }
    return comps
}

/// `YYYY-MM-DD`, a real calendar date; the day number since 1970-01-01.
func modelDate(_ s: String) -> Int? {
    let u = Array(s.unicodeScalars)
    guard u.count == 10, u[4] == "-", u[7] == "-" else { return nil }
    func num(_ r: Range<Int>) -> Int? {
        var v = 0
        for i in r {
            guard u[i].value >= 48, u[i].value <= 57 else { return nil }
            v = v * 10 + Int(u[i].value - 48)
        }
        return v
    }
    guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m) else { return nil }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard d >= 1, d <= lengths[m - 1] else { return nil }
    // Days from civil (H. Hinnant's algorithm).
    let yy = m <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

func modelScalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

/// -1, 0, 1 for two values of one type, or nil if they do not compare.
func modelOrder(_ a: MVal, _ b: MVal) -> Int? {
    func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
    switch (a, b) {
    case (.int(let x), .int(let y)): return cmp(x, y)
    case (.str(let x), .str(let y)):
        return modelScalars(x).lexicographicallyPrecedes(modelScalars(y))
            ? -1 : (x.unicodeScalars.elementsEqual(y.unicodeScalars) ? 0 : 1)
    case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
    case (.date(let x), .date(let y)): return cmp(x, y)
    case (.version(let x), .version(let y)):
        for i in 0..<max(x.count, y.count) {
            let c = cmp(i < x.count ? x[i] : 0, i < y.count ? y[i] : 0)
            if c != 0 { return c }
        }
        return 0
    case (.member(let e, let x), .member(let f, let y)) where e == f: return cmp(x, y)
    default: return nil
    }
}

// MARK: the evaluator

struct ModelEvaluator {
    let policy: MPolicy
    let device: MDevice
    /// The engine's old reading (v1): a malformed fact counts as missing. Used only to say which
    /// mismatches that explains; the expected answers never use it.
    var malformedAsMissing = false

    private var letValues: [String: MOut] = [:]
    private var variables: [String: String] = [:]
    /// Whether evaluation read (or `has()`-tested) a malformed fact, or read a missing one.
    private(set) var readMalformed = false
    private(set) var readMissing = false
    /// Whether evaluation met something the language description leaves open (the case is skipped).
    private(set) var unspecified = false

    init(policy: MPolicy, device: MDevice, malformedAsMissing: Bool = false) {
        self.policy = policy
        self.device = device
        self.malformedAsMissing = malformedAsMissing
    }

    mutating func decide() -> MDecision {
        var action = MAction.allow
        var fired: Set<String> = []
        var errored: Set<String> = []
        for (rule, name) in zip(policy.rules, policy.ruleNames) {
            switch eval(rule.condition) {
            case .val(.bool(true)):
                fired.insert(name)
                action = max(action, rule.action ?? .allow)
            case .val:
                break
            case .err:
                errored.insert(name)
                action = max(action, policy.onError)
            }
        }
        var factErrors: Set<String> = []
        for f in device.facts {
            if case .malformed = f.state { factErrors.insert(f.name) }
        }
        return MDecision(action: action.name, fired: fired, errored: errored, factErrors: factErrors)
    }

    // MARK: facts

    mutating func fact(_ name: String, _ type: MType) -> MOut {
        switch device.state(name) {
        case nil:
            readMissing = true
            return .err("fact `\(name)` is missing")
        case .malformed:
            readMalformed = true
            return .err(malformedAsMissing ? "fact `\(name)` is missing" : "fact `\(name)` is malformed")
        case .present(let json):
            guard let v = decode(json, type) else { return .err("model: cannot decode \(json) as \(type)") }
            return .val(v)
        }
    }

    mutating func has(_ name: String) -> MOut {
        switch device.state(name) {
        case nil: return .val(.bool(false))
        case .malformed:
            readMalformed = true
            return malformedAsMissing ? .val(.bool(false)) : .err("fact `\(name)` is malformed")
        case .present: return .val(.bool(true))
        }
    }

    /// The generator writes valid facts in a few plain forms (no escapes).
    func decode(_ json: String, _ type: MType) -> MVal? {
        // A JSON string without `"` or `\` inside, except `\uXXXX` escapes.
        func unquote(_ s: Substring) -> String? {
            guard s.count >= 2, s.first == "\"", s.last == "\"" else { return nil }
            let u = Array(s.dropFirst().dropLast().unicodeScalars)
            var out = ""
            var i = 0
            while i < u.count {
                if u[i] == "\\" {
                    guard i + 6 <= u.count, u[i + 1] == "u",
                        let v = UInt32(String(String.UnicodeScalarView(u[(i + 2)..<(i + 6)])), radix: 16),
                        let scalar = Unicode.Scalar(v)
                    else { return nil }
                    out.unicodeScalars.append(scalar)
                    i += 6
                } else {
                    out.unicodeScalars.append(u[i])
                    i += 1
                }
            }
            return out
        }
        let text = Substring(json)
        switch type {
        case .bool: return json == "true" ? .bool(true) : (json == "false" ? .bool(false) : nil)
        case .int: return Int64(json).map { .int($0) }
        case .string: return unquote(text).map { .str($0) }
        case .version: return unquote(text).flatMap(modelVersion).map { .version($0) }
        case .date: return unquote(text).flatMap(modelDate).map { .date($0) }
        case .enumeration(let e):
            return unquote(text).flatMap { e.members.firstIndex(of: $0) }.map { .member(e, $0) }
        case .stringList:
            guard text.first == "[", text.last == "]" else { return nil }
            let inner = text.dropFirst().dropLast()
            if inner.isEmpty { return .list([]) }
            var items: [String] = []
            for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
                guard let s = unquote(part) else { return nil }
                items.append(s)
            }
            return .list(items)
        }
    }

    // MARK: expressions

    mutating func eval(_ e: MExpr) -> MOut {
        switch e {
        case .boolLit(let b): return .val(.bool(b))
        case .intLit(let n): return .val(.int(n))
        case .strLit(let s): return .val(.str(s))
        case .convLit(let s, let type):
            switch type {
            case .version: return modelVersion(s).map { .val(.version($0)) } ?? .err("model: bad literal")
            case .date: return modelDate(s).map { .val(.date($0)) } ?? .err("model: bad literal")
            case .enumeration(let en):
                return en.members.firstIndex(of: s).map { .val(.member(en, $0)) } ?? .err("model: bad literal")
            default: return .val(.str(s))
            }
        case .fact(let name, let type): return fact(name, type)
        case .letRef(let name, _):
            if let v = letValues[name] { return v }
            guard let l = policy.lets.first(where: { $0.name == name }) else { return .err("model: no let \(name)") }
            let v = eval(l.expr)
            letValues[name] = v
            return v
        case .variable(let name): return variables[name].map { .val(.str($0)) } ?? .err("model: no variable")
        case .member(let en, let i, _): return .val(.member(en, i))
        case .has(let name): return has(name)
        case .not(let x, _):
            switch eval(x) {
            case .val(.bool(let b)): return .val(.bool(!b))
            case .err(let m): return .err(m)
            case .val: return .err("model: not on a non-bool")
            }
        case .and(let xs, _): return logic(xs, absorbing: false)
        case .or(let xs, _): return logic(xs, absorbing: true)
        case .cond(let c, let a, let b):
            switch eval(c) {
            case .val(.bool(let t)): return eval(t ? a : b)
            case .err(let m): return .err(m)
            case .val: return .err("model: condition not bool")
            }
        case .compare(let op, let a, let b, _):
            let x = eval(a)
            let y = eval(b)
            guard case .val(let l) = x else { return x }
            guard case .val(let r) = y else { return y }
            guard let c = modelOrder(l, r) else { return .err("model: \(l) and \(r) do not compare") }
            switch op {
            case .eq: return .val(.bool(c == 0))
            case .ne: return .val(.bool(c != 0))
            case .lt: return .val(.bool(c < 0))
            case .le: return .val(.bool(c <= 0))
            case .gt: return .val(.bool(c > 0))
            case .ge: return .val(.bool(c >= 0))
            }
        case .inList(let x, let items, _):
            let v = eval(x)
            var values: [MVal] = []
            var firstError: MOut?
            for item in items {
                switch eval(item) {
                case .val(let iv): values.append(iv)
                case .err(let m): if firstError == nil { firstError = .err(m) }
                }
            }
            guard case .val(let needle) = v else { return v }
            if let firstError { return firstError }
            return .val(.bool(values.contains { modelOrder($0, needle) == 0 }))
        case .inStrings(let x, let l):
            let v = eval(x)
            let lv = eval(l)
            guard case .val(.str(let s)) = v else { return v }
            guard case .val(.list(let items)) = lv else { return lv }
            return .val(.bool(items.contains { $0.unicodeScalars.elementsEqual(s.unicodeScalars) }))
        case .arith(let op, let a, let b):
            let x = eval(a)
            let y = eval(b)
            guard case .val(.int(let l)) = x else { return x }
            guard case .val(.int(let r)) = y else { return y }
            return arith(op, l, r)
        case .negate(let a):
            let x = eval(a)
            guard case .val(.int(let n)) = x else { return x }
            return n == Int64.min ? .err("integer overflow") : .val(.int(-n))
        case .concat(let a, let b):
            let x = eval(a)
            let y = eval(b)
            guard case .val(.str(let l)) = x else { return x }
            guard case .val(.str(let r)) = y else { return y }
            return .val(.str(l + r))
        case .call(let f, let args):
            var values: [MVal] = []
            for a in args {
                switch eval(a) {
                case .val(let v): values.append(v)
                case .err(let m): return .err(m)
                }
            }
            return call(f, values)
        case .method(let t, let f, let a):
            let x = eval(t)
            let y = eval(a)
            guard case .val(.str(let s)) = x else { return x }
            guard case .val(.str(let p)) = y else { return y }
            let su = modelScalars(s)
            let pu = modelScalars(p)
            switch f {
            case "matches":
                guard let m = modelPatterns.first(where: { $0.pattern == p }) else { return .err("model: pattern") }
                return .val(.bool(m.test(su)))
            case "startsWith": return .val(.bool(su.starts(with: pu)))
            case "endsWith": return .val(.bool(su.reversed().starts(with: pu.reversed())))
            default:
                if pu.isEmpty { return .val(.bool(true)) }
                guard su.count >= pu.count else { return .val(.bool(false)) }
                for i in 0...(su.count - pu.count) where su[i..<(i + pu.count)].elementsEqual(pu) {
                    return .val(.bool(true))
                }
                return .val(.bool(false))
            }
        case .macro(let l, let kind, let v, let p):
            let lv = eval(l)
            guard case .val(.list(let items)) = lv else { return lv }
            let saved = variables[v]
            defer { variables[v] = saved }
            if kind == "exists_one" || kind == "filter" {
                // Not short-circuiting: any error is the result (CEL).
                var kept: [String] = []
                for item in items {
                    variables[v] = item
                    switch eval(p) {
                    case .val(.bool(true)): kept.append(item)
                    case .val: break
                    case .err(let m): return .err(m)
                    }
                }
                return kind == "filter" ? .val(.list(kept)) : .val(.bool(kept.count == 1))
            }
            // exists: an `||` over the elements; all: an `&&` (CEL's error-absorbing folds).
            let absorbing = kind == "exists"
            var firstError: MOut?
            for item in items {
                variables[v] = item
                switch eval(p) {
                case .val(.bool(let b)) where b == absorbing: return .val(.bool(absorbing))
                case .err(let m): if firstError == nil { firstError = .err(m) }
                default: break
                }
            }
            return firstError ?? .val(.bool(!absorbing))
        case .stringList(let items):
            var out: [String] = []
            for i in items {
                switch eval(i) {
                case .val(.str(let s)): out.append(s)
                case .err(let m): return .err(m)
                default: return .err("model: list element not a string")
                }
            }
            return .val(.list(out))
        }
    }

    /// CEL's commutative `&&` / `||`: a deciding operand (false for `&&`, true for `||`) wins
    /// over errors on either side; otherwise any error is the result.
    mutating func logic(_ xs: [MExpr], absorbing: Bool) -> MOut {
        var firstError: MOut?
        var decided = false
        for x in xs {
            switch eval(x) {
            case .val(.bool(let b)): if b == absorbing { decided = true }
            case .err(let m): if firstError == nil { firstError = .err(m) }
            case .val: if firstError == nil { firstError = .err("model: non-bool operand") }
            }
        }
        if decided { return .val(.bool(absorbing)) }
        return firstError ?? .val(.bool(!absorbing))
    }

    func arith(_ op: MArith, _ l: Int64, _ r: Int64) -> MOut {
        switch op {
        case .add:
            let (v, o) = l.addingReportingOverflow(r)
            return o ? .err("integer overflow") : .val(.int(v))
        case .sub:
            let (v, o) = l.subtractingReportingOverflow(r)
            return o ? .err("integer overflow") : .val(.int(v))
        case .mul:
            let (v, o) = l.multipliedReportingOverflow(by: r)
            return o ? .err("integer overflow") : .val(.int(v))
        case .div, .mod:
            if r == 0 { return .err("division by zero") }
            if l == Int64.min && r == -1 { return .err("integer overflow") }
            return .val(.int(op == .div ? l / r : l % r))
        }
    }

    mutating func call(_ f: String, _ args: [MVal]) -> MOut {
        switch (f, args.first, args.count) {
        // The language does not say what lower/upper do beyond ASCII: such a case is not judged.
        case ("lower", .str(let s)?, 1), ("upper", .str(let s)?, 1):
            if !s.unicodeScalars.allSatisfy(\.isASCII) { unspecified = true }
            return .val(.str(f == "lower" ? s.lowercased() : s.uppercased()))
        case ("size", .str(let s)?, 1): return .val(.int(Int64(s.unicodeScalars.count)))
        case ("size", .list(let l)?, 1): return .val(.int(Int64(l.count)))
        case ("string", .int(let n)?, 1): return .val(.str(String(n)))
        case ("int", .str(let s)?, 1):
            // CEL: a base-10 integer, optionally signed; anything else, or out of range, is an error.
            // (A leading `+` is left open by the description: not generated.)
            let body = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
            guard !body.isEmpty, body.unicodeScalars.allSatisfy({ $0.value >= 48 && $0.value <= 57 }), let n = Int64(s)
            else { return .err("bad int \(s)") }
            return .val(.int(n))
        case ("version", .str(let s)?, 1): return modelVersion(s).map { .val(.version($0)) } ?? .err("bad version \(s)")
        case ("date", .str(let s)?, 1): return modelDate(s).map { .val(.date($0)) } ?? .err("bad date \(s)")
        case ("daysBetween", .date(let a)?, 2):
            guard case .date(let b) = args[1] else { return .err("model: daysBetween") }
            return .val(.int(Int64(b - a)))
        default: return .err("model: unknown call \(f)")
        }
    }
}

// MARK: features of a case (to group mismatches)

extension MExpr {
    /// Calls `visit` on this node and every node below it.
    func walk(_ visit: (MExpr) -> Void) {
        visit(self)
        switch self {
        case .not(let x, _), .negate(let x): x.walk(visit)
        case .and(let xs, _), .or(let xs, _), .stringList(let xs), .call(_, let xs):
            for x in xs { x.walk(visit) }
        case .cond(let a, let b, let c):
            a.walk(visit)
            b.walk(visit)
            c.walk(visit)
        case .compare(_, let a, let b, _), .inStrings(let a, let b), .arith(_, let a, let b), .concat(let a, let b),
            .method(let a, _, let b), .macro(let a, _, _, let b):
            a.walk(visit)
            b.walk(visit)
        case .inList(let x, let items, _):
            x.walk(visit)
            for item in items { item.walk(visit) }
        default: break
        }
    }
}

extension MPolicy {
    /// The language features this policy uses.
    var features: Set<MFeature> {
        var out: Set<MFeature> = []
        if case .some(.some) = header { out.insert(.onError) }
        if minimalParentheses { out.insert(.fewParentheses) }
        func visit(_ e: MExpr) {
            switch e {
            case .member(_, _, let q): if !q { out.insert(.bareMember) }
            case .compare(_, let a, let b, let type):
                if case .member(_, _, false) = a, case .member(_, _, false) = b { out.insert(.bareBothSides) }
                if case .convLit = a { out.insert(.literalConversion) }
                if case .convLit = b { out.insert(.literalConversion) }
                if type == .version { out.insert(.version) }
                if type == .date { out.insert(.date) }
            case .cond(_, let a, let b):
                out.insert(.ternary)
                if a.hasBareMember || b.hasBareMember { out.insert(.ternaryEnumFlow) }
            case .inList(_, let items, let type):
                if case .enumeration = type { out.insert(.enumInList) }
                if items.contains(where: { if case .convLit = $0 { true } else { false } }) {
                    out.insert(.literalConversion)
                }
            case .arith(let op, _, _):
                out.insert(.arithmetic)
                if op == .div || op == .mod { out.insert(.divMod) }
            case .negate: out.insert(.arithmetic)
            case .call(let f, let args):
                switch f {
                case "daysBetween": out.insert(.daysBetween)
                case "version", "date":
                    if case .strLit = args.first {} else { out.insert(.conversionCall) }
                case "lower", "upper": out.insert(.stringFunctions)
                default: break
                }
            case .method: out.insert(.stringFunctions)
            case .macro: out.insert(.macro)
            case .has: out.insert(.has)
            case .letRef: out.insert(.letUse)
            case .and(_, let w), .or(_, let w): if w.contains(true) { out.insert(.wordOps) }
            case .not(_, let w): if w { out.insert(.wordOps) }
            default: break
            }
        }
        for l in lets {
            l.expr.walk { if case .letRef = $0 { out.insert(.letChain) } }
            l.expr.walk(visit)
        }
        for r in rules { r.condition.walk(visit) }
        return out
    }
}
