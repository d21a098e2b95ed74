import Foundation
import Testing

/// The built `warden` binary on hostile input: nothing lost in `eval` over JSON Lines, and no input
/// makes any command exit with a signal, hang past 10 seconds, or fail without a message.
@Suite struct HostileCLITests {
    struct Outcome {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var seconds: Double
        var stdout: [UInt8]
        var stderr: String
        var out: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `warden args...` with stdin bytes, killing it after `timeout` seconds.
    /// Sanitizer builds run the binary several times slower: their CI run sets
    /// WARDEN_TEST_TIME_SCALE so the watchdog measures hangs, not instrumentation.
    static let timeScale = ProcessInfo.processInfo.environment["WARDEN_TEST_TIME_SCALE"].flatMap(Double.init) ?? 1

    static func run(_ args: [String], stdin: [UInt8] = [], timeout: Double = 10) throws -> Outcome {
        let timeout = timeout * max(1, timeScale)
        // A child that exits before reading all its input must not kill the test runner with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.currentDirectoryURL = CLI.packageRoot
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        let start = Date()
        try p.run()
        final class Box: @unchecked Sendable {
            var data = Data()
            var timedOut = false
        }
        let errBox = Box()
        let killer = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        DispatchQueue.global().async {
            // The child may exit before reading everything: writing then fails with EPIPE, ignored.
            try? input.fileHandleForWriting.write(contentsOf: Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        let pid = p.processIdentifier
        let watchdog = DispatchWorkItem {
            killer.timedOut = true
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        watchdog.cancel()
        return Outcome(
            status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal, timedOut: killer.timedOut,
            seconds: Date().timeIntervalSince(start), stdout: [UInt8](outData),
            stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    static func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-hostile-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Unique per call: parameterized cases run in parallel.
        let url = dir.appendingPathComponent(UUID().uuidString + "-" + name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The process ended by itself, in time, and said why if it failed.
    static func expectWellBehaved(_ o: Outcome, _ what: String) {
        #expect(!o.signalled, "\(what): killed by signal \(o.status)")
        #expect(!o.timedOut, "\(what): still running after \(10 * max(1, Self.timeScale)) s")
        if o.status != 0 {
            #expect(!(o.stderr.isEmpty && o.stdout.isEmpty), "\(what): exit \(o.status) without a message")
        }
        #expect([0, 1, 2].contains(o.status), "\(what): exit status \(o.status)")
    }

    static let policy = "policy \"p\" onError wipeData\nrule \"rooted\" when rooted then blockAccess\n"

    // MARK: - Nothing lost

    @Test func everyGoodLineGetsItsDecisionInOrderAroundBadLines() throws {
        let policy = try Self.file("p.warden", Array(Self.policy.utf8))
        var input: [UInt8] = []
        var expected: [String] = []  // per line: "id:N" for a device, "line:N" for an error line
        var n = 0
        func device(_ id: Int, rooted: Bool) {
            n += 1
            input += Array("{\"id\":\(id),\"rooted\":\(rooted)}\n".utf8)
            expected.append("id:\(id)")
        }
        func bad(_ bytes: [UInt8]) {
            n += 1
            input += bytes + [0x0A]
            expected.append("line:\(n)")
        }
        device(1, rooted: true)
        bad(Array("{not json".utf8))
        device(2, rooted: false)
        bad([0x7B, 0x22, 0x72, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])  // invalid UTF-8 in a key
        device(3, rooted: true)
        // a 10 MB unterminated line
        bad(Array("{\"model\":\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 10 << 20))
        device(4, rooted: false)
        bad(Array("[1,2,3]".utf8))
        bad(Array("\"just a string\"".utf8))
        bad(Array("{\"rooted\":true}{\"rooted\":false}".utf8))
        bad(Array("{\"a\":\u{0}1}".utf8))
        bad(Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8))
        device(5, rooted: true)
        bad(Array(repeating: UInt8(ascii: "x"), count: 17 << 20))  // over the 16 MiB line limit
        device(6, rooted: false)
        // A last device without a final newline.
        input += Array("{\"id\":7,\"rooted\":true}".utf8)
        expected.append("id:7")

        let o = try Self.run(["eval", policy, "--facts", "-", "--format", "json"], stdin: input, timeout: 60)
        Self.expectWellBehaved(o, "eval")
        #expect(o.status == 1)
        let lines = o.out.split(separator: "\n").map(String.init)
        let got = lines.map { line -> String in
            if line.hasPrefix("{\"id\":") { return "id:" + line.dropFirst(6).prefix { $0.isNumber } }
            if line.hasPrefix("{\"line\":") { return "line:" + line.dropFirst(8).prefix { $0.isNumber } }
            return "?" + line.prefix(80)
        }
        #expect(got == expected)
        for line in lines where line.hasPrefix("{\"line\":") {
            #expect(line.hasSuffix(",\"action\":\"wipeData\"}"), "\(line.prefix(200))")
        }
        #expect(lines.first { $0.hasPrefix("{\"id\":7,") }?.contains("\"action\":\"blockAccess\"") == true)
    }

    @Test func wrongTypesAreFactErrorsAndTheDeviceIsStillDecided() throws {
        let policy = try Self.file("p.warden", Array(Self.policy.utf8))
        let input = """
            {"id":1,"rooted":"yes"}
            {"id":2,"rooted":false,"pinAttempts":1.5,"osVersion":"x.y","patchLevel":"2024-02-30","tags":[1]}
            {"id":3,"rooted":false,"threatLevel":"fine","offlineMinutes":99999999999999999999999}
            {"id":4,"rooted":false}
            {"id":5,"rooted":false,"pinAttempts":1e999}
            {"id":6,"rooted":false}
            """
        let o = try Self.run(["eval", policy, "--facts", "-", "--format", "json"], stdin: Array(input.utf8))
        Self.expectWellBehaved(o, "eval")
        let lines = o.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("{\"id\":1,\"action\":\"wipeData\""))  // rooted is malformed: onError
        #expect(lines[0].contains("\"fact\":\"rooted\""))
        #expect(lines[1].hasPrefix("{\"id\":2,\"action\":\"allow\""))
        // pinAttempts, osVersion, patchLevel, tags
        #expect(lines[1].components(separatedBy: "\"fact\":").count - 1 == 4)
        #expect(lines[2].hasPrefix("{\"id\":3,"))
        #expect(lines[3].hasPrefix("{\"id\":4,\"action\":\"allow\""))
        // JSON numbers beyond a double make the line invalid JSON: an error line, the stream goes on.
        #expect(
            lines[4]
                == "{\"line\":5,\"error\":\"invalid JSON: number out of range at byte 38\",\"action\":\"wipeData\"}")
        #expect(lines[5].hasPrefix("{\"id\":6,\"action\":\"allow\""))
    }

    @Test func aTenMegabyteDeviceIsDecided() throws {
        let policy = try Self.file("p.warden", Array(Self.policy.utf8))
        let big =
            "{\"id\":1,\"rooted\":true,\"model\":\"" + String(repeating: "m", count: 10 << 20)
            + "\"}\n{\"id\":2,\"rooted\":false}\n"
        let o = try Self.run(["eval", policy, "--facts", "-", "--format", "json"], stdin: Array(big.utf8), timeout: 30)
        Self.expectWellBehaved(o, "eval")
        let lines = o.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("{\"id\":1,\"action\":\"blockAccess\"") == true)
    }

    @Test func textFormatAlsoKeepsEveryLine() throws {
        let policy = try Self.file("p.warden", Array(Self.policy.utf8))
        let o = try Self.run(
            ["eval", policy, "--facts", "-"], stdin: Array("{\"rooted\":true}\nnope\n\n{\"rooted\":false}".utf8))
        Self.expectWellBehaved(o, "eval text")
        #expect(o.out.contains("line 2: wipeData (error: invalid JSON"))
        #expect(o.out.contains("line 4"))
    }

    // MARK: - Limits on the command line

    @Test func limitOptionsReachTheEngine() throws {
        let policy = try Self.file(
            "l.warden", Array("rule \"r\" when tags.all(a, tags.all(b, a != b + \"!\")) then warn\n".utf8))
        let device = Array("{\"tags\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}\n".utf8)
        let capped = try Self.run(
            ["eval", policy, "--facts", "-", "--format", "json", "--max-steps", "50"], stdin: device)
        #expect(capped.out.contains("\"message\":\"evaluation cost limit exceeded (50 steps)\""), "\(capped.out)")
        #expect(capped.out.hasPrefix("{\"action\":\"blockAccess\""))
        let fine = try Self.run(["eval", policy, "--facts", "-", "--format", "json"], stdin: device)
        #expect(fine.out.hasPrefix("{\"action\":\"warn\""))
        let nesting = try Self.run(["check", policy, "--max-nesting", "2"])
        #expect(nesting.status == 1)
        #expect(nesting.stderr.contains("error[W0702]: expression is nested too deeply (limit 2)"))
        let size = try Self.run(["check", policy, "--max-source-bytes", "10"])
        #expect(size.stderr.contains("over the limit of 10"))
        let strings = try Self.run(
            ["eval", policy, "--facts", "-", "--format", "json", "--max-string-bytes", "1"], stdin: device)
        #expect(strings.out.contains("string longer than the limit of 1 bytes"))
        let bad = try Self.run(["eval", policy, "--facts", "-", "--max-steps", "0"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--max-steps takes a positive number, not 0"))
        let decisionSteps = try Self.run(
            ["eval", policy, "--facts", "-", "--format", "json", "--max-decision-steps", "20"], stdin: device)
        #expect(
            decisionSteps.out.contains("decision cost limit exceeded (20 steps over all rules)"), "\(decisionSteps.out)"
        )
        #expect(decisionSteps.out.hasPrefix("{\"action\":\"blockAccess\""))
        let bytes = try Self.run(
            ["eval", policy, "--facts", "-", "--format", "json", "--max-decision-bytes", "3"], stdin: device)
        #expect(bytes.out.contains("decision memory limit exceeded (3 bytes"), "\(bytes.out)")
        let badBudget = try Self.run(["eval", policy, "--facts", "-", "--max-decision-bytes", "0"])
        #expect(badBudget.stderr.contains("--max-decision-bytes takes a positive number, not 0"))
    }

    // MARK: - No signal, no hang, no silent failure

    static func nested(_ open: String, _ close: String, _ n: Int, _ inner: String = "rooted") -> String {
        String(repeating: open, count: n) + inner + String(repeating: close, count: n)
    }

    static let hostilePolicies: [(String, [UInt8])] = [
        ("100k parens", Array("rule \"r\" when \(nested("(", ")", 100_000)) then warn".utf8)),
        ("100k brackets", Array("let x = \(nested("[", "]", 100_000, "1"))".utf8)),
        ("100k bangs", Array("rule \"r\" when \(String(repeating: "!", count: 100_000))rooted then warn".utf8)),
        ("100k unclosed", Array("rule \"r\" when \(String(repeating: "(", count: 100_000))".utf8)),
        ("100k calls", Array("let x = \(nested("size(", ")", 100_000, "\"a\""))".utf8)),
        ("100k members", Array(("let x = rooted" + String(repeating: ".x", count: 100_000)).utf8)),
        (
            "100k terms",
            Array(("rule \"r\" when pinAttempts" + String(repeating: " * 2", count: 100_000) + " > 0 then warn").utf8)
        ),
        (
            "huge integers",
            Array(
                "rule \"r\" when pinAttempts > 123456789012345678901234567890 || 99999999999999999999u > 1u || -9223372036854775809 < 0 then warn"
                    .utf8)
        ),
        ("invalid UTF-8", [0x72, 0x75, 0x6C, 0x65, 0x20, 0x22, 0xFF, 0x22, 0x20, 0xC0, 0xAF, 0xED, 0xA0, 0x80]),
        ("NUL bytes", Array("rule \"r\0\" when\0rooted then warn\0\n".utf8)),
        ("binary", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }),
        ("empty", []),
        ("1 MB identifier", Array("rule \"r\" when \(String(repeating: "q", count: 1 << 20)) then warn".utf8)),
        ("5 MB", Array(("# " + String(repeating: "x", count: 5 << 20)).utf8)),
        ("unterminated string", Array("rule \"r when rooted then warn\n".utf8)),
        ("many errors", Array(String(repeating: "rule \"r\" when threatLevl then\n", count: 10_000).utf8)),
        ("1 MB of @", Array(repeating: UInt8(ascii: "@"), count: 1 << 20)),
        ("1 MB line of errors", Array(String(repeating: "& | @ $ ", count: 1 << 17).utf8)),
        ("operators", Array(String(repeating: "+-*/%<>=!&|?:.,", count: 1000).utf8)),
    ]

    @Test(arguments: hostilePolicies.map(\.0))
    func hostilePolicyNeverCrashesAnyCommand(_ name: String) throws {
        let bytes = try #require(Self.hostilePolicies.first { $0.0 == name }?.1)
        let path = try Self.file("hostile.warden", bytes)
        let facts = try Self.file("d.jsonl", Array("{\"rooted\":true}\n".utf8))
        let check = try Self.run(["check", path])
        Self.expectWellBehaved(check, "check \(name)")
        if !["empty", "100k terms"].contains(name) {
            #expect(check.status == 1, "check \(name) should report an error")
        }
        let eval = try Self.run(["eval", path, "--facts", facts])
        Self.expectWellBehaved(eval, "eval \(name)")
        for command in ["fmt", "test"] {
            let o = try Self.run([command, path])
            Self.expectWellBehaved(o, "\(command) \(name)")
            if name != "1 MB identifier" {
                #expect(o.stderr.utf8.count < 1 << 20, "\(command) \(name): \(o.stderr.utf8.count) bytes of messages")
            }
        }
        if name != "1 MB identifier" {
            #expect(check.stderr.utf8.count < 1 << 20, "check \(name): \(check.stderr.utf8.count) bytes of messages")
        }
    }

    static let hostileFacts: [(String, [UInt8])] = [
        ("deep JSON", Array(nested("[", "]", 1_000_000, "").utf8)),
        (
            "deep objects",
            Array((String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)).utf8)
        ),
        ("NUL bytes", [0, 0, 0, 0x0A, 0x7B, 0, 0x7D]),
        ("invalid UTF-8", [0xFF, 0xFE, 0xFD, 0x0A, 0xC3]),
        ("only newlines", Array(repeating: 0x0A, count: 100_000)),
        ("CRLF", Array("{\"rooted\":true}\r\n\r\n{\"rooted\":false}\r\n".utf8)),
        ("huge numbers", Array("{\"pinAttempts\":1\(String(repeating: "0", count: 100_000))}".utf8)),
        ("many keys", Array(("{" + (0..<100_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}").utf8)),
        (
            "duplicate keys",
            Array(("{" + Array(repeating: "\"rooted\":true", count: 50_000).joined(separator: ",") + "}").utf8)
        ),
        (
            "long list",
            Array(("{\"tags\":[" + Array(repeating: "\"t\"", count: 500_000).joined(separator: ",") + "]}").utf8)
        ),
    ]

    @Test(arguments: hostileFacts.map(\.0))
    func hostileFactsNeverCrashEval(_ name: String) throws {
        let bytes = try #require(Self.hostileFacts.first { $0.0 == name }?.1)
        let policy = try Self.file("p.warden", Array(Self.policy.utf8))
        let jsonl = try Self.file("h.jsonl", bytes)
        let json = try Self.file("h.json", bytes)
        for args in [
            ["eval", policy, "--facts", jsonl], ["eval", policy, "--facts", json],
            ["eval", policy, "--facts", "-", "--format", "json"],
        ] {
            let o = try Self.run(args, stdin: bytes)
            Self.expectWellBehaved(o, "\(args.joined(separator: " ")) \(name)")
        }
    }

    @Test func badPathsAndArgumentsAreMessagesNotCrashes() throws {
        let policy = try Self.file("p.warden", Array(Self.policy.utf8))
        let dir = FileManager.default.temporaryDirectory.path
        let cases: [[String]] = [
            ["check", dir], ["check", "/dev/null"], ["check", "/no/such/file"], ["eval", policy, "--facts", dir],
            ["eval", policy, "--facts", "/no/such.jsonl"], ["eval", policy, "--facts", "/dev/null"],
            ["eval", policy, "--facts", "-", "--today", "2024-02-30"],
            ["schema", String(repeating: "x", count: 100_000)],
            ["schema", "\u{1}\u{7F}"], ["eval"], ["nonsense"], ["check", "--", "-"],
        ]
        for args in cases {
            let o = try Self.run(args)
            Self.expectWellBehaved(o, args.joined(separator: " ").prefix(80).description)
        }
    }
}
