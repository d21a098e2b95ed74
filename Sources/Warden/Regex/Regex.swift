/// A regular-expression error: what is wrong and where (a Unicode scalar index into the pattern).
struct RegexError: Error, Sendable, Hashable {
    var message: String
    var offset: Int
}

/// A compiled regular expression with RE2 syntax and semantics, used by CEL's `matches`.
///
/// Matching simulates the Thompson automaton (a Pike VM without captures), so it runs in time
/// linear in the subject: O(program size × subject scalars), never backtracking. The units of
/// matching are the subject's Unicode scalars. Patterns with backreferences or lookaround are
/// rejected at compile time, as in RE2.
struct Regex: Sendable {
    let program: RegexProgram

    /// Parses and compiles `pattern`. `maxProgramSize` bounds the number of automaton
    /// instructions, which counted repetitions such as `(a{100}){10}` multiply.
    static func compile(_ pattern: String, maxProgramSize: Int = 20_000) -> Result<Regex, RegexError> {
        do throws(RegexError) {
            var parser = RegexParser(pattern)
            let node = try parser.parse()
            let program = try RegexProgram(compiling: node, maxSize: maxProgramSize)
            return .success(Regex(program: program))
        } catch {
            return .failure(error)
        }
    }

    /// CEL `matches`: true when the pattern matches ANY substring (unanchored search, like RE2 PartialMatch).
    func search(_ subject: String) -> Bool {
        var budget = Int.max
        return search(subject, budget: &budget) ?? false
    }

    /// Same, but gives up (returns nil) once `budget` steps (roughly states×scalars visited) are used;
    /// decrements budget.
    func search(_ subject: String, budget: inout Int) -> Bool? {
        var machine = RegexMachine(program)
        return machine.search(subject, budget: &budget)
    }
}

// MARK: - Syntax tree

/// A parsed pattern. Capture groups are not kept: `matches` only needs a yes or no.
indirect enum RegexNode: Sendable {
    case empty
    /// One scalar; `fold` makes the comparison case-insensitive (simple case folding).
    case literal(Unicode.Scalar, fold: Bool)
    /// `.`: any scalar, or any but `\n` unless `(?s)`.
    case any(dotAll: Bool)
    case set(ScalarSet)
    case assertion(RegexAssertion)
    case concat([RegexNode])
    case alternate([RegexNode])
    /// `max == nil` means unbounded.
    case repetition(RegexNode, min: Int, max: Int?)
}

/// An empty-width assertion.
enum RegexAssertion: Sendable {
    case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary

    /// Whether the assertion holds between `prev` and `next` (nil at the ends of the text).
    func holds(prev: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
        switch self {
        case .beginText: prev == nil
        case .endText: next == nil
        case .beginLine: prev == nil || prev == "\n"
        case .endLine: next == nil || next == "\n"
        case .wordBoundary: Self.isWord(prev) != Self.isWord(next)
        case .notWordBoundary: Self.isWord(prev) == Self.isWord(next)
        }
    }

    /// RE2's word characters are ASCII only: `[0-9A-Za-z_]`.
    static func isWord(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        switch c.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: return true
        default: return false
        }
    }
}

// MARK: - Scalar sets

/// A set of scalars: sorted, disjoint ranges plus a mask of Unicode general categories,
/// optionally negated and case-insensitive.
struct ScalarSet: Sendable {
    static let maxScalar: UInt32 = 0x10FFFF

    private(set) var ranges: [ClosedRange<UInt32>] = []
    /// One bit per general category, in the order of `UnicodeClasses.categories`.
    var categories: UInt32 = 0
    var negated = false
    var fold = false

    init() {}

    init(_ ranges: [ClosedRange<UInt32>], negated: Bool = false) {
        self.ranges = Self.normalized(ranges)
        self.negated = negated
    }

    mutating func insert(_ range: ClosedRange<UInt32>) {
        ranges.append(range)
    }

    /// Adds the scalars of `other` (its negation applied), ignoring `other.fold`. A negated `other`
    /// must hold either ranges or categories, not both (true of every named class).
    mutating func formUnion(_ other: ScalarSet) {
        if other.negated && other.categories == 0 {
            ranges += Self.complement(Self.normalized(other.ranges))
        } else if other.negated {
            categories |= ~other.categories & UnicodeClasses.allCategories
        } else {
            ranges += other.ranges
            categories |= other.categories
        }
    }

    /// Sorts and merges the ranges; call once parsing of the set is done.
    mutating func normalize() {
        ranges = Self.normalized(ranges)
    }

    static func normalized(_ input: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = input.sorted { $0.lowerBound < $1.lowerBound }
        var out: [ClosedRange<UInt32>] = []
        out.reserveCapacity(sorted.count)
        for r in sorted {
            if let last = out.last, r.lowerBound <= last.upperBound &+ 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// The complement of normalized ranges within `0...maxScalar`.
    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in ranges {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            if r.upperBound >= maxScalar { return out }
            next = r.upperBound + 1
        }
        out.append(next...maxScalar)
        return out
    }

    /// Membership of a scalar, ignoring `negated` and `fold`.
    func containsExactly(_ value: UInt32) -> Bool {
        var lo = 0
        var hi = ranges.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let r = ranges[mid]
            if value < r.lowerBound {
                hi = mid
            } else if value > r.upperBound {
                lo = mid + 1
            } else {
                return true
            }
        }
        if categories != 0, let scalar = Unicode.Scalar(value) {
            return categories & UnicodeClasses.bit(of: scalar.properties.generalCategory) != 0
        }
        return false
    }

    /// Full membership: case variants when `fold`, then negation.
    func matches(_ c: Unicode.Scalar, _ variants: CaseVariants) -> Bool {
        var hit = containsExactly(c.value)
        if fold && !hit {
            hit =
                containsExactly(variants.lower) || containsExactly(variants.upper)
                || containsExactly(variants.folded) || containsExactly(variants.foldedUpper)
        }
        return hit != negated
    }
}

/// The simple case variants of one subject scalar, computed once per position.
struct CaseVariants {
    var lower: UInt32 = 0
    var upper: UInt32 = 0
    var folded: UInt32 = 0
    var foldedUpper: UInt32 = 0

    init() {}

    init(_ c: Unicode.Scalar) {
        let f = CaseFolding.fold(c)
        lower = CaseFolding.lower(c).value
        upper = CaseFolding.upper(c).value
        folded = f.value
        foldedUpper = CaseFolding.upper(f).value
    }
}

/// Simple (one scalar to one scalar) case mappings.
enum CaseFolding {
    static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c.isASCII {
            return (0x41...0x5A).contains(c.value) ? Unicode.Scalar(UInt8(c.value) | 0x20) : c
        }
        return single(c.properties.lowercaseMapping) ?? c
    }

    static func upper(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c.isASCII {
            return (0x61...0x7A).contains(c.value) ? Unicode.Scalar(UInt8(c.value) & 0xDF) : c
        }
        return single(c.properties.uppercaseMapping) ?? c
    }

    /// The representative of the scalar's case orbit: lower(upper(c)), so `ſ`, `s` and `S` agree,
    /// as do `ς`, `σ` and `Σ`. Dotless `ı` keeps itself (its folding to `i` is Turkic-only).
    static func fold(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c.isASCII { return lower(c) }
        if c.value == 0x131 { return c }
        return lower(upper(c))
    }

    /// Whether case-insensitive matching can differ from exact matching for `c`.
    static func hasVariants(_ c: Unicode.Scalar) -> Bool {
        lower(c) != c || upper(c) != c || fold(c) != c
    }

    private static func single(_ s: String) -> Unicode.Scalar? {
        var it = s.unicodeScalars.makeIterator()
        guard let first = it.next(), it.next() == nil else { return nil }
        return first
    }
}
