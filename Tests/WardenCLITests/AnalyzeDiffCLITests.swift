import Foundation
import Testing

/// `warden analyze` and `warden diff` from the command line: output, formats and exit statuses.
@Suite struct AnalyzeDiffCLITests {
    static let fixtures = "Tests/WardenTests/Fixtures/analysis"

    @Test func analyzeReportsFindingsAndFailsOnlyUnderStrict() throws {
        let plain = try CLI.run(["analyze", "\(Self.fixtures)/never-fires.warden"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("line 4: rule \"above high\" never fires"), "\(plain.stdout)")
        #expect(plain.stdout.contains("proof: `threatLevel > high` is false or errs on each of the 5 cells"))
        let strict = try CLI.run(["analyze", "--strict", "\(Self.fixtures)/never-fires.warden"])
        #expect(strict.status == 1)
        let clean = try CLI.run(["analyze", "--strict", "samples/threat-level.warden"])
        #expect(clean.status == 0)
        #expect(clean.stdout == "samples/threat-level.warden: 1 rule, no findings\n", "\(clean.stdout)")
    }

    @Test func analyzeJSONCarriesKindsAndExampleDevicesAsObjects() throws {
        let r = try CLI.run(["analyze", "--format", "json", "\(Self.fixtures)/shadowed.warden"])
        #expect(r.status == 0)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
        let findings = try #require(object["findings"] as? [[String: Any]])
        let shadowed = try #require(findings.first { $0["kind"] as? String == "shadowed" })
        #expect(shadowed["exact"] as? Bool == true)
        let example = try #require(shadowed["example"] as? [String: Any])
        #expect(example["osVersion"] as? String == "8")
    }

    @Test func analyzeOfAPolicyWithErrorsFails() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-analyze-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let bad = dir.appendingPathComponent("bad.warden")
        try "when threatLevl > high then blockAccess\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try CLI.run(["analyze", bad.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("threatLevl"))
    }

    @Test func diffOfIdenticalPoliciesExitsZero() throws {
        let r = try CLI.run(["diff", "samples/threat-level.warden", "samples/threat-level.warden"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("decisions: no device changes decision"), "\(r.stdout)")
    }

    @Test func diffWithFactsCountsAndNamesTheDevicesThatChange() throws {
        let r = try CLI.run([
            "diff", "samples/outlook-conditional-launch.warden", "\(Self.fixtures)/diff/outlook.new.warden", "--facts",
            "samples/devices.jsonl",
        ])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("warn → blockAccess"), "\(r.stdout)")
        #expect(r.stdout.contains("devices: 1 of 12 change decision\n  3: warn → blockAccess\n"), "\(r.stdout)")
        let j = try CLI.run([
            "diff", "--format", "json", "samples/outlook-conditional-launch.warden",
            "\(Self.fixtures)/diff/outlook.new.warden", "--facts", "samples/devices.jsonl",
        ])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any], "\(j.stdout)")
        let devices = try #require(object["devices"] as? [String: Any])
        #expect(devices["read"] as? Int == 12)
        #expect(devices["changed"] as? Int == 1)
        #expect((object["classes"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test func diffOfPolicySetsShowsConfigurationChangesPerScope() throws {
        let dir = try PolicySetCLITests.folder(
            "diffset",
            [
                "a/base.warden": "config \"B\" {\n  DefenderMAMConfigs = 1\n  vpn = 1\n}\n",
                "b/base.warden": "config \"B\" {\n  DefenderMAMConfigs = 1\n  vpn = 0\n}\n",
            ])
        let r = try CLI.run(["diff", "\(dir)/a", "\(dir)/b"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("vpn: 1 → 0 for unmanaged; enrolled"), "\(r.stdout)")
    }

    @Test func diffOfAMissingFileIsAUsageError() throws {
        let r = try CLI.run(["diff", "samples/threat-level.warden", "no-such-file.warden"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no-such-file.warden"))
        let usage = try CLI.run(["diff", "samples/threat-level.warden"])
        #expect(usage.status == 2)
    }
}

/// The README's `analyze` and `diff --facts` examples are what the commands print.
@Suite struct AnalyzeDiffReadmeTests {
    @Test(arguments: [
        "warden analyze Tests/WardenTests/Fixtures/analysis/shadowed.warden",
        "warden diff samples/outlook-conditional-launch.warden samples/next/outlook-conditional-launch.warden --facts samples/devices.jsonl",
    ])
    func readmeShowsTheRealOutput(_ command: String) throws {
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let r = try CLI.run(command.split(separator: " ").dropFirst().map(String.init))
        #expect(readme.contains("$ \(command)\n\(r.stdout)```"), "\(r.stdout)")
    }
}
