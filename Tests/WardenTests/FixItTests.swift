import Testing

@testable import Warden

/// Each fix-it is pinned by applying it: the corrected source is the expected text and compiles.
@Suite struct FixItTests {
    /// Compiles `source`, applies the first error's fix-it, and returns the corrected source
    /// with the error's message.
    func applyFirstFixIt(_ source: String) throws -> (fixed: String, message: String) {
        do {
            _ = try Engine().compile(source, name: "p.warden")
        } catch {
            let d = try #require(error.diagnostics.first { $0.severity == .error })
            let fix = try #require(d.fixIt, "no fix-it for: \(d.message)")
            let bytes = Array(source.utf8)
            let fixed =
                String(decoding: bytes[0..<d.span.start], as: UTF8.self) + fix
                + String(decoding: bytes[d.span.end...], as: UTF8.self)
            return (fixed, d.message)
        }
        Issue.record("expected a compile error")
        return ("", "")
    }

    func expectFix(_ source: String, _ expected: String, mentions: String) throws {
        let (fixed, message) = try applyFirstFixIt(source)
        #expect(fixed == expected)
        #expect(message.contains(mentions), "\(message)")
        #expect(throws: Never.self) { _ = try Engine().compile(fixed, name: "p.warden") }
    }

    @Test func numberComparedWithVersionBecomesAString() throws {
        try expectFix(
            "when osVersion < 11 then warn", "when osVersion < \"11\" then warn", mentions: "did you mean `\"11\"`")
        try expectFix("when 11 > osVersion then warn", "when \"11\" > osVersion then warn", mentions: "`\"11\"`")
    }

    @Test func stringComparedWithIntBecomesANumber() throws {
        try expectFix(
            "when pinAttempts >= \"5\" then warn", "when pinAttempts >= 5 then warn", mentions: "did you mean `5`")
        try expectFix("when \"5\" <= pinAttempts then warn", "when 5 <= pinAttempts then warn", mentions: "`5`")
    }

    @Test func stringComparedWithBoolBecomesABool() throws {
        try expectFix(
            "when rooted == \"true\" then warn", "when rooted == true then warn", mentions: "did you mean `true`")
        try expectFix("when \"false\" != rooted then warn", "when false != rooted then warn", mentions: "`false`")
    }

    @Test func listEqualsStringBecomesMembership() throws {
        try expectFix(
            "when groups == \"Sales\" then warn", "when \"Sales\" in groups then warn", mentions: "membership")
        try expectFix(
            "when \"Sales\" == groups then warn", "when \"Sales\" in groups then warn", mentions: "membership")
        try expectFix(
            "when groups != \"Sales\" then warn", "when !(\"Sales\" in groups) then warn", mentions: "membership")
    }

    @Test func containsOnAListBecomesMembership() throws {
        try expectFix(
            "when tags contains \"BYOD\" then warn", "when \"BYOD\" in tags then warn", mentions: "membership")
        try expectFix(
            "when tags.contains(\"BYOD\") then warn", "when \"BYOD\" in tags then warn", mentions: "membership")
    }

    @Test func quotedConfigValueCopiedFromIntuneIsUnquoted() throws {
        let source = """
            config "Web" {
              DefenderMAMConfigs = 1
              vpn = "0"
            }
            """
        try expectFix(source, source.replacingOccurrences("\"0\"", "0"), mentions: "did you mean `0`")
    }

    @Test func misspeltKeywordActionAndTargetGetDidYouMean() throws {
        try expectFix(
            "rule \"a\" whne rooted then warn", "rule \"a\" when rooted then warn", mentions: "did you mean `when`")
        try expectFix("when rooted then wipeDate", "when rooted then wipeData", mentions: "did you mean `wipeData`")
        let block = "config \"x\" for group [\"a\"] {\n  DefenderMAMConfigs = 1\n}\n"
        try expectFix(block, block.replacingOccurrences("group ", "groups "), mentions: "did you mean `groups`")
    }

    @Test func secondForInAConfigBlockNamesTheOneForSyntax() throws {
        let block = "config \"x\" for apps [\"com.microsoft.scmx\"] for groups [\"a\"] {\n  DefenderMAMConfigs = 1\n}\n"
        let (fixed, message) = try applyFirstFixIt(block)
        #expect(message.contains("`for apps [...] groups [...]`"))
        #expect(!message.contains("did you mean `for`"))
        #expect(throws: Never.self) { _ = try Engine().compile(fixed, name: "p.warden") }
    }

    @Test func renderedDiagnosticShowsTheFixItAsAHelpLine() {
        do {
            _ = try Engine().compile("when osVersion < 11 then warn", name: "p.warden")
        } catch {
            #expect(error.rendered().contains("help: write `\"11\"`:\nwhen osVersion < \"11\" then warn\n"))
        }
    }

    @Test func noFixItWhenTheIntendedTypeIsUnclear() throws {
        do {
            _ = try Engine().compile("when pinAttempts >= \"five\" then warn", name: "p.warden")
            Issue.record("expected a compile error")
        } catch {
            #expect(error.diagnostics.first?.fixIt == nil)
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
