import Foundation
import Testing

@Suite struct ToolingCLITests {
    static let failing = """
        policy "p"
        rule "high" when threatLevel > medium then blockAccess "risk"
        rule "rooted" when rooted then wipeData

        test "high threat is blocked" {
          given { threatLevel: high, rooted: false }
          expect blockAccess
          fired ["high"]
        }
        test "rooted is only warned" {
          given { threatLevel: low, rooted: true }
          expect warn
        }
        test "missing facts" {
          given { rooted: false }
          expect blockAccess
        }
        """

    @Test func testRunsEverySampleAndPasses() throws {
        let samples = try FileManager.default.contentsOfDirectory(
            atPath: CLI.packageRoot.appendingPathComponent("samples").path
        ).filter { $0.hasSuffix(".warden") }.sorted().map { "samples/\($0)" }
        // Each sample is its own policy (several paths given to `test` are one policy set).
        for sample in samples + ["samples/policy-set"] {
            let r = try CLI.run(["test", sample])
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.last?.hasSuffix("passed, 0 failed") == true)
            if sample.hasSuffix("outlook-conditional-launch.warden") {
                #expect(lines.contains { $0.hasPrefix("PASS samples/outlook-conditional-launch.warden: ") })
            }
        }
    }

    @Test func aFailingTestShowsItsDecisionAndExitsOne() throws {
        let path = try CLI.temp("failing.warden", Self.failing)
        let r = try CLI.run(["test", path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("PASS \(path): high threat is blocked\n"))
        #expect(
            r.stdout.contains(
                """
                FAIL \(path): rooted is only warned
                  expected warn, got wipeData
                  decision: wipeData
                  fired "rooted" → wipeData
                       3 | rule "rooted" when rooted then wipeData

                """))
        #expect(r.stdout.hasSuffix("2 passed, 1 failed\n"))
    }

    @Test func strictFailsTestsWhoseDecisionHasErrors() throws {
        let path = try CLI.temp("strict.warden", Self.failing)
        let r = try CLI.run(["test", "--strict", "--filter", "missing", path])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("FAIL \(path): missing facts\n  the decision has errors (--strict)\n"))
        #expect(r.stdout.hasSuffix("0 passed, 1 failed\n"))
        let lax = try CLI.run(["test", "--filter", "missing", path])
        #expect(lax.status == 0)
        #expect(
            lax.stdout.contains(
                "error[W0901] in \"high\" (line 2) → blockAccess (onError): fact `threatLevel` is missing"))
        #expect(lax.stdout.hasSuffix("1 passed, 0 failed\n"))
    }

    @Test func coverageListsRulesNoTestFired() throws {
        let path = try CLI.temp("coverage.warden", Self.failing)
        let r = try CLI.run(["test", "--coverage", "--filter", "high", path])
        #expect(r.status == 0)
        #expect(
            r.stdout.hasSuffix(
                """
                coverage \(path) ("p"): 1 of 2 rules fired by tests; never fired:
                  "rooted" (line 3)
                1 passed, 0 failed

                """))
    }

    @Test func aFileWithErrorsFailsTheRun() throws {
        let path = try CLI.temp("broken.warden", "rule \"x\" when threatLevl > medium then warn\n")
        let r = try CLI.run(["test", path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("unknown fact `threatLevl`"))
        #expect(r.stdout.hasSuffix("0 passed, 0 failed\n"))
    }

    static let messy =
        "policy   \"p\"\nrule \"a\"when rooted then warn # why\n\n\n\nwhen pinAttempts>3 then blockAccess\n"
    static let tidy = "policy \"p\"\nrule \"a\" when rooted then warn # why\n\nwhen pinAttempts > 3 then blockAccess\n"

    @Test func fmtPrintsTheFormattedFile() throws {
        let path = try CLI.temp("messy.warden", Self.messy)
        let r = try CLI.run(["fmt", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Self.tidy)
        let stdin = try CLI.run(["fmt", "-"], stdin: Self.messy)
        #expect(stdin.stdout == Self.tidy)
    }

    @Test func fmtCheckListsUnformattedFiles() throws {
        let messy = try CLI.temp("check-messy.warden", Self.messy)
        let tidy = try CLI.temp("check-tidy.warden", Self.tidy)
        let r = try CLI.run(["fmt", "--check", messy, tidy])
        #expect(r.status == 1)
        #expect(r.stdout == messy + "\n")
        let ok = try CLI.run(["fmt", "--check", tidy])
        #expect(ok.status == 0)
        #expect(ok.stdout.isEmpty)
    }

    @Test func fmtWriteRewritesInPlace() throws {
        let path = try CLI.temp("write.warden", Self.messy)
        let r = try CLI.run(["fmt", "--write", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.tidy)
        #expect(try CLI.run(["fmt", "--check", path]).status == 0)
    }

    @Test func fmtLeavesAFileWithSyntaxErrorsUntouched() throws {
        let broken = "rule \"x\" when   then warn\n"
        let path = try CLI.temp("syntax.warden", broken)
        let r = try CLI.run(["fmt", "--write", path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("syntax.warden:1:"))
        #expect(r.stderr.contains("error[W0201]:"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == broken)
    }

    @Test func fmtCheckAndWriteTogetherIsAUsageError() throws {
        let r = try CLI.run(["fmt", "--check", "--write", "x.warden"])
        #expect(r.status == 2)
    }

    @Test func samplesAreFormatted() throws {
        let samples = try FileManager.default.contentsOfDirectory(
            atPath: CLI.packageRoot.appendingPathComponent("samples").path
        ).filter { $0.hasSuffix(".warden") }.sorted().map { "samples/\($0)" }
        let r = try CLI.run(["fmt", "--check"] + samples)
        #expect(r.status == 0, "\(r.stdout)")
    }
}
