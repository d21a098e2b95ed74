import Foundation
import Testing

/// `check`, `eval` and `test` read several files and directories as one policy set.
@Suite struct PolicySetCLITests {
    /// A fresh directory holding the given files.
    static func folder(_ name: String, _ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-sets-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (file, text) in files {
            let url = dir.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    @Test func checkFindsAConflictAcrossTwoFilesAndNamesBothFiles() throws {
        let dir = try Self.folder(
            "conflict",
            [
                "teamA.warden": "config \"A\" {\n  DefenderMAMConfigs = 1\n  vpn = 1\n}\n",
                "teamB.warden": "config \"B\" {\n  DefenderMAMConfigs = 1\n  vpn = 0\n}\n",
            ])
        let r = try CLI.run(["check", "\(dir)/teamA.warden", "\(dir)/teamB.warden"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("teamA.warden:3:3: error[W0503]: conflict: `vpn` is 1 here but 0 in config `B`"),
            "\(r.stderr)")
        #expect(
            r.stderr.contains("teamB.warden:3:3: error[W0503]: conflict: `vpn` is 0 here but 1 in config `A`"),
            "\(r.stderr)")
        // Each file alone is fine.
        #expect(try CLI.run(["check", "\(dir)/teamA.warden"]).status == 0)
    }

    @Test func aPossibleConflictWarnsAndFailsOnlyUnderStrict() throws {
        let dir = try Self.folder(
            "possible",
            [
                "pilot.warden":
                    "config \"Pilot\" for groups [\"Pilot\"] {\n  DefenderMAMConfigs = 1\n  DefenderNetworkProtectionEnable = 1\n}\n",
                "sub/legacy.warden":
                    "config \"Legacy\" for groups [\"Legacy\"] {\n  DefenderMAMConfigs = 1\n  DefenderNetworkProtectionEnable = 0\n}\n",
            ])
        let plain = try CLI.run(["check", dir])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("ok (0 rules, 2 warnings)"), "\(plain.stdout)")
        #expect(
            plain.stderr.contains(
                "pilot.warden:3:3: warning[W0503]: possible conflict: a user in both \"Pilot\" and \"Legacy\""))
        #expect(plain.stderr.contains("sub/legacy.warden:3:3: warning[W0503]: possible conflict"))
        #expect(try CLI.run(["check", "--strict", dir]).status == 1)
        // A device in both groups gets a decision warning naming the key and both blocks.
        let facts = try CLI.temp("both-groups.jsonl", "{\"id\": 1, \"groups\": [\"Pilot\", \"Legacy\"]}\n")
        let e = try CLI.run(["eval", dir, "--facts", facts, "--format", "json"])
        #expect(e.status == 0)
        #expect(e.stdout.contains("`DefenderNetworkProtectionEnable`: config `Pilot` ("), "\(e.stdout)")
        #expect(e.stdout.contains("legacy.warden:1) gives 0"), "\(e.stdout)")
        // --explain says where each value came from, in JSON too.
        let x = try CLI.run(["eval", dir, "--facts", facts, "--format", "json", "--explain"])
        #expect(
            x.stdout.contains(
                "\"configFrom\":{\"DefenderMAMConfigs\":\"config \\\"Legacy\\\" (\(dir)/sub/legacy.warden:1)\""),
            "\(x.stdout)")
    }

    @Test func evalOfADirectoryNamesEachRulesFileInJSON() throws {
        let dir = try Self.folder(
            "eval",
            [
                "a.warden": "policy \"A\" onError warn\nrule \"a\" when rooted then wipeData\n",
                "b.warden": "rule \"b\" when threatLevel > low then blockAccess\n",
            ])
        let facts = try CLI.temp("set-device.jsonl", "{\"id\": 7, \"rooted\": true}\n")
        let r = try CLI.run(["eval", dir, "--facts", facts, "--format", "json"])
        #expect(
            r.stdout.contains(
                "{\"rule\":\"a\",\"action\":\"wipeData\",\"message\":null,\"line\":2,\"file\":\"\(dir)/a.warden\"}"),
            "\(r.stdout)")
        #expect(
            r.stdout.contains(
                "{\"rule\":\"b\",\"code\":\"W0901\",\"message\":\"fact `threatLevel` is missing\",\"line\":1,\"file\":\"\(dir)/b.warden\",\"action\":\"blockAccess\"}"
            ), "\(r.stdout)")
        let text = try CLI.run(["eval", dir, "--facts", facts, "--explain"])
        #expect(text.stdout.contains("\(dir)/a.warden:2 | rule \"a\" when rooted then wipeData"), "\(text.stdout)")
    }

    @Test func duplicateRuleNamesAcrossFilesAreAnErrorNamingBothPlaces() throws {
        let dir = try Self.folder(
            "dup",
            [
                "a.warden": "rule \"same\" when rooted then wipeData\n",
                "b.warden": "\nrule \"same\" when rooted then warn\n",
            ])
        let r = try CLI.run(["check", dir])
        #expect(r.status == 1)
        #expect(r.stderr.contains("b.warden:2:6: error[W0306]: duplicate rule name `same`"), "\(r.stderr)")
        #expect(r.stderr.contains("a.warden:1:6: note: `same` is first declared here"), "\(r.stderr)")
    }

    @Test func testRunsEveryFilesTestsAgainstTheWholeSet() throws {
        let dir = try Self.folder(
            "tests",
            [
                "a.warden": "rule \"a\" when rooted then wipeData\n",
                "b.warden":
                    "rule \"b\" when threatLevel > low then blockAccess\ntest \"both\" {\n  given { rooted: true, threatLevel: high }\n  expect wipeData\n  fired [\"a\", \"b\"]\n}\n",
            ])
        let r = try CLI.run(["test", dir])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("1 passed, 0 failed"))
        // Each result names the test's own file.
        #expect(r.stdout.contains("PASS \(dir)/b.warden: both\n"), "\(r.stdout)")
    }

    @Test func aDirectoryWithoutPolicyFilesIsAnError() throws {
        let dir = try Self.folder("empty", ["notes.txt": "nothing"])
        let r = try CLI.run(["check", dir])
        #expect(r.status == 2)  // like a missing file: a usage error
        #expect(r.stderr.contains("no `.warden` files in the directory"))
    }
}
