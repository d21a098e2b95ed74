import Foundation
import Testing

@testable import Warden
@testable import WardenTools

@Suite struct GrammarTests {
    /// The package root, found from this file's path (Tests/WardenTests/GrammarTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The ```warden blocks of Grammar/README.md.
    static func examples() throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("Grammar/README.md"), encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```warden" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append((current ?? []).joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func everyGrammarExampleParses() throws {
        let blocks = try Self.examples()
        #expect(blocks.count >= 4)
        for (i, block) in blocks.enumerated() {
            let src = SourceFile(name: "Grammar/README.md#\(i + 1)", text: block)
            let r = Parser.parseFile(src)
            #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map { $0.rendered(in: src) }.joined())")
            #expect(!r.file.statements.isEmpty)
        }
    }

    @Test func everySampleParses() throws {
        let dir = Self.root.appendingPathComponent("samples")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return }
        for name in names.sorted() where name.hasSuffix(".warden") {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            let src = SourceFile(name: "samples/\(name)", bytes: Array(data))
            let r = Parser.parseFile(src)
            // Samples that demonstrate errors say so in their name.
            if name.contains("bad") || name.contains("error") { continue }
            #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map { $0.rendered(in: src) }.joined())")
        }
    }

    @Test func grammarFileNamesEveryKeyword() throws {
        let ebnf = try String(contentsOf: Self.root.appendingPathComponent("Grammar/warden.ebnf"), encoding: .utf8)
        for kw in Keyword.allCases { #expect(ebnf.contains("\"\(kw.rawValue)\""), "\(kw)") }
        for word in Keyword.contextual { #expect(ebnf.contains("\"\(word)\""), "\(word)") }
    }
}
