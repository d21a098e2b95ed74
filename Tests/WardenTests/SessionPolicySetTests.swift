import Testing

@testable import Warden
@testable import WardenTools

/// Plays lines to a session with the given files readable; returns stdout, stderr and whether an entry failed.
private func play(_ lines: [String], files: [String: String], load: [String] = []) -> (
    out: String, err: String, failed: Bool
) {
    var s = Session()
    s.readFile = { path in
        if let t = files[path] { return .success(Array(t.utf8)) }
        return .failure(Session.ReadFailure("cannot read `\(path)`: No such file or directory"))
    }
    var out = ""
    var err = ""
    var failed = false
    for path in load {
        let r = s.load(path)
        out += r.output
        err += r.errors
        if r.failed { failed = true }
    }
    for line in lines {
        let r = s.handle(line)
        out += r.output
        err += r.errors
        if r.failed { failed = true }
    }
    return (out, err, failed)
}

/// `warden repl FILE...` and `:load`: the loaded files are a policy set, as `check` and `eval`
/// compile them; the entries typed at the prompt are the set's `<repl>` file.
@Suite struct SessionPolicySetTests {
    static let files = [
        "a.warden": "policy \"A\" onError allow\nlet risky = threatLevel > low\nrule \"a\" when risky then warn\n",
        "b.warden": "policy \"B\" onError blockAccess\nlet risky = rooted\nrule \"b\" when risky then blockAccess\n",
    ]

    @Test func twoFilesWithPolicyHeadersLoadAsOneSetWithTheirOwnLetsAndOnError() {
        let r = play(
            [":rules", ":set threatLevel = high", ":set rooted = false", ":eval"], files: Self.files,
            load: ["a.warden", "b.warden"])
        #expect(!r.failed, "\(r.err)")
        #expect(r.err == "")
        #expect(
            r.out.hasPrefix(
                "loaded a.warden\npolicy \"A\" onError allow\nlet risky : bool\nrule \"a\" → warn\n"
                    + "loaded b.warden\npolicy \"B\" onError blockAccess\nlet risky : bool\nrule \"b\" → blockAccess\n"
                    + "\"a\" → warn\n    a.warden:3 | rule \"a\" when risky then warn\n"
                    + "\"b\" → blockAccess\n    b.warden:3 | rule \"b\" when risky then blockAccess\n"), "\(r.out)")
        // Each file's `risky` is its own: `a` fires on the threat level, `b` does not fire on it.
        #expect(r.out.contains("device session: warn\n  fired \"a\" → warn\n"), "\(r.out)")
        #expect(r.out.contains("a.warden:3 | rule \"a\" when risky then warn"), "\(r.out)")
    }

    @Test func eachFileKeepsItsOnErrorAction() {
        // No facts set: both rules error; each takes its own file's `onError`.
        let r = play([":eval"], files: Self.files, load: ["a.warden", "b.warden"])
        #expect(r.out.contains("device session: blockAccess\n"), "\(r.out)")
        #expect(r.out.contains("error[W0901] in \"a\" → allow (onError)"), "\(r.out)")
        #expect(r.out.contains("error[W0901] in \"b\" → blockAccess (onError)"), "\(r.out)")
    }

    @Test func aFilesLetsAreNotVisibleToEntriesTypedAtThePrompt() {
        let r = play(["rule \"c\" when risky then warn"], files: Self.files, load: ["a.warden"])
        #expect(r.failed)
        #expect(r.err.hasPrefix("<repl>:1:15: error[W0301]: unknown fact `risky`"), "\(r.err)")
    }

    @Test func typedEntriesAreTheSetsReplFileWithTheirOwnHeader() {
        let r = play(
            ["policy \"R\" onError warn", "let risky = rooted", "rule \"c\" when risky then warn", ":eval"],
            files: Self.files, load: ["a.warden"])
        #expect(!r.failed, "\(r.err)")
        #expect(r.out.contains("policy \"R\" onError warn\nlet risky : bool\nrule \"c\" → warn\n"), "\(r.out)")
        #expect(r.out.contains("error[W0901] in \"c\" → warn (onError)"), "\(r.out)")
        #expect(r.out.contains("error[W0901] in \"a\" → allow (onError)"), "\(r.out)")
    }

    @Test func aDuplicateRuleNameAcrossTheSetIsRefusedAndNamesBothPlaces() {
        let r = play(["rule \"a\" when true then warn", ":rules"], files: Self.files, load: ["a.warden"])
        #expect(r.failed)
        #expect(r.err.contains("<repl>:1:6: error[W0306]: duplicate rule name `a`"), "\(r.err)")
        #expect(r.err.contains("a.warden:3:6: note: `a` is first declared here, in a.warden"), "\(r.err)")
        #expect(!r.out.hasSuffix("rule \"a\" → warn\n"))
    }

    @Test func loadingAFileThatConflictsAcrossTheSetIsRolledBack() {
        let files = [
            "a.warden": "config \"A\" {\n  DefenderMAMConfigs = 1\n  vpn = 1\n}\n",
            "b.warden": "# B\nconfig \"B\" {\n  DefenderMAMConfigs = 1\n  vpn = 0\n}\n",
        ]
        let r = play([":load b.warden", ":config"], files: files, load: ["a.warden"])
        #expect(r.failed)
        #expect(r.err.contains("b.warden:4:3: error[W0503]: conflict: `vpn` is 0 here but 1 in config `A`"), "\(r.err)")
        #expect(r.out.contains("config \"A\" route managedApps\n"), "\(r.out)")
        #expect(!r.out.contains("config \"B\""), "\(r.out)")
    }

    @Test func resetForgetsTheLoadedFiles() {
        let r = play(
            [":reset", "rule \"a\" when true then warn", ":rules"], files: Self.files, load: ["a.warden", "b.warden"])
        #expect(!r.failed, "\(r.err)")
        // No duplicate rule name: the files' rules are gone with them.
        #expect(
            r.out.hasSuffix(
                "session cleared\nrule \"a\" → warn\n\"a\" → warn\n       1 | rule \"a\" when true then warn\n"),
            "\(r.out)")
    }
}
