import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// `warden analyze` and `warden diff` against golden files: every `Fixtures/analysis/*.warden`
/// has its expected report in `*.expected`, and every `diff/NAME.old.warden` with
/// `diff/NAME.new.warden` has `diff/NAME.expected`. `WARDEN_UPDATE_GOLDEN=1` rewrites them.
@Suite struct AnalysisFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/analysis")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".warden") }.sorted()
    }

    static var diffs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("diff").path)) ?? [])
            .filter { $0.hasSuffix(".old.warden") }.map { String($0.dropLast(".old.warden".count)) }.sorted()
    }

    static var updating: Bool { ProcessInfo.processInfo.environment["WARDEN_UPDATE_GOLDEN"] == "1" }

    static func compile(_ path: URL, name: String) throws -> Program {
        try Engine().compile(String(contentsOf: path, encoding: .utf8), name: name)
    }

    static func golden(_ actual: String, _ url: URL) throws {
        if updating {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(url.lastPathComponent):\n\(actual)")
    }

    @Test(arguments: files)
    func analysisReportMatchesItsGoldenFile(_ name: String) throws {
        let program = try Self.compile(Self.directory.appendingPathComponent(name), name: name)
        let report = PolicyAnalyzer(program: program).run()
        try Self.golden(
            report.text(name: name),
            Self.directory.appendingPathComponent(String(name.dropLast(".warden".count)) + ".expected"))
    }

    @Test func everyFindingKindHasAFixture() throws {
        var kinds = Set<AnalysisFinding.Kind>()
        for name in Self.files {
            let program = try Self.compile(Self.directory.appendingPathComponent(name), name: name)
            for f in PolicyAnalyzer(program: program).run().findings { kinds.insert(f.kind) }
        }
        #expect(kinds == Set(AnalysisFinding.Kind.allCases))
    }

    /// The example devices in the reports do what the finding says, on the real engine.
    @Test(arguments: files)
    func exampleDevicesDemonstrateTheirFindings(_ name: String) throws {
        let program = try Self.compile(Self.directory.appendingPathComponent(name), name: name)
        for f in PolicyAnalyzer(program: program).run().findings {
            guard let e = f.example, let ri = f.rule else { continue }
            guard case .success(let device) = program.device(json: Array(e.utf8)) else {
                Issue.record("\(name): example is not a device: \(e)")
                continue
            }
            let fired = Set(program.evaluate(device.input).fired.map(\.name))
            let rules = program.policy.rules
            #expect(fired.contains(rules[ri].name), "\(name): \(f.subject) does not fire on \(e)")
            if let other = f.other { #expect(fired.contains(rules[other].name), "\(name): \(e)") }
        }
    }

    @Test(arguments: diffs)
    func diffReportMatchesItsGoldenFile(_ name: String) throws {
        let dir = Self.directory.appendingPathComponent("diff")
        let a = try Self.compile(dir.appendingPathComponent("\(name).old.warden"), name: "\(name).old.warden")
        let b = try Self.compile(dir.appendingPathComponent("\(name).new.warden"), name: "\(name).new.warden")
        let report = PolicyDiffer(old: a, new: b).run()
        try Self.golden(report.text(), dir.appendingPathComponent("\(name).expected"))
        #expect(!report.classes.isEmpty)
        for c in report.classes {
            let e = try #require(c.example, "\(name): \(c.from) → \(c.to) has no example")
            guard case .success(let d) = a.device(json: Array(e.utf8)) else {
                Issue.record("\(name): not a device: \(e)")
                continue
            }
            #expect(a.evaluate(d.input).action != b.evaluate(d.input).action, "\(name): \(e)")
        }
    }
}
