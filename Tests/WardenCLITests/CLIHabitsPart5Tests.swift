import Foundation
import Testing
import Warden
import WardenTools

/// The rest of issue 14, part 5: option suggestions, colour, examples in `--help`, hints for facts
/// that are not JSON Lines, numbered piped REPL errors, and the `set` actions' web-protection lint.
@Suite struct CLIHabitsPart5Tests {
    @Test func mistypedOptionSuggestsTheNearestOneAndExits2() throws {
        let r = try CLI.run(["eval", "samples/threat-level.warden", "--facts", "samples/devices.jsonl", "--exlain"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("Unknown option '--exlain'. Did you mean '--explain'?"))
        #expect(r.stdout.isEmpty)
        let check = try CLI.run(["check", "--stirct", "samples/threat-level.warden"])
        #expect(check.status == 2)
        #expect(check.stderr.contains("Did you mean '--strict'?"))
    }

    @Test func exprWithANegativeExpressionHintsAtTheDoubleDash() throws {
        let r = try CLI.run(["expr", "-1 + 2"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("put the expression after `--` when it starts with `-`"))
        let ok = try CLI.run(["expr", "--", "-1 + 2"])
        #expect(ok.stdout == "1 : int\n")
    }

    static let badPolicy = "rule \"old\" when osVersion < 11 then warn\n"

    @Test func colorAlwaysColoursDiagnosticsAndExplanationsNeverAndPipesDoNot() throws {
        let path = try CLI.temp("color.warden", Self.badPolicy)
        let always = try CLI.run(["check", path, "--color", "always"])
        #expect(always.status == 1)
        #expect(always.stderr.contains("\u{1B}[1;31merror[W0402]:\u{1B}[0m cannot compare"))
        #expect(always.stderr.contains("\u{1B}[1;32mhelp:\u{1B}[0m write"))
        // Piped, `auto` (the default) and `never` write no escape codes.
        for args in [["check", path], ["check", path, "--color", "never"], ["check", path, "--color", "auto"]] {
            let r = try CLI.run(args)
            #expect(r.status == 1)
            #expect(!r.stderr.contains("\u{1B}"), "\(args)")
            #expect(r.stderr.contains("error[W0402]: cannot compare"))
        }
        let eval = try CLI.run([
            "eval", "samples/threat-level.warden", "--facts", "samples/devices.jsonl", "--explain", "--color",
            "always", "--quiet",
        ])
        #expect(eval.stdout.contains("device 2: \u{1B}[31mblockAccess\u{1B}[0m\n"))
        #expect(eval.stdout.contains("device 1: \u{1B}[32mallow\u{1B}[0m\n"))
        let plain = try CLI.run([
            "eval", "samples/threat-level.warden", "--facts", "samples/devices.jsonl", "--explain", "--quiet",
        ])
        #expect(!plain.stdout.contains("\u{1B}"))
        // Without colour, the text is the same byte for byte.
        #expect(TerminalStyle.plain.decisionText(plain.stdout) == plain.stdout)
        let bad = try CLI.run(["check", path, "--color", "sometimes"])
        #expect(bad.status == 2)
    }

    @Test func noColorTurnsAutoOffButNotAlways() {
        #expect(TerminalStyle.colors(.auto, isTerminal: true, noColor: nil))
        #expect(TerminalStyle.colors(.auto, isTerminal: true, noColor: ""))
        #expect(!TerminalStyle.colors(.auto, isTerminal: true, noColor: "1"))
        #expect(!TerminalStyle.colors(.auto, isTerminal: false, noColor: nil))
        #expect(TerminalStyle.colors(.always, isTerminal: false, noColor: "1"))
        #expect(!TerminalStyle.colors(.never, isTerminal: true, noColor: nil))
        let style = TerminalStyle(enabled: true)
        #expect(
            style.diagnostics("p.warden:1:2: warning: w\n  x\n  ^~\nnote: n")
                == "\u{1B}[1mp.warden:1:2:\u{1B}[0m \u{1B}[1;33mwarning:\u{1B}[0m w\n  x\n\u{1B}[1;32m  ^~\u{1B}[0m\n\u{1B}[1;36mnote:\u{1B}[0m n"
        )
        #expect(
            style.decisionText("device 4: wipeData\n  fired \"rooted\" → warn: m\n")
                == "device 4: \u{1B}[1;35mwipeData\u{1B}[0m\n  fired \"rooted\" → \u{1B}[33mwarn\u{1B}[0m: m\n")
    }

    @Test func testResultsAreColouredWithColorAlways() throws {
        let r = try CLI.run(["test", "samples/threat-level.warden", "--color", "always"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("\u{1B}[1;32mPASS\u{1B}[0m samples/threat-level.warden: a high threat is blocked\n"))
        let plain = try CLI.run(["test", "samples/threat-level.warden"])
        #expect(plain.stdout.contains("PASS samples/threat-level.warden: a high threat is blocked\n"))
        #expect(!plain.stdout.contains("\u{1B}"))
        #expect(
            TerminalStyle(enabled: true).testText("FAIL f: t\n  got warn\n")
                == "\u{1B}[1;31mFAIL\u{1B}[0m f: t\n  got warn\n")
    }

    @Test func everySubcommandsHelpHasExamplesAndUnwrappedParagraphs() throws {
        for command in ["check", "eval", "expr", "test", "fmt", "repl", "schema", "bench", "version"] {
            let r = try CLI.run([command, "--help"])
            #expect(r.status == 0, "\(command)")
            #expect(r.stdout.contains("\nEXAMPLES:\n  warden \(command)"), "\(command): \(r.stdout)")
            // Every example line is a command of its own (no example wrapped onto a second line).
            let examples =
                r.stdout.components(separatedBy: "EXAMPLES:\n").dropFirst().first?
                .components(separatedBy: "\n\n").first ?? ""
            for line in examples.split(separator: "\n") {
                #expect(line.hasPrefix("  warden ") || line.hasPrefix("  cat "), "\(command): `\(line)`")
            }
        }
        // The discussion's paragraphs are not broken inside sentences: at a wide terminal, each is one line.
        let wide = try CLI.run(["eval", "--help"], environment: ["COLUMNS": "1000"])
        #expect(
            wide.stdout.contains(
                "Over more than one device, a summary ends the run on standard error (--quiet omits it, --summary json prints it as JSON); on a terminal, a run longer than a second shows its progress.\n"
            ))
        let repl = try CLI.run(["repl", "--help"], environment: ["COLUMNS": "1000"])
        #expect(repl.stdout.contains("`:help` lists the commands.\n"))
    }

    @Test func exprFactsGivenAsAJSONArrayGetOneHint() throws {
        let path = try CLI.temp("hint-expr.jsonl", "[{\"osVersion\":\"9.0\"},\n{\"osVersion\":\"12.0\"}]\n")
        let r = try CLI.run(["expr", "--facts", path, "--", "osVersion < \"11\""])
        #expect(r.status == 1)
        #expect(
            r.stderr
                == "error: \(path): the facts are a JSON array, not JSON Lines (one device object per line): give the file a `.json` name to read it as one document, or write one object per line (for example with `jq -c '.[]'`)\n"
        )
    }

    @Test func pipedREPLErrorsCarryTheInputsLineNumber() throws {
        let r = try CLI.run(
            ["repl"],
            stdin: "1 + 1\n\nrooted\nlet a =\n  threatLevl\n:load /nonexistent/x.warden\n:set rooted = 5\n2 * 21\n")
        #expect(r.status == 1)
        #expect(r.stdout == "2 : int\n42 : int\n")
        #expect(r.stderr.contains("<stdin>:3:1: error[W0901]: fact `rooted` is missing\n"), "\(r.stderr)")
        // An entry over two lines (4 and 5): the error is on the input's line 5.
        #expect(r.stderr.contains("<stdin>:5:3: error[W0301]: unknown fact `threatLevl`"), "\(r.stderr)")
        #expect(r.stderr.contains("<stdin>:6: error[W0705]: cannot read `/nonexistent/x.warden`"), "\(r.stderr)")
        #expect(r.stderr.contains("<stdin>:7:15: error[W0401]: fact `rooted` is `bool`, not `int`"), "\(r.stderr)")
        #expect(!r.stderr.contains("<repl>"))
        #expect(!r.stderr.contains("\u{1}"))
    }

    @Test func setOfVPNWithoutAntiphishingIsLintedLikeAConfigBlock() throws {
        let rule = try CLI.temp(
            "set-vpn.warden", "rule \"no phishing check\" when rooted then set antiphishing = 0\n")
        let r = try CLI.run(["check", rule])
        #expect(r.status == 0)
        #expect(
            r.stderr.contains(
                "set-vpn.warden:1:47: warning[W0602]: `vpn = 1` with `antiphishing = 0`: web protection's VPN without anti-phishing does nothing useful"
            ), "\(r.stderr)")
        #expect(r.stderr.contains("note: a device that gets no config block keeps `vpn = 1` (the default)"))
        #expect(try CLI.run(["check", "--strict", rule]).status == 1)
    }
}
