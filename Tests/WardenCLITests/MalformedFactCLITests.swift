import Testing

/// `warden eval` on malformed facts ("Trust, round 2" #5): a fact given badly is not missing, so a
/// `has()` guard cannot skip it and `--today` cannot replace it; both fact readers agree.
@Suite struct MalformedFactCLITests {
    @Test func evalDoesNotAllowAStringForTheDefenderBool() throws {
        let policy = try CLI.temp(
            "mf1.warden", "rule \"defender missing\" when has(defenderActive) && !defenderActive then blockAccess\n")
        let line = #"{"id":1,"defenderActive":"false"}"#
        for (name, text) in [("mf1.jsonl", line + "\n"), ("mf1.json", line)] {  // streaming and document readers
            let facts = try CLI.temp(name, text)
            let r = try CLI.run(["eval", policy, "--facts", facts, "--format", "json"])
            #expect(r.status == 1, "\(name)")
            let message = #"fact `defenderActive` is malformed: expected true or false, got string \"false\""#
            #expect(
                r.stdout.hasPrefix(
                    #"{"id":1,"action":"blockAccess","fired":[],"errors":[{"fact":"defenderActive","code":"W0902","message":""#
                        + message + #""},{"rule":"defender missing","code":"W0902","message":""# + message
                        + #"","line":1,"action":"blockAccess"}],"warnings":[],"#), "\(name): \(r.stdout)")
        }
    }

    @Test func evalTodayFillsOnlyAnAbsentToday() throws {
        let policy = try CLI.temp(
            "mf2.warden", "policy \"p\" onError wipeData\nwhen not date(\"2024-02-28\") > today then allow\n")
        let text = #"{"id":1,"today":"2024-00-10"}"# + "\n" + #"{"id":2}"# + "\n"
        for (name, body) in [
            ("mf2.jsonl", text), ("mf2.json", "[" + text.split(separator: "\n").joined(separator: ",") + "]"),
        ] {
            let facts = try CLI.temp(name, body)
            let r = try CLI.run(["eval", policy, "--facts", facts, "--explain", "--today", "2024-01-01"])
            #expect(r.status == 1, "\(name)")
            #expect(
                r.stdout.hasPrefix(
                    """
                    device 1: wipeData
                      fact error[W0902]: fact `today` is malformed: "2024-00-10" is not a calendar date (YYYY-MM-DD)
                      error[W0902] in "rule#1" → wipeData (onError): fact `today` is malformed: "2024-00-10" is not a calendar date (YYYY-MM-DD)
                    """), "\(name): \(r.stdout)")
            #expect(r.stdout.contains("device 2: allow"), "an absent today is filled: \(name)")
        }
    }
}
