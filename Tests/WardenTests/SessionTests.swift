import Testing

@testable import Warden
@testable import WardenTools

/// A line reader that plays a script (no terminal) and records prompts and history.
private struct ScriptedReader: LineReader {
    var inputs: [LineInput]
    var prompts: [String] = []
    var history: [String] = []

    init(_ inputs: [LineInput]) { self.inputs = inputs }
    init(lines: [String]) { self.inputs = lines.map { .line($0) } }

    mutating func readLine(prompt: String, completer: Completer) -> LineInput {
        prompts.append(prompt)
        return inputs.isEmpty ? .end : inputs.removeFirst()
    }

    mutating func addHistory(_ entry: String) { history.append(entry) }
}

/// Runs a script through a fresh session; returns stdout, stderr, whether an entry failed, and the reader.
private func runSession(_ inputs: [LineInput], files: [String: String] = [:], session: Session = Session())
    -> (out: String, err: String, failed: Bool, reader: ScriptedReader)
{
    var s = session
    s.readFile = { path in
        if let t = files[path] { return .success(Array(t.utf8)) }
        return .failure(Session.ReadFailure("cannot read `\(path)`: No such file or directory"))
    }
    var reader = ScriptedReader(inputs)
    var out = ""
    var err = ""
    let failed = s.run(&reader, output: { out += $0 }, errors: { err += $0 })
    return (out, err, failed, reader)
}

private func runSession(_ lines: [String], files: [String: String] = [:]) -> (
    out: String, err: String, failed: Bool, reader: ScriptedReader
) {
    runSession(lines.map { .line($0) }, files: files)
}

@Suite struct SessionTests {
    // MARK: Expressions

    @Test func expressionPrintsValueAndType() {
        let r = runSession([
            "medium < high", "1 + 2", "\"a\" + \"b\"", "[1, 2u]", "ThreatLevel.low", "version(\"13.0\")",
        ])
        #expect(
            r.out
                == "true : bool\n3 : int\n\"ab\" : string\n[1, 2u] : list(dyn)\nThreatLevel.low : ThreatLevel\nversion(\"13.0\") : version\n"
        )
        #expect(!r.failed)
        #expect(r.err == "")
    }

    @Test func expressionErrorShowsCaretRelativeToEntry() {
        let r = runSession(["rule \"a\" when true then warn", "1 + \"a\"", "2"])
        #expect(
            r.err.contains("<repl>:1:1: error[W0401]: `+` does not apply to `int` and `string`\n1 + \"a\"\n^~~~~~~\n"))
        #expect(r.failed)
        #expect(r.out.hasSuffix("2 : int\n"))  // the session goes on
    }

    @Test func unknownFactSuggests() {
        let r = runSession(["threatLevl"])
        #expect(r.err.contains("unknown fact `threatLevl`; did you mean `threatLevel`?"))
        #expect(r.err.contains("threatLevl\n^~~~~~~~~~\n"))
    }

    @Test func missingFactIsAnErrorWithCaret() {
        let r = runSession(["threatLevel > low"])
        #expect(r.err.contains("fact `threatLevel` is missing"))
        #expect(r.failed)
    }

    @Test func expressionsSeeLetsAndFacts() {
        let r = runSession([
            "let risky = threatLevel >= medium", ":set threatLevel = high", "risky && true", "risky ? \"yes\" : \"no\"",
        ])
        #expect(r.out == "let risky : bool\nthreatLevel = ThreatLevel.high\ntrue : bool\n\"yes\" : string\n")
        #expect(!r.failed)
    }

    @Test func errorInsideALetPointsAtTheSession() {
        let r = runSession(["let big = 9223372036854775807 + threatLevelCount", "x"])
        #expect(r.failed)  // unknown fact in the let: rejected, not added
        let r2 = runSession(["let d = 1 / size(groups)", ":set groups = []", "d"])
        #expect(r2.err.contains("<session>:1:"))
        #expect(r2.err.contains("let d = 1 / size(groups)"))
    }

    // MARK: Continuation

    @Test func continuesOnlyWhenTheParserHitsEndOfInput() {
        let s = Session()
        #expect(s.needsMoreInput("size(\")\")") == false)
        #expect(s.needsMoreInput("size(\"(\")") == false)
        #expect(s.needsMoreInput("1 # (") == false)
        #expect(s.needsMoreInput("\"\"\"a [\"\"\"") == false)
        #expect(s.needsMoreInput("\"\"\"a [") == true)
        #expect(s.needsMoreInput("config \"c\" {") == true)
        #expect(s.needsMoreInput("config \"c\" {\n  vpn = 1") == true)
        #expect(s.needsMoreInput("config \"c\" {\n  vpn = 1\n}") == false)
        #expect(s.needsMoreInput("true &&") == true)
        #expect(s.needsMoreInput("when threatLevel > low &&") == true)
        #expect(s.needsMoreInput("when threatLevel > low then warn") == false)
        #expect(s.needsMoreInput("[1, 2") == true)
        #expect(s.needsMoreInput("1 + )") == false)  // a real error, not an unfinished entry
        #expect(s.needsMoreInput(":set x = (") == false)
        #expect(s.needsMoreInput("") == false)
        #expect(s.needsMoreInput("# just a comment (") == false)
    }

    @Test func multiLineEntriesUseTheContinuationPrompt() {
        let r = runSession([
            "size(\")\")", "1 # (", "\"\"\"abc [", "def\"\"\"", "config \"c\" {", "  DefenderMAMConfigs = 1",
            "  vpn = 0", "}", "true &&", "  false",
        ])
        #expect(r.out == "1 : int\n1 : int\n\"abc [\\ndef\" : string\nconfig \"c\"\nfalse : bool\n")
        #expect(
            r.reader.prompts == [
                "warden> ", "warden> ", "warden> ", "...> ", "warden> ", "...> ", "...> ", "...> ", "warden> ", "...> ",
                "warden> ",
            ])
        #expect(
            r.reader.history == [
                "size(\")\")", "1 # (", "\"\"\"abc [\ndef\"\"\"",
                "config \"c\" {\n  DefenderMAMConfigs = 1\n  vpn = 0\n}", "true &&\n  false",
            ])
        #expect(!r.failed)
    }

    @Test func interruptDropsThePendingEntry() {
        let r = runSession([.line("[1,"), .line("2,"), .interrupt, .line("3")])
        #expect(r.out == "3 : int\n")
        #expect(r.reader.prompts == ["warden> ", "...> ", "...> ", "warden> ", "warden> "])
        #expect(r.reader.history == ["3"])
        #expect(!r.failed)
    }

    @Test func endOfInputInsideAnEntryReportsIt() {
        let r = runSession(["(1 +"])
        #expect(r.failed)
        #expect(r.err.contains("unexpected end of input"))
    }

    @Test func blankLinesAreSkipped() {
        let r = runSession(["", "   ", "1"])
        #expect(r.out == "1 : int\n")
        #expect(r.reader.history == ["1"])
    }

    @Test func aCommentOnlyEntryWithAHiddenCharacterIsAnError() {
        let r = runSession(["# fine", "# \u{202E} reordered", "1"])
        #expect(r.failed)
        #expect(
            r.err.hasPrefix("<repl>:1:3: error[W0101]: U+202E RIGHT-TO-LEFT OVERRIDE is not allowed in a comment"),
            "\(r.err)")
        #expect(r.out == "1 : int\n")
        let load = runSession([":load p.warden"], files: ["p.warden": "// \u{2028}when rooted then allow\n"])
        #expect(load.failed)
        #expect(
            load.err.contains("p.warden:1:4: error[W0101]: U+2028 LINE SEPARATOR is not allowed in a comment"),
            "\(load.err)")
    }

    @Test func aCarriageReturnInsideAnEntryEndsALine() {
        let r = runSession(["# note\rrule \"b\" when rooted then wipeData", ":set rooted = true", ":eval"])
        #expect(!r.failed, "\(r.err)")
        #expect(r.out.contains("rule \"b\" → wipeData\n"))
        #expect(
            r.out.contains(
                "device session: wipeData\n  fired \"b\" → wipeData\n       2 | rule \"b\" when rooted then wipeData\n"),
            "\(r.out)")
    }

    // MARK: Statements

    @Test func statementsAreAddedAndBadOnesRolledBack() {
        let r = runSession([
            "rule \"hot\" when threatLevel > medium then blockAccess \"risk\"",
            "rule \"bad\" when threatLevl > medium then warn",
            "when playIntegrity < basic then warn",
            ":rules",
        ])
        #expect(r.failed)
        #expect(
            r.err
                == "<repl>:1:17: error[W0301]: unknown fact `threatLevl`; did you mean `threatLevel`?\nrule \"bad\" when threatLevl > medium then warn\n                ^~~~~~~~~~\n"
        )
        #expect(r.out.contains("rule \"hot\" → blockAccess\n"))
        #expect(r.out.contains("rule \"rule#2\" → warn\n"))
        #expect(r.out.contains("\"hot\" → blockAccess\n       1 | rule \"hot\""))
        #expect(!r.out.contains("\"bad\""))
    }

    @Test func duplicateRuleNoteRefersToTheSession() {
        let r = runSession(["rule \"a\" when true then warn", "rule \"a\" when false then warn"])
        #expect(r.err.contains("<repl>:1:6: error[W0306]: duplicate rule name `a`"))
        #expect(r.err.contains("<session>:1:6: note: `a` is first declared here"))
    }

    @Test func policyHeaderGoesFirst() {
        let r = runSession([
            "rule \"a\" when threatLevel > low then warn", "policy \"p\" onError wipeData", ":eval", "policy \"q\"",
        ])
        #expect(r.out.contains("policy \"p\" onError wipeData\n"))
        // The missing fact ends the rule in an error, which takes the policy's onError action.
        #expect(r.out.contains("device session: wipeData"))
        #expect(r.err.contains("a file has only one `policy` header"))
    }

    @Test func testBlocksAndLetsAreAccepted() {
        let r = runSession([
            "let hot = threatLevel > medium",
            "rule \"hot\" when hot then blockAccess",
            "test \"t\" {", "  given { threatLevel: high }", "  expect blockAccess", "}",
        ])
        #expect(!r.failed, "\(r.err)")
        #expect(r.out.contains("test \"t\"\n"))
    }

    // MARK: Commands

    @Test func setChecksAgainstTheSchema() {
        let r = runSession([
            ":set threatLevel = high", ":set osVersion = \"13.0.2\"", ":set patchLevel = \"2024-05-01\"",
            ":set groups = [\"a\", \"b\"]", ":set threatLevel = \"hgh\"", ":set jailbroken = 1", ":set nope = 1",
            ":set threatLevel", ":facts",
        ])
        #expect(r.out.hasPrefix("threatLevel = ThreatLevel.high\nosVersion = version(\"13.0.2\")\n"))
        #expect(
            r.err.contains(
                "<repl>:1:20: error[W0304]: `\"hgh\"` is not a member of `ThreatLevel` (secured, low, medium, high); did you mean `high`?\n:set threatLevel = \"hgh\"\n                   ^~~~~\n"
            ))
        #expect(r.err.contains("error[W0301]: unknown fact `nope`"))
        #expect(r.err.contains("error[W0207]: `:set` takes `FACT = VALUE`"))
        #expect(r.out.contains("threatLevel = ThreatLevel.high : ThreatLevel\n"))
        #expect(r.out.contains("groups = [\"a\", \"b\"] : list(string)\n"))
        #expect(r.failed)
    }

    @Test func setRejectsAValueOfTheWrongType() throws {
        let s = Session()
        let fact = try #require(s.engine.schema.facts.first { $0.type == .bool })
        let r = runSession([":set \(fact.name) = 1"])
        #expect(r.err.contains("error[W0401]: fact `\(fact.name)` is `bool`, not `int`"))
        #expect(r.err.contains("^"))
    }

    @Test func unsetAndFacts() {
        let r = runSession([
            ":facts", ":set threatLevel = low", ":unset threatLevel", ":unset threatLevel", ":facts", ":unset",
        ])
        #expect(
            r.out
                == "no facts set (`:set FACT = VALUE` sets one)\nthreatLevel = ThreatLevel.low\nunset threatLevel\n`threatLevel` was not set\nno facts set (`:set FACT = VALUE` sets one)\n"
        )
        #expect(r.err.contains("error[W0207]: `:unset` takes a fact name"))
    }

    @Test func evalExplainsWithConfiguration() {
        let r = runSession([
            "rule \"hot\" when threatLevel > medium then blockAccess \"risk\"",
            "config \"c\" {", "  DefenderMAMConfigs = 1", "  vpn = 0", "}",
            ":set threatLevel = high", ":eval",
        ])
        #expect(
            r.out.contains("device session: blockAccess\n  fired \"hot\" → blockAccess: risk\n       1 | rule \"hot\""))
        #expect(r.out.contains("    facts: threatLevel = high\n    when: threatLevel high > medium\n"))
        #expect(r.out.contains("  config: "))
        #expect(r.out.contains("vpn = 0"))
    }

    @Test func configShowsBlocksAndEffectiveConfiguration() {
        let r = runSession([":config", "config \"c\" {", "  DefenderMAMConfigs = 1", "  vpn = 0", "}", ":config"])
        #expect(
            r.out.hasPrefix(
                "no config blocks\neffective configuration on the session's facts:\n  config: no key set by a block or rule, 13 at their schema defaults\n"
            ))
        #expect(r.out.contains("config \"c\" route managedApps\n  DefenderMAMConfigs = 1\n  vpn = 0\n"))
        #expect(
            r.out.hasSuffix(
                "  config: 2 keys set, 12 at their schema defaults\n    DefenderMAMConfigs = 1  ← config \"c\" (line 1)\n    vpn = 0                 ← config \"c\" (line 1)\n"
            ))
    }

    @Test func configSaysWhichBlocksDoNotApplyAndWhy() {
        let r = runSession([
            "config \"fin\" for groups [\"Finance\"] {", "  DefenderMAMConfigs = 1", "}",
            "config \"corp\" route managedDevices {", "  DisableSignOut = 1", "}", ":set groups = [\"Sales\"]",
            ":config", ":explain",
        ])
        let fin = "  not applied: config \"fin\" (line 1): for groups [\"Finance\"], but the device is in [\"Sales\"]\n"
        let corp =
            "  not applied: config \"corp\" (line 4): route managedDevices, but the device has no `management` (not known to be enrolled)\n"
        #expect(r.out.components(separatedBy: fin).count == 3, "\(r.out)")
        #expect(r.out.components(separatedBy: corp).count == 3, "\(r.out)")
    }

    @Test func loadAddsAFileAndShowsItsErrors() {
        let files = [
            "good.warden": "policy \"g\"\nrule \"r\" when threatLevel > low then warn\n",
            "bad.warden": "rule \"x\" when true then warn\nrule \"y\" when threatLevl > low then warn\n",
        ]
        let r = runSession(
            [":load good.warden", ":load bad.warden", ":load missing.warden", ":load", ":rules"], files: files)
        #expect(r.out.hasPrefix("loaded good.warden\npolicy \"g\" onError blockAccess\nrule \"r\" → warn\n"))
        #expect(
            r.err.contains("bad.warden:2:15: error[W0301]: unknown fact `threatLevl`; did you mean `threatLevel`?\n"))
        #expect(r.err.contains("error[W0705]: cannot read `missing.warden`"))
        #expect(r.err.contains("error[W0207]: `:load` needs a file name"))
        #expect(!r.out.contains("\"x\""))  // the bad file was rolled back as a whole
    }

    @Test func schemaTypeHelpResetQuit() {
        let r = runSession([
            ":schema threatLevel", ":schema vpn", ":schema ThreatLevel", ":schema threatLevl",
            ":type osVersion < \"13\"",
            ":type 1 +", ":help", "rule \"a\" when true then warn", ":reset", ":rules", ":quit", "1",
        ])
        #expect(r.out.contains("fact threatLevel: ThreatLevel\n"))
        #expect(r.out.contains("key vpn: "))
        #expect(r.out.contains("enum ThreatLevel: secured < low < medium < high\n"))
        #expect(r.err.contains("error[W0310]: no fact, key or enum named `threatLevl`; did you mean `threatLevel`?"))
        #expect(r.out.contains("\nbool\n"))
        #expect(r.err.contains("<repl>:1:10: error[W0201]: unexpected end of input"))
        #expect(r.out.contains(":set FACT = VALUE"))
        #expect(r.out.contains("session cleared\nno rules\n"))
        #expect(!r.out.contains("1 : int"))  // nothing after :quit
    }

    @Test func schemaOverview() {
        let r = runSession([":schema"])
        #expect(r.out.hasPrefix("Facts (inputs of rules):\n"))
    }

    @Test func everyCommandErrorCarriesItsCode() {
        let cases: [(String, ErrorCode)] = [
            (":set threatLevel high", .commandUsage), (":set = 1", .commandUsage),
            (":set threatLevel =", .commandUsage),
            (":unset", .commandUsage), (":load", .commandUsage), (":type", .commandUsage),
            (":evl", .unknownCommand), (":schema threatLevl", .unknownSchemaName),
            (":load nowhere.warden", .unreadableFile),
            (":set nope = 1", .unknownFact), (":unset nope", .unknownFact), (":set rooted = 1", .typeMismatch),
        ]
        for (line, code) in cases {
            var session = Session()
            let r = session.handle(line)
            #expect(r.failed, "\(line)")
            #expect(r.errors.contains("error[\(code.rawValue)]: "), "\(line): \(r.errors)")
            #expect(!r.errors.contains("error: "), "\(line): an error without its code: \(r.errors)")
        }
    }

    @Test func unknownCommandSuggests() {
        let r = runSession([":evl", ":frobnicate"])
        #expect(r.err.contains("error[W0309]: unknown command `:evl`; did you mean `:eval`?"))
        #expect(r.err.contains("error[W0309]: unknown command `:frobnicate` (`:help` lists the commands)"))
        #expect(r.failed)
    }

    @Test func hostileEntriesNeverCrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        let r = runSession([
            deep, "9223372036854775807 + 1", "1 / 0", ":set", ":set =", ":set = 1", ":type", "\u{0}", "\"\\u{zz}\"",
            ":",
            "rule", "let", "}", "]", "\"\"\"", "\"\"\"",
        ])
        #expect(r.failed)
        #expect(r.err.contains("overflow"))
    }

    // MARK: Completion

    @Test func completesFromTheCheckerTables() {
        var s = Session()
        _ = s.handle("let riskyDevice = threatLevel > medium")
        #expect(s.completions(for: "threatL", lineBefore: "") == ["threatLevel"])
        #expect(s.completions(for: "blockA", lineBefore: "when x then ") == ["blockAccess"])
        #expect(s.completions(for: "DefenderMAM", lineBefore: "config \"c\" { ") == ["DefenderMAMConfigs"])
        #expect(s.completions(for: "medi", lineBefore: "threatLevel > ") == ["medium"])
        #expect(s.completions(for: "ThreatLevel.h", lineBefore: "") == ["ThreatLevel.high"])
        #expect(s.completions(for: "startsW", lineBefore: "x.") == ["startsWith"])
        #expect(s.completions(for: "risky", lineBefore: "") == ["riskyDevice"])
        #expect(s.completions(for: "con", lineBefore: "").contains("config"))
        #expect(s.completions(for: ":l", lineBefore: "") == [":load"])
        #expect(s.completions(for: ":s", lineBefore: "") == [":schema", ":set"])
        #expect(s.completions(for: "threatL", lineBefore: ":set ") == ["threatLevel"])
        #expect(s.completions(for: "hi", lineBefore: ":set threatLevel = ") == ["high"])
        #expect(s.completions(for: "Threat", lineBefore: ":schema ") == ["ThreatLevel"])
    }

    @Test func completesFileNamesAfterLoad() {
        var s = Session()
        s.listDirectory = { dir in
            switch dir {
            case ".": return ["samples/", "policy.warden", ".hidden"]
            case "samples/": return ["a.warden", "b.warden", "notes.txt"]
            default: return nil
            }
        }
        #expect(s.completions(for: "", lineBefore: ":load ") == ["policy.warden", "samples/"])
        #expect(s.completions(for: "sam", lineBefore: ":load ") == ["samples/"])
        #expect(s.completions(for: "samples/a", lineBefore: ":load ") == ["samples/a.warden"])
        #expect(s.completions(for: "nowhere/x", lineBefore: ":load ") == [])
    }
}
