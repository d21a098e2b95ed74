// Seeded generator of well-typed policies (as the model's own AST) and of devices (facts JSON),
// for the differential model test. Every generated policy is one the checker must accept.

/// One fact of a generated device.
enum MFactState {
    /// Present with a valid value, given as JSON text.
    case present(json: String)
    /// Present but malformed (wrong JSON type, bad version or date, unknown member, null).
    case malformed(json: String)
}

/// A generated device: facts by name (absent facts are not in the map), and its JSON text.
struct MDevice {
    var facts: [(name: String, state: MFactState)]
    var id: Int

    var json: String {
        var parts = ["\"id\":\(id)"]
        for f in facts {
            switch f.state {
            case .present(let j), .malformed(let j): parts.append("\(jsonQuote(f.name)):\(j)")
            }
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    func state(_ name: String) -> MFactState? { facts.first { $0.name == name }?.state }
}

/// Features a generated case uses, to group mismatches (see DifferentialModelTests).
enum MFeature: String, CaseIterable, Comparable {
    case bareMember, bareBothSides, ternaryEnumFlow, enumInList, literalConversion, version, date, daysBetween
    case arithmetic, divMod, stringFunctions, macro, has, letUse, letChain, onError, wordOps, ternary
    case malformedFact, malformedRead, missingRead, conversionCall, fewParentheses
    /// Not a feature: the engine's answer is the model's under v1's "a malformed fact counts as missing".
    case malformedAsMissing
    static func < (a: MFeature, b: MFeature) -> Bool { a.rawValue < b.rawValue }
}

struct ModelGenerator {
    var rng: ModelRNG
    var lets: [MLet] = []
    /// The comprehension variable in scope, if any.
    var scopeVar: String?

    init(seed: UInt64) { rng = ModelRNG(seed: seed) }

    // MARK: value pools (shared by literals and devices, so comparisons are often true)

    static let strings = [
        "acme", "google", "samsung", "Pixel 8", "", "a", "legacy-x", "13.0", "2024-05-01", "x.y",
        // Strings compare by Unicode scalars and `size` counts scalars (LANGUAGE.md §3).
        "\u{E9}", "e\u{301}", "\u{1F600}", "z",
        // Past any inline width, equal prefixes, and an embedded NUL.
        "legacy-device-model-name-0001", "legacy-device-model-name-0002", "legacy-device-", "a\u{0}", "acme\u{0}",
        // For int(s): digits, signs, and one past Int64.
        "12", "-3", "007", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    ]
    static let versions = [
        "11", "11.0", "13.0.2", "10", "9.1", "14", "13", "0", "4294967295", "007.1",
        // Many or large components (versions are packed in the batch's rows).
        "1.2.3.4.5", "1.2.3.4.6", "1.2.3.4", "4294967295.4294967295", "1.0.0.0.0.0.1", "1.4294967295", "65536.1", "256",
    ]
    static let badVersions = [
        "abc", "1..2", "", "1.2.", "v13", "4294967296", "-1", " 11", "1.2.3a", "+1", "\u{FF11}\u{FF13}",
        "\u{661}\u{663}",
        "13.\u{FF10}",
    ]
    static let dates = [
        "2024-05-01", "2024-01-01", "2023-12-31", "2024-02-29", "2020-03-01", "1999-12-31", "0001-01-01", "9999-12-31",
        "1900-02-28", "2000-02-29",
    ]
    static let badDates = [
        "2024-02-30", "2024-13-01", "2024-00-10", "24-01-01", "2023-02-29", "yesterday", "", "2024-5-01",
        "2024-05-01T00:00:00Z", "\u{FF12}024-05-01", "2024-05-00", "2100-02-29",
    ]
    static let ints: [Int64] = [0, 1, 2, 3, 5, 10, 90, -1, -7, 4_611_686_018_427_387_904, Int64.max, Int64.min]
    static let words = ["a", "acme", "legacy-", "Finance", "pilot", "x"]

    // MARK: policies

    mutating func policy() -> MPolicy {
        lets = []
        let header: MAction??
        switch rng.below(4) {
        case 0: header = .none
        case 1: header = .some(nil)
        default:
            header = .some(rng.pick(MAction.allCases, or: .blockAccess))
        }
        for i in 0..<rng.below(4) {
            let type = randomType()
            let e = expr(type, depth: 1 + rng.below(2), anchored: true)
            lets.append(MLet(name: "v\(i + 1)", type: type, expr: e))
        }
        var rules: [MRule] = []
        for i in 0..<(1 + rng.below(5)) {
            let cond = expr(.bool, depth: 1 + rng.below(rng.chance(10) ? 5 : 3), anchored: true)
            var rule = MRule(name: rng.chance(75) ? "r\(i + 1)" : nil, condition: cond, action: nil, message: nil)
            if rng.chance(90) {
                rule.action = rng.pick(MAction.allCases, or: .warn)
                if rng.chance(30) { rule.message = "message \(i + 1)" }
            }
            if rule.action == nil || rng.chance(10) { rule.set = (key: "DisableSignOut", value: rng.below(2)) }
            rules.append(rule)
        }
        return MPolicy(header: header, lets: lets, rules: rules, minimalParentheses: rng.chance(50))
    }

    mutating func randomType() -> MType {
        switch rng.below(9) {
        case 0, 1: .bool
        case 2: .int
        case 3: .string
        case 4: .version
        case 5: .date
        case 6: .stringList
        default: .enumeration(rng.pick(MEnum.allCases, or: .threatLevel))
        }
    }

    /// A let of this type, used with some probability.
    mutating func letOf(_ type: MType) -> MExpr? {
        let candidates = lets.filter { $0.type == type }
        guard !candidates.isEmpty, rng.chance(25) else { return nil }
        let l = rng.pick(candidates, or: candidates[0])
        return .letRef(l.name, type)
    }

    /// An expression of `type`. `anchored`: its type must not depend on context (no bare members
    /// whose enum comes from the other side of a comparison); only enum types care.
    mutating func expr(_ type: MType, depth: Int, anchored: Bool) -> MExpr {
        if let l = letOf(type) { return l }
        switch type {
        case .bool: return boolExpr(depth)
        case .int: return intExpr(depth)
        case .string: return stringExpr(depth)
        case .version: return versionExpr(depth)
        case .date: return dateExpr(depth)
        case .stringList: return listExpr(depth)
        case .enumeration(let e): return enumExpr(e, depth: depth, anchored: anchored)
        }
    }

    mutating func boolExpr(_ depth: Int) -> MExpr {
        let facts = modelFacts(of: .bool)
        if let l = letOf(.bool) { return l }
        if depth <= 0 {
            switch rng.below(10) {
            case 0:
                return .has(rng.pick(modelFacts.map(\.name), or: "rooted"))
            case 1: return .boolLit(rng.chance(50))
            default: return .fact(rng.pick(facts, or: "rooted"), .bool)
            }
        }
        switch rng.below(16) {
        case 0, 1:
            let n = 2 + rng.below(2)
            let words = (0..<(n - 1)).map { _ in rng.chance(40) }
            return .and((0..<n).map { _ in boolExpr(depth - 1) }, words: words)
        case 2, 3:
            let n = 2 + rng.below(2)
            let words = (0..<(n - 1)).map { _ in rng.chance(40) }
            return .or((0..<n).map { _ in boolExpr(depth - 1) }, words: words)
        case 4:
            let word = rng.chance(50)
            return .not(boolExpr(depth - 1), word: word)
        case 5:
            return .cond(boolExpr(depth - 1), boolExpr(depth - 1), boolExpr(depth - 1))
        case 6, 7, 8, 9:
            return comparison(depth)
        case 10:
            return inList(depth)
        case 11:
            let m = rng.pick(["startsWith", "endsWith", "contains"], or: "contains")
            return .method(stringExpr(depth - 1), m, stringExpr(depth - 1))
        case 12:
            guard scopeVar == nil else { return comparison(depth) }
            let list = listExpr(depth - 1)
            scopeVar = "t"
            let p = boolExpr(min(depth - 1, 1))
            scopeVar = nil
            return .macro(list, rng.pick(["exists", "all", "exists_one"], or: "exists"), variable: "t", p)
        case 13:
            if rng.chance(40) {
                let p = rng.pick(modelPatterns, or: modelPatterns[0])
                return .method(stringExpr(depth - 1), "matches", .strLit(p.pattern))
            }
            return .inStrings(stringExpr(depth - 1), listExpr(depth - 1))
        case 14:
            return .has(rng.pick(modelFacts.map(\.name), or: "rooted"))
        default:
            return .fact(rng.pick(facts, or: "rooted"), .bool)
        }
    }

    mutating func comparison(_ depth: Int) -> MExpr {
        let d = depth - 1
        switch rng.below(9) {
        case 0:
            return .compare(rng.pick(MCmp.allCases, or: .eq), intExpr(d), intExpr(d), type: .int)
        case 1:
            return .compare(rng.pick(MCmp.allCases, or: .eq), stringExpr(d), stringExpr(d), type: .string)
        case 2:
            return .compare(rng.chance(50) ? .eq : .ne, boolExpr(d), boolExpr(d), type: .bool)
        case 3, 4:
            return orderedCompare(.version, d)
        case 5:
            return orderedCompare(.date, d)
        default:
            return enumCompare(rng.pick(MEnum.allCases, or: .threatLevel), d)
        }
    }

    /// version or date: two typed sides, or one typed side and a converted literal on either side.
    mutating func orderedCompare(_ type: MType, _ d: Int) -> MExpr {
        let op = rng.pick(MCmp.allCases, or: .lt)
        let a = expr(type, depth: d, anchored: true)
        if rng.chance(50) {
            let lit = MExpr.convLit(
                type == .version ? rng.pick(Self.versions, or: "11") : rng.pick(Self.dates, or: "2024-05-01"), type)
            return rng.chance(70) ? .compare(op, a, lit, type: type) : .compare(op, lit, a, type: type)
        }
        return .compare(op, a, expr(type, depth: d, anchored: true), type: type)
    }

    mutating func enumCompare(_ e: MEnum, _ d: Int) -> MExpr {
        let ops: [MCmp] = e.ordered ? MCmp.allCases : [.eq, .ne]
        let op = rng.pick(ops, or: .eq)
        switch rng.below(6) {
        case 0:
            // Both sides bare members: the first enum that has both wins (LANGUAGE.md §3).
            let a = rng.below(e.members.count)
            let b = rng.below(e.members.count)
            let names = [e.members[a], e.members[b]]
            let fit = MEnum.firstFit(names) ?? e
            let ia = fit.members.firstIndex(of: names[0]) ?? 0
            let ib = fit.members.firstIndex(of: names[1]) ?? 0
            let fop = fit.ordered ? op : (rng.chance(50) ? MCmp.eq : .ne)
            return .compare(
                fop, .member(fit, ia, qualified: false), .member(fit, ib, qualified: false), type: .enumeration(fit))
        case 1:
            let lit = MExpr.convLit(rng.pick(e.members, or: "low"), .enumeration(e))
            let a = enumExpr(e, depth: d, anchored: true)
            return rng.chance(50)
                ? .compare(op, a, lit, type: .enumeration(e)) : .compare(op, lit, a, type: .enumeration(e))
        default:
            // One side anchored, the other anything of the same enum (bare members, `?:` of them).
            let a = enumExpr(e, depth: d, anchored: true)
            let b = enumExpr(e, depth: max(d, rng.chance(50) ? 2 : 1), anchored: false)
            return rng.chance(50)
                ? .compare(op, a, b, type: .enumeration(e)) : .compare(op, b, a, type: .enumeration(e))
        }
    }

    mutating func inList(_ depth: Int) -> MExpr {
        let d = depth - 1
        switch rng.below(5) {
        case 0:
            let items = (0..<rng.below(4)).map { _ in MExpr.intLit(rng.pick(Self.ints, or: 0)) }
            return .inList(intExpr(d), items, type: .int)
        case 1:
            let items = (0..<(1 + rng.below(3))).map { _ in MExpr.strLit(rng.pick(Self.strings, or: "a")) }
            return .inList(stringExpr(d), items, type: .string)
        case 2:
            if rng.chance(40) {
                let items = (0..<(1 + rng.below(3))).map { _ in
                    MExpr.convLit(rng.pick(Self.dates, or: "2024-05-01"), .date)
                }
                return .inList(dateExpr(d), items, type: .date)
            }
            let items = (0..<(1 + rng.below(3))).map { _ in MExpr.convLit(rng.pick(Self.versions, or: "11"), .version) }
            return .inList(versionExpr(d), items, type: .version)
        default:
            let e = rng.pick(MEnum.allCases, or: .threatLevel)
            let x = enumExpr(e, depth: d, anchored: true)
            if rng.chance(30) {
                let items = (0..<(1 + rng.below(3))).map { _ in
                    MExpr.convLit(rng.pick(e.members, or: "low"), .enumeration(e))
                }
                return .inList(x, items, type: .enumeration(e))
            }
            if rng.chance(30) {
                // A bare (or `?:` of bare) left side takes its type from the list's anchored elements.
                let bare = enumExpr(e, depth: min(d, 1), anchored: false)
                let items = (0..<(1 + rng.below(3))).map { _ in enumExpr(e, depth: 0, anchored: true) }
                return .inList(bare, items, type: .enumeration(e))
            }
            let items = (0..<(1 + rng.below(3))).map { _ in enumExpr(e, depth: min(d, 1), anchored: false) }
            return .inList(x, items, type: .enumeration(e))
        }
    }

    mutating func enumExpr(_ e: MEnum, depth: Int, anchored: Bool) -> MExpr {
        if let l = letOf(.enumeration(e)) { return l }
        let r = rng.below(10)
        if depth > 0 && r < (anchored ? 2 : 3) {
            let a = enumExpr(e, depth: depth - 1, anchored: anchored)
            let b = enumExpr(e, depth: depth - 1, anchored: anchored)
            return .cond(boolExpr(depth - 1), a, b)
        }
        if !anchored && r < 6 {
            return .member(e, rng.below(e.members.count), qualified: false)
        }
        if r < 7 { return .member(e, rng.below(e.members.count), qualified: true) }
        return .fact(e.fact, .enumeration(e))
    }

    mutating func intExpr(_ depth: Int) -> MExpr {
        if let l = letOf(.int) { return l }
        if depth <= 0 || rng.chance(30) {
            switch rng.below(8) {
            case 0, 1: return .intLit(rng.pick(Self.ints, or: 0))
            case 2:
                if scopeVar == nil, rng.chance(25) {
                    // size(list.filter(t, p))
                    let list = listExpr(0)
                    scopeVar = "t"
                    let p = boolExpr(1)
                    scopeVar = nil
                    return .call("size", [.macro(list, "filter", variable: "t", p)])
                }
                if rng.chance(20) { return .call("int", [stringExpr(1)]) }
                return .call("size", [rng.chance(50) ? stringExpr(0) : listExpr(0)])
            case 3:
                return .call("daysBetween", [dateExpr(0), dateExpr(0)])
            default: return .fact(rng.pick(modelFacts(of: .int), or: "pinAttempts"), .int)
            }
        }
        switch rng.below(6) {
        case 0:
            return .negate(intExpr(depth - 1))
        case 1:
            return .cond(boolExpr(depth - 1), intExpr(depth - 1), intExpr(depth - 1))
        default:
            let op = rng.pick(MArith.allCases, or: .add)
            return .arith(op, intExpr(depth - 1), intExpr(depth - 1))
        }
    }

    mutating func stringExpr(_ depth: Int) -> MExpr {
        if let v = scopeVar, rng.chance(50) { return .variable(v) }
        if let l = letOf(.string) { return l }
        if depth <= 0 || rng.chance(40) {
            return rng.chance(50)
                ? .strLit(rng.pick(Self.strings + Self.words, or: "a"))
                : .fact(rng.pick(modelFacts(of: .string), or: "model"), .string)
        }
        switch rng.below(4) {
        case 0:
            return .concat(stringExpr(depth - 1), stringExpr(depth - 1))
        case 1:
            return .call("string", [intExpr(depth - 1)])
        default:
            return .call(rng.chance(50) ? "lower" : "upper", [stringExpr(depth - 1)])
        }
    }

    mutating func versionExpr(_ depth: Int) -> MExpr {
        switch rng.below(6) {
        case 0: return .call("version", [.strLit(rng.pick(Self.versions, or: "11"))])
        case 1:
            return .call("version", [runtimeString()])
        case 2 where depth > 0:
            return .cond(boolExpr(depth - 1), versionExpr(depth - 1), versionExpr(depth - 1))
        default: return .fact(rng.pick(modelFacts(of: .version), or: "osVersion"), .version)
        }
    }

    mutating func dateExpr(_ depth: Int) -> MExpr {
        switch rng.below(6) {
        case 0: return .call("date", [.strLit(rng.pick(Self.dates, or: "2024-05-01"))])
        case 1:
            return .call("date", [runtimeString()])
        default: return .fact(rng.pick(modelFacts(of: .date), or: "patchLevel"), .date)
        }
    }

    /// A string known only at run time (a fact inside), so a failed conversion is a run-time error.
    mutating func runtimeString() -> MExpr {
        let f = MExpr.fact(rng.pick(modelFacts(of: .string), or: "model"), .string)
        switch rng.below(4) {
        case 0: return .call("lower", [f])
        case 1: return .concat(f, .strLit(rng.pick([".1", "-01", ""], or: "")))
        default: return f
        }
    }

    mutating func listExpr(_ depth: Int) -> MExpr {
        if rng.chance(25) {
            return .stringList((0..<rng.below(4)).map { _ in .strLit(rng.pick(Self.words + Self.strings, or: "a")) })
        }
        return .fact(rng.chance(50) ? "tags" : "groups", .stringList)
    }

    // MARK: must-reject policies

    /// A comparison of members of two different enums (each side's type fixed), which the checker
    /// must reject (LANGUAGE.md §3: "Comparing members of two different enums is a type error").
    mutating func mixedEnumPolicy() -> String {
        let a = rng.pick(MEnum.allCases, or: .threatLevel)
        let others = MEnum.allCases.filter { $0 != a }
        let b = rng.pick(others, or: .deviceLock)
        let x = enumExpr(a, depth: 1, anchored: true)
        let y = enumExpr(b, depth: 1, anchored: true)
        let cmp: MExpr =
            rng.chance(70) ? .compare(rng.chance(50) ? .eq : .ne, x, y, type: .bool) : .inList(x, [y], type: .bool)
        return "rule \"mixed\" when \(cmp.text) then warn\n"
    }

    // MARK: devices

    mutating func device(id: Int) -> MDevice {
        var facts: [(String, MFactState)] = []
        for (name, type) in modelFacts {
            let r = rng.below(100)
            if r < 30 { continue }
            if r < 35 {
                facts.append((name, .malformed(json: malformed(type))))
            } else {
                facts.append((name, .present(json: valid(type))))
            }
        }
        if rng.chance(10) { facts.append(("extraField", .present(json: "{\"a\":[1,null]}"))) }
        // Shuffle a little so fact order varies.
        if facts.count > 1, rng.chance(50) {
            let i = rng.below(facts.count)
            let j = rng.below(facts.count)
            facts.swapAt(i, j)
        }
        return MDevice(facts: facts, id: id)
    }

    /// A JSON string, sometimes with a character written as a `\u` escape.
    mutating func jsonString(_ s: String) -> String {
        guard !s.isEmpty, rng.chance(10) else { return jsonQuote(s) }
        var out = "\""
        let i = rng.below(s.unicodeScalars.count)
        for (n, u) in s.unicodeScalars.enumerated() {
            if (n == i && u.value <= 0xFFFF) || u.value < 0x20 {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    mutating func valid(_ type: MType) -> String {
        switch type {
        case .bool: return rng.chance(50) ? "true" : "false"
        case .int: return "\(rng.pick(Self.ints, or: 0))"
        case .string: return jsonString(rng.pick(Self.strings, or: "a"))
        case .version: return jsonString(rng.pick(Self.versions, or: "11"))
        case .date: return jsonString(rng.pick(Self.dates, or: "2024-05-01"))
        case .stringList:
            return "["
                + (0..<rng.below(4)).map { _ in jsonString(rng.pick(Self.words, or: "a")) }.joined(separator: ",") + "]"
        case .enumeration(let e): return jsonString(rng.pick(e.members, or: "low"))
        }
    }

    mutating func malformed(_ type: MType) -> String {
        if rng.chance(15) { return "null" }
        switch type {
        case .bool: return rng.pick(["\"false\"", "\"true\"", "0", "1", "[]"], or: "0")
        case .int: return rng.pick(["\"3\"", "1.5", "true", "{}"], or: "true")
        case .string: return rng.pick(["1", "true", "[\"a\"]", "{}"], or: "1")
        case .version:
            return rng.chance(70)
                ? jsonQuote(rng.pick(Self.badVersions, or: "abc")) : rng.pick(["true", "[]", "{}"], or: "true")
        case .date:
            return rng.chance(70)
                ? jsonQuote(rng.pick(Self.badDates, or: "2024-02-30"))
                : rng.pick(["true", "[]", "20240501"], or: "true")
        case .stringList: return rng.pick(["\"a\"", "[\"a\", 1]", "[null]", "{}", "3"], or: "3")
        case .enumeration(let e):
            // An unknown member, or another enum's member, or a wrong JSON type.
            let foreign = MEnum.allCases.filter { $0 != e }.flatMap(\.members).filter { !e.members.contains($0) }
            let member = rng.pick(e.members, or: "low")
            return rng.pick(
                [
                    jsonQuote("critical"), jsonQuote(rng.pick(foreign, or: "x")), "2", "true", jsonQuote(""),
                    jsonQuote(member.uppercased()), jsonQuote(" " + member), jsonQuote(e.typeName + "." + member),
                ], or: "2")
        }
    }
}

extension MExpr {
    var hasBareMember: Bool {
        switch self {
        case .member(_, _, let q): return !q
        case .cond(_, let a, let b): return a.hasBareMember || b.hasBareMember
        default: return false
        }
    }
}

/// `matches` patterns (RE2 syntax, unanchored search as in CEL) with what each must decide, written
/// by hand, not by a regex engine.
let modelPatterns: [(pattern: String, test: @Sendable ([UInt32]) -> Bool)] = [
    ("^a", { $0.first == 97 }),
    ("e$", { $0.last == 101 }),
    ("^[a-z]+$", { !$0.isEmpty && $0.allSatisfy { (97...122).contains($0) } }),
    ("[0-9]", { $0.contains { (48...57).contains($0) } }),
    ("^legacy-", { $0.starts(with: Array("legacy-".unicodeScalars.map(\.value))) }),
    ("0001$", { $0.reversed().starts(with: Array("1000".unicodeScalars.map(\.value))) }),
    ("^$", { $0.isEmpty }),
    ("^.{3}$", { $0.count == 3 && !$0.contains(10) }),
    ("\u{E9}", { $0.contains(0xE9) }),
    ("a|z", { $0.contains(97) || $0.contains(122) }),
    ("^(a|acme)$", { $0 == [97] || $0 == Array("acme".unicodeScalars.map(\.value)) }),
    ("\\.", { $0.contains(46) }),
    ("^\\d+$", { !$0.isEmpty && $0.allSatisfy { (48...57).contains($0) } }),
    (
        "(?i)ACME",
        { s in
            let lower = s.map { (65...90).contains($0) ? $0 + 32 : $0 }
            let n = Array("acme".unicodeScalars.map(\.value))
            guard lower.count >= n.count else { return false }
            return (0...(lower.count - n.count)).contains { Array(lower[$0..<($0 + n.count)]) == n }
        }
    ),
]
