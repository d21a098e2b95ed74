import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The shared benchmark policy (`../shared/bench/cl10.warden`) decides exactly as the reference
/// evaluator there, on devices from its own generator. Needs python3 and the shared folder beside
/// the checkout (as CI has); skipped with a note otherwise.
@Suite struct SharedBenchmarkTests {
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/bench")

    static func python(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: shared.appendingPathComponent("cl10.warden").path)))
    func cl10MatchesTheReferenceEvaluator() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cl10-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let devices = dir.appendingPathComponent("devices.jsonl").path
        let ref = dir.appendingPathComponent("ref.jsonl").path
        #expect(try Self.python([Self.shared.appendingPathComponent("gen_devices.py").path, "5000", devices]) == 0)
        #expect(try Self.python([Self.shared.appendingPathComponent("ref_eval.py").path, devices, ref]) == 0)
        let policy = try String(contentsOf: Self.shared.appendingPathComponent("cl10.warden"), encoding: .utf8)
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
