import Foundation
import Testing

/// `warden eval --jobs N`: the same bytes on standard output, in input order, as one thread.
@Suite struct EvalJobsCLITests {
    /// 3,001 lines: devices, a blank line, bad lines and an unknown fact, with no final newline.
    static func facts() -> String {
        var lines: [String] = []
        for i in 0..<3001 {
            switch i % 97 {
            case 13: lines.append("{\"id\":\(i),\"rooted\":tru}")
            case 41: lines.append("")
            case 55: lines.append("{\"id\":\(i),\"rootd\":true}")
            default:
                lines.append(
                    "{\"id\":\(i),\"rooted\":\(i % 3 == 0),\"osVersion\":\"\(10 + i % 6).0\",\"threatLevel\":\"\(["low", "medium", "high"][i % 3])\"}"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test(arguments: ["json", "text"])
    func evalWithJobsWritesTheSameOutputAsOneThread(format: String) throws {
        let facts = try CLI.temp("jobs-facts.jsonl", EvalJobsCLITests.facts())
        let policy = "samples/outlook-conditional-launch.warden"
        let one = try CLI.run(["eval", policy, "--facts", facts, "--format", format, "--today", "2026-01-01"])
        #expect(one.status == 1)  // bad lines
        #expect(one.stdout.split(separator: "\n").count > 2900)
        for jobs in ["2", "3", "7"] {
            let many = try CLI.run([
                "eval", policy, "--facts", facts, "--format", format, "--today", "2026-01-01", "--jobs", jobs,
            ])
            #expect(many.status == one.status, "--jobs \(jobs)")
            #expect(many.stdout == one.stdout, "--jobs \(jobs): output differs from --jobs 1")
            #expect(many.stderr == one.stderr, "--jobs \(jobs): warnings differ")
        }
    }

    @Test func evalWithJobsNumbersBadLinesAsInTheWholeFile() throws {
        let facts = try CLI.temp(
            "jobs-bad.jsonl", (0..<400).map { $0 == 350 ? "nope" : "{\"id\":\($0)}" }.joined(separator: "\n") + "\n")
        let r = try CLI.run([
            "eval", "samples/outlook-conditional-launch.warden", "--facts", facts, "--format", "json", "--jobs", "4",
        ])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 400)
        #expect(
            lines.count > 350 && lines[350].contains("\"line\":351"),
            "\(lines.count > 350 ? String(lines[350]) : r.stdout)")
    }

    @Test func evalRejectsJobsOutOfRange() throws {
        for bad in ["0", "-1", "100000"] {
            let r = try CLI.run([
                "eval", "samples/outlook-conditional-launch.warden", "--facts", "samples/devices.jsonl", "--jobs", bad,
            ])
            #expect(r.status != 0 && r.stderr.contains("--jobs"), "\(bad): \(r.stderr)")
        }
    }

    @Test func evalWithJobsReportsAMissingFactsFile() throws {
        let r = try CLI.run([
            "eval", "samples/outlook-conditional-launch.warden", "--facts", "/nonexistent/x.jsonl", "--jobs", "2",
        ])
        #expect(r.status == 2)  // a file that cannot be read is a usage error
        #expect(r.stderr.contains("cannot read `/nonexistent/x.jsonl`"))
    }
}
