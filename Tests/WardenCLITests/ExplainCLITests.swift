import Foundation
import Testing

/// `warden eval --explain`: the evidence of each fired and erroring rule, in text and JSON, the
/// same as the library's golden explanations (Tests/WardenTests/Fixtures/explain), with one thread
/// or several; and plain `eval` without any of it.
@Suite struct ExplainCLITests {
    static let samples = [
        "outlook-conditional-launch", "privacy-permissions", "threat-level", "web-network-protection", "policy-set",
    ]

    static func golden(_ name: String) throws -> String {
        try String(
            contentsOf: CLI.packageRoot.appendingPathComponent("Tests/WardenTests/Fixtures/explain/\(name)"),
            encoding: .utf8)
    }

    static func path(_ sample: String) -> String {
        sample == "policy-set" ? "samples/policy-set" : "samples/\(sample).warden"
    }

    @Test(arguments: samples)
    func evalExplainPrintsTheGoldenExplanations(_ sample: String) throws {
        let base = [
            "eval", Self.path(sample), "--facts", "samples/devices.jsonl", "--today", "2024-10-01", "--explain",
        ]
        let text = try CLI.run(base)
        #expect(text.stdout == (try Self.golden("\(sample).explain.txt")))
        let json = try CLI.run(base + ["--format", "json"])
        #expect(json.stdout == (try Self.golden("\(sample).explain.jsonl")))
        for format in ["text", "json"] {
            let jobs = try CLI.run(base + ["--format", format, "--jobs", "3"])
            #expect(jobs.stdout == (format == "text" ? text.stdout : json.stdout), "--jobs 3 --format \(format)")
        }
    }

    @Test func evalExplainShowsTheDecidingComparisonAndTheWholeRule() throws {
        let r = try CLI.run([
            "eval", "samples/outlook-conditional-launch.warden", "--facts", "samples/devices.jsonl", "--explain",
            "--today", "2024-10-01",
        ])
        #expect(
            r.stdout.contains(
                """
                  fired "old Android" → blockAccess: Android 11 or later is required
                      18 | rule "old Android"      when osVersion < minimumOs
                      19 |   then blockAccess "Android 11 or later is required"
                    facts: osVersion = 9.1
                    when: osVersion 9.1 < 11.0 (minimumOs)

                """))
    }

    @Test func plainEvalCarriesNoEvidence() throws {
        let r = try CLI.run([
            "eval", "samples/web-network-protection.warden", "--facts", "samples/devices.jsonl", "--format", "json",
        ])
        #expect(!r.stdout.contains("\"evidence\""))
        #expect(!r.stdout.contains("\"configSkipped\""))
        #expect(!r.stdout.contains("\"configFrom\""))
        // Compact configuration: the keys the blocks set, not the schema defaults.
        #expect(r.stdout.contains("\"vpn\":0"))
        #expect(!r.stdout.contains("\"DisableSignOut\""))
        let text = try CLI.run(["eval", "samples/web-network-protection.warden", "--facts", "samples/devices.jsonl"])
        #expect(!text.stdout.contains("facts:"))
        #expect(!text.stdout.contains("config:"))
    }

    @Test func evalExplainWithFullConfigListsTheDefaultsWithTheirSource() throws {
        let r = try CLI.run([
            "eval", "samples/web-network-protection.warden", "--facts", "samples/devices.jsonl", "--explain",
            "--config", "full",
        ])
        #expect(r.stdout.contains("    DisableSignOut = 0"))
        #expect(r.stdout.contains("← schema default\n"))
    }
}
