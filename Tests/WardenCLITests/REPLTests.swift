import Foundation
import Testing

/// `warden repl` with standard input piped in: no prompts, no echo, no escape codes.
@Suite struct REPLTests {
    @Test func pipedSessionPrintsOnlyResults() throws {
        let r = try CLI.run(
            ["repl"],
            stdin: """
                medium < high
                rule "hot" when threatLevel > medium
                  then blockAccess "risk"
                :set threatLevel = high
                :eval
                :quit
                1 + 1

                """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "")
        #expect(
            r.stdout.hasPrefix(
                "true : bool\nrule \"hot\" → blockAccess\nthreatLevel = ThreatLevel.high\ndevice session: blockAccess\n  fired \"hot\" → blockAccess: risk\n"
            ))
        #expect(!r.stdout.contains("warden>"))
        #expect(!r.stdout.contains("...>"))
        #expect(!r.stdout.contains("\u{1B}"))
        #expect(!r.stdout.contains("2 : int"))  // after :quit
    }

    @Test func anErrorMakesTheExitStatusOneButTheSessionGoesOn() throws {
        let r = try CLI.run(["repl"], stdin: "threatLevl > low\n:nope\n2 * 21\n")
        #expect(r.status == 1)
        #expect(r.stdout == "42 : int\n")
        #expect(
            r.stderr.contains(
                "<stdin>:1:1: error[W0301]: unknown fact `threatLevl`; did you mean `threatLevel`?\nthreatLevl > low\n^~~~~~~~~~\n"
            ))
        #expect(r.stderr.contains("<stdin>:2: error[W0309]: unknown command `:nope`"))
    }

    @Test func continuationIsDecidedByTheParser() throws {
        let r = try CLI.run(
            ["repl"],
            stdin: "size(\")\")\n1 # (\n\"\"\"[\n]\"\"\"\nconfig \"c\" {\n  DefenderMAMConfigs = 1\n}\ntrue &&\nfalse\n"
        )
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "1 : int\n1 : int\n\"[\\n]\" : string\nconfig \"c\"\nfalse : bool\n")
    }

    @Test func anUnfinishedEntryAtEndOfInputIsAnError() throws {
        let r = try CLI.run(["repl"], stdin: "[1, 2,\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("unexpected end of input"))
    }

    @Test func filesGivenOnTheCommandLineAreLoadedFirst() throws {
        let path = try CLI.temp("repl-load.warden", "rule \"old os\" when osVersion < \"13\" then warn\n")
        let r = try CLI.run(["repl", path], stdin: ":set osVersion = \"12.4\"\n:eval\n:rules\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("loaded \(path)\nrule \"old os\" → warn\n"))
        #expect(r.stdout.contains("device session: warn\n  fired \"old os\" → warn\n"))
    }

    @Test func severalFilesWithPolicyHeadersLoadAsOnePolicySet() throws {
        let a = try CLI.temp(
            "repl-set-a.warden",
            "policy \"A\" onError allow\nlet risky = threatLevel > low\nrule \"a\" when risky then warn\n")
        let b = try CLI.temp(
            "repl-set-b.warden",
            "policy \"B\" onError blockAccess\nlet risky = rooted\nrule \"b\" when risky then blockAccess\n")
        let r = try CLI.run(
            ["repl", a, b],
            stdin: ":set threatLevel = high\n:set rooted = false\n:eval\nrule \"a\" when true then warn\n")
        #expect(r.status == 1)  // the duplicate rule name typed last
        #expect(
            r.stdout.hasPrefix(
                "loaded \(a)\npolicy \"A\" onError allow\nlet risky : bool\nrule \"a\" → warn\n"
                    + "loaded \(b)\npolicy \"B\" onError blockAccess\nlet risky : bool\nrule \"b\" → blockAccess\n"),
            "\(r.stdout)")
        #expect(
            r.stdout.contains(
                "device session: warn\n  fired \"a\" → warn\n    \(a):3 | rule \"a\" when risky then warn\n"),
            "\(r.stdout)")
        // The input's line 4.
        #expect(r.stderr.contains("<stdin>:4:6: error[W0306]: duplicate rule name `a`"), "\(r.stderr)")
        #expect(r.stderr.contains("\(a):3:6: note: `a` is first declared here"), "\(r.stderr)")
    }

    @Test func loadCommandReadsFilesAndShowsErrorsWithCarets() throws {
        let good = try CLI.temp("repl-good.warden", "let old = osVersion < \"13\"\n")
        let bad = try CLI.temp("repl-bad.warden", "rule \"x\" when rooted then\n  wipeDta\n")
        let r = try CLI.run(["repl"], stdin: ":load \(good)\n:load \(bad)\n:load /no/such/file\nold\n")
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("loaded \(good)\nlet old : bool\n"))
        #expect(r.stderr.contains("\(bad):"))
        #expect(r.stderr.contains("^"))
        #expect(r.stderr.contains("cannot read `/no/such/file`"))
        #expect(r.stderr.contains("fact `osVersion` is missing"))
    }

    @Test func aMissingFileOnTheCommandLineStillStartsTheSession() throws {
        let r = try CLI.run(["repl", "/no/such.warden"], stdin: "1\n")
        #expect(r.status == 1)
        #expect(r.stdout == "1 : int\n")
    }

    @Test func everyCommandWorksThroughAPipe() throws {
        let r = try CLI.run(
            ["repl"],
            stdin: """
                :help
                :schema ThreatLevel
                :type osVersion
                :set rooted = true
                :facts
                :unset rooted
                :rules
                :config
                :reset
                :quit

                """)
        #expect(r.status == 0, "\(r.stderr)")
        for piece in [
            ":set FACT = VALUE", "enum ThreatLevel:", "version\n", "rooted = true : bool\n", "unset rooted\n",
            "no rules\n",
            "no config blocks\n", "session cleared\n",
        ] {
            #expect(r.stdout.contains(piece), "\(piece)")
        }
    }
}
