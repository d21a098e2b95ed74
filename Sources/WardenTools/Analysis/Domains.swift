import Warden

// The split points of each fact and the cells they cut its domain into: a reusable partition of
// the device space (for `warden analyze`, `warden diff` and anything that draws the decision over
// facts). Booleans and enums are enumerated; integers, versions and dates are cut at the
// constants the rules compare them with (a point for each constant, an interval between two);
// strings at the constants they are compared with, plus one "other" value; lists of strings by
// membership of the constants tested with `in`. Every fact also has a "missing" cell.

/// One cell of a fact's domain: a representative value and how to describe the cell.
package struct FactCell: Sendable, Hashable {
    /// A representative device value; nil for the "missing" cell.
    package var value: Value?
    /// For ordered domains: the constant this cell is (a point), as source text.
    package var point: String?
    /// For ordered domains: the bounds of an open interval, as source text (nil: unbounded).
    package var below: String?
    package var above: String?
    /// A readable condition for this cell alone (`osVersion < "11.0"`, `!has(rooted)`).
    package var condition: String

    package static func == (a: FactCell, b: FactCell) -> Bool { a.condition == b.condition }
    package func hash(into h: inout Hasher) { h.combine(condition) }
}

/// The cells of one fact, in the domain's order, the "missing" cell last.
package struct FactDomain: Sendable {
    /// The fact's slot in the schema.
    package var slot: Int
    /// The fact's name.
    package var name: String
    /// The fact's type.
    package var type: WardenType
    /// The cells; the last is "missing".
    package var cells: [FactCell]
    /// Whether the cells exactly partition the domain for the comparisons recorded (false for a
    /// fact of a type the analysis does not split, or a list with too many tested members).
    package var isExact: Bool
    /// For a list of strings: the members tested with `in` (cell `k` holds those of bit set `k`).
    package var members: [String] = []

    /// The index of the "missing" cell.
    package var missingIndex: Int { cells.count - 1 }
}

/// The domains of the facts a policy (or two) reads, at the constants its rules mention.
package struct DomainPartition: Sendable {
    /// Domains by fact slot.
    package var domains: [Int: FactDomain] = [:]

    /// The most list members split by membership (2^n cells).
    package static let maxListMembers = 6

    /// Builds the domains of `slots` from the constants compared with each fact.
    package init(schema: Schema, slots: Set<Int>, constants: [Int: [Value]]) {
        for slot in slots.sorted() where slot >= 0 && slot < schema.facts.count {
            let fact = schema.facts[slot]
            domains[slot] = DomainPartition.domain(fact, slot: slot, constants: constants[slot] ?? [])
        }
    }

    /// The domain of a fact (an empty one for a slot not analysed).
    package func domain(_ slot: Int) -> FactDomain? { domains[slot] }

    /// The cell of a fact's domain a device value falls in (nil: missing; nil result when the
    /// slot is not analysed or the value has another type).
    package func cellIndex(slot: Int, value: Value?) -> Int? {
        guard let d = domains[slot] else { return nil }
        guard let v = value else { return d.missingIndex }
        let present = d.cells.dropLast()
        switch (d.type, v) {
        case (.bool, .bool(let b)): return b ? 0 : 1
        case (.enumeration, .enumMember(_, let o)): return o >= 0 && o < present.count ? o : nil
        case (.list(.string), .list(let items)):
            var mask = 0
            for (i, m) in d.members.enumerated()
            where items.contains(where: { if case .string(let x) = $0 { x == m } else { false } }) {
                mask |= 1 << i
            }
            return mask < present.count ? mask : nil
        case (.string, .string(let str)):
            for (i, c) in present.enumerated() where c.point != nil {
                if case .string(let x)? = c.value, x == str { return i }
            }
            return present.count - 1
        case (.int, .int), (.version, .version), (.date, .date):
            // Cells ascend: the first whose representative is not below `v`, by the points.
            for (i, c) in present.enumerated() {
                guard let cv = c.value else { continue }
                if c.point != nil {
                    if Self.order(v, cv) == 0 { return i }
                    if Self.order(v, cv) < 0 {
                        return i > 0 && present.dropFirst(i - 1).first?.point == nil ? i - 1 : i
                    }
                }
            }
            return present.count - 1
        default: return present.isEmpty ? nil : 0
        }
    }

    /// -1, 0, 1 for two ints, versions or dates.
    static func order(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): x < y ? -1 : (x == y ? 0 : 1)
        case (.version(let x), .version(let y)): x < y ? -1 : (x == y ? 0 : 1)
        case (.date(let x), .date(let y)): x < y ? -1 : (x == y ? 0 : 1)
        default: 0
        }
    }

    static func missing(_ name: String) -> FactCell {
        FactCell(value: nil, condition: "!has(\(name))")
    }

    static func domain(_ fact: FactDefinition, slot: Int, constants: [Value]) -> FactDomain {
        let n = fact.name
        var cells: [FactCell] = []
        var exact = true
        var members: [String] = []
        switch fact.type {
        case .bool:
            cells = [
                FactCell(value: .bool(true), condition: n),
                FactCell(value: .bool(false), condition: "!\(n)"),
            ]
        case .enumeration(let e):
            for (i, m) in e.members.enumerated() {
                cells.append(FactCell(value: .enumMember(e, i), point: m, condition: "\(n) == \(m)"))
            }
        case .int:
            var cs: [Int64] = []
            for c in constants { if case .int(let i) = c { cs.append(i) } }
            cells = ordered(
                n, Array(Set(cs)).sorted(), text: { String($0) }, value: { .int($0) },
                between: { a, b in
                    let (s, o) = a.addingReportingOverflow(1)
                    return !o && s < b ? s : nil
                },
                below: { c in
                    let (s, o) = c.subtractingReportingOverflow(1)
                    return o ? nil : s
                },
                above: { c in
                    let (s, o) = c.addingReportingOverflow(1)
                    return o ? nil : s
                }, any: 0)
        case .date:
            var cs: [Int] = []
            for c in constants { if case .date(let d) = c { cs.append(d.daysSinceEpoch) } }
            cells = ordered(
                n, Array(Set(cs)).sorted(), text: { "\"\(Day(daysSinceEpoch: $0))\"" },
                value: { .date(Day(daysSinceEpoch: $0)) },
                between: { a, b in a + 1 < b ? a + 1 : nil },
                below: { c in Day(daysSinceEpoch: c - 1).daysSinceEpoch < c ? c - 1 : nil },
                above: { c in Day(daysSinceEpoch: c + 1).daysSinceEpoch > c ? c + 1 : nil },
                any: Day(year: 2024, month: 1, day: 1)?.daysSinceEpoch ?? 0)
        case .version:
            var cs: [Version] = []
            for c in constants {
                if case .version(let v) = c, !cs.contains(v) { cs.append(v) }
            }
            cells = ordered(
                n, cs.sorted(), text: { "\"\($0.text)\"" }, value: { .version($0) },
                between: { a, b in
                    for cand in [extend(a), extend(decrement(b))] {
                        if let v = cand, a < v, v < b { return v }
                    }
                    return nil
                },
                below: { c in decrement(c).flatMap { $0 < c ? $0 : nil } },
                above: { c in extend(c) }, any: Version("1") ?? cs.first)
        case .string:
            var cs: [String] = []
            for c in constants {
                if case .string(let s) = c, !cs.contains(s) { cs.append(s) }
            }
            cs.sort()
            for c in cs {
                cells.append(
                    FactCell(value: .string(c), point: quoteString(c), condition: "\(n) == \(quoteString(c))"))
            }
            var other = "other"
            var k = 1
            while cs.contains(other) {
                k += 1
                other = "other\(k)"
            }
            let cond =
                cs.isEmpty
                ? "has(\(n))"
                : cs.count == 1
                    ? "\(n) != \(quoteString(cs[0]))"
                    : "!(\(n) in [\(cs.map(quoteString).joined(separator: ", "))])"
            cells.append(FactCell(value: .string(other), condition: cond))
        case .list(.string):
            var cs: [String] = []
            for c in constants {
                if case .string(let s) = c, !cs.contains(s) { cs.append(s) }
            }
            cs.sort()
            if cs.count > maxListMembers {
                exact = false
                cs = Array(cs.prefix(maxListMembers))
            }
            members = cs
            let total = 1 << cs.count
            for mask in 0..<total {
                var members: [Value] = []
                var parts: [String] = []
                for (i, c) in cs.enumerated() {
                    if mask & (1 << i) != 0 {
                        members.append(.string(c))
                        parts.append("\(quoteString(c)) in \(n)")
                    } else {
                        parts.append("!(\(quoteString(c)) in \(n))")
                    }
                }
                cells.append(
                    FactCell(
                        value: .list(members),
                        condition: parts.isEmpty ? "has(\(n))" : parts.joined(separator: " && ")))
            }
        default:
            exact = false
            if let v = defaultValue(fact.type) {
                cells.append(FactCell(value: v, condition: "has(\(n))"))
            }
        }
        cells.append(missing(n))
        return FactDomain(slot: slot, name: n, type: fact.type, cells: cells, isExact: exact, members: members)
    }

    static func defaultValue(_ t: WardenType) -> Value? {
        switch t {
        case .bool: .bool(false)
        case .int: .int(0)
        case .uint: .uint(0)
        case .double: .double(0)
        case .string: .string("")
        case .bytes: .bytes([])
        case .list: .list([])
        case .version: Version("1").map { .version($0) }
        case .date: .date(Day(daysSinceEpoch: 0))
        case .enumeration(let e): .enumMember(e, 0)
        default: nil
        }
    }

    /// The cells of an ordered domain cut at `cs` (sorted, distinct): below the first, each
    /// constant, between two, above the last.
    static func ordered<T>(
        _ n: String, _ cs: [T], text: (T) -> String, value: (T) -> Value, between: (T, T) -> T?,
        below: (T) -> T?, above: (T) -> T?, any: T?
    ) -> [FactCell] {
        guard let first = cs.first, let last = cs.last else {
            guard let a = any else { return [] }
            return [FactCell(value: value(a), condition: "has(\(n))")]
        }
        var cells: [FactCell] = []
        if let b = below(first) {
            cells.append(FactCell(value: value(b), above: text(first), condition: "\(n) < \(text(first))"))
        }
        for (i, c) in cs.enumerated() {
            cells.append(FactCell(value: value(c), point: text(c), condition: "\(n) == \(text(c))"))
            if i + 1 < cs.count, let next = cs.dropFirst(i + 1).first, let m = between(c, next) {
                cells.append(
                    FactCell(
                        value: value(m), below: text(c), above: text(next),
                        condition: "\(n) > \(text(c)) && \(n) < \(text(next))"))
            }
        }
        if let a = above(last) {
            cells.append(FactCell(value: value(a), below: text(last), condition: "\(n) > \(text(last))"))
        }
        return cells
    }

    /// The version with a component 1 appended (just above it).
    static func extend(_ v: Version?) -> Version? {
        guard let v else { return nil }
        return Version((v.components.map { String($0) } + ["1"]).joined(separator: "."))
    }

    /// The version with its last non-zero component decreased and the rest dropped (below it).
    static func decrement(_ v: Version) -> Version? {
        var comps = v.components
        while let l = comps.last, l == 0 { comps.removeLast() }
        guard let l = comps.last else { return nil }
        comps.removeLast()
        comps.append(l - 1)
        return Version(comps.map { String($0) }.joined(separator: "."))
    }

    static func quoteString(_ s: String) -> String { ValuePrinter.quote(s) }
}
