import Foundation
import Testing

/// `warden matrix` on the samples: the grid as text (as the README shows it), JSON and SVG, the
/// diff against the previous release of the sample policy, and its errors.
@Suite struct MatrixCLITests {
    static let policy = "samples/outlook-conditional-launch.warden"
    static let previous = "samples/matrix/outlook-previous.warden"
    static let given = "samples/matrix/healthy-phone.json"
    static let base = ["matrix", policy, "--given", given, "--today", "2025-01-15"]

    static let threatByIntegrity = """
        decision grid: threatLevel (rows) × playIntegrity (columns); other facts from samples/matrix/healthy-phone.json

        threatLevel \\ playIntegrity | none             | basic           | device          | strong
        ----------------------------+------------------+-----------------+-----------------+----------------
        secured                     | B play integrity | A               | A               | A
        low                         | B play integrity | A               | A               | A
        medium                      | B play integrity | W medium threat | W medium threat | W medium threat
        high                        | B high threat    | B high threat   | B high threat   | B high threat

        A allow  W warn  B blockAccess  X wipeData; ! = decided by the rule's error (onError)

        """

    static let osByThreatDiff = """
        decision grid: osVersion (rows) × threatLevel (columns); other facts from samples/matrix/healthy-phone.json

        osVersion \\ threatLevel | secured         | low             | medium          | high
        ------------------------+-----------------+-----------------+-----------------+--------------
        < 10                    | B old Android   | B old Android   | B old Android   | B high threat
        10 – 11.0               | A→B old Android | W→B old Android | W→B old Android | B high threat
        >= 11.0                 | A               | W→A             | W medium threat | B high threat

        A allow  W warn  B blockAccess  X wipeData; ! = decided by the rule's error (onError)
        X→Y: the decision changes from X (samples/matrix/outlook-previous.warden) to Y; 4 of 12 cells change

        """

    @Test func drawsTheSamplePolicyOverThreatLevelAndPlayIntegrity() throws {
        let r = try CLI.run(Self.base + ["--rows", "threatLevel", "--cols", "playIntegrity"])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout == Self.threatByIntegrity)
    }

    @Test func marksTheCellsTheSamplesPreviousReleaseDecidedOtherwise() throws {
        let r = try CLI.run(Self.base + ["--rows", "osVersion", "--cols", "threatLevel", "--diff", Self.previous])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Self.osByThreatDiff)
    }

    @Test func theREADMEShowsTheGridsThisBinaryDraws() throws {
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for (args, out) in [
            (["--rows", "threatLevel", "--cols", "playIntegrity"], Self.threatByIntegrity),
            (["--rows", "osVersion", "--cols", "threatLevel", "--diff", Self.previous], Self.osByThreatDiff),
        ] {
            let command = (["$ warden"] + Self.base + args).joined(separator: " ")
            #expect(readme.contains(command + "\n" + out), "README lacks:\n\(command)\n\(out)")
        }
        #expect(readme.contains("![The decision grid"))
    }

    @Test func coloursCellsOnlyWhenAskedOrOnATerminal() throws {
        let plain = try CLI.run(Self.base + ["--rows", "rooted", "--cols", "threatLevel"])
        #expect(!plain.stdout.contains("\u{1B}["))
        let coloured = try CLI.run(Self.base + ["--rows", "rooted", "--cols", "threatLevel", "--color", "always"])
        #expect(coloured.stdout.contains("\u{1B}[45;97mX rooted"))
        #expect(coloured.stdout.contains("\u{1B}[42;97mA"))
    }

    @Test func writesTheSVGToAFileOrStandardOutput() throws {
        let path = try CLI.temp("grid.svg", "")
        let r = try CLI.run(Self.base + ["--rows", "threatLevel", "--cols", "playIntegrity", "--svg", path])
        #expect(r.status == 0 && r.stdout == Self.threatByIntegrity)
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "data-row=").count == 17)
        let out = try CLI.run(Self.base + ["--rows", "threatLevel", "--cols", "playIntegrity", "--svg", "-"])
        #expect(out.stdout == svg)
    }

    @Test func writesTheGridAsJSONWithEachCellsDevice() throws {
        let r = try CLI.run(Self.base + ["--rows", "pinAttempts", "--cols", "manufacturer", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let cells = object?["cells"] as? [[[String: Any]]]
        #expect(cells?.count == 2 && cells?.first?.count == 6)
        let corner = cells?.last?.last
        #expect(corner?["action"] as? String == "wipeData" && corner?["rule"] as? String == "pin attempts")
        let device = corner?["device"] as? [String: Any]
        #expect(device?["pinAttempts"] as? Int == 5 && device?["manufacturer"] as? String == "other")
        let rows = object?["rows"] as? [String: Any]
        #expect((rows?["bands"] as? [[String: Any]])?.map { $0["label"] as? String } == ["< 5", ">= 5"])
    }

    @Test func reportsBadAxesAndBadGivenFactsClearly() throws {
        let unknown = try CLI.run(Self.base + ["--rows", "threatLevl", "--cols", "rooted"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "error: unknown fact `threatLevl`; did you mean `threatLevel`?\n")
        let same = try CLI.run(Self.base + ["--rows", "rooted", "--cols", "rooted"])
        #expect(same.status == 2 && same.stderr.contains("--rows and --cols are both `rooted`"))
        let list = try CLI.run(Self.base + ["--rows", "rooted", "--cols", "groups"])
        #expect(list.status == 0 && list.stdout.contains("rooted \\ groups | []"))
        let bad = try CLI.temp("bad-given.json", "{\"threatLevel\": \"critical\"}")
        let malformed = try CLI.run(["matrix", Self.policy, "--given", bad, "--rows", "rooted", "--cols", "osVersion"])
        #expect(malformed.status == 1 && malformed.stderr.contains("is not a member of ThreatLevel"))
        let missing = try CLI.run([
            "matrix", Self.policy, "--given", "nope.json", "--rows", "rooted", "--cols", "osVersion",
        ])
        #expect(missing.status == 2 && missing.stderr.contains("cannot read `nope.json`"))
        let date = try CLI.run([
            "matrix", Self.policy, "--rows", "rooted", "--cols", "osVersion", "--today", "2025-13-01",
        ])
        #expect(date.status == 2)
        let oldBroken = try CLI.temp("broken.warden", "when threatLevl > medium then blockAccess\n")
        let diff = try CLI.run(Self.base + ["--rows", "rooted", "--cols", "osVersion", "--diff", oldBroken])
        #expect(diff.status == 2 && diff.stderr.contains("did you mean `threatLevel`?"))
        let unwritable = try CLI.run(
            Self.base + ["--rows", "rooted", "--cols", "osVersion", "--svg", "/nonexistent/x.svg"])
        #expect(unwritable.status == 1 && unwritable.stderr.contains("cannot write `/nonexistent/x.svg`"))
    }

    @Test func theMatrixSamplesAreFormattedAndPassTheirTests() throws {
        let fmt = try CLI.run(["fmt", "--check", Self.previous])
        #expect(fmt.status == 0, "\(fmt.stdout)\(fmt.stderr)")
        let test = try CLI.run(["test", Self.previous])
        #expect(test.status == 0 && test.stdout.hasSuffix("1 passed, 0 failed\n"), "\(test.stdout)")
        // The given device is a healthy phone: the sample policy allows it as it is.
        let eval = try CLI.run(["eval", Self.policy, "--facts", Self.given, "--today", "2025-01-15"])
        #expect(eval.status == 0 && eval.stdout == "device line 1: allow\n", "\(eval.stdout)\(eval.stderr)")
    }

    @Test func helpHasExamplesAndTheExitStatuses() throws {
        let r = try CLI.run(["matrix", "--help"])
        #expect(r.status == 0)
        let examples =
            r.stdout.components(separatedBy: "EXAMPLES:\n").dropFirst().first?.components(separatedBy: "\n\n").first
            ?? ""
        let lines = examples.split(separator: "\n")
        #expect(lines.count >= 3 && lines.allSatisfy { $0.hasPrefix("  warden matrix ") }, "\(r.stdout)")
        #expect(r.stdout.contains("Exit status: 0 the grid was drawn;"))
        let tooMany = try CLI.temp(
            "many.warden", (0..<40).map { "rule \"r\($0)\" when pinAttempts == \($0 * 2) then warn\n" }.joined())
        let many = try CLI.run(["matrix", tooMany, "--rows", "pinAttempts", "--cols", "rooted"])
        #expect(
            many.status == 1 && many.stderr == "error: `pinAttempts` splits into 81 bands; a grid axis has at most 64\n"
        )
    }

    @Test func drawsAPolicySetGivenAsADirectory() throws {
        let r = try CLI.run(["matrix", "samples/policy-set", "--rows", "threatLevel", "--cols", "management"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("decision grid: threatLevel (rows) × management (columns)\n"))
        #expect(r.stdout.contains("threatLevel \\ management | unmanaged"))
    }

    @Test func showsAMissingBandWhereRulesFailClosed() throws {
        let r = try CLI.run(Self.base + ["--rows", "pinAttempts", "--cols", "defenderActive", "--missing"])
        #expect(r.status == 0)
        // A missing `pinAttempts` errs in the rule `pin attempts`: onError blockAccess decides.
        let line = "missing                      | B defender missing | B! pin attempts | B! pin attempts"
        #expect(r.stdout.contains("\n" + line + "\n"))
    }
}
