import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The samples' policy set exported to Intune (`samples/intune/graph/`, with
/// `samples/intune/export-report.json`), and that export imported back
/// (`samples/intune/imported/`, `samples/intune/import-report.json`): regenerating them gives the
/// committed files, and the import is checked and formatted. Set WARDEN_UPDATE_GOLDEN=1 to rewrite
/// them after a deliberate change (the files are what `warden export --intune samples/policy-set
/// --out samples/intune/graph` and `warden import --intune samples/intune/graph --out
/// samples/intune/imported` write, run from the repository root).
@Suite struct IntuneGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func files(_ dir: String, _ ext: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent(dir).path)) ?? [])
            .filter { $0.hasSuffix(ext) }.sorted()
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    func compare(_ path: String, _ text: String) throws {
        let url = Self.root.appendingPathComponent(path)
        if ProcessInfo.processInfo.environment["WARDEN_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(try read(path) == text, "\(path) differs from a fresh export/import")
    }

    @Test func theSamplesPolicySetExportsToTheCommittedGraphFiles() throws {
        let sources = try files("samples/policy-set", ".warden").map {
            SourceFile(name: "samples/policy-set/\($0)", text: try read("samples/policy-set/\($0)"))
        }
        #expect(sources.count == 3)
        let result = try IntuneExport.export(sources)
        #expect(result.errors.isEmpty)
        #expect(result.objects.count == 4)
        for o in result.objects { try compare("samples/intune/graph/\(o.fileName)", o.body.prettyText + "\n") }
        #expect(Set(files("samples/intune/graph", ".json")) == Set(result.objects.map(\.fileName)))
        try compare("samples/intune/export-report.json", result.reportJSON.prettyText + "\n")
        // What is left out, by name: the rule over `openNetwork`, the two-fact rule, and `override`.
        #expect(
            result.omissions.map(\.subject) == [
                "rule \"finance on open network\"", "config \"Finance network alerts\"",
                "rule \"stale Company Portal\"",
            ])
    }

    @Test func theImportOfThatExportIsCommittedCheckedAndFormatted() throws {
        let names = files("samples/intune/graph", ".json")
        #expect(names.count == 4)
        let docs = try names.map { n in
            ("samples/intune/graph/\(n)", Array(try read("samples/intune/graph/\(n)").utf8))
        }
        let result = IntuneImport.importDocuments(docs)
        #expect(result.errors.isEmpty && result.unmodelled.isEmpty)
        for p in result.policies { try compare("samples/intune/imported/\(p.fileName)", p.text) }
        #expect(Set(files("samples/intune/imported", ".warden")) == Set(result.policies.map(\.fileName)))
        try compare("samples/intune/import-report.json", result.reportJSON.prettyText + "\n")
        let sources = result.policies.map { SourceFile(name: $0.fileName, text: $0.text) }
        let program = try Engine().compile(sources)
        #expect(program.warnings.isEmpty, "\(program.warnings.map(\.message))")
        for p in result.policies { #expect(try PolicyFormatter.format(p.text) == p.text, "\(p.fileName)") }
        // The exported rules come back with their actions (rooted wipes, a high threat blocks).
        let rooted = program.evaluate(
            try program.device(json: Array(#"{"rooted":true,"threatLevel":"low"}"#.utf8)).get().input)
        #expect(rooted.action == .wipeData)
        let high = program.evaluate(
            try program.device(json: Array(#"{"rooted":false,"threatLevel":"high"}"#.utf8)).get().input)
        #expect(high.action == .blockAccess)
    }
}
