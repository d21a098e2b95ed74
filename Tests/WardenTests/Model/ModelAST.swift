// The differential model's own view of the language: a small typed AST for generated policies,
// written from the language description (README "A tour of the language", LANGUAGE.md, SCHEMA.md),
// not from the engine's syntax tree, checker or evaluator. It prints itself as Warden source.

/// SplitMix64: a small explicit PRNG, so a seed reproduces a run on every platform.
struct ModelRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A number in 0..<n (0 when n <= 0).
    mutating func below(_ n: Int) -> Int {
        guard n > 0 else { return 0 }
        return Int(truncatingIfNeeded: next() % UInt64(n))
    }
    /// True with probability pct/100.
    mutating func chance(_ pct: Int) -> Bool { below(100) < pct }
    mutating func pick<T>(_ items: [T], or fallback: T) -> T {
        items.isEmpty ? fallback : items[below(items.count)]
    }
}

/// The four enums, in the order the language uses to resolve a bare member that has no context.
enum MEnum: Int, CaseIterable, Hashable {
    case threatLevel, playIntegrity, deviceLock, management

    var typeName: String {
        switch self {
        case .threatLevel: "ThreatLevel"
        case .playIntegrity: "PlayIntegrity"
        case .deviceLock: "DeviceLock"
        case .management: "Management"
        }
    }
    var members: [String] {
        switch self {
        case .threatLevel: ["secured", "low", "medium", "high"]
        case .playIntegrity: ["none", "basic", "device", "strong"]
        case .deviceLock: ["none", "low", "medium", "high"]
        case .management: ["unmanaged", "androidEnterprise", "deviceAdmin"]
        }
    }
    var ordered: Bool { self != .management }
    /// The fact of this enum's type.
    var fact: String {
        switch self {
        case .threatLevel: "threatLevel"
        case .playIntegrity: "playIntegrity"
        case .deviceLock: "deviceLock"
        case .management: "management"
        }
    }
    /// The first enum (in the language's order) that has every one of these members.
    static func firstFit(_ names: [String]) -> MEnum? {
        allCases.first { e in names.allSatisfy { e.members.contains($0) } }
    }
}

enum MType: Hashable, CustomStringConvertible {
    case bool, int, string, version, date, stringList
    case enumeration(MEnum)

    var description: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .string: "string"
        case .version: "version"
        case .date: "date"
        case .stringList: "list(string)"
        case .enumeration(let e): e.typeName
        }
    }
}

/// The built-in facts and their types (SCHEMA.md).
let modelFacts: [(name: String, type: MType)] = [
    ("threatLevel", .enumeration(.threatLevel)), ("defenderActive", .bool), ("rooted", .bool),
    ("osVersion", .version), ("patchLevel", .date), ("manufacturer", .string), ("model", .string),
    ("management", .enumeration(.management)), ("playIntegrity", .enumeration(.playIntegrity)),
    ("threatScanEnabled", .bool), ("deviceLock", .enumeration(.deviceLock)), ("knoxAttested", .bool),
    ("appId", .string), ("appVersion", .version), ("sdkVersion", .version), ("companyPortalVersion", .version),
    ("companyPortalAgeDays", .int), ("accountDisabled", .bool), ("offlineMinutes", .int), ("pinAttempts", .int),
    ("openNetwork", .bool), ("suspiciousCertificate", .bool), ("tags", .stringList), ("groups", .stringList),
    ("today", .date),
]

func modelFacts(of type: MType) -> [String] { modelFacts.filter { $0.type == type }.map(\.name) }

enum MCmp: String, CaseIterable {
    case eq = "=="
    case ne = "!="
    case lt = "<"
    case le = "<="
    case gt = ">"
    case ge = ">="
}
enum MArith: String, CaseIterable {
    case add = "+"
    case sub = "-"
    case mul = "*"
    case div = "/"
    case mod = "%"
}
enum MAction: Int, Comparable, CaseIterable {
    case allow, warn, blockAccess, wipeData
    static func < (a: MAction, b: MAction) -> Bool { a.rawValue < b.rawValue }
    var name: String {
        switch self {
        case .allow: "allow"
        case .warn: "warn"
        case .blockAccess: "blockAccess"
        case .wipeData: "wipeData"
        }
    }
}

indirect enum MExpr {
    case boolLit(Bool)
    case intLit(Int64)
    case strLit(String)
    /// A string literal the language converts at compile time to the other side's type
    /// (`osVersion < "11.0"`, `threatLevel == "medium"`).
    case convLit(String, MType)
    case fact(String, MType)
    case letRef(String, MType)
    /// A comprehension variable (always a string here).
    case variable(String)
    /// An enum member: `ThreatLevel.medium` when qualified, `medium` when bare.
    case member(MEnum, Int, qualified: Bool)
    case has(String)
    /// `!e` or `not e`.
    case not(MExpr, word: Bool)
    /// Flat `&&`/`and` chain; `words[i]` says whether the i-th separator is the word.
    case and([MExpr], words: [Bool])
    case or([MExpr], words: [Bool])
    case cond(MExpr, MExpr, MExpr)
    /// A comparison whose operands have type `type` (both sides; converted literals included).
    case compare(MCmp, MExpr, MExpr, type: MType)
    /// `x in [a, b, ...]`
    case inList(MExpr, [MExpr], type: MType)
    /// `s in listExpr` (string in a list of strings)
    case inStrings(MExpr, MExpr)
    case arith(MArith, MExpr, MExpr)
    case negate(MExpr)
    case concat(MExpr, MExpr)
    /// `lower(s)`, `upper(s)`, `size(x)`, `version(s)`, `date(s)`, `daysBetween(a, b)`
    case call(String, [MExpr])
    /// `s.startsWith(x)`, `s.endsWith(x)`, `s.contains(x)`
    case method(MExpr, String, MExpr)
    /// `list.exists(v, p)` / `list.all(v, p)`
    case macro(MExpr, String, variable: String, MExpr)
    /// `[a, b]` (strings only)
    case stringList([MExpr])
}

struct MLet {
    var name: String
    var type: MType
    var expr: MExpr
}

struct MRule {
    /// nil: unnamed (`rule#N`).
    var name: String?
    var condition: MExpr
    /// nil: a rule that only sets a key (counts as allow).
    var action: MAction?
    var message: String?
    var set: (key: String, value: Int)?
}

struct MPolicy {
    /// nil: no header; .some(nil): a header without onError.
    var header: MAction??
    var lets: [MLet]
    var rules: [MRule]
    /// Print with the fewest parentheses (else every compound expression is parenthesized).
    var minimalParentheses = false

    var onError: MAction { (header ?? nil) ?? .blockAccess }
    /// Rule names as the language names them (`rule#N` for unnamed, N counting every rule from 1).
    var ruleNames: [String] { rules.enumerated().map { $1.name ?? "rule#\($0 + 1)" } }
}

// MARK: printing

func hex(_ v: UInt32, _ digits: Int) -> String {
    let h = String(v, radix: 16)
    return String(repeating: "0", count: max(0, digits - h.count)) + h
}

/// A JSON string: raw UTF-8, with `"` and `\` escaped.
func jsonQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where u.value < 0x20: out += "\\u" + hex(u.value, 4)
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

/// A Warden string literal; non-ASCII scalars as `\u`/`\U` escapes (CEL's, which the
/// policy lexer must decode; device JSON gets raw UTF-8 or JSON's `\u` escapes instead).
func modelQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where u.value > 0xFFFF: out += "\\U" + hex(u.value, 8)
        case _ where !u.isASCII || u.value < 0x20: out += "\\u" + hex(u.value, 4)
        default: out.unicodeScalars.append(u)
        }
    }
    return out + "\""
}

extension MExpr {
    var text: String {
        switch self {
        case .boolLit(let b): return b ? "true" : "false"
        case .intLit(let n): return n < 0 ? "(\(n))" : "\(n)"
        case .strLit(let s), .convLit(let s, _): return modelQuote(s)
        case .fact(let n, _), .letRef(let n, _), .variable(let n): return n
        case .member(let e, let i, let q):
            let name = e.members.indices.contains(i) ? e.members[i] : "?"
            return q ? "\(e.typeName).\(name)" : name
        case .has(let f): return "has(\(f))"
        case .not(let e, let word): return word ? "(not \(e.text))" : "!\(e.text)"
        case .and(let es, let words): return MExpr.chain(es, words, "&&", "and")
        case .or(let es, let words): return MExpr.chain(es, words, "||", "or")
        case .cond(let c, let a, let b): return "(\(c.text) ? \(a.text) : \(b.text))"
        case .compare(let op, let a, let b, _): return "(\(a.text) \(op.rawValue) \(b.text))"
        case .inList(let x, let items, _): return "(\(x.text) in [\(items.map(\.text).joined(separator: ", "))])"
        case .inStrings(let x, let l): return "(\(x.text) in \(l.text))"
        case .arith(let op, let a, let b): return "(\(a.text) \(op.rawValue) \(b.text))"
        case .negate(let e): return "(-\(e.text))"
        case .concat(let a, let b): return "(\(a.text) + \(b.text))"
        case .call(let f, let args): return "\(f)(\(args.map(\.text).joined(separator: ", ")))"
        case .method(let t, let f, let a): return "\(t.text).\(f)(\(a.text))"
        case .macro(let l, let m, let v, let p): return "\(l.text).\(m)(\(v), \(p.text))"
        case .stringList(let items): return "[\(items.map(\.text).joined(separator: ", "))]"
        }
    }

    static func chain(_ es: [MExpr], _ words: [Bool], _ sym: String, _ word: String) -> String {
        var out = "("
        for (i, e) in es.enumerated() {
            if i > 0 { out += (words.indices.contains(i - 1) && words[i - 1]) ? " \(word) " : " \(sym) " }
            out += e.text
        }
        return out + ")"
    }
}

extension MPolicy {
    var text: String {
        var out = ""
        if let header {
            out += "policy \"generated\""
            if let onError = header { out += " onError \(onError.name)" }
            out += "\n"
        }
        for l in lets { out += "let \(l.name) = \(minimalParentheses ? l.expr.minimalText : l.expr.text)\n" }
        for r in rules {
            if let name = r.name { out += "rule \(modelQuote(name)) " }
            out += "when \(minimalParentheses ? r.condition.minimalText : r.condition.text) then "
            var actions: [String] = []
            if let a = r.action { actions.append(a.name + (r.message.map { " " + modelQuote($0) } ?? "")) }
            if let s = r.set { actions.append("set \(s.key) = \(s.value)") }
            out += actions.joined(separator: ", ") + "\n"
        }
        return out
    }
}

// MARK: printing with the fewest parentheses (Grammar/README.md's precedence table)

extension MExpr {
    /// The expression with parentheses only where the precedence table needs them, so the parser's
    /// precedence and associativity are on the path too. Levels: 1 `?:`, 2 `||`, 3 `&&`, 4 `not`,
    /// 5 relations, 6 `+ -`, 7 `* / %`, 8 unary `! -`, 9 postfix, 10 primary.
    var minimalText: String { minimal.text }

    private func operand(_ need: Int) -> String {
        let m = minimal
        return m.level >= need ? m.text : "(\(m.text))"
    }

    private var minimal: (text: String, level: Int) {
        switch self {
        case .boolLit, .strLit, .convLit, .fact, .letRef, .variable, .member, .has, .stringList, .call:
            if case .stringList(let items) = self {
                return ("[\(items.map(\.minimalText).joined(separator: ", "))]", 10)
            }
            if case .call(let f, let args) = self {
                return ("\(f)(\(args.map(\.minimalText).joined(separator: ", ")))", 10)
            }
            return (text, 10)
        case .intLit(let n): return ("\(n)", n < 0 ? 8 : 10)
        case .not(let e, let word): return word ? ("not \(e.operand(5))", 4) : ("!\(e.operand(8))", 8)
        case .and(let es, let words): return (MExpr.minimalChain(es, words, "&&", "and", 4), 3)
        case .or(let es, let words): return (MExpr.minimalChain(es, words, "||", "or", 3), 2)
        case .cond(let c, let a, let b): return ("\(c.operand(2)) ? \(a.operand(2)) : \(b.operand(1))", 1)
        case .compare(let op, let a, let b, _): return ("\(a.operand(6)) \(op.rawValue) \(b.operand(6))", 5)
        case .inList(let x, let items, _):
            return ("\(x.operand(6)) in [\(items.map(\.minimalText).joined(separator: ", "))]", 5)
        case .inStrings(let x, let l): return ("\(x.operand(6)) in \(l.operand(6))", 5)
        case .arith(let op, let a, let b):
            let level = (op == .add || op == .sub) ? 6 : 7
            return ("\(a.operand(level)) \(op.rawValue) \(b.operand(level + 1))", level)
        case .concat(let a, let b): return ("\(a.operand(6)) + \(b.operand(7))", 6)
        case .negate(let e):
            // `-` before an int literal folds into it; keep `-(n)` apart so it stays a negation.
            if case .intLit = e { return ("-(\(e.minimalText))", 8) }
            return ("-\(e.operand(8))", 8)
        case .method(let t, let f, let a): return ("\(t.operand(9)).\(f)(\(a.minimalText))", 9)
        case .macro(let l, let m, let v, let p): return ("\(l.operand(9)).\(m)(\(v), \(p.minimalText))", 9)
        }
    }

    private static func minimalChain(_ es: [MExpr], _ words: [Bool], _ sym: String, _ word: String, _ need: Int)
        -> String
    {
        var out = ""
        for (i, e) in es.enumerated() {
            if i > 0 { out += (words.indices.contains(i - 1) && words[i - 1]) ? " \(word) " : " \(sym) " }
            out += e.operand(need)
        }
        return out
    }
}
