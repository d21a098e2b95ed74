// CEL's equality, ordering, container access and the standard functions (plus Warden's domain
// functions). Pure functions of values; the evaluator charges their cost.

enum Builtins {
    // MARK: - Equality

    /// CEL's `==`: numbers by exact value across int, uint and double (NaN is unequal to
    /// everything); strings by Unicode scalars; lists and maps deeply; values of different
    /// kinds are unequal.
    /// Members of two different enums never compare: that is an error (the checker rejects it;
    /// this keeps a gap in the checker from turning into a silent `false`).
    static func checkedEquals(_ a: Value, _ b: Value) throws(EvalError) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int, _), (.uint, _), (.double, _):
            return Arithmetic.compareNumbers(a, b) == 0
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for i in x.indices where try !checkedEquals(x[i], y[i]) { return false }
            return true
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for i in 0..<x.count {
                guard let j = find(x.keys[i], in: y), try checkedEquals(x.values[i], y.values[j]) else { return false }
            }
            return true
        case (.type(let x), .type(let y)): return x.typeName == y.typeName
        case (.enumMember(let e1, let o1), .enumMember(let e2, let o2)):
            if e1 != e2 { throw enumMix(a, b) }
            return o1 == o2
        case (.version(let x), .version(let y)): return x == y
        case (.date(let x), .date(let y)): return x == y
        default:
            // CEL's heterogeneous equality is false, but a domain value (enum member, version, date)
            // meeting another type got there through `dyn`: the checker's literal conversion did not
            // apply, so `false` would be a silent wrong answer. It is an error (the rule fails closed).
            if isDomainValue(a) || isDomainValue(b) { throw domainMix(a, b) }
            return false
        }
    }

    /// Enum members, versions and dates: Warden's domain values (never produced in CEL mode).
    static func isDomainValue(_ v: Value) -> Bool {
        switch v {
        case .enumMember, .version, .date: true
        default: false
        }
    }

    /// The error for an equality test of a domain value with a value of another type.
    static func domainMix(_ a: Value, _ b: Value) -> EvalError {
        EvalError(
            .noSuchOverload,
            "cannot compare `\(ValuePrinter.display(a))` (\(a.type.typeName)) with `\(ValuePrinter.display(b))` (\(b.type.typeName)): a domain value compares only with its own type"
        )
    }

    /// `checkedEquals` where an error counts as unequal (tests and tools; evaluation uses `checkedEquals`).
    static func equals(_ a: Value, _ b: Value) -> Bool { (try? checkedEquals(a, b)) ?? false }

    /// The error for a comparison of members of two different enums.
    static func enumMix(_ a: Value, _ b: Value) -> EvalError {
        EvalError(
            .noSuchOverload,
            "cannot compare `\(ValuePrinter.display(a))` with `\(ValuePrinter.display(b))`: members of different enums never compare"
        )
    }

    // MARK: - Ordering

    /// -1, 0 or 1 for `<`-family operators; nil when both are numbers and one is NaN (every
    /// comparison is then false); throws when the kinds have no ordering.
    static func compare(_ a: Value, _ b: Value, op: String) throws(EvalError) -> Int? {
        switch (a, b) {
        case (.int, .int), (.int, .uint), (.int, .double), (.uint, .int), (.uint, .uint), (.uint, .double),
            (.double, .int), (.double, .uint), (.double, .double):
            return Arithmetic.compareNumbers(a, b)
        case (.string(let x), .string(let y)):
            // UTF-8 byte order is Unicode scalar order.
            if x.utf8.elementsEqual(y.utf8) { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        case (.bytes(let x), .bytes(let y)):
            if x == y { return 0 }
            return x.lexicographicallyPrecedes(y) ? -1 : 1
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : (!x ? -1 : 1)
        case (.enumMember(let e1, let o1), .enumMember(let e2, let o2)) where e1 == e2 && e1.isOrdered:
            return Arithmetic.cmp(o1, o2)
        case (.enumMember(let e1, _), .enumMember(let e2, _)) where e1 != e2:
            throw enumMix(a, b)
        case (.version(let x), .version(let y)):
            return Version.compare(x, y)
        case (.date(let x), .date(let y)):
            return Arithmetic.cmp(x.daysSinceEpoch, y.daysSinceEpoch)
        default:
            throw .noOverload(op, [a, b])
        }
    }

    // MARK: - Maps

    /// Whether a value may be a map key.
    static func isKeyKind(_ v: Value) -> Bool {
        switch v {
        case .bool, .int, .uint, .string: true
        default: false
        }
    }

    /// The index of `key` in the map, comparing numbers by value (`{1: 'a'}[1u]`, `[1.0]`).
    static func find(_ key: Value, in m: MapValue) -> Int? {
        switch key {
        case .string(let s):
            for (i, k) in m.keys.enumerated() {
                if case .string(let t) = k, s.utf8.elementsEqual(t.utf8) { return i }
            }
        case .bool(let b):
            for (i, k) in m.keys.enumerated() {
                if case .bool(let c) = k, b == c { return i }
            }
        case .int, .uint, .double:
            for (i, k) in m.keys.enumerated() where Arithmetic.compareNumbers(key, k) == 0 { return i }
        default:
            break
        }
        return nil
    }

    // MARK: - Indexing and membership

    static func index(_ container: Value, _ idx: Value) throws(EvalError) -> Value {
        switch container {
        case .list(let items):
            let i: Int64
            switch idx {
            case .int(let x): i = x
            case .uint(let u):
                guard let x = Int64(exactly: u) else { throw indexError(idx) }
                i = x
            case .double(let d):
                guard let x = Int64(exactly: d) else {
                    throw EvalError(
                        .invalidArgument, "invalid_argument: index \(Arithmetic.formatDouble(d)) is not an integer")
                }
                i = x
            default:
                throw EvalError(
                    .invalidArgument, "invalid_argument: no such overload: list index of type '\(idx.type.typeName)'")
            }
            guard i >= 0, i < Int64(items.count), let k = Int(exactly: i) else { throw indexError(idx) }
            return items[k]
        case .map(let m):
            guard let j = find(idx, in: m) else { throw .noSuchKey(idx) }
            return m.values[j]
        default:
            throw .noOverload("_[_]", [container, idx])
        }
    }

    static func indexError(_ idx: Value) -> EvalError {
        EvalError(.indexOutOfRange, "index out of range: \(idx) (invalid_argument)")
    }

    /// `x in container`: list membership by CEL equality, map key presence.
    static func contains(_ container: Value, _ x: Value) throws(EvalError) -> Bool {
        switch container {
        case .list(let items):
            for item in items where try checkedEquals(x, item) { return true }
            return false
        case .map(let m): return find(x, in: m) != nil
        default: throw .noOverload("@in", [x, container])
        }
    }

    // MARK: - Strings

    static func size(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .string(let s): return .int(Int64(s.unicodeScalars.count))
        case .bytes(let b): return .int(Int64(b.count))
        case .list(let l): return .int(Int64(l.count))
        case .map(let m): return .int(Int64(m.count))
        default: throw .noOverload("size", [v])
        }
    }

    /// Substring search in linear time (Knuth–Morris–Pratt): the naive scan was quadratic, and
    /// `"a" * 10^6 contains ("a" * 5x10^5 + "b")` ran for minutes.
    static func stringContains(_ s: String, _ sub: String) -> Bool {
        let h = Array(s.utf8)
        let n = Array(sub.utf8)
        if n.isEmpty { return true }
        if n.count > h.count { return false }
        // fail[i]: length of the longest proper border of n[0...i].
        var fail = [Int](repeating: 0, count: n.count)
        var k = 0
        for i in n.indices.dropFirst() {
            while k > 0 && n[i] != n[k] { k = fail[k - 1] }
            if n[i] == n[k] { k += 1 }
            fail[i] = k
        }
        k = 0
        for c in h {
            while k > 0 && c != n[k] { k = fail[k - 1] }
            if c == n[k] { k += 1 }
            if k == n.count { return true }
        }
        return false
    }

    static func startsWith(_ s: String, _ p: String) -> Bool { s.utf8.starts(with: p.utf8) }

    static func endsWith(_ s: String, _ p: String) -> Bool {
        let a = s.utf8
        let b = p.utf8
        guard b.count <= a.count else { return false }
        return a.suffix(b.count).elementsEqual(b)
    }

    // MARK: - Domain functions

    static func version(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .version: return v
        case .string(let s):
            guard let ver = Version(s) else {
                throw EvalError(.invalidArgument, "invalid version '\(s)': expected digits separated by dots")
            }
            return .version(ver)
        default: throw .noOverload("version", [v])
        }
    }

    static func date(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .date: return v
        case .string(let s):
            guard let d = Day(s) else {
                throw EvalError(.invalidArgument, "invalid date '\(s)': expected a calendar date YYYY-MM-DD")
            }
            return .date(d)
        default: throw .noOverload("date", [v])
        }
    }

    static func daysBetween(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        guard case .date(let x) = a, case .date(let y) = b else { throw .noOverload("daysBetween", [a, b]) }
        return .int(Int64(y.daysSinceEpoch - x.daysSinceEpoch))
    }

    /// The type value of a value (`type(1)` is `int`).
    static func typeOf(_ v: Value) -> Value {
        switch v {
        case .type: .type(.type)
        default: .type(v.type)
        }
    }

    /// Type names usable as values in expressions.
    static func typeNamed(_ name: String) -> WardenType? {
        switch name {
        case "int": .int
        case "uint": .uint
        case "double": .double
        case "bool": .bool
        case "string": .string
        case "bytes": .bytes
        case "list": .list(.dyn)
        case "map": .map(.dyn, .dyn)
        case "null_type": .null
        case "type": .type
        default: nil
        }
    }
}
