import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// Every policy in `samples/` compiles without errors and evaluates every device of
/// `samples/devices.jsonl`; the decisions (action, fired rules, error count, config) are pinned in
/// golden files under `Fixtures/samples/` (set WARDEN_UPDATE_GOLDEN=1 to rewrite them after a
/// deliberate change, then review the diff).
@Suite struct SamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/samples")

    static var samples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("samples").path)) ?? [])
            .filter { $0.hasSuffix(".warden") }.sorted()
    }

    @Test func thereAreAtLeastFourSamples() {
        #expect(Self.samples.count >= 4)
    }

    @Test(arguments: samples)
    func sampleEvaluatesEveryDeviceAsPinned(_ name: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("samples/\(name)"), encoding: .utf8)
        let program = try Engine().compile(text, name: "samples/\(name)")
        let devices = try String(contentsOf: Self.root.appendingPathComponent("samples/devices.jsonl"), encoding: .utf8)
        var lines: [String] = []
        for line in devices.split(separator: "\n") {
            let device = try program.device(json: Array(line.utf8)).get()
            var input = device.input
            input.setIfMissing("today", .date(try #require(Day("2024-10-01"))), in: program.schema)
            let d = program.evaluate(input)
            var s = "\(device.idJSON ?? "?") \(d.action.rawValue) [\(d.fired.map(\.name).joined(separator: ", "))]"
            s += " errors=\(d.errors.count)"
            if program.hasConfiguration {
                s += " " + d.config.map { "\($0.key)=\($0.jsonText)" }.joined(separator: " ")
            }
            lines.append(s)
        }
        let actual = lines.joined(separator: "\n") + "\n"
        let golden = Self.goldenDir.appendingPathComponent(name.replacingOccurrences(of: ".warden", with: ".decisions"))
        if ProcessInfo.processInfo.environment["WARDEN_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(actual == expected)
    }

    /// `samples/policy-set/` (a baseline, a per-group override, a managed-devices policy) compiles
    /// as one policy set, and its decisions over `samples/devices.jsonl`, with each fired rule's
    /// file, are pinned like the single-file samples' (`Fixtures/samples/policy-set.decisions`).
    @Test func policySetSampleEvaluatesEveryDeviceAsPinned() throws {
        let dir = Self.root.appendingPathComponent("samples/policy-set")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".warden") }
            .sorted()
        #expect(names.count >= 3)
        let sources = try names.map {
            SourceFile(
                name: "samples/policy-set/\($0)",
                text: try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8))
        }
        let program = try Engine().compile(sources)
        #expect(program.warnings.isEmpty, "\(program.warnings.map { $0.rendered(in: program.source) })")
        let devices = try String(contentsOf: Self.root.appendingPathComponent("samples/devices.jsonl"), encoding: .utf8)
        var lines: [String] = []
        for line in devices.split(separator: "\n") {
            let device = try program.device(json: Array(line.utf8)).get()
            var input = device.input
            input.setIfMissing("today", .date(try #require(Day("2024-10-01"))), in: program.schema)
            let d = program.evaluate(input)
            var s = "\(device.idJSON ?? "?") \(d.action.rawValue) ["
            s += d.fired.map { "\($0.name)@\($0.file ?? "?"):\($0.line)" }.joined(separator: ", ")
            s += "] errors=\(d.errors.count) warnings=\(d.warnings.count) "
            s += d.config.map { "\($0.key)=\($0.jsonText)" }.joined(separator: " ")
            lines.append(s)
        }
        let actual = lines.joined(separator: "\n") + "\n"
        let golden = Self.goldenDir.appendingPathComponent("policy-set.decisions")
        if ProcessInfo.processInfo.environment["WARDEN_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(actual == expected)
    }
}
