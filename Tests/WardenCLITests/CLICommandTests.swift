import Foundation
import Testing

@Suite struct CLICommandTests {
    @Test func checkAcceptsEverySample() throws {
        let samples = try FileManager.default.contentsOfDirectory(
            atPath: CLI.packageRoot.appendingPathComponent("samples").path
        )
        .filter { $0.hasSuffix(".warden") }.sorted()
        #expect(samples.count >= 4)
        for s in samples {
            let r = try CLI.run(["check", "samples/\(s)"])
            #expect(r.status == 0, "\(s): \(r.stderr)")
            #expect(r.stdout.contains("ok"))
        }
    }

    @Test func checkPrintsDiagnosticWithCaretAndSuggestion() throws {
        let path = try CLI.temp("bad.warden", "rule \"x\" when threatLevl > medium then blockAccess\n")
        let r = try CLI.run(["check", path])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "bad.warden:1:15: error[W0301]: unknown fact `threatLevl`; did you mean `threatLevel`?\n"
                    + "rule \"x\" when threatLevl > medium then blockAccess\n"
                    + "              ^~~~~~~~~~\n"))
    }

    @Test func checkReportsEveryErrorOfAFile() throws {
        let path = try CLI.temp(
            "many.warden",
            """
            rule "a" when threatLevl > medium then blockAccess
            rule "b" when rooted then
            rule "c" when pinAttempts >= "five" then warn
            rule "d" when rooted then wipeDta
            """)
        let r = try CLI.run(["check", path])
        #expect(r.status == 1)
        #expect(r.stderr.components(separatedBy: ": error[").count - 1 >= 3, "\(r.stderr)")
    }

    @Test func aCarriageReturnInACommentDoesNotHideTheRuleAfterIt() throws {
        let path = try CLI.temp("cr.warden", "# note\rrule \"b\" when rooted then wipeData\n")
        let check = try CLI.run(["check", path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("ok (1 rule)"))
        let eval = try CLI.run(
            ["eval", path, "--facts", "-", "--format", "json"], stdin: "{\"id\":1,\"rooted\":true}\n")
        #expect(
            eval.stdout.hasPrefix(
                "{\"id\":1,\"action\":\"wipeData\",\"fired\":[{\"rule\":\"b\",\"action\":\"wipeData\",\"message\":null,\"line\":2}]"
            ), "\(eval.stdout)")
        // A line separator in a comment is an error at its line and column, not a hidden rule.
        let ls = try CLI.temp("ls.warden", "when rooted then warn\n# note\u{2028}rule \"b\" when rooted then allow\n")
        let bad = try CLI.run(["check", ls])
        #expect(bad.status == 1)
        #expect(
            bad.stderr.contains(
                "ls.warden:2:7: error[W0101]: U+2028 LINE SEPARATOR is not allowed in a comment; editors show a line break here\n"
                    + "# note\u{FFFD}rule \"b\" when rooted then allow\n"
                    + "      ^\n"), "\(bad.stderr)")
        // fmt keeps a CRLF file CRLF: a formatted CRLF file passes --check.
        let crlf = try CLI.temp("crlf.warden", "rule \"a\" when rooted then warn\r\n")
        let fmt = try CLI.run(["fmt", "--check", crlf])
        #expect(fmt.status == 0, "\(fmt.stdout)\(fmt.stderr)")
    }

    @Test func invalidUTF8InFactsNamesItsByteOnce() throws {
        let policy = try CLI.temp("u.warden", "when rooted then warn\n")
        let input: [UInt8] = [0x7B, 0x22, 0x72, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D, 0x0A]  // {"r":"<FF>"}
        let r = try CLI.run(["eval", policy, "--facts", "-", "--format", "json"], stdinBytes: input)
        #expect(r.status == 1)
        #expect(r.stdout.contains("\"error\":\"invalid JSON: invalid UTF-8 at byte 7\""), "\(r.stdout)")
    }

    @Test func checkOnAMissingFileIsAUsageError() throws {
        let r = try CLI.run(["check", "no/such/file.warden"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("error[W0705]: cannot read `no/such/file.warden`"))
    }

    @Test func everyCommandReportsAnUnreadableFileWithItsCode() throws {
        let policy = try CLI.temp("unreadable-code.warden", "rule \"r\" when rooted then warn\n")
        let dir = (policy as NSString).deletingLastPathComponent
        let missing = "/nonexistent/missing"
        let runs: [[String]] = [
            ["check", missing + ".warden"], ["fmt", missing + ".warden"], ["test", missing + ".warden"],
            ["eval", policy, "--facts", missing + ".jsonl"], ["eval", policy, "--facts", dir],
            ["expr", "rooted", "--facts", missing + ".json"], ["import", "--intune", missing + ".json"],
            ["export", "--intune", missing + ".warden"],
        ]
        for args in runs {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("error[W0705]: cannot read "), "\(args): \(r.stderr)")
        }
    }

    @Test func unknownOptionIsAUsageErrorWithStatusTwo() throws {
        let r = try CLI.run(["check", "--no-such-option", "x.warden"])
        #expect(r.status == 2)
    }

    @Test func evalJSONFollowsTheDocumentedShape() throws {
        let policy = try CLI.temp(
            "p.warden",
            """
            policy "p"
            rule "high threat" when threatLevel > medium then blockAccess "Device is at risk"
            """)
        let facts = try CLI.temp("d.jsonl", "{\"id\":17,\"threatLevel\":\"high\"}\n")
        let r = try CLI.run(["eval", policy, "--facts", facts, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout == """
                {"id":17,"action":"blockAccess","fired":[{"rule":"high threat","action":"blockAccess","message":"Device is at risk","line":2}],"errors":[],"warnings":[],"config":{}}

                """)
        // `--config full` lists every key, the schema defaults too.
        let full = try CLI.run(["eval", policy, "--facts", facts, "--format", "json", "--config", "full"])
        #expect(
            full.stdout == """
                {"id":17,"action":"blockAccess","fired":[{"rule":"high threat","action":"blockAccess","message":"Device is at risk","line":2}],"errors":[],"warnings":[],"config":{"antiphishing":1,"vpn":1,"DefenderNetworkProtectionEnable":0,"DefenderCertificateDetection":1,"DefenderOpenNetworkDetection":0,"DefenderEndUserTrustFlowEnable":"false","DefenderNetworkProtectionAutoRemediation":"true","DefenderNetworkProtectionPrivacy":"true","DefenderExcludeURLInReport":0,"DefenderExcludeAppInReport":0,"DefenderOptionalVPN":0,"DefenderOptionalAccessibility":0,"DisableSignOut":0}}

                """)
        let bad = try CLI.run(["eval", policy, "--facts", facts, "--config", "some"])
        #expect(bad.status == 2)
    }

    @Test func evalKeepsGoingPastBadLinesAndExitsOne() throws {
        let policy = try CLI.temp("p2.warden", "policy \"p\" onError wipeData\nwhen rooted then warn\n")
        var input: [UInt8] = Array("{\"id\":1,\"rooted\":true}\nnot json\n[1,2]\n".utf8)
        input += [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D, 0x0A]  // invalid UTF-8
        input += Array("{\"id\":5,\"rooted\":1}\n{\"id\":6,\"rooted\":false}".utf8)  // wrong type; no final newline
        let r = try CLI.run(["eval", policy, "--facts", "-", "--format", "json"], stdinBytes: input)
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("{\"id\":1,\"action\":\"warn\""))
        #expect(lines[1].hasPrefix("{\"line\":2,\"error\":\"invalid JSON"))
        #expect(lines[1].hasSuffix("\"action\":\"wipeData\"}"))
        #expect(lines[2].hasPrefix("{\"line\":3,\"error\":"))
        #expect(lines[3].hasPrefix("{\"line\":4,\"error\":"))
        #expect(lines[4].contains("\"fact\":\"rooted\""))
        #expect(lines[4].contains("\"action\":\"wipeData\""))
        #expect(lines[5].hasPrefix("{\"id\":6,\"action\":\"allow\""))
    }

    @Test func evalExplainShowsFiredRulesWithTheirSourceLines() throws {
        let r = try CLI.run([
            "eval", "samples/outlook-conditional-launch.warden", "--facts", "samples/devices.jsonl",
            "--explain", "--today", "2024-10-01",
        ])
        #expect(r.status == 1)  // devices 11 and 12 are malformed on purpose
        #expect(r.stdout.contains("device 2: blockAccess"))
        #expect(r.stdout.contains("fired \"high threat\" → blockAccess: Defender rates this device at risk"))
        #expect(r.stdout.contains("| rule \"high threat\""))
        #expect(r.stdout.contains("device 4: wipeData"))
    }

    @Test func evalWarnsOnceAboutAnUnknownFact() throws {
        let policy = try CLI.temp("p3.warden", "when rooted then warn\n")
        let facts = try CLI.temp("d3.jsonl", "{\"rooted\":true,\"rootd\":1}\n{\"rooted\":false,\"rootd\":2}\n")
        let r = try CLI.run(["eval", policy, "--facts", facts])
        #expect(r.status == 0)
        #expect(r.stderr.components(separatedBy: "unknown fact `rootd`").count == 2)
        #expect(r.stderr.contains("did you mean `rooted`?"))
    }

    @Test func evalReadsAJSONArrayDocument() throws {
        let policy = try CLI.temp("p4.warden", "when rooted then warn\n")
        let facts = try CLI.temp("d4.json", "[{\"id\":\"a\",\"rooted\":true},{\"id\":\"b\",\"rooted\":false}]")
        let r = try CLI.run(["eval", policy, "--facts", facts, "--format", "json"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("{\"id\":\"a\",\"action\":\"warn\""))
        #expect(r.stdout.contains("{\"id\":\"b\",\"action\":\"allow\""))
    }

    @Test func schemaShowsOneKeyWithItsEditionNote() throws {
        let r = try CLI.run(["schema", "DefenderCertificateDetection"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("default: 1"))
        #expect(r.stdout.contains("0 disable, 1 audit, 2 enable"))
        #expect(r.stdout.contains("later editions"))
        let bad = try CLI.run(["schema", "threatLevl"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("did you mean `threatLevel`?"))
    }

    @Test func exprPrintsValueAndTypeInTypedMode() throws {
        let r = try CLI.run(["expr", "--", "medium < high"])
        #expect(r.status == 0)
        #expect(r.stdout == "true : bool\n")
        let facts = try CLI.temp("f.json", "{\"osVersion\": \"10.1\", \"threatLevel\": \"high\"}")
        let j = try CLI.run(["expr", "--facts", facts, "--json", "--", "threatLevel"])
        #expect(j.stdout == "{\"enum\":\"ThreatLevel.high\"}\n")
        let missing = try CLI.run(["expr", "--json", "--", "osVersion < \"11\""])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("fact `osVersion` is missing"))
        let bad = try CLI.run(["expr", "--", "threatLevl"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("did you mean `threatLevel`?"))
    }

    @Test func exprCELModeFollowsTheConformanceProtocol() throws {
        let r = try CLI.run(["expr", "--json", "--cel", "--bindings", "{\"x\": {\"int\": \"5\"}}", "--", "x * 2"])
        #expect(r.stdout == "{\"int\":\"10\"}\n")
        let e = try CLI.run(["expr", "--json", "--cel", "--", "1 / 0"])
        #expect(e.status != 0)
        #expect(e.stdout.hasPrefix("{\"error\":"))
    }

    @Test func limitOptionsReachExprTestAndRepl() throws {
        let e = try CLI.run(["expr", "--max-steps", "3", "--", "[1, 2, 3].all(x, x > 0)"])
        #expect(e.status == 1)
        #expect(e.stdout.contains("evaluation cost limit exceeded (3 steps)"))
        let r = try CLI.run(["repl", "--max-nesting", "3"], stdin: "((((1))))\n1 + 1\n")
        #expect(r.status == 1)
        #expect(r.stdout.contains("2 : int"))
        #expect(r.stderr.contains("nested too deeply (limit 3)"))
        let t = try CLI.run(["test", "--max-steps", "0", "samples/threat-level.warden"])
        #expect(t.status == 2)
    }
}
