import Foundation
import Testing

/// The small habits every CLI user brings (issue 14, part 5) and the fix-its' help lines.
@Suite struct CLIHabitsTests {
    @Test func versionFlagAndVersionCommandPrintTheSameVersion() throws {
        let flag = try CLI.run(["--version"])
        let command = try CLI.run(["version"])
        #expect(flag.status == 0)
        #expect(command.status == 0)
        #expect(flag.stdout.hasPrefix("warden "))
        #expect(flag.stdout == command.stdout)
    }

    @Test func mistypedSubcommandSuggestsTheNearestOneAndExits2() throws {
        let r = try CLI.run(["chek", "x.warden"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("did you mean `check`?"))
    }

    @Test func testFilterMatchingNoTestIsAnError() throws {
        let path = try CLI.temp(
            "habits-filter.warden",
            "rule \"a\" when rooted then warn\ntest \"rooted warns\" {\n  given {rooted: true}\n  expect warn\n}\n")
        let none = try CLI.run(["test", "--filter", "nomatch", path])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no test's name contains `nomatch`"))
        let some = try CLI.run(["test", "--filter", "rooted", path])
        #expect(some.status == 0)
        #expect(some.stdout.contains("1 passed, 0 failed"))
    }

    @Test func checkShowsTheFixItAsAHelpLineWithTheCorrectedSource() throws {
        let path = try CLI.temp("habits-fixit.warden", "rule \"old\" when osVersion < 11 then warn\n")
        let r = try CLI.run(["check", path])
        #expect(r.status == 1)
        let all = r.stdout + r.stderr
        #expect(all.contains("did you mean `\"11\"`?"))
        #expect(all.contains("help: write `\"11\"`:\nrule \"old\" when osVersion < \"11\" then warn\n"))
    }

    @Test func exprGivesOneResultPerDeviceOfAJSONLinesFile() throws {
        let facts = try CLI.temp("habits-two.jsonl", "{\"osVersion\":\"9.0\"}\n\n{\"osVersion\":\"12.0\"}\n")
        let r = try CLI.run(["expr", "--facts", facts, "--", "osVersion < \"11\""])
        #expect(r.status == 0)
        #expect(r.stdout == "\(facts):1: true : bool\n\(facts):3: false : bool\n")
        let j = try CLI.run(["expr", "--facts", facts, "--json", "--", "osVersion < \"11\""])
        #expect(j.stdout == "{\"bool\":true}\n{\"bool\":false}\n")
    }

    @Test func exprTodaySetsTheTodayFact() throws {
        let r = try CLI.run(["expr", "--today", "2024-05-01", "--", "today"])
        #expect(r.status == 0)
        #expect(r.stdout == "date(\"2024-05-01\") : date\n")
        let given = try CLI.temp("habits-today.json", "{\"today\":\"2023-01-02\"}")
        let kept = try CLI.run(["expr", "--facts", given, "--today", "2024-05-01", "--", "today"])
        #expect(kept.stdout == "date(\"2023-01-02\") : date\n")
        let bad = try CLI.run(["expr", "--today", "yesterday", "--", "today"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("YYYY-MM-DD"))
    }

    @Test func exprMissingFactsFileIsAUsageErrorAndAnEmptyOneIsAnError() throws {
        let missing = try CLI.run(["expr", "--facts", "/nonexistent/habits.jsonl", "--", "true"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read"))
        let empty = try CLI.temp("habits-empty.jsonl", "")
        let r = try CLI.run(["expr", "--facts", empty, "--", "true"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("the facts file is empty"))
    }
}
