import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The text and JSON explanations (`warden eval --explain`, with and without `--format json`) of
/// every sample over `samples/devices.jsonl` are pinned in golden files under
/// `Fixtures/explain/`: evidence (facts read, deciding comparisons, the rule's whole source),
/// configuration sources and the blocks that did not apply. Set WARDEN_UPDATE_GOLDEN=1 to rewrite
/// them after a deliberate change, then review the diff.
@Suite struct ExplainGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/explain")

    static var samples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("samples").path)) ?? [])
            .filter { $0.hasSuffix(".warden") }.sorted() + ["policy-set"]
    }

    static func program(_ name: String) throws -> Program {
        let path = root.appendingPathComponent("samples/\(name)")
        guard name.hasSuffix(".warden") else {
            let names = try FileManager.default.contentsOfDirectory(atPath: path.path)
                .filter { $0.hasSuffix(".warden") }.sorted()
            return try Engine().compile(
                try names.map {
                    SourceFile(
                        name: "samples/\(name)/\($0)",
                        text: try String(contentsOf: path.appendingPathComponent($0), encoding: .utf8))
                })
        }
        return try Engine().compile(try String(contentsOf: path, encoding: .utf8), name: "samples/\(name)")
    }

    static func check(_ actual: String, _ file: String) throws {
        let golden = goldenDir.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["WARDEN_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(actual == expected, "\(file) differs from its golden file")
    }

    @Test(arguments: samples)
    func explanationsAreAsPinned(_ name: String) throws {
        let program = try Self.program(name)
        let devices = try String(contentsOf: Self.root.appendingPathComponent("samples/devices.jsonl"), encoding: .utf8)
        var text = ""
        var writer = DecisionWriter()
        writer.ruleFiles = program.ruleFiles
        writer.explainConfig = program.hasConfiguration
        for line in devices.split(separator: "\n") {
            let device = try program.device(json: Array(line.utf8)).get()
            var input = device.input
            input.setIfMissing("today", .date(try #require(Day("2024-10-01"))), in: program.schema)
            let x = program.explain(input)
            #expect(x.decision == program.evaluate(input))
            text += DecisionText.render(
                x, program: program, device: device.idJSON ?? "?", showConfig: program.hasConfiguration)
            writer.write(x, id: device.idJSON)
        }
        let json = String(decoding: writer.bytes, as: UTF8.self)
        // Every line is JSON, and every fired rule and rule error carries evidence.
        for line in json.split(separator: "\n") {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            for f in object["fired"] as? [[String: Any]] ?? [] { #expect(f["evidence"] != nil, "\(line)") }
            for e in object["errors"] as? [[String: Any]] ?? [] where e["rule"] != nil {
                #expect(e["evidence"] != nil, "\(line)")
            }
            #expect(object["configSkipped"] != nil)
        }
        let base = name.replacingOccurrences(of: ".warden", with: "")
        try Self.check(text, base + ".explain.txt")
        try Self.check(json, base + ".explain.jsonl")
    }
}
