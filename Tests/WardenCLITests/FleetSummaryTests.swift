import Foundation
import Testing
import Warden
import WardenTools

/// The fleet summary that ends `warden eval` over more than one device (issue 14, part 3).
@Suite struct FleetSummaryTests {
    static let policy = "samples/threat-level.warden"

    /// Two well-formed devices, one with a wrong-cased threat level, one missing it, one bad line.
    static let facts = """
        {"id":"a","threatLevel":"high"}
        {"id":"b","threatLevel":"low"}
        {"id":"c","threatLevel":"High"}
        {"id":"d"}
        [1,2]
        {"id":"e","threatLevel":"High"}

        """

    @Test func evalOverAFleetEndsWithASummaryOnStandardError() throws {
        let path = try CLI.temp("fleet.jsonl", FleetSummaryTests.facts)
        let r = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", path])
        #expect(r.status == 1)  // a bad line and malformed facts
        #expect(!r.stdout.contains("summary"))
        let malformed =
            "fact `threatLevel` is malformed: \"High\" is not a member of ThreatLevel (secured, low, medium, high)"
        #expect(
            r.stderr == """
                summary: 5 devices, 1 bad line (blockAccess)
                  decisions: allow 1, warn 0, blockAccess 4, wipeData 0
                  devices with fact errors: 2, with rule errors: 3
                  most frequent errors:
                    2  \(malformed)
                    2  rule `rule#1`: \(malformed)
                    1  bad line: a device must be a JSON object, not a JSON array
                    1  rule `rule#1`: fact `threatLevel` is missing

                """)
    }

    @Test func summaryJSONIsOneMachineReadableLine() throws {
        let path = try CLI.temp("fleet-json.jsonl", FleetSummaryTests.facts)
        let r = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", path, "--summary", "json"])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.stderr.utf8)) as? [String: Any])
        #expect(object["devices"] as? Int == 5)
        #expect(object["badLines"] as? Int == 1)
        #expect(object["devicesWithFactErrors"] as? Int == 2)
        #expect(object["devicesWithRuleErrors"] as? Int == 3)
        let actions = try #require(object["actions"] as? [String: Int])
        #expect(actions == ["allow": 1, "warn": 0, "blockAccess": 4, "wipeData": 0])
        let top = try #require(object["topErrors"] as? [[String: Any]])
        #expect(top.first?["count"] as? Int == 2)
        #expect(object["distinctErrors"] as? Int == 4)
    }

    @Test func quietOmitsTheSummaryAndOneDeviceHasNone() throws {
        let path = try CLI.temp("fleet-quiet.jsonl", FleetSummaryTests.facts)
        let quiet = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", path, "--quiet"])
        #expect(quiet.status == 1)
        #expect(quiet.stderr.isEmpty)
        let one = try CLI.temp("fleet-one.jsonl", "{\"threatLevel\":\"high\"}\n")
        let single = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", one])
        #expect(single.status == 0)
        #expect(single.stderr.isEmpty)
        // Asked for, the summary is printed for one device too.
        let asked = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", one, "--summary", "text"])
        #expect(asked.stderr.hasPrefix("summary: 1 device\n"))
        let both = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", one, "--quiet", "--summary", "json"])
        #expect(both.status == 2)
    }

    @Test func summaryIsTheSameWithJobsAndForAJSONDocument() throws {
        var lines: [String] = []
        for i in 0..<2000 {
            lines.append(
                i % 10 == 3 ? "{\"id\":\(i),\"threatLevel\":\"High\"}" : "{\"id\":\(i),\"threatLevel\":\"high\"}")
        }
        let path = try CLI.temp("fleet-jobs.jsonl", lines.joined(separator: "\n") + "\n")
        let one = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", path, "--format", "json"])
        #expect(one.stderr.contains("summary: 2000 devices\n"))
        #expect(one.stderr.contains("devices with fact errors: 200, with rule errors: 200"))
        let jobs = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", path, "--format", "json", "--jobs", "3"])
        #expect(jobs.stderr == one.stderr)
        let document = try CLI.temp("fleet-doc.json", "[" + lines.joined(separator: ",") + "]")
        let doc = try CLI.run(["eval", FleetSummaryTests.policy, "--facts", document, "--format", "json"])
        #expect(doc.stderr == one.stderr)
    }

    @Test func countsAddUpAcrossMergedParts() {
        var a = FleetSummary()
        var b = FleetSummary()
        var d = Decision()
        d.action = .warn
        a.add(d)
        b.add(d)
        d.action = .wipeData
        d.errors = [
            .fact(name: "rooted", message: "m"),
            .rule(name: "r", message: "x", line: 1, action: .wipeData, kind: .missingFact),
        ]
        b.add(d)
        b.addBadLine(message: "bad")
        a.merge(b)
        #expect(a.devices == 3)
        #expect(a.badLines == 1)
        #expect(a.count(.warn) == 2)
        #expect(a.count(.wipeData) == 1)
        #expect(a.devicesWithFactErrors == 1)
        #expect(a.devicesWithRuleErrors == 1)
        #expect(a.topErrors(10).map(\.error) == ["bad line: bad", "m", "rule `r`: x"])
    }

    @Test func distinctMessagesAreCappedAndTheRestCounted() {
        var s = FleetSummary()
        for i in 0..<(FleetSummary.maxDistinctErrors + 5) { s.addBadLine(message: "message \(i)") }
        s.addBadLine(message: "message 0")
        #expect(s.distinctErrors == FleetSummary.maxDistinctErrors)
        #expect(s.otherErrors == 5)
        #expect(s.topErrors(1).first?.count == 2)
        #expect(s.text(onError: .blockAccess).contains("5 errors past 1000 messages"))
    }
}
