import Warden

// Readable conditions for a set of cells: cells that differ in one fact only are merged (repeatedly,
// fact by fact), then each fact's set of cells is written as a condition over that fact
// (`osVersion < "11.0"`, `threatLevel >= medium`, `!has(rooted)`), and the terms are joined by `||`.

enum Terms {
    /// The conditions (one per term) describing `cells` (a cell index per fact of `slots`).
    static func render(_ cells: [[Int]], slots: [Int], domains: DomainPartition, max: Int) -> [String] {
        let terms = merge(cells, dimensions: slots.count)
        var out: [String] = []
        for t in terms {
            var parts: [String] = []
            for (i, slot) in slots.enumerated() {
                guard let d = domains.domain(slot), let set = t.dropFirst(i).first else { continue }
                if set.count >= d.cells.count { continue }
                parts.append(describe(d, Set(set)))
            }
            out.append(parts.isEmpty ? "any device" : parts.joined(separator: " && "))
        }
        if out.count > max {
            let more = out.count - max
            out = Array(out.prefix(max)) + ["... and \(more) more"]
        }
        return out
    }

    /// Merges cells into terms: a term holds a set of cells per fact.
    static func merge(_ cells: [[Int]], dimensions: Int) -> [[[Int]]] {
        var terms: [[[Int]]] = cells.map { $0.map { [$0] } }
        var changed = true
        var rounds = 0
        while changed && rounds < 2 * dimensions + 2 {
            changed = false
            rounds += 1
            for i in 0..<dimensions {
                var groups: [[[Int]]: [Int]] = [:]
                var order: [[[Int]]] = []
                for t in terms {
                    var key = t
                    if i < key.count { key[i] = [] }
                    if groups[key] == nil { order.append(key) }
                    groups[key, default: []] += (t.dropFirst(i).first ?? [])
                }
                if order.count < terms.count { changed = true }
                terms = order.map { key in
                    var t = key
                    if i < t.count { t[i] = Array(Set(groups[key] ?? [])).sorted() }
                    return t
                }
            }
        }
        return terms
    }

    /// One fact's set of cells as a condition.
    static func describe(_ d: FactDomain, _ set: Set<Int>) -> String {
        let missing = set.contains(d.missingIndex)
        let rest = set.subtracting([d.missingIndex]).sorted()
        if rest.isEmpty { return "!has(\(d.name))" }
        let core = rest.count == d.cells.count - 1 ? "has(\(d.name))" : values(d, rest)
        return missing ? "(!has(\(d.name)) || \(core))" : core
    }

    static func values(_ d: FactDomain, _ rest: [Int]) -> String {
        let n = d.name
        let cells = d.cells
        if rest.count == 1, let only = rest.first, let c = cells.dropFirst(only).first { return c.condition }
        switch d.type {
        case .enumeration(let e):
            let members = rest.map { e.member(at: $0) }
            let all = e.members.count
            if e.isOrdered, let lo = rest.first, let hi = rest.last, hi - lo + 1 == rest.count {
                if lo == 0 { return "\(n) <= \(e.member(at: hi))" }
                if hi == all - 1 { return "\(n) >= \(e.member(at: lo))" }
                return "\(n) >= \(e.member(at: lo)) && \(n) <= \(e.member(at: hi))"
            }
            if rest.count == all - 1, let out = (0..<all).first(where: { !rest.contains($0) }) {
                return "\(n) != \(e.member(at: out))"
            }
            return "\(n) in [\(members.joined(separator: ", "))]"
        case .int, .version, .date:
            var runs: [(Int, Int)] = []
            for i in rest {
                if let last = runs.last, last.1 + 1 == i {
                    runs.removeLast()
                    runs.append((last.0, i))
                } else {
                    runs.append((i, i))
                }
            }
            let texts = runs.map { run(n, cells, $0.0, $0.1) }
            return texts.count == 1 ? texts.joined() : "(" + texts.joined(separator: " || ") + ")"
        case .string:
            let constants = cells.dropLast().compactMap(\.point)
            var chosen: [String] = []
            var other = false
            for i in rest {
                if let p = cells.dropFirst(i).first?.point { chosen.append(p) } else { other = true }
            }
            if !other { return "\(n) in [\(chosen.joined(separator: ", "))]" }
            let excluded = constants.filter { !chosen.contains($0) }
            if excluded.count == 1, let only = excluded.first { return "\(n) != \(only)" }
            return "!(\(n) in [\(excluded.joined(separator: ", "))])"
        case .list(.string):
            // Members in every chosen subset, members in none; the rest free.
            var parts: [String] = []
            var fixed = 0
            for (i, m) in d.members.enumerated() {
                let bit = 1 << i
                if rest.allSatisfy({ $0 & bit != 0 }) {
                    parts.append("\(ValuePrinter.quote(m)) in \(n)")
                    fixed += 1
                } else if rest.allSatisfy({ $0 & bit == 0 }) {
                    parts.append("!(\(ValuePrinter.quote(m)) in \(n))")
                    fixed += 1
                }
            }
            let free = d.members.count - fixed
            if free >= 0 && free < 31 && rest.count == 1 << free {
                return parts.isEmpty ? "has(\(n))" : parts.joined(separator: " && ")
            }
            return "(" + rest.compactMap { cells.dropFirst($0).first?.condition }.joined(separator: " || ") + ")"
        default:
            return "(" + rest.compactMap { cells.dropFirst($0).first?.condition }.joined(separator: " || ") + ")"
        }
    }

    /// Cells `i...j` of an ordered domain as one interval condition.
    static func run(_ n: String, _ cells: [FactCell], _ i: Int, _ j: Int) -> String {
        guard let a = cells.dropFirst(i).first, let b = cells.dropFirst(j).first else { return "has(\(n))" }
        if i == j { return a.condition }
        let lower: String? = a.point.map { "\(n) >= \($0)" } ?? a.below.map { "\(n) > \($0)" }
        let upper: String? = b.point.map { "\(n) <= \($0)" } ?? b.above.map { "\(n) < \($0)" }
        switch (lower, upper) {
        case (let l?, let u?): return "\(l) && \(u)"
        case (let l?, nil): return l
        case (nil, let u?): return u
        case (nil, nil): return "has(\(n))"
        }
    }
}
