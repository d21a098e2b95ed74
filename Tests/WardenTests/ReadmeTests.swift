import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// Every ```warden block of the README compiles, and its tests pass with no decision errors: the
/// user's first impression must not be a broken example.
@Suite struct ReadmeTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    @Test func everyWardenBlockCompilesAndItsTestsPass() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let blocks = text.components(separatedBy: "```warden\n").dropFirst().compactMap {
            $0.components(separatedBy: "```").first
        }
        #expect(blocks.count >= 2)
        for block in blocks {
            do {
                let program = try Engine().compile(block, name: "README.md")
                for r in program.runTests() {
                    #expect(r.passed(strict: true), "\(r.name): \(r.mismatches) \(r.decision.errors)")
                }
            } catch {
                Issue.record(Comment(rawValue: error.rendered()))
            }
        }
    }
}
