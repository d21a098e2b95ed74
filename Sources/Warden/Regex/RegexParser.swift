/// Parses RE2 syntax into a `RegexNode` tree. Positions are Unicode scalar indices into the pattern.
struct RegexParser {
    /// The largest counted repetition (RE2's), and the deepest nesting of groups. RE2 allows 1000
    /// groups deep, but each level is four recursive frames here and patterns can come from facts
    /// at run time: 1000 overflowed a 512 KiB thread stack under AddressSanitizer. 100 is the
    /// policy language's own nesting default.
    static let maxRepeat = 1000
    static let maxNesting = 100

    private struct Flags {
        var caseInsensitive = false
        var dotAll = false
        var multiLine = false
        var ungreedy = false  // parsed; irrelevant to a yes/no search
    }

    private enum Atom {
        case node(RegexNode)
        case nodes([RegexNode])  // `\Q...\E`
        case flagsOnly  // `(?i)`
    }

    private enum Escape {
        case scalar(Unicode.Scalar)
        case set(ScalarSet)
        case assertion(RegexAssertion)
        case quote  // `\Q`
    }

    private let scalars: [Unicode.Scalar]
    private var pos = 0
    private var flags = Flags()
    private var depth = 0
    private var groupNames: Set<String> = []

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    mutating func parse() throws(RegexError) -> RegexNode {
        let node = try parseAlternation()
        if pos < scalars.count { throw RegexError(message: "unexpected `)`", offset: pos) }
        return node
    }

    // MARK: - Primitives

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let i = pos + ahead
        return i < scalars.count ? scalars[i] : nil
    }

    private mutating func match(_ text: String) -> Bool {
        var i = pos
        for s in text.unicodeScalars {
            guard i < scalars.count, scalars[i] == s else { return false }
            i += 1
        }
        pos = i
        return true
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var s = String.UnicodeScalarView()
        let end = min(to, scalars.count)
        if from < end { s.append(contentsOf: scalars[from..<end]) }
        return String(s)
    }

    private func error(_ message: String, at offset: Int) -> RegexError {
        RegexError(message: message, offset: offset)
    }

    // MARK: - Alternation, concatenation, repetition

    private mutating func parseAlternation() throws(RegexError) -> RegexNode {
        var branches = [try parseConcat()]
        while peek() == "|" {
            pos += 1
            branches.append(try parseConcat())
        }
        if branches.count == 1, let only = branches.first { return only }
        return .alternate(branches)
    }

    private mutating func parseConcat() throws(RegexError) -> RegexNode {
        var items: [RegexNode] = []
        var canRepeat = false  // the last item may take a repetition operator
        var lastRepeat: Int?  // where the operator just applied to the last item starts
        while let c = peek(), c != "|", c != ")" {
            let start = pos
            if let (minimum, maximum) = try parseRepeatOperator() {
                if let lastRepeat {
                    throw error("bad repetition operator `\(text(lastRepeat, pos))`", at: lastRepeat)
                }
                guard canRepeat, let last = items.popLast() else {
                    throw error("missing argument to repetition operator `\(text(start, pos))`", at: start)
                }
                try checkNestedCounts(last, min: minimum, max: maximum, at: start)
                items.append(.repetition(last, min: minimum, max: maximum))
                lastRepeat = start
                continue
            }
            lastRepeat = nil
            switch try parseAtom() {
            case .node(let node):
                items.append(node)
                canRepeat = true
            case .nodes(let nodes):
                items += nodes
                canRepeat = !nodes.isEmpty
            case .flagsOnly:
                canRepeat = false
            }
        }
        if items.count == 1, let only = items.first { return only }
        return items.isEmpty ? .empty : .concat(items)
    }

    /// Parses `* + ? {n} {n,} {n,m}` and a lazy `?` after them. A `{` that does not start a
    /// valid count is a literal, as in RE2.
    private mutating func parseRepeatOperator() throws(RegexError) -> (Int, Int?)? {
        guard let c = peek() else { return nil }
        let start = pos
        let result: (Int, Int?)
        switch c {
        case "*": result = (0, nil)
        case "+": result = (1, nil)
        case "?": result = (0, 1)
        case "{":
            pos += 1
            guard let minimum = parseCount() else {
                pos = start
                return nil
            }
            var maximum: Int? = minimum
            if peek() == "," {
                pos += 1
                maximum = peek() == "}" ? nil : parseCount()
                if maximum == nil && peek() != "}" {
                    pos = start
                    return nil
                }
            }
            guard peek() == "}" else {
                pos = start
                return nil
            }
            let op = text(start, pos + 1)
            if minimum > Self.maxRepeat || (maximum ?? 0) > Self.maxRepeat {
                throw error("bad repetition operator `\(op)`: counts are at most \(Self.maxRepeat)", at: start)
            }
            if let maximum, maximum < minimum {
                throw error("bad repetition operator `\(op)`: the maximum is less than the minimum", at: start)
            }
            result = (minimum, maximum)
        default: return nil
        }
        pos += 1
        if peek() == "?" { pos += 1 }  // lazy
        return result
    }

    /// Decimal digits, saturating well above `maxRepeat`.
    private mutating func parseCount() -> Int? {
        var value = 0
        var any = false
        while let c = peek(), let d = Self.digit(c, radix: 10) {
            value = min(value * 10 + Int(d), 1_000_000)
            any = true
            pos += 1
        }
        return any ? value : nil
    }

    /// RE2 rejects nested counted repetitions whose counts multiply to more than 1000.
    private func checkNestedCounts(_ node: RegexNode, min: Int, max: Int?, at offset: Int) throws(RegexError) {
        let count = max ?? min
        guard count >= 2 else { return }
        if count * Self.nestedCount(node) > Self.maxRepeat {
            throw error("bad repetition operator: nested counts multiply to more than \(Self.maxRepeat)", at: offset)
        }
    }

    private static func nestedCount(_ node: RegexNode) -> Int {
        switch node {
        case .concat(let nodes), .alternate(let nodes):
            return nodes.reduce(1) { Swift.max($0, nestedCount($1)) }
        case .repetition(let sub, let min, let max):
            return Swift.min(Swift.max(max ?? min, 1) * nestedCount(sub), maxRepeat + 1)
        default:
            return 1
        }
    }

    // MARK: - Atoms

    private mutating func parseAtom() throws(RegexError) -> Atom {
        guard let c = peek() else { return .node(.empty) }
        switch c {
        case "(":
            return try parseGroup()
        case "[":
            return .node(try parseClass())
        case ".":
            pos += 1
            return .node(.any(dotAll: flags.dotAll))
        case "^":
            pos += 1
            return .node(.assertion(flags.multiLine ? .beginLine : .beginText))
        case "$":
            pos += 1
            return .node(.assertion(flags.multiLine ? .endLine : .endText))
        case "\\":
            switch try parseEscape(inClass: false) {
            case .scalar(let s): return .node(literal(s))
            case .set(var set):
                set.fold = flags.caseInsensitive
                return .node(.set(set))
            case .assertion(let a): return .node(.assertion(a))
            case .quote:
                var nodes: [RegexNode] = []
                while pos < scalars.count, !match("\\E") {
                    if peek() == "\\", peek(1) == "\\" { pos += 1 }
                    if let s = peek() { nodes.append(literal(s)) }
                    pos += 1
                }
                return .nodes(nodes)
            }
        default:
            pos += 1
            return .node(literal(c))
        }
    }

    private func literal(_ c: Unicode.Scalar) -> RegexNode {
        .literal(c, fold: flags.caseInsensitive && CaseFolding.hasVariants(c))
    }

    // MARK: - Groups and flags

    private mutating func parseGroup() throws(RegexError) -> Atom {
        let open = pos
        pos += 1
        let saved = flags
        if peek() == "?" {
            if match("?=") || match("?!") || match("?<=") || match("?<!") {
                throw error("not supported: RE2 syntax has no lookaround", at: open)
            }
            if match("?P=") || match("?P>") || match("?&") || match("?R") {
                throw error("not supported: RE2 syntax has no backreferences or recursion", at: open)
            }
            if match("?P<") || match("?<") {
                let nameStart = pos
                while let s = peek(), RegexAssertion.isWord(s) { pos += 1 }
                let name = text(nameStart, pos)
                guard peek() == ">", !name.isEmpty else {
                    throw error("invalid capture group name in `\(text(open, pos + 1))`", at: open)
                }
                guard groupNames.insert(name).inserted else {
                    throw error("duplicate capture group name `\(name)`", at: open)
                }
                pos += 1
            } else {
                pos += 1
                let (updated, opensGroup) = try parseFlags(open: open)
                flags = updated
                if !opensGroup { return .flagsOnly }
            }
        }
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxNesting { throw error("pattern nests too deeply", at: open) }
        let inner = try parseAlternation()
        guard peek() == ")" else { throw error("missing closing `)`", at: open) }
        pos += 1
        flags = saved
        return .node(inner)
    }

    /// Parses `imsU` flags (with one `-` for negation) after `(?`, up to and including `)` or `:`.
    /// Returns the new flags and whether a group body follows (`(?i:...)`); `(?i)` instead sets
    /// the flags until the end of the enclosing group.
    private mutating func parseFlags(open: Int) throws(RegexError) -> (Flags, Bool) {
        var updated = flags
        var negate = false
        var sawFlag = false
        while let c = peek() {
            pos += 1
            switch c {
            case "i": updated.caseInsensitive = !negate
            case "s": updated.dotAll = !negate
            case "m": updated.multiLine = !negate
            case "U": updated.ungreedy = !negate
            case "-" where !negate && (sawFlag || peek() != ":"):
                negate = true
                sawFlag = false
                continue
            case ":" where sawFlag || !negate:
                return (updated, true)
            case ")" where sawFlag:
                return (updated, false)
            default:
                throw error("invalid or unsupported group syntax `\(text(open, pos))`", at: open)
            }
            sawFlag = true
        }
        throw error("missing closing `)`", at: open)
    }

    // MARK: - Bracket expressions

    private mutating func parseClass() throws(RegexError) -> RegexNode {
        let open = pos
        pos += 1
        var set = ScalarSet()
        if peek() == "^" {
            set.negated = true
            pos += 1
        }
        var first = true
        while true {
            guard let c = peek() else { throw error("missing closing `]`", at: open) }
            if c == "]" && !first {
                pos += 1
                break
            }
            first = false
            if c == "[", peek(1) == ":", let posix = try parsePosixClass() {
                set.formUnion(posix)
                continue
            }
            let itemStart = pos
            guard let low = try parseClassScalar(into: &set) else { continue }
            if peek() == "-", let after = peek(1), after != "]" {
                pos += 1
                var ignored = ScalarSet()
                guard let high = try parseClassScalar(into: &ignored), ignored.ranges.isEmpty,
                    ignored.categories == 0
                else {
                    throw error("invalid character class range `\(text(itemStart, pos))`", at: itemStart)
                }
                guard low.value <= high.value else {
                    throw error("invalid character class range `\(text(itemStart, pos))`", at: itemStart)
                }
                set.insert(low.value...high.value)
            } else {
                set.insert(low.value...low.value)
            }
        }
        set.normalize()
        set.fold = flags.caseInsensitive
        return .set(set)
    }

    /// One class member: returns a scalar, or adds a class escape such as `\d` to `set` and returns nil.
    private mutating func parseClassScalar(into set: inout ScalarSet) throws(RegexError) -> Unicode.Scalar? {
        guard let c = peek() else { return nil }
        guard c == "\\" else {
            pos += 1
            return c
        }
        switch try parseEscape(inClass: true) {
        case .scalar(let s): return s
        case .set(let s):
            set.formUnion(s)
            return nil
        case .assertion, .quote:
            return nil  // parseEscape rejects these inside classes
        }
    }

    /// `[:name:]` or `[:^name:]` at `pos`; nil (nothing consumed) when no closing `:]` follows.
    private mutating func parsePosixClass() throws(RegexError) -> ScalarSet? {
        let start = pos
        var end = pos + 2
        while end + 1 < scalars.count, !(scalars[end] == ":" && scalars[end + 1] == "]") { end += 1 }
        guard end + 1 < scalars.count else { return nil }
        var name = text(start + 2, end)
        let negated = name.hasPrefix("^")
        if negated { name.removeFirst() }
        guard let ranges = UnicodeClasses.posix(name) else {
            throw error("invalid character class `\(text(start, end + 2))`", at: start)
        }
        pos = end + 2
        return ScalarSet(ranges, negated: negated)
    }

    // MARK: - Escapes

    /// The value of an ASCII digit in `radix` (10 or 16).
    private static func digit(_ c: Unicode.Scalar, radix: UInt32) -> UInt32? {
        let v = c.value
        let value: UInt32
        switch v {
        case 0x30...0x39: value = v - 0x30
        case 0x41...0x46: value = v - 0x41 + 10
        case 0x61...0x66: value = v - 0x61 + 10
        default: return nil
        }
        return value < radix ? value : nil
    }

    private mutating func parseEscape(inClass: Bool) throws(RegexError) -> Escape {
        let start = pos
        pos += 1
        guard let c = peek() else { throw error("trailing backslash at end of pattern", at: start) }
        pos += 1
        switch c {
        case "n": return .scalar("\n")
        case "t": return .scalar("\t")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "a": return .scalar("\u{07}")
        case "d", "s", "w", "D", "S", "W":
            let lower = Unicode.Scalar(UInt8(c.value) | 0x20)
            return .set(ScalarSet(UnicodeClasses.perl(lower) ?? [], negated: lower != c))
        case "p", "P":
            return .set(try parseUnicodeClass(negated: c == "P", start: start))
        case "x":
            return .scalar(try parseHex(start: start))
        case "0"..."7":
            if c != "0", !(peek().map { ("0"..."7").contains($0) } ?? false) {
                throw error("not supported: RE2 syntax has no backreferences", at: start)
            }
            var value = c.value - 0x30
            for _ in 0..<2 {
                guard let d = peek(), ("0"..."7").contains(d) else { break }
                value = value * 8 + (d.value - 0x30)
                pos += 1
            }
            return .scalar(Unicode.Scalar(value) ?? "\u{FFFD}")  // at most 0o777: always a scalar
        case "8", "9":
            throw error("not supported: RE2 syntax has no backreferences", at: start)
        case "A" where !inClass: return .assertion(.beginText)
        case "z" where !inClass: return .assertion(.endText)
        case "b" where !inClass: return .assertion(.wordBoundary)
        case "B" where !inClass: return .assertion(.notWordBoundary)
        case "Q" where !inClass: return .quote
        case "C" where !inClass: return .set(ScalarSet([0...ScalarSet.maxScalar]))
        default:
            // Any ASCII character other than a letter or digit stands for itself, as in RE2.
            if c.isASCII, !RegexAssertion.isWord(c) || c == "_" {
                return .scalar(c)
            }
            throw error("invalid escape sequence `\(text(start, pos))`", at: start)
        }
    }

    /// `\x41` or `\x{1F600}`, after the `x`.
    private mutating func parseHex(start: Int) throws(RegexError) -> Unicode.Scalar {
        var value: UInt32 = 0
        var digits = 0
        let braced = peek() == "{"
        if braced { pos += 1 }
        while let c = peek(), let d = Self.digit(c, radix: 16) {
            if !braced && digits == 2 { break }
            value = min(value * 16 + d, 0x110000)
            digits += 1
            pos += 1
        }
        if braced {
            guard peek() == "}" else {
                throw error("invalid escape sequence `\(text(start, pos))`", at: start)
            }
            pos += 1
        }
        guard digits > 0, braced || digits == 2, let s = Unicode.Scalar(value) else {
            throw error("invalid escape sequence `\(text(start, pos))`", at: start)
        }
        return s
    }

    /// `\pL`, `\p{Lu}`, `\p{^Greek}`, `\PL`, after the `p` or `P`.
    private mutating func parseUnicodeClass(negated: Bool, start: Int) throws(RegexError) -> ScalarSet {
        var name: String
        if peek() == "{" {
            let nameStart = pos + 1
            while let c = peek(), c != "}" { pos += 1 }
            guard peek() == "}" else { throw error("missing closing `}` in `\(text(start, pos))`", at: start) }
            name = text(nameStart, pos)
            pos += 1
        } else {
            guard let c = peek() else {
                throw error("missing Unicode class name after `\(text(start, pos))`", at: start)
            }
            name = String(c)
            pos += 1
        }
        var negate = negated
        if name.hasPrefix("^") {
            negate.toggle()
            name.removeFirst()
        }
        guard var set = UnicodeClasses.named(name) else {
            throw error("unknown Unicode class `\(text(start, pos))`", at: start)
        }
        set.negated = negate
        return set
    }
}
