import Foundation
import Testing

/// Parameterised tests run one case per file of a folder, so a missing or emptied folder would make
/// them pass with zero cases. These pin that every folder they read is in the repository and holds
/// files (at least as many as today, so a lost file shows up too). Nothing here reads outside it.
@Suite struct TestInputsTests {
    /// The package root, found from this file (Tests/WardenTests/TestInputsTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func files(_ dir: String, suffix: String = "") -> [String] {
        let path = root.appendingPathComponent(dir).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") && $0.hasSuffix(suffix) }
    }

    @Test(arguments: [
        ("Tests/WardenTests/Fixtures/language", ".warden", 9),
        ("Tests/WardenTests/Fixtures/format", ".warden", 4),
        ("Tests/WardenTests/Fixtures/format", ".formatted", 4),
        ("Tests/WardenTests/Fixtures/samples", ".decisions", 4),
        ("Tests/WardenTests/Fixtures/regressions/compile", "", 3),
        ("Tests/WardenTests/Fixtures/regressions/expr", "", 1),
        ("Tests/WardenTests/Fixtures/regressions/facts", "", 1),
        ("samples", ".warden", 4),
    ])
    func everyFixtureFolderTheTestsEnumerateHasItsFiles(_ dir: String, _ suffix: String, _ minimum: Int) {
        let found = Self.files(dir, suffix: suffix).count
        #expect(found >= minimum, "\(dir): \(found) `*\(suffix)` files, expected at least \(minimum) (folder missing?)")
    }

    @Test func theConformanceCasesAndTheirGateAreInTheRepository() throws {
        let cel = "Tests/Conformance/cel"
        for file in ["cases.jsonl", "run.py", "gate.py", "expected-failures.txt", "LICENSE-cel-spec", "README.md"] {
            #expect(
                FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("\(cel)/\(file)").path),
                "missing \(cel)/\(file)")
        }
        let cases = try String(contentsOf: Self.root.appendingPathComponent("\(cel)/cases.jsonl"), encoding: .utf8)
        let lines = cases.utf8.split(separator: UInt8(ascii: "\n")).count
        #expect(lines == 2456, "cel-spec cases: \(lines) lines, expected the 2,456 converted cases")
    }
}
