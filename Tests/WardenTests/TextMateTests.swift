import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// A tiny TextMate-style scanner over the grammar's `match` and `begin`/`end` patterns: at each
/// position the pattern that matches earliest wins (ties go to the earlier pattern); inside a
/// begin/end region the end pattern competes with the region's inner patterns.
struct MiniTextMate {
    struct Pattern {
        var name: String
        var match: NSRegularExpression?
        var begin: NSRegularExpression?
        var end: NSRegularExpression?
        var inner: [Pattern]
    }

    /// A scoped range of the text (UTF-16 offsets), outermost matches only.
    struct Scoped {
        var range: NSRange
        var name: String
    }

    let patterns: [Pattern]

    init(grammarJSON: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: grammarJSON) as? [String: Any],
            let top = root["patterns"] as? [[String: Any]], let repo = root["repository"] as? [String: [String: Any]]
        else { throw CocoaError(.coderReadCorrupt) }
        func regex(_ s: Any?) throws -> NSRegularExpression? {
            guard let s = s as? String else { return nil }
            return try NSRegularExpression(pattern: s, options: [.anchorsMatchLines])
        }
        func pattern(_ include: [String: Any]) throws -> Pattern {
            guard let ref = include["include"] as? String, ref.hasPrefix("#"), let r = repo[String(ref.dropFirst())],
                let name = r["name"] as? String
            else { throw CocoaError(.coderReadCorrupt) }
            let inner = try ((r["patterns"] as? [[String: Any]]) ?? []).map(pattern)
            return Pattern(
                name: name, match: try regex(r["match"]), begin: try regex(r["begin"]), end: try regex(r["end"]),
                inner: inner)
        }
        patterns = try top.map(pattern)
    }

    /// The earliest match of any of `list` at or after `from`: (index in list, match).
    static func earliest(_ list: [NSRegularExpression?], in text: String, from: Int, length: Int)
        -> (Int, NSTextCheckingResult)?
    {
        var best: (Int, NSTextCheckingResult)?
        for (i, r) in list.enumerated() {
            guard let r,
                let m = r.firstMatch(in: text, options: [], range: NSRange(location: from, length: length - from))
            else { continue }
            if best == nil || m.range.location < (best?.1.range.location ?? Int.max) { best = (i, m) }
        }
        return best
    }

    func scan(_ text: String) -> [Scoped] {
        let length = (text as NSString).length
        var out: [Scoped] = []
        var pos = 0
        while pos < length {
            guard let (i, m) = Self.earliest(patterns.map { $0.match ?? $0.begin }, in: text, from: pos, length: length)
            else { break }
            let p = patterns[i]
            if p.match != nil {
                out.append(Scoped(range: m.range, name: p.name))
                pos = max(m.range.location + m.range.length, m.range.location + 1)
                continue
            }
            // A region: find its end, skipping what the inner patterns match.
            var q = m.range.location + m.range.length
            var endPos = length
            while q <= length {
                let list = [p.end] + p.inner.map(\.match)
                guard let (j, e) = Self.earliest(list, in: text, from: q, length: length) else { break }
                if j == 0 {
                    endPos = e.range.location + e.range.length
                    break
                }
                q = max(e.range.location + e.range.length, e.range.location + 1)
            }
            out.append(
                Scoped(range: NSRange(location: m.range.location, length: endPos - m.range.location), name: p.name))
            pos = max(endPos, m.range.location + 1)
        }
        return out
    }
}

@Suite struct TextMateTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let grammarURL = root.appendingPathComponent("Grammar/warden.tmLanguage.json")

    static func samples() throws -> [URL] {
        let dir = root.appendingPathComponent("samples")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".warden") }.sorted()
            .map { dir.appendingPathComponent($0) }
    }

    @Test func committedGrammarIsTheGeneratedOne() throws {
        let generated = TextMateGrammar.json()
        if ProcessInfo.processInfo.environment["WARDEN_UPDATE_GRAMMAR"] == "1" {
            try FileManager.default.createDirectory(
                at: Self.grammarURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try generated.write(to: Self.grammarURL, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: Self.grammarURL, encoding: .utf8)
        #expect(committed == generated, "run WARDEN_UPDATE_GRAMMAR=1 swift test --filter TextMateTests")
    }

    @Test func grammarIsValidJSONWithTheWardenScope() throws {
        let data = try Data(contentsOf: Self.grammarURL)
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(root?["scopeName"] as? String == "source.warden")
        #expect((root?["fileTypes"] as? [String]) == ["warden"])
        _ = try MiniTextMate(grammarJSON: data)
    }

    /// Every keyword, action, fact, Defender key and enum member is named by some pattern, as a word.
    @Test func grammarNamesEveryKeywordActionFactKeyAndMember() throws {
        let data = try Data(contentsOf: Self.grammarURL)
        let scanner = try MiniTextMate(grammarJSON: data)
        func scopes(of word: String) -> [String] {
            scanner.scan(word).filter { $0.range.location == 0 && $0.range.length == (word as NSString).length }
                .map(\.name)
        }
        for k in Keyword.allCases {
            #expect(TextMateGrammar.category(ofScope: scopes(of: k.rawValue).first ?? "") == .keyword, "\(k)")
        }
        for a in Action.allCases { #expect(scopes(of: a.rawValue) == ["keyword.other.action.warden"], "\(a)") }
        for w in Keyword.contextual where Schema.builtIn.fact(named: w) == nil {
            #expect(scopes(of: w) == ["keyword.other.contextual.warden"], "\(w)")
        }
        for f in Schema.builtIn.facts { #expect(scopes(of: f.name) == ["variable.other.fact.warden"], "\(f.name)") }
        for k in Schema.builtIn.keys {
            #expect(scopes(of: k.name) == ["support.variable.config-key.warden"], "\(k.name)")
        }
        for e in EnumType.builtins {
            #expect(scopes(of: e.name) == ["support.type.enum.warden"])
            for m in e.members { #expect(scopes(of: m) == ["support.constant.enum-member.warden"], "\(m)") }
        }
        // Every built-in function and macro called by name is a support function, from `BuiltinTable`.
        for name in BuiltinTable.names {
            let call = scanner.scan(name + "(x)").first { $0.range.location == 0 }
            #expect(call?.name == "support.function.builtin.warden", "\(name)")
        }
        #expect(scanner.scan("myHelper(x)").first?.name == "entity.name.function.warden")
        // Words that merely contain a keyword are not keywords.
        #expect(scopes(of: "policyName").isEmpty)
        #expect(scopes(of: "x.let").isEmpty)
    }

    static func lexerCategory(_ t: Token, after previous: Token?) -> TextMateGrammar.Category {
        switch t.kind {
        case .keyword:
            // Any word may follow a `.` (a field name), whatever the lexer calls it.
            return previous?.kind == .dot ? .other : .keyword
        case .string, .bytes: return .string
        case .int, .uint, .double: return .number
        case .comment: return .comment
        default: return .other
        }
    }

    /// Checks that the grammar classifies every token of `text` as the lexer does.
    static func checkClassification(_ text: String, name: String) throws {
        let data = try Data(contentsOf: grammarURL)
        let scanner = try MiniTextMate(grammarJSON: data)
        let source = SourceFile(name: name, text: text)
        var lexer = Lexer(source, options: SyntaxOptions(keepComments: true))
        let tokens = lexer.tokenize().tokens.filter { $0.kind != .eof }
        // Byte offset → UTF-16 offset.
        var utf16At: [Int: Int] = [:]
        var b = 0
        var u = 0
        for s in text.unicodeScalars {
            utf16At[b] = u
            b += String(s).utf8.count
            u += s.utf16.count
        }
        utf16At[b] = u
        let scoped = scanner.scan(text)
        var previous: Token?
        for t in tokens {
            defer { previous = t }
            let expected = lexerCategory(t, after: previous)
            guard let start = utf16At[t.span.start], let end = utf16At[t.span.end] else {
                Issue.record("\(name): no offset for token at byte \(t.span.start)")
                continue
            }
            let covering = scoped.first { $0.range.location <= start && start < $0.range.location + $0.range.length }
            let got = covering.map { TextMateGrammar.category(ofScope: $0.name) } ?? .other
            let tokenText = source.text(t.span)
            #expect(
                got == expected, "\(name): `\(tokenText)` at byte \(t.span.start): lexer \(expected), grammar \(got)")
            if expected != .other, let c = covering {
                #expect(
                    c.range.location == start && c.range.length == end - start,
                    "\(name): `\(tokenText)`: grammar range \(c.range) differs from the token's \(start)..<\(end)")
            }
        }
    }

    @Test func grammarClassifiesEverySampleLikeTheLexer() throws {
        for url in try Self.samples() {
            try Self.checkClassification(try String(contentsOf: url, encoding: .utf8), name: url.lastPathComponent)
        }
    }

    @Test func grammarClassifiesTheFormatFixturesLikeTheLexer() throws {
        let dir = Self.root.appendingPathComponent("Tests/WardenTests/Fixtures/format")
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path).filter({ $0.hasSuffix(".warden") }) {
            try Self.checkClassification(
                try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8), name: f)
        }
    }

    @Test func grammarClassifiesEveryLiteralForm() throws {
        try Self.checkClassification(
            """
            let a = [0x1F, 0XffU, 7u, 42, 1.5, 1e3, .5, 2.5e-3, 1.e]
            let s = [r"raw\\d", R'RAW', b"\\x01", rb'\\x02', BR"x", "esc \\" still", 'it\\'s', \"\"\"triple
            "quoted" \\\"\"\" still\"\"\", r'''raw ''', "# not a comment", "// nor this"]
            let m = {"let": 1}.let + x.`b-c` // trailing
            rule "r" when not (tags.exists(t, t in ["a"])) and true or null == null then allow # done
            """, name: "literals")
    }

    /// The scanner itself: the scopes of one line, outermost matches in order.
    @Test func scannerFindsTheExpectedScopes() throws {
        let scanner = try MiniTextMate(grammarJSON: try Data(contentsOf: Self.grammarURL))
        let text = "rule \"x\" when a.let > 0x1F && threatLevel in [high] then warn # c"
        let got = scanner.scan(text).map { (text as NSString).substring(with: $0.range) + "=" + $0.name }
        #expect(
            got == [
                "rule=keyword.control.warden", "\"x\"=string.quoted.double.warden", "when=keyword.control.warden",
                ".let=meta.member-access.warden", ">=keyword.operator.warden", "0x1F=constant.numeric.hex.warden",
                "&&=keyword.operator.warden", "threatLevel=variable.other.fact.warden",
                "in=keyword.operator.word.warden", "[=punctuation.separator.warden",
                "high=support.constant.enum-member.warden", "]=punctuation.separator.warden",
                "then=keyword.control.warden", "warn=keyword.other.action.warden",
                "# c=comment.line.number-sign.warden",
            ])
    }
}
