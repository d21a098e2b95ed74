import Testing

@testable import Warden
@testable import WardenTools

/// One `matches` case: does `pattern` match somewhere in `subject`?
struct RegexCase: Sendable, CustomTestStringConvertible {
    var pattern: String
    var subject: String
    var expected: Bool

    init(_ pattern: String, _ subject: String, _ expected: Bool) {
        self.pattern = pattern
        self.subject = subject
        self.expected = expected
    }

    var testDescription: String { "/\(pattern)/ on \(subject.debugDescription) → \(expected)" }
}

/// One rejected pattern: where the error points and a fragment of its message.
struct RegexErrorCase: Sendable, CustomTestStringConvertible {
    var pattern: String
    var offset: Int
    var message: String

    init(_ pattern: String, _ offset: Int, _ message: String) {
        self.pattern = pattern
        self.offset = offset
        self.message = message
    }

    var testDescription: String { "/\(pattern)/ → \(message) at \(offset)" }
}

@Suite struct RegexTests {
    static let literalsAndEscapes: [RegexCase] = [
        RegexCase("abc", "xabcx", true),
        RegexCase("abc", "ab", false),
        RegexCase("", "", true),
        RegexCase("", "anything", true),
        RegexCase("a.c", "abc", true),
        RegexCase("a.c", "a\nc", false),
        RegexCase("(?s)a.c", "a\nc", true),
        RegexCase("^.$", "😀", true),
        RegexCase("^..$", "😀", false),
        RegexCase("^.$", "e\u{301}", false),
        RegexCase("^..$", "e\u{301}", true),
        RegexCase("^日本$", "日本", true),
        RegexCase(#"a\.c"#, "a.c", true),
        RegexCase(#"a\.c"#, "abc", false),
        RegexCase(#"\\"#, "a\\b", true),
        RegexCase(#"\*\+\?"#, "x*+?", true),
        RegexCase(#"\(\)\[\]\{\}"#, "()[]{}", true),
        RegexCase(#"\|\^\$\/\-"#, "|^$/-", true),
        RegexCase(#"\n"#, "a\nb", true),
        RegexCase(#"^\t\r\f\v\a$"#, "\t\r\u{0C}\u{0B}\u{07}", true),
        RegexCase(#"\x41\x62"#, "Ab", true),
        RegexCase(#"\x{1F600}"#, "hi 😀", true),
        RegexCase(#"\x{1F600}"#, "hi 😃", false),
        RegexCase(#"\101\0"#, "A\0", true),
        RegexCase(#"\Qa.b*\E+"#, "a.b**", true),
        RegexCase(#"\Qa.b"#, "axb", false),
        RegexCase(#"a\_b"#, "a_b", true),
    ]

    static let perlAndBracketClasses: [RegexCase] = [
        RegexCase(#"\d+"#, "abc123", true),
        RegexCase(#"^\d+$"#, "12a", false),
        RegexCase(#"\d"#, "٣", false),
        RegexCase(#"\D"#, "123", false),
        RegexCase(#"\w"#, "é", false),
        RegexCase(#"\W"#, "é", true),
        RegexCase(#"\s"#, "a b", true),
        RegexCase(#"\S"#, " \t\n", false),
        RegexCase(#"\bfoo\b"#, "a foo b", true),
        RegexCase(#"\bfoo\b"#, "afoo", false),
        RegexCase(#"\Boo\B"#, "foob", true),
        RegexCase(#"\Bfoo"#, "foo", false),
        RegexCase(#"\bé"#, "é", false),
        RegexCase("[abc]", "xbx", true),
        RegexCase("^[abc]+$", "abcd", false),
        RegexCase("[^a-z]", "abc", false),
        RegexCase("[^a-z]", "abC", true),
        RegexCase("[^a]", "\n", true),
        RegexCase("^[a-z0-9_]+$", "a_9", true),
        RegexCase("^[a-z0-9_]+$", "a-9", false),
        RegexCase(#"[\d\s]"#, "x 1", true),
        RegexCase(#"^[\d\s]+$"#, "1 2x", false),
        RegexCase(#"[\D]"#, "12", false),
        RegexCase(#"[^\D]"#, "a1", true),
        RegexCase("[[:alpha:]]+", "123", false),
        RegexCase("[[:alpha:]]", "1a", true),
        RegexCase("[[:^alpha:]]", "abc", false),
        RegexCase("[[:digit:][:upper:]]", "aB", true),
        RegexCase("[[:lower:]]", "ABC", false),
        RegexCase("[[:space:]]", "\u{0B}", true),
        RegexCase("[[:punct:]]", "a!", true),
        RegexCase("^[[:xdigit:]]+$", "09afAF", true),
        RegexCase("^[[:xdigit:]]+$", "g", false),
        RegexCase("[[:word:]]", "_", true),
        RegexCase("[[:alnum:]]", "-", false),
        RegexCase("[]a]", "]", true),
        RegexCase("[^]a]", "]", false),
        RegexCase("[a-]", "-", true),
        RegexCase("[-a]", "-", true),
        RegexCase(#"[\]]"#, "]", true),
        RegexCase(#"[\x{1F600}-\x{1F64F}]"#, "hi 😃", true),
        RegexCase(#"[\x{1F600}-\x{1F64F}]"#, "hi ☺", false),
        RegexCase("[[]", "[", true),
    ]

    static let unicodeClasses: [RegexCase] = [
        RegexCase(#"\p{L}"#, "é", true),
        RegexCase(#"^\p{L}+$"#, "héllo", true),
        RegexCase(#"\pL"#, "123", false),
        RegexCase(#"\p{Lu}"#, "abcD", true),
        RegexCase(#"\p{Lu}"#, "abc", false),
        RegexCase(#"\p{Ll}"#, "ABC", false),
        RegexCase(#"\p{N}"#, "Ⅻ", true),
        RegexCase(#"\p{Nd}"#, "٣", true),
        RegexCase(#"\p{Nd}"#, "Ⅻ", false),
        RegexCase(#"\p{P}"#, "¿", true),
        RegexCase(#"\p{S}"#, "€", true),
        RegexCase(#"\p{Z}"#, "\u{A0}", true),
        RegexCase(#"\p{Z}"#, "\t", false),
        RegexCase(#"\P{L}"#, "abc", false),
        RegexCase(#"\P{L}"#, "ab1", true),
        RegexCase(#"\PL"#, "ab1", true),
        RegexCase(#"\p{Greek}"#, "αβγ", true),
        RegexCase(#"\p{Greek}"#, "abc", false),
        RegexCase(#"\p{^Greek}"#, "α", false),
        RegexCase(#"\P{Greek}"#, "αx", true),
        RegexCase(#"\p{Han}"#, "漢字", true),
        RegexCase(#"\p{Cyrillic}"#, "Жук", true),
        RegexCase(#"\p{Latin}"#, "Жук", false),
        RegexCase(#"\p{Any}"#, "\n", true),
        RegexCase(#"[\p{Lu}\d]"#, "x5", true),
        RegexCase(#"[^\P{Lu}]"#, "aB", true),
        RegexCase(#"[^\P{Lu}]"#, "ab", false),
    ]

    static let anchorsGroupsAndQuantifiers: [RegexCase] = [
        RegexCase("^abc", "abcd", true),
        RegexCase("^abc", "xabc", false),
        RegexCase("abc$", "xabc", true),
        RegexCase("abc$", "abc\n", false),
        RegexCase("^$", "", true),
        RegexCase("^$", "a", false),
        RegexCase("a^b", "ab", false),
        RegexCase("^b$", "a\nb\nc", false),
        RegexCase("(?m)^b$", "a\nb\nc", true),
        RegexCase("(?m)^$", "a\n\nb", true),
        RegexCase(#"\Aabc\z"#, "abc", true),
        RegexCase(#"(?m)\Ab"#, "a\nb", false),
        RegexCase(#"(?m)a\z"#, "a\n", false),
        RegexCase("x*^a", "ba", false),
        RegexCase("(ab)+c", "ababc", true),
        RegexCase("(?:ab)+c", "abac", false),
        RegexCase(#"(?P<year>\d{4})-(?<month>\d\d)"#, "on 2024-05", true),
        RegexCase("cat|dog", "hotdog", true),
        RegexCase("^(cat|dog)$", "cats", false),
        RegexCase("^(a|b|c)+$", "abcab", true),
        RegexCase("a(|b)c", "ac", true),
        RegexCase("()", "", true),
        RegexCase("x|", "abc", true),
        RegexCase("^a*$", "", true),
        RegexCase("^a+$", "", false),
        RegexCase("^ab?c$", "ac", true),
        RegexCase("^ab?c$", "abbc", false),
        RegexCase("^a{3}$", "aaa", true),
        RegexCase("^a{3}$", "aaaa", false),
        RegexCase("^a{2,}$", "a", false),
        RegexCase("^a{2,}$", "aaaaa", true),
        RegexCase("^a{2,3}$", "aaaa", false),
        RegexCase("^a{2,3}$", "aaa", true),
        RegexCase("^a{0}$", "", true),
        RegexCase("^a{0,0}b$", "ab", false),
        RegexCase("^(ab){1,2}$", "ababab", false),
        RegexCase("^(ab){1,2}$", "abab", true),
        RegexCase("^a*?$", "aa", true),
        RegexCase("^a+?b", "aab", true),
        RegexCase("^a??b$", "ab", true),
        RegexCase("^a{1,2}?$", "aa", true),
        RegexCase("^a{2,}?$", "aaa", true),
        RegexCase("a{,3}", "a{,3}", true),
        RegexCase("^a{$", "a{", true),
        RegexCase("^{$", "{", true),
        RegexCase("a{1001", "a{1001", true),
        RegexCase("(^)*a", "ba", true),
        RegexCase(#"(\b)+x"#, "x", true),
        RegexCase("(a*)+$", "b", true),
    ]

    static let flags: [RegexCase] = [
        RegexCase("(?i)hello", "HeLLo", true),
        RegexCase("hello", "HeLLo", false),
        RegexCase("(?i)straße", "STRASSE", false),
        RegexCase("(?i)σ", "Σ", true),
        RegexCase("(?i)σ", "ς", true),
        RegexCase("(?i)Σ", "σ", true),
        RegexCase("(?i)k", "\u{212A}", true),
        RegexCase("(?i)s", "ſ", true),
        RegexCase("(?i)i", "ı", false),
        RegexCase("(?i)é", "É", true),
        RegexCase("(?i)1", "1", true),
        RegexCase("(?i)[a-z]+", "ABC", true),
        RegexCase("(?i)[^a-z]", "ABC", false),
        RegexCase("(?i)[k]", "\u{212A}", true),
        RegexCase("(?i)[A-Z]", "ſ", true),
        RegexCase(#"(?i)\p{Lu}"#, "a", true),
        RegexCase("(?i:a)b", "AB", false),
        RegexCase("(?i:a)b", "Ab", true),
        RegexCase("a(?i)b", "aB", true),
        RegexCase("a(?i)b", "AB", false),
        RegexCase("(?i)a(?-i)b", "Ab", true),
        RegexCase("(?i)a(?-i)b", "AB", false),
        RegexCase("((?i)a)b", "Ab", true),
        RegexCase("((?i)a)b", "AB", false),
        RegexCase("(?i)a|b", "B", true),
        RegexCase("(?s).", "\n", true),
        RegexCase("(?s-s).", "\n", false),
        RegexCase("(?is)A.B", "a\nb", true),
        RegexCase("(?U)a+", "a", true),
        RegexCase("(?m:^b)", "a\nb", true),
        RegexCase("(?m:^b)|^c", "a\nc", false),
    ]

    @Test(arguments: literalsAndEscapes + perlAndBracketClasses)
    func matchesLiteralsEscapesAndClasses(_ c: RegexCase) throws {
        try check(c)
    }

    @Test(arguments: unicodeClasses)
    func matchesUnicodeClasses(_ c: RegexCase) throws {
        try check(c)
    }

    @Test(arguments: anchorsGroupsAndQuantifiers)
    func matchesAnchorsGroupsAndQuantifiers(_ c: RegexCase) throws {
        try check(c)
    }

    @Test(arguments: flags)
    func appliesFlagsAndCaseFolding(_ c: RegexCase) throws {
        try check(c)
    }

    private func check(_ c: RegexCase) throws {
        let regex = try Regex.compile(c.pattern).get()
        #expect(regex.search(c.subject) == c.expected)
    }

    @Test func staysLinearOnAdversarialPatterns() throws {
        let a = String(repeating: "a", count: 50_000)
        let x = String(repeating: "x", count: 50_000)
        #expect(try Regex.compile("(a*)*b").get().search(a) == false)
        #expect(try Regex.compile("(a*)*b").get().search(a + "b") == true)
        #expect(try Regex.compile("(a|a)*c").get().search(a) == false)
        #expect(try Regex.compile("(x+x+)+y").get().search(x) == false)
        #expect(try Regex.compile("(x+x+)+y").get().search(x + "y") == true)
        #expect(try Regex.compile("^(a?){30}a{30}$").get().search(String(repeating: "a", count: 30)) == true)
    }

    @Test func givesUpWhenTheBudgetRunsOut() throws {
        let regex = try Regex.compile("(a*)*b").get()
        let subject = String(repeating: "a", count: 50_000)
        var small = 1_000
        #expect(regex.search(subject, budget: &small) == nil)
        #expect(small == 0)

        var large = 100_000_000
        #expect(regex.search(subject, budget: &large) == false)
        #expect(large < 100_000_000 && large > 0)

        var exact = 1_000
        #expect(regex.search("xxb", budget: &exact) == true)
        #expect(exact < 1_000 && exact > 0)
    }

    @Test func acceptsDeepButBoundedNesting() throws {
        let depth = RegexParser.maxNesting
        let pattern = String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
        #expect(try Regex.compile(pattern).get().search("xa") == true)
    }

    static let errors: [RegexErrorCase] = [
        RegexErrorCase("(abc", 0, "missing closing `)`"),
        RegexErrorCase("a(b(c)", 1, "missing closing `)`"),
        RegexErrorCase("abc)", 3, "unexpected `)`"),
        RegexErrorCase("é(", 1, "missing closing `)`"),
        RegexErrorCase("e\u{301}(", 2, "missing closing `)`"),
        RegexErrorCase(#"\y"#, 0, "invalid escape sequence `\\y`"),
        RegexErrorCase(#"a\Z"#, 1, "invalid escape sequence"),
        RegexErrorCase(#"[\b]"#, 1, "invalid escape sequence"),
        RegexErrorCase("ab\\", 2, "trailing backslash"),
        RegexErrorCase(#"(a)\1"#, 3, "no backreferences"),
        RegexErrorCase(#"\8"#, 0, "no backreferences"),
        RegexErrorCase("(?P<n>a)(?P=n)", 8, "no backreferences"),
        RegexErrorCase("(?=a)", 0, "not supported: RE2 syntax has no lookaround"),
        RegexErrorCase("a(?!a)", 1, "not supported: RE2 syntax has no lookaround"),
        RegexErrorCase("(?<=a)b", 0, "not supported: RE2 syntax has no lookaround"),
        RegexErrorCase("(?<!a)b", 0, "not supported: RE2 syntax has no lookaround"),
        RegexErrorCase("a{1001}", 1, "bad repetition operator `{1001}`"),
        RegexErrorCase("a{2,1001}", 1, "bad repetition operator"),
        RegexErrorCase("a{3,2}", 1, "bad repetition operator"),
        RegexErrorCase("((a{100}){100}){100}", 9, "nested counts"),
        RegexErrorCase("(abcdefghijklmnopqrst){1000}", 0, "pattern too large"),
        RegexErrorCase("[z-a]", 1, "invalid character class range `z-a`"),
        RegexErrorCase(#"[a-\d]"#, 1, "invalid character class range"),
        RegexErrorCase("[abc", 0, "missing closing `]`"),
        RegexErrorCase("x[]", 1, "missing closing `]`"),
        RegexErrorCase("x**", 1, "bad repetition operator `**`"),
        RegexErrorCase("x+*", 1, "bad repetition operator"),
        RegexErrorCase("x{2}{3}", 1, "bad repetition operator"),
        RegexErrorCase("x*??", 1, "bad repetition operator"),
        RegexErrorCase("*a", 0, "missing argument to repetition operator `*`"),
        RegexErrorCase("a|+", 2, "missing argument"),
        RegexErrorCase("(?i)*", 4, "missing argument"),
        RegexErrorCase("(*)", 1, "missing argument"),
        RegexErrorCase("{2}", 0, "missing argument"),
        RegexErrorCase(#"\p{Foo}"#, 0, "unknown Unicode class"),
        RegexErrorCase(#"a\p{L"#, 1, "missing closing `}`"),
        RegexErrorCase("[[:foo:]]", 1, "invalid character class `[:foo:]`"),
        RegexErrorCase(#"\x{110000}"#, 0, "invalid escape sequence"),
        RegexErrorCase(#"\x{D800}"#, 0, "invalid escape sequence"),
        RegexErrorCase(#"\xZ1"#, 0, "invalid escape sequence"),
        RegexErrorCase(#"\x{41"#, 0, "invalid escape sequence"),
        RegexErrorCase("(?P<n>a)(?P<n>b)", 8, "duplicate capture group name `n`"),
        RegexErrorCase("(?P<>a)", 0, "invalid capture group name"),
        RegexErrorCase("(?<a-b>x)", 0, "invalid capture group name"),
        RegexErrorCase("(?x)a", 0, "invalid or unsupported group syntax"),
        RegexErrorCase("(?)", 0, "invalid or unsupported group syntax"),
        RegexErrorCase("(?i-)", 0, "invalid or unsupported group syntax"),
        RegexErrorCase("(?i", 0, "missing closing `)`"),
        RegexErrorCase(
            String(repeating: "(", count: RegexParser.maxNesting + 1), RegexParser.maxNesting, "nests too deeply"),
    ]

    @Test(arguments: errors)
    func rejectsInvalidPatterns(_ c: RegexErrorCase) {
        switch Regex.compile(c.pattern) {
        case .success:
            Issue.record("expected an error for /\(c.pattern)/")
        case .failure(let error):
            #expect(error.offset == c.offset)
            #expect(error.message.contains(c.message), "message: \(error.message)")
        }
    }

    @Test func honoursTheProgramSizeLimit() {
        #expect((try? Regex.compile("a{100}", maxProgramSize: 50).get()) == nil)
        #expect((try? Regex.compile("a{100}", maxProgramSize: 200).get()) != nil)
    }

    @Test func isUsableFromManyTasksAtOnce() async throws {
        let regex = try Regex.compile(#"^\p{L}+-\d{2,4}$"#).get()
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<16 { group.addTask { regex.search("abé-\(1000 + i)") } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
    }
}
