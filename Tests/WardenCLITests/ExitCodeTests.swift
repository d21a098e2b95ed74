import Foundation
import Testing

/// Every exit status of `eval`, `check`, `test`, `expr` and `fmt` (README, "The `warden` command"):
/// 0 success, 1 the input has errors, 2 usage or a file that cannot be read.
@Suite struct ExitCodeTests {
    static let policy = "samples/threat-level.warden"

    static func eval(_ facts: String, _ name: String, _ extra: [String] = []) throws -> CLI.Result {
        let path = try CLI.temp(name, facts)
        return try CLI.run(["eval", policy, "--facts", path] + extra)
    }

    // MARK: eval

    @Test func evalExitsZeroWhenEveryDeviceIsDecidedFromWellFormedFacts() throws {
        let r = try Self.eval("{\"threatLevel\":\"high\"}\n{\"threatLevel\":\"low\"}\n", "x-ok.jsonl")
        #expect(r.status == 0)
        // A missing fact is not malformed: the rule errs, the device gets onError, the status stays 0.
        let missing = try Self.eval("{\"id\":1}\n{}\n", "x-missing.jsonl")
        #expect(missing.status == 0)
        #expect(missing.stdout.contains("blockAccess"))
        let jobs = try Self.eval("{\"threatLevel\":\"high\"}\n{}\n", "x-jobs-ok.jsonl", ["--jobs", "2"])
        #expect(jobs.status == 0)
        let document = try Self.eval("[{\"threatLevel\":\"high\"},{}]", "x-ok.json")
        #expect(document.status == 0)
    }

    @Test func evalExitsOneForABadLineOrAMalformedFact() throws {
        #expect(try Self.eval("{\"threatLevel\":\"high\"}\nnot json\n", "x-badline.jsonl").status == 1)
        #expect(try Self.eval("{\"threatLevel\":\"High\"}\n", "x-malformed.jsonl").status == 1)
        #expect(try Self.eval("{\"threatLevel\":null}\n", "x-null.jsonl").status == 1)
        #expect(try Self.eval("{\"threatLevel\":\"high\"}\n[1]\n", "x-jobs-bad.jsonl", ["--jobs", "2"]).status == 1)
        #expect(try Self.eval("[{\"threatLevel\":7}]", "x-malformed.json").status == 1)
        let invalidDocument = try Self.eval("{\"threatLevel\":", "x-invalid.json")
        #expect(invalidDocument.status == 1)
        #expect(invalidDocument.stderr.contains("invalid JSON"))
    }

    @Test func evalExitsOneWithOneClearErrorForFactsThatAreNotJSONLines() throws {
        let array = try Self.eval(
            "[\n  {\"threatLevel\": \"high\"},\n  {\"threatLevel\": \"low\"}\n]\n", "x-array.jsonl")
        #expect(array.status == 1)
        #expect(array.stdout.isEmpty)
        #expect(array.stderr.components(separatedBy: "error:").count == 2)  // one error
        #expect(array.stderr.contains("the facts are a JSON array, not JSON Lines"))
        #expect(array.stderr.contains("`.json`"))
        let oneLineArray = try Self.eval("[{\"threatLevel\":\"high\"}]", "x-array1.jsonl")
        #expect(oneLineArray.status == 1)
        #expect(oneLineArray.stderr.contains("JSON array"))
        let pretty = try Self.eval("{\n  \"threatLevel\": \"high\"\n}\n", "x-pretty.jsonl")
        #expect(pretty.status == 1)
        #expect(pretty.stdout.isEmpty)
        #expect(pretty.stderr.contains("pretty-printed JSON, not JSON Lines"))
        let viaJobs = try Self.eval("{\n  \"threatLevel\": \"high\"\n}\n", "x-pretty-jobs.jsonl", ["--jobs", "2"])
        #expect(viaJobs.status == 1)
        #expect(viaJobs.stderr.contains("pretty-printed JSON, not JSON Lines"))
        let stdin = try CLI.run(["eval", Self.policy, "--facts", "-"], stdin: "[{\"threatLevel\":\"high\"}]\n")
        #expect(stdin.status == 1)
        #expect(stdin.stderr.contains("error: -: the facts are a JSON array"))
    }

    @Test func evalExitsOneForAnEmptyFactsFile() throws {
        for (name, text) in [("x-empty.jsonl", ""), ("x-blank.jsonl", "\n  \n"), ("x-empty.json", " \n")] {
            let r = try Self.eval(text, name)
            #expect(r.status == 1, "\(name)")
            #expect(r.stderr.contains("no device: the facts file is empty"), "\(name)")
        }
        #expect(try Self.eval("", "x-empty-jobs.jsonl", ["--jobs", "2"]).status == 1)
    }

    @Test func evalExitsTwoForUsageUnreadableFilesAndPolicyErrors() throws {
        let missingFacts = try CLI.run(["eval", Self.policy, "--facts", "/nonexistent/devices.jsonl"])
        #expect(missingFacts.status == 2)
        #expect(missingFacts.stderr.contains("error[W0705]: cannot read `/nonexistent/devices.jsonl`"))
        #expect(try CLI.run(["eval", Self.policy, "--facts", "/nonexistent/devices.json"]).status == 2)
        #expect(try CLI.run(["eval", Self.policy, "--facts", "samples"]).status == 2)  // a directory
        let ok = try CLI.temp("x-two.jsonl", "{}\n")
        #expect(try CLI.run(["eval", "/nonexistent/p.warden", "--facts", ok]).status == 2)
        let broken = try CLI.temp("x-broken.warden", "rule \"x\" when threatLevl > medium then blockAccess\n")
        let policyError = try CLI.run(["eval", broken, "--facts", ok])
        #expect(policyError.status == 2)
        #expect(policyError.stderr.contains("did you mean `threatLevel`?"))
        #expect(try CLI.run(["eval", Self.policy]).status == 2)  // --facts is required
        #expect(try CLI.run(["eval", Self.policy, "--facts", ok, "--today", "soon"]).status == 2)
        #expect(try CLI.run(["eval", Self.policy, "--facts", ok, "--jobs", "0"]).status == 2)
        #expect(try CLI.run(["eval", Self.policy, "--facts", ok, "--format", "xml"]).status == 2)
    }

    // MARK: check

    @Test func checkExitsZeroOneOrTwo() throws {
        #expect(try CLI.run(["check", Self.policy]).status == 0)
        let bad = try CLI.temp("x-check-bad.warden", "rule \"x\" when rooted then blok\n")
        #expect(try CLI.run(["check", bad]).status == 1)
        let warned = try CLI.temp(
            "x-check-warn.warden", "rule \"open\" when rooted then set DefenderOpenNetworkDetection = 2\n")
        let plain = try CLI.run(["check", warned])
        #expect(plain.status == 0)
        #expect(plain.stderr.contains("warning[W0602]:"))
        #expect(try CLI.run(["check", "--strict", warned]).status == 1)
        #expect(try CLI.run(["check", "/nonexistent/p.warden"]).status == 2)
        #expect(try CLI.run(["check"]).status == 2)
        #expect(try CLI.run(["check", "--stric", Self.policy]).status == 2)
    }

    // MARK: test

    @Test func testExitsZeroOneOrTwo() throws {
        #expect(try CLI.run(["test", Self.policy]).status == 0)
        let failing = try CLI.temp(
            "x-test-fail.warden",
            "when rooted then warn\ntest \"wrong\" {\n  given { rooted: true }\n  expect allow\n}\n")
        let failed = try CLI.run(["test", failing])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("0 passed, 1 failed"))
        let broken = try CLI.temp("x-test-broken.warden", "when rooted then blok\n")
        #expect(try CLI.run(["test", broken]).status == 1)
        #expect(try CLI.run(["test", "--filter", "no such test", Self.policy]).status == 1)
        #expect(try CLI.run(["test", "/nonexistent/p.warden"]).status == 2)
        #expect(try CLI.run(["test", "--coverag", Self.policy]).status == 2)
    }

    // MARK: expr

    @Test func exprExitsZeroOneOrTwo() throws {
        #expect(try CLI.run(["expr", "--", "1 + 2"]).status == 0)
        #expect(try CLI.run(["expr", "--", "osVersion < \"11\""]).status == 1)  // a missing fact
        #expect(try CLI.run(["expr", "--", "1 +"]).status == 1)  // does not compile
        #expect(try CLI.run(["expr", "--cel", "--", "1 / 0"]).status == 1)
        let invalid = try CLI.temp("x-expr-invalid.json", "{\"osVersion\":")
        #expect(try CLI.run(["expr", "--facts", invalid, "--", "true"]).status == 1)
        let empty = try CLI.temp("x-expr-empty.jsonl", "")
        #expect(try CLI.run(["expr", "--facts", empty, "--", "true"]).status == 1)
        #expect(try CLI.run(["expr", "--facts", "/nonexistent/f.json", "--", "true"]).status == 2)
        #expect(try CLI.run(["expr", "--cel", "--batch", "/nonexistent/b.jsonl"]).status == 2)
        #expect(try CLI.run(["expr", "--bindings", "{}", "--", "x"]).status == 2)  // --bindings needs --cel
        let needsCel = try CLI.run(["expr", "--batch", "/nonexistent/b.jsonl"])
        #expect(needsCel.status == 2)
        #expect(needsCel.stderr.components(separatedBy: "--batch needs --cel").count == 2)  // said once
        #expect(try CLI.run(["expr"]).status == 2)  // no expression
        #expect(try CLI.run(["expr", "--today", "never", "--", "today"]).status == 2)
    }

    // MARK: fmt

    @Test func fmtExitsZeroOneOrTwo() throws {
        let formatted = try CLI.temp("x-fmt-ok.warden", "when rooted then warn\n")
        #expect(try CLI.run(["fmt", formatted]).status == 0)
        #expect(try CLI.run(["fmt", "--check", formatted]).status == 0)
        let messy = try CLI.temp("x-fmt-messy.warden", "when   rooted then warn\n")
        let check = try CLI.run(["fmt", "--check", messy])
        #expect(check.status == 1)
        #expect(check.stdout == messy + "\n")
        #expect(try CLI.run(["fmt", "--write", messy]).status == 0)
        #expect(try CLI.run(["fmt", "--check", messy]).status == 0)
        let broken = try CLI.temp("x-fmt-broken.warden", "when rooted then (\n")
        #expect(try CLI.run(["fmt", broken]).status == 1)
        #expect(try CLI.run(["fmt", "/nonexistent/p.warden"]).status == 2)
        #expect(try CLI.run(["fmt", "--check", "--write", formatted]).status == 2)
        #expect(try CLI.run(["fmt", "--write", "-"]).status == 2)
        // An unreadable file among readable ones: the others are still printed, the status is 2.
        let mixed = try CLI.run(["fmt", formatted, "/nonexistent/p.warden"])
        #expect(mixed.status == 2)
        #expect(mixed.stdout == "when rooted then warn\n")
    }
}
