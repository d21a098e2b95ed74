import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// Language tests kept as data: every `Fixtures/language/*.warden` file is compiled, and its
/// annotations say what must happen.
///
///     # error 3:15: unknown fact `threatLevl`          a diagnostic at line 3, column 15 containing the text
///     # warning 7:3: has no effect                       likewise for a warning
///     # device: {"threatLevel": "high"}                  a device (facts JSON) ...
///     # decision: blockAccess [high threat, rule#2]      ... and its expected action and fired rules, in order
///     # errors: 1                                         ... optionally, how many errors the decision lists
///     # warnings: 1                                       ... optionally, how many warnings the decision lists
///     # config: DefenderDeviceTag="kiosk" vpn=1           ... optionally, configuration values it must hold
///                                                           (`KEY=-` for a key that must be absent)
///
/// A file without `# error` lines must compile; every diagnostic must be expected.
@Suite struct LanguageFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/language")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".warden") }.sorted()
    }

    struct Expectation {
        var severity: String
        var line: Int
        var column: Int
        var text: String
    }

    @Test(arguments: files)
    func fixtureBehavesAsAnnotated(_ name: String) throws {
        let path = Self.directory.appendingPathComponent(name).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var expected: [Expectation] = []
        var devices: [(String, String, Int?)] = []
        var pendingDevice: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            for sev in ["error", "warning"] where line.hasPrefix("# \(sev) ") {
                let rest = line.dropFirst(sev.count + 3)
                let parts = rest.split(separator: ":", maxSplits: 2)
                if parts.count == 3, let l = Int(parts[0]), let c = Int(parts[1]) {
                    expected.append(
                        Expectation(
                            severity: sev, line: l, column: c,
                            text: parts[2].trimmingCharacters(in: .whitespaces)))
                }
            }
            if line.hasPrefix("# device:") { pendingDevice = String(line.dropFirst(9)) }
            if line.hasPrefix("# decision:"), let d = pendingDevice {
                devices.append((d, String(line.dropFirst(11)).trimmingCharacters(in: .whitespaces), nil))
                pendingDevice = nil
            }
            if line.hasPrefix("# errors:"), let n = Int(line.dropFirst(9).trimmingCharacters(in: .whitespaces)),
                !devices.isEmpty
            {
                devices[devices.count - 1].2 = n
            }
        }
        let source = SourceFile(name: name, text: text)
        let engine = Engine()
        let diagnostics = engine.diagnose(source).filter { $0.severity != .note }
        var unmatched = diagnostics
        for e in expected {
            let idx = unmatched.firstIndex { d in
                let loc = source.location(of: d.span.start)
                return d.severity.rawValue == e.severity && loc.line == e.line && loc.column == e.column
                    && d.message.contains(e.text)
            }
            if let idx {
                unmatched.remove(at: idx)
            } else {
                let got = diagnostics.map { $0.rendered(in: source) }.joined()
                Issue.record(
                    "\(name): expected \(e.severity) at \(e.line):\(e.column) containing `\(e.text)`; got:\n\(got)")
            }
        }
        for d in unmatched {
            Issue.record("\(name): unexpected diagnostic:\n\(d.rendered(in: source))")
        }
        guard !devices.isEmpty else { return }
        let program = try engine.compile(source)
        try checkDecisionDetails(name, text, program)
        for (json, decision, errorCount) in devices {
            let device = try program.device(json: Array(json.utf8)).get()
            let d = program.evaluate(device.input)
            let fired = d.fired.map(\.name).joined(separator: ", ")
            let actual = "\(d.action.rawValue) [\(fired)]"
            #expect(
                actual == decision,
                "\(name): device \(json)\n\(DecisionText.explanation(d, program: program, showConfig: false))")
            if let errorCount {
                #expect(d.errors.count == errorCount, "\(name): device \(json) errors \(d.errors)")
            }
        }
    }

    /// The `# warnings:` and `# config:` annotations of the device before them.
    func checkDecisionDetails(_ name: String, _ text: String, _ program: Program) throws {
        var device: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("# device:") { device = String(line.dropFirst(9)) }
            guard let json = device else { continue }
            let isWarnings = line.hasPrefix("# warnings:")
            let isConfig = line.hasPrefix("# config:")
            guard isWarnings || isConfig else { continue }
            let d = program.evaluate(try program.device(json: Array(json.utf8)).get().input)
            if isWarnings, let n = Int(line.dropFirst(11).trimmingCharacters(in: .whitespaces)) {
                #expect(d.warnings.count == n, "\(name): device \(json) warnings \(d.warnings)")
            }
            if isConfig {
                for pair in line.dropFirst(9).split(separator: " ") {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard kv.count == 2 else { continue }
                    let got = d.config.first { $0.key == kv[0] }?.jsonText ?? "-"
                    #expect(got == kv[1], "\(name): device \(json) \(kv[0])")
                }
            }
        }
    }

    /// Policy-set fixtures: each folder under `Fixtures/language/sets/` is one set (its `.warden`
    /// files in name order), annotated as above; an `# error L:C:` line refers to its own file.
    static var setFolders: [String] {
        let dir = directory.appendingPathComponent("sets").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    @Test(arguments: setFolders)
    func policySetFixtureBehavesAsAnnotated(_ folder: String) throws {
        let dir = Self.directory.appendingPathComponent("sets/\(folder)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".warden") }
            .sorted()
        var sources: [SourceFile] = []
        var expected: [(file: String, e: Expectation)] = []
        var devices: [(String, String)] = []
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            sources.append(SourceFile(name: name, text: text))
            var pending: String?
            for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                for sev in ["error", "warning"] where line.hasPrefix("# \(sev) ") {
                    let parts = line.dropFirst(sev.count + 3).split(separator: ":", maxSplits: 2)
                    if parts.count == 3, let l = Int(parts[0]), let c = Int(parts[1]) {
                        expected.append(
                            (
                                name,
                                Expectation(
                                    severity: sev, line: l, column: c,
                                    text: parts[2].trimmingCharacters(in: .whitespaces))
                            ))
                    }
                }
                if line.hasPrefix("# device:") { pending = String(line.dropFirst(9)) }
                if line.hasPrefix("# decision:"), let d = pending {
                    devices.append((d, String(line.dropFirst(11)).trimmingCharacters(in: .whitespaces)))
                    pending = nil
                }
            }
        }
        let engine = Engine()
        var diagnostics: [Diagnostic] = []
        var joined = SourceFile.joining(sources)
        do {
            let program = try engine.compile(sources)
            diagnostics = program.warnings
            joined = program.source
        } catch {
            diagnostics = error.diagnostics
            joined = error.source
        }
        var unmatched = diagnostics.filter { $0.severity != .note }
        for (file, e) in expected {
            let idx = unmatched.firstIndex { d in
                let loc = joined.location(of: d.span.start)
                return joined.fileName(at: d.span.start) == file && d.severity.rawValue == e.severity
                    && loc.line == e.line && loc.column == e.column && d.message.contains(e.text)
            }
            if let idx {
                unmatched.remove(at: idx)
            } else {
                let got = diagnostics.map { $0.rendered(in: joined) }.joined()
                Issue.record(
                    "\(folder)/\(file): expected \(e.severity) at \(e.line):\(e.column) containing `\(e.text)`; got:\n\(got)"
                )
            }
        }
        for d in unmatched { Issue.record("\(folder): unexpected diagnostic:\n\(d.rendered(in: joined))") }
        guard !devices.isEmpty else { return }
        let program = try engine.compile(sources)
        for (json, decision) in devices {
            let d = program.evaluate(try program.device(json: Array(json.utf8)).get().input)
            let actual = "\(d.action.rawValue) [\(d.fired.map(\.name).joined(separator: ", "))]"
            #expect(actual == decision, "\(folder): device \(json) \(d)")
        }
    }
}
