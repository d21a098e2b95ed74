import Foundation
import Testing
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Progress of `warden eval` on a terminal (issue 14, part 3): the throttle's logic with given
/// times, and the command under a pseudo-terminal with the first delay set to zero.
@Suite struct ProgressTests {
    @Test func throttleWaitsForTheDelayThenReportsAtMostOncePerInterval() {
        var t = ProgressThrottle(start: 100, delay: 1, interval: 0.25)
        let times = [100, 100.99, 101, 101.1, 101.24, 101.25, 101.3, 105]
        var reports: [Bool] = []
        var reportedBefore: [Bool] = []
        for now in times {
            reportedBefore.append(t.reported)
            reports.append(t.shouldReport(at: now))
        }
        #expect(reports == [false, false, true, false, false, true, false, true])
        #expect(reportedBefore == [false, false, false, true, true, true, true, true])
    }

    @Test func progressLineGroupsDigitsAndGivesTheRate() {
        let t = ProgressThrottle(start: 10, delay: 1, interval: 0.25)
        #expect(t.line(count: 1_200_000, at: 12) == "eval: 1,200,000 devices, 600,000/s")
        #expect(t.line(count: 1, at: 10) == "eval: 1 device")
        #expect(ProgressThrottle.grouped(0) == "0")
        #expect(ProgressThrottle.grouped(999) == "999")
        #expect(ProgressThrottle.grouped(1000) == "1,000")
        #expect(ProgressThrottle.grouped(-1_234_567) == "-1,234,567")
    }

    static func devices() throws -> String {
        let lines = (0..<5000).map { "{\"id\":\($0),\"threatLevel\":\"\($0 % 2 == 0 ? "high" : "low")\"}" }
        return try CLI.temp("progress.jsonl", lines.joined(separator: "\n") + "\n")
    }

    /// Runs `warden args` with standard error on a pseudo-terminal (or a pipe) and standard output
    /// on a pipe; returns the status, standard output and what reached standard error.
    static func run(_ args: [String], stderrOnTerminal: Bool) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.currentDirectoryURL = CLI.packageRoot
        var env = ProcessInfo.processInfo.environment
        env["WARDEN_PROGRESS_DELAY"] = "0"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        var master: Int32 = -1
        var slave: Int32 = -1
        let errPipe = Pipe()
        if stderrOnTerminal {
            let opened = openpty(&master, &slave, nil, nil, nil)
            #expect(opened == 0)
            p.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        } else {
            p.standardError = errPipe
        }
        try p.run()
        // Read the terminal while the child runs, so that it never blocks on a full buffer.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let terminal = master
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            if stderrOnTerminal {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(terminal, $0.baseAddress, $0.count) }
                    if n <= 0 { break }  // EIO once the child and the parent closed the terminal
                    errBox.data.append(contentsOf: buffer[0..<n])
                }
            } else {
                errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
            }
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if stderrOnTerminal { close(slave) }
        group.wait()
        if stderrOnTerminal { close(master) }
        return (
            p.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errBox.data, as: UTF8.self)
        )
    }

    @Test func evalShowsProgressOnATerminalAndClearsIt() throws {
        let facts = try Self.devices()
        let (status, stdout, stderr) = try Self.run(
            ["eval", "samples/threat-level.warden", "--facts", facts, "--format", "json"], stderrOnTerminal: true)
        #expect(status == 0)
        #expect(stdout.split(separator: "\n").count == 5000)
        #expect(!stdout.contains("eval:"))
        #expect(stderr.contains("\r\u{1B}[Keval: 1,024 devices"), "\(stderr.debugDescription)")
        // Cleared before the summary.
        #expect(stderr.contains("\r\u{1B}[Ksummary: 5000 devices"), "\(stderr.debugDescription)")
        let (_, _, quiet) = try Self.run(
            ["eval", "samples/threat-level.warden", "--facts", facts, "--quiet"], stderrOnTerminal: true)
        #expect(quiet.isEmpty, "\(quiet.debugDescription)")
    }

    @Test func evalShowsNoProgressWhenPiped() throws {
        let facts = try Self.devices()
        let (status, _, stderr) = try Self.run(
            ["eval", "samples/threat-level.warden", "--facts", facts], stderrOnTerminal: false)
        #expect(status == 0)
        #expect(!stderr.contains("eval:"))
        #expect(stderr.hasPrefix("summary: 5000 devices\n"))
    }
}
