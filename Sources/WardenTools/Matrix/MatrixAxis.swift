import Warden

/// One row or column of a decision grid: a set of values of a fact that every rule treats alike,
/// named by a label, with the one value the grid evaluates.
public struct MatrixBand: Sendable, Hashable {
    /// How the band is shown: `secured`, `< 11.0`, `11.0 – 12.0`, `>= 12.0`, `"samsung"`, `other`, `missing`.
    public let label: String
    /// The representative value evaluated for the band; `nil` for the `missing` band (the fact is not given).
    public let value: Value?

    /// A band with its label and representative value.
    public init(label: String, value: Value?) {
        self.label = label
        self.value = value
    }
}

extension MatrixBand {
    /// Bands are equal when their labels and representative values print alike.
    public static func == (a: MatrixBand, b: MatrixBand) -> Bool {
        a.label == b.label && a.value.map(MatrixFacts.json) == b.value.map(MatrixFacts.json)
    }

    /// Hashes the label and the representative value's JSON.
    public func hash(into h: inout Hasher) {
        h.combine(label)
        h.combine(value.map(MatrixFacts.json))
    }
}

/// Why a grid cannot be drawn.
public struct MatrixError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// An axis names no fact of the schema, both axes name one fact, or a fact's type cannot
        /// be an axis (a mistake in the request: the CLI's usage error).
        case badAxis
        /// The policy splits an axis into more bands than a grid shows (`MatrixAxis.maxBands`).
        case tooManyBands
    }
    /// What went wrong.
    public let kind: Kind
    /// Lowercase message, names in backticks.
    public let message: String
    /// Creates an error of a kind, with its message.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    /// The message.
    public var description: String { message }
}

/// An axis of the decision grid: a fact split into bands.
///
/// Enums and booleans enumerate their members. Integers, versions and dates are split at the
/// constants the rules compare the fact with: a comparison `x < c` or `x >= c` cuts just below `c`,
/// `x > c` or `x <= c` just above it, and `==`, `!=`, `in` and any comparison of an expression over
/// the fact (`x + 1 > c`) on both sides; each band then holds values that every such comparison
/// treats alike, and its representative is one of them (its lowest, or just above a cut). Strings
/// get one band per constant they are compared with (`==`, `in`, `startsWith`, ...) plus `other`;
/// lists of strings get `[]` plus one single-element list per constant.
public struct MatrixAxis: Sendable, Equatable {
    /// The fact's name.
    public let fact: String
    /// The fact's type.
    public let type: WardenType
    /// The bands, lowest first for ordered facts.
    public let bands: [MatrixBand]

    /// Creates an axis from its bands.
    public init(fact: String, type: WardenType, bands: [MatrixBand]) {
        self.fact = fact
        self.type = type
        self.bands = bands
    }

    /// The most bands one axis may have (a grid wider than this is not a picture).
    public static let maxBands = 64

    /// The axis of `fact` over the split points of every program (a diff splits at both policies'
    /// constants). `missing` adds a band where the fact is not given. `anyDate` is the
    /// representative of a date fact no rule compares with anything. `given`: the facts fixed in
    /// every cell, so that a comparison with one of them (`pinAttempts > offlineMinutes`,
    /// `daysBetween(patchLevel, today) > 90`) splits at its value; `other`: the other axis's fact.
    public static func make(
        fact: String, programs: [Program], missing: Bool = false, anyDate: Value.Day, given: Input? = nil,
        other: String? = nil
    ) -> Result<MatrixAxis, MatrixError> {
        guard let first = programs.first else { return .failure(MatrixError(.badAxis, "no policy")) }
        guard let def = first.schema.fact(named: fact) else {
            var m = "unknown fact `\(fact)`"
            if let s = nearest(fact, in: first.schema.facts.map(\.name)) { m += "; did you mean `\(s)`?" }
            return .failure(MatrixError(.badAxis, m))
        }
        var points = SplitPoints()
        var seen: Set<String> = []
        for p in programs {
            let found = SplitCollector.collect(
                p, fact: fact, type: def.type, known: given?.facts ?? [], other: other)
            points.cuts += found.cuts
            for s in found.strings where seen.insert(s).inserted { points.strings.append(s) }
        }
        var bands: [MatrixBand]
        switch def.type {
        case .bool:
            bands = [MatrixBand(label: "false", value: .bool(false)), MatrixBand(label: "true", value: .bool(true))]
        case .enumeration(let e):
            bands = e.members.enumerated().map { MatrixBand(label: $1, value: .enumMember(e, $0)) }
        case .int, .version, .date:
            bands = orderedBands(points.cuts, type: def.type, anyDate: anyDate)
        case .string:
            bands = points.strings.map { MatrixBand(label: ValuePrinter.quote($0), value: .string($0)) }
            let other = Value.string(otherString(points.strings))
            bands.append(MatrixBand(label: bands.isEmpty ? "any" : "other", value: other))
        case .list(.string):
            bands = [MatrixBand(label: "[]", value: .list([]))]
            bands += points.strings.map {
                MatrixBand(label: "[\(ValuePrinter.quote($0))]", value: .list([.string($0)]))
            }
        default:
            return .failure(MatrixError(.badAxis, "cannot draw `\(fact)` (of type `\(def.type)`) as an axis"))
        }
        if missing { bands.append(MatrixBand(label: "missing", value: nil)) }
        if bands.count > maxBands {
            return .failure(
                MatrixError(
                    .tooManyBands, "`\(fact)` splits into \(bands.count) bands; a grid axis has at most \(maxBands)"))
        }
        return .success(MatrixAxis(fact: fact, type: def.type, bands: bands))
    }

    /// A string equal to none of the constants: `other`, else `other-2`, `other-3`, ...
    static func otherString(_ constants: [String]) -> String {
        let taken = Set(constants)
        if !taken.contains("other") { return "other" }
        var n = 2
        while taken.contains("other-\(n)") { n += 1 }
        return "other-\(n)"
    }

    // MARK: - Ordered facts

    /// Where a cut lies on a discrete line: just below `c` is position `c`, just above is `c + 1`.
    /// Nil for versions (between two versions there is always a third) and past the domain's end.
    static func position(_ c: AxisCut) -> Int64? {
        let base: Int64
        switch c.value {
        case .int(let i): base = i
        case .date(let d): base = Int64(d.daysSinceEpoch)
        default: return nil
        }
        guard c.after else { return base }
        if case .date(let d) = c.value, Day(daysSinceEpoch: d.daysSinceEpoch + 1) == d { return nil }
        let (n, o) = base.addingReportingOverflow(1)
        return o ? nil : n
    }

    static func compare(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.version(let x), .version(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default: return 0
        }
    }

    /// Cuts in order, without duplicates (on a discrete line, `> 720` and `>= 721` are one cut; the
    /// first written names it). A cut above the largest value of the domain is dropped.
    static func sortedCuts(_ cuts: [AxisCut], discrete: Bool) -> [AxisCut] {
        var out: [AxisCut] = []
        if discrete {
            var seen: Set<Int64> = []
            var kept: [(Int64, AxisCut)] = []
            for c in cuts {
                guard let p = position(c), seen.insert(p).inserted else { continue }
                kept.append((p, c))
            }
            out = kept.sorted { $0.0 < $1.0 }.map(\.1)
        } else {
            // Sorted (ties in source order), then equal neighbours dropped: the first written names a cut.
            let sorted = cuts.enumerated().sorted { (x, y) in
                let k = compare(x.element.value, y.element.value)
                if k != 0 { return k < 0 }
                if x.element.after != y.element.after { return !x.element.after }
                return x.offset < y.offset
            }.map(\.element)
            for c in sorted {
                if let last = out.last, compare(last.value, c.value) == 0, last.after == c.after { continue }
                out.append(c)
            }
        }
        return out
    }

    static func orderedBands(_ raw: [AxisCut], type: WardenType, anyDate: Day) -> [MatrixBand] {
        let discrete = type != .version
        let cuts = sortedCuts(raw, discrete: discrete)
        guard let firstCut = cuts.first, let lastCut = cuts.last else {
            let any: Value
            switch type {
            case .int: any = .int(0)
            case .date: any = .date(anyDate)
            default: any = Version("1").map { Value.version($0) } ?? .int(0)
            }
            return [MatrixBand(label: "any", value: any)]
        }
        // Versions just above a cut get one more component than any constant has (`11.0` → `11.0.0.1`
        // when some constant has three), so they lie below every greater constant.
        var width = 1
        for c in cuts { if case .version(let v) = c.value { width = max(width, v.components.count) } }
        var bands: [MatrixBand] = []
        // Below the first cut.
        let below: Value? = firstCut.after ? firstCut.value : predecessor(firstCut.value)
        if let below {
            bands.append(MatrixBand(label: (firstCut.after ? "<= " : "< ") + text(firstCut.value), value: below))
        }
        // Between two cuts.
        for (lo, hi) in zip(cuts, cuts.dropFirst()) {
            guard let rep = lowest(above: lo, width: width) else { continue }
            bands.append(MatrixBand(label: between(lo, hi, discrete: discrete), value: rep))
        }
        // Above the last cut.
        if let rep = lowest(above: lastCut, width: width) {
            bands.append(MatrixBand(label: (lastCut.after ? "> " : ">= ") + text(lastCut.value), value: rep))
        }
        return bands
    }

    /// The label of a band between two cuts: `= c` for one value, `a – b` when it starts at a
    /// constant (from `a` to `b`, the ends as the neighbouring bands' labels say), else both bounds.
    static func between(_ lo: AxisCut, _ hi: AxisCut, discrete: Bool) -> String {
        if !lo.after, hi.after, compare(lo.value, hi.value) == 0 { return "= " + text(lo.value) }
        if discrete, let a = position(lo), let b = position(hi) {
            if b - a == 1, let v = lowest(above: lo, width: 1) { return "= " + text(v) }
            if lo.after, let v = lowest(above: lo, width: 1) { return text(v) + " – " + text(hi.value) }
        }
        if !lo.after { return text(lo.value) + " – " + text(hi.value) }
        return "> " + text(lo.value) + ", " + (hi.after ? "<= " : "< ") + text(hi.value)
    }

    /// The lowest value in the band that starts at a cut (a constant, or the next value after it).
    static func lowest(above c: AxisCut, width: Int) -> Value? {
        guard c.after else { return c.value }
        switch c.value {
        case .int(let i): return i == Int64.max ? nil : .int(i + 1)
        case .date(let d):
            let n = Day(daysSinceEpoch: d.daysSinceEpoch + 1)
            return n > d ? .date(n) : nil
        case .version(let v):
            var comps = v.components
            while comps.count < width { comps.append(0) }
            comps.append(1)
            return Version(comps.map(String.init).joined(separator: ".")).map { Value.version($0) }
        default: return nil
        }
    }

    /// The greatest simple value below a constant (`11.0` → `10`, `5.0.6000` → `5.0.5999`), if any.
    static func predecessor(_ v: Value) -> Value? {
        switch v {
        case .int(let i): return i == Int64.min ? nil : .int(i - 1)
        case .date(let d):
            let p = Day(daysSinceEpoch: d.daysSinceEpoch - 1)
            return p < d ? .date(p) : nil
        case .version(let ver):
            guard let last = ver.components.lastIndex(where: { $0 > 0 }) else { return nil }
            var comps = Array(ver.components.prefix(last + 1))
            comps[last] -= 1
            return Version(comps.map(String.init).joined(separator: ".")).map { Value.version($0) }
        default: return nil
        }
    }

    /// A value as a label shows it: `11.0`, `2024-01-01`, `720`.
    static func text(_ v: Value) -> String {
        switch v {
        case .version(let ver): ver.text
        case .date(let d): d.description
        case .int(let i): String(i)
        default: ValuePrinter.display(v)
        }
    }
}
