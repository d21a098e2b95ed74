import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// Every ```warden block of the README compiles, and its tests pass with no decision errors: the
/// user's first impression must not be a broken example.
@Suite struct ReadmeTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")
    static let snippetsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("ReadmeSnippets.swift")

    /// Names a README Swift block may use without declaring them, with the type they have there.
    static let assumed: [(name: String, type: String)] = [
        ("policyText", "String"), ("jsonLines", "[String]"), ("program", "Program"), ("inputs", "[Input]"),
    ]

    /// ReadmeSnippets.swift as the README's ```swift blocks make it: each block verbatim (its
    /// `import` lines moved to the top of the file) in a function whose parameters declare the
    /// names it assumes. Compiling the test target compiles the README's Swift.
    static func generatedSnippets(readme text: String) -> String {
        var out = """
            // GENERATED from README.md's ```swift blocks: do not edit. Regenerate with
            //   WARDEN_UPDATE_README=1 swift test --filter ReadmeTests
            // ReadmeTests fails while this file differs from what the README generates, so the README's
            // Swift compiles with the test target (and `readmeSwiftSnippetsRun` runs each one).
            // Plain `import Warden`: the snippets may use public API only. The README's layout is kept
            // verbatim, so swift-format leaves this file alone:
            // swift-format-ignore-file
            import Warden

            enum ReadmeSnippets {

            """
        var block: [String]? = nil
        var index = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if block == nil {
                if line == "```swift" {
                    block = []
                }
                continue
            }
            if line.hasPrefix("```") {
                index += 1
                let body = (block ?? []).filter { !$0.hasPrefix("import ") }.drop { $0.isEmpty }
                let code = body.joined(separator: "\n")
                let params = assumed.filter { p in
                    uses(code, p.name) && !code.contains("let \(p.name) ") && !code.contains("var \(p.name) ")
                }
                out +=
                    "    /// README.md's ```swift block number \(index) (no line number: edits elsewhere in the README do not stale this file).\n"
                out +=
                    "    static func snippet\(index)(\(params.map { "\($0.name): \($0.type)" }.joined(separator: ", "))) throws {\n"
                for l in body { out += l.isEmpty ? "\n" : "        \(l)\n" }
                out += "    }\n\n"
                block = nil
                continue
            }
            block?.append(String(line))
        }
        out += "    static let count = \(index)\n}\n"
        return out
    }

    /// Whether `code` uses the identifier `name` (not as part of a longer identifier).
    static func uses(_ code: String, _ name: String) -> Bool {
        var rest = Substring(code)
        while let r = rest.range(of: name) {
            let before = r.lowerBound == rest.startIndex ? nil : rest[rest.index(before: r.lowerBound)]
            let after = r.upperBound == rest.endIndex ? nil : rest[r.upperBound]
            let ident: (Character?) -> Bool = { c in c.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
            if !ident(before), !ident(after), before != "." { return true }
            rest = rest[r.upperBound...]
        }
        return false
    }

    @Test func readmeSwiftSnippetsFileIsUpToDate() throws {
        let expected = Self.generatedSnippets(readme: try String(contentsOf: Self.readme, encoding: .utf8))
        if ProcessInfo.processInfo.environment["WARDEN_UPDATE_README"] == "1" {
            try expected.write(to: Self.snippetsFile, atomically: true, encoding: .utf8)
            return
        }
        let committed = try String(contentsOf: Self.snippetsFile, encoding: .utf8)
        #expect(
            committed == expected,
            "Tests/WardenTests/ReadmeSnippets.swift is stale: run WARDEN_UPDATE_README=1 swift test --filter ReadmeTests"
        )
    }

    /// Runs every README Swift block on a small policy and two devices.
    @Test func readmeSwiftSnippetsRun() throws {
        #expect(ReadmeSnippets.count == 5, "a README Swift block was added or removed: call it here")
        let policyText = """
            policy "readme" onError blockAccess
            rule "threat" when threatLevel > medium then blockAccess
            """
        let jsonLines = [#"{"id":1,"threatLevel":"high"}"#, #"{"id":2,"threatLevel":"low"}"#, "not json"]
        try ReadmeSnippets.snippet1(policyText: policyText, jsonLines: jsonLines)
        let program = try Engine().compile(policyText, name: "readme.warden")
        let inputs = [program.input(["threatLevel": .enumMember(.threatLevel, 3)]), program.input([:])]
        try ReadmeSnippets.snippet2(program: program)
        try ReadmeSnippets.snippet3()
        try ReadmeSnippets.snippet4()  // host enums and strict facts
        try ReadmeSnippets.snippet5(program: program, inputs: inputs)
    }

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
