import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The benchmark policy (`Benchmarks/workload/cl10.warden`, in this repository) decides exactly as
/// the reference evaluator there, on devices from its own generator. Needs python3. A missing
/// workload file or python3 is a failure with a message, never a skip.
@Suite struct SharedBenchmarkTests {
    /// `Benchmarks/workload`, found from this file (Tests/WardenTests/SharedBenchmarkTests.swift).
    static let workload = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Benchmarks/workload")

    static func python(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func theWorkloadIsInTheRepository() {
        for file in ["cl10.warden", "gen_devices.py", "ref_eval.py", "expected.json", "README.md"] {
            let path = Self.workload.appendingPathComponent(file).path
            #expect(FileManager.default.fileExists(atPath: path), "missing benchmark workload file \(path)")
        }
    }

    @Test func python3IsAvailable() throws {
        #expect(try Self.python(["-c", "pass"]) == 0, "python3 is needed to generate the benchmark devices")
    }

    @Test func cl10MatchesTheReferenceEvaluator() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cl10-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let devices = dir.appendingPathComponent("devices.jsonl").path
        let ref = dir.appendingPathComponent("ref.jsonl").path
        #expect(try Self.python([Self.workload.appendingPathComponent("gen_devices.py").path, "5000", devices]) == 0)
        #expect(try Self.python([Self.workload.appendingPathComponent("ref_eval.py").path, devices, ref]) == 0)
        let policy = try String(contentsOf: Self.workload.appendingPathComponent("cl10.warden"), encoding: .utf8)
        let program = try Engine().compile(policy, name: "cl10.warden")
        let deviceLines = try String(contentsOfFile: devices, encoding: .utf8).split(separator: "\n")
        let refLines = try String(contentsOfFile: ref, encoding: .utf8).split(separator: "\n")
        #expect(deviceLines.count == 5000 && refLines.count == 5000)
        var mismatches = 0
        for (line, refLine) in zip(deviceLines, refLines) {
            let device = try program.device(json: Array(line.utf8)).get()
            let d = program.evaluate(device.input)
            let fired = d.fired.map { "\"\($0.name)\"" }.joined(separator: ",")
            let mine = "{\"id\":\(device.idJSON ?? "null"),\"decision\":\"\(d.action.rawValue)\",\"fired\":[\(fired)]}"
            if mine != refLine {
                mismatches += 1
                if mismatches < 5 { Issue.record("\(mine) != \(refLine)") }
            }
        }
        #expect(mismatches == 0)
    }
}
