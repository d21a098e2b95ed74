import Foundation
import Testing

@testable import Warden
@testable import WardenTools

@Suite struct FormatterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/WardenTests/Fixtures/format")

    static func files(_ dir: URL, _ suffix: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(suffix) }.sorted()
            .map { dir.appendingPathComponent($0) }
    }

    static func samples() throws -> [URL] { try files(root.appendingPathComponent("samples"), ".warden") }
    static func messy() throws -> [URL] { try files(fixtures, ".warden") }

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    static func format(_ text: String) throws -> String { try PolicyFormatter.format(text) }

    /// Golden files: `x.warden` formats to `x.formatted` (WARDEN_UPDATE_GOLDEN=1 rewrites them).
    @Test func messyInputsFormatToTheirGoldenFiles() throws {
        let inputs = try Self.messy()
        #expect(inputs.count >= 4)
        for input in inputs {
            let golden = input.deletingPathExtension().appendingPathExtension("formatted")
            let got = try Self.format(try Self.read(input))
            if ProcessInfo.processInfo.environment["WARDEN_UPDATE_GOLDEN"] == "1" {
                try got.write(to: golden, atomically: true, encoding: .utf8)
            }
            #expect(got == (try Self.read(golden)), "\(input.lastPathComponent)")
        }
    }

    /// The samples are their own golden files: they are committed formatted.
    @Test func everySampleIsFormatted() throws {
        let samples = try Self.samples()
        #expect(samples.count >= 4)
        for s in samples {
            let text = try Self.read(s)
            #expect(try Self.format(text) == text, "\(s.lastPathComponent) is not formatted")
        }
    }

    @Test func formattingIsIdempotent() throws {
        for url in try Self.samples() + Self.messy() + Self.files(Self.fixtures, ".formatted") {
            let once = try Self.format(try Self.read(url))
            #expect(try Self.format(once) == once, "\(url.lastPathComponent)")
        }
    }

    static func dump(_ text: String) -> String {
        ASTDumper.dump(Parser.parseFile(SourceFile(name: "x", text: text)).file)
    }

    static func tokens(_ text: String) -> [String] {
        let source = SourceFile(name: "x", text: text)
        var lexer = Lexer(source, options: SyntaxOptions(keepComments: true))
        return lexer.tokenize().tokens.map { source.text($0.span) }
    }

    @Test func formattingKeepsTheTreeAndEveryTokenAndComment() throws {
        for url in try Self.samples() + Self.messy() {
            let text = try Self.read(url)
            let formatted = try Self.format(text)
            #expect(Self.dump(formatted) == Self.dump(text), "\(url.lastPathComponent)")
            #expect(Self.tokens(formatted) == Self.tokens(text), "\(url.lastPathComponent)")
        }
    }

    /// Rewrites the whitespace between tokens at random (spaces, tabs, line breaks), keeping blank
    /// lines and the lines comments sit on; the layout must come back the same.
    static func scramble(_ text: String, seed: UInt64) -> String {
        var rng = seed
        func next() -> Int {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: rng >> 33)
        }
        let source = SourceFile(name: "x", text: text)
        var lexer = Lexer(source, options: SyntaxOptions(keepComments: true))
        let tokens = lexer.tokenize().tokens.filter { $0.kind != .eof }
        var out = ""
        var previous: Token?
        for t in tokens {
            if let p = previous {
                let gap = source.text(SourceSpan(start: p.span.end, end: t.span.start))
                let newlines = gap.filter { $0 == "\n" }.count
                if newlines >= 2 {
                    out += "\n\n"
                } else if p.kind == .comment || (t.kind == .comment && newlines > 0) {
                    out += "\n" + String(repeating: " ", count: next() % 5)
                } else if t.kind == .comment {
                    out += String(repeating: " ", count: 1 + next() % 3)
                } else {
                    let choices = [" ", "  ", "\t", "\n", "\n      ", " \n  "]
                    out += gap.isEmpty && next() % 2 == 0 ? "" : choices[next() % choices.count]
                }
            }
            out += source.text(t.span)
            previous = t
        }
        return out + "\n"
    }

    @Test func scrambledSamplesFormatBackToTheSamples() throws {
        for url in try Self.samples() {
            let text = try Self.read(url)
            for seed in 1...5 as ClosedRange<UInt64> {
                let scrambled = Self.scramble(text, seed: seed)
                // Adjacent tokens that would merge when glued (two words) get a space back by the lexer
                // check below; skip seeds that changed the token stream.
                guard Self.tokens(scrambled) == Self.tokens(text) else { continue }
                #expect(try Self.format(scrambled) == text, "\(url.lastPathComponent) seed \(seed)")
            }
        }
    }

    static func decisions(_ policy: String, devices: [UInt8]) throws -> [String] {
        let program = try Engine().compile(policy)
        return devices.split(separator: 0x0A).map { line in
            guard case .success(let d) = program.device(json: Array(line)) else { return "invalid" }
            let x = program.evaluate(d.input)
            return "\(x.action) \(x.fired.map { "\($0.name):\($0.message ?? "")" }) \(x.errors.map(\.message)) "
                + "\(x.warnings) \(x.config.map { "\($0.key)=\($0.jsonText)" })"
        }
    }

    /// Formatting never changes a decision: every sample, scrambled and formatted, decides every sample
    /// device as before.
    @Test func formattingKeepsTheDecisionsOnTheSampleDevices() throws {
        let devices = Array(try Data(contentsOf: Self.root.appendingPathComponent("samples/devices.jsonl")))
        for url in try Self.samples() {
            let text = try Self.read(url)
            let scrambled = Self.scramble(text, seed: 7)
            let before = try Self.decisions(scrambled, devices: devices)
            let after = try Self.decisions(try Self.format(scrambled), devices: devices)
            #expect(before.count >= 10)
            #expect(before == after, "\(url.lastPathComponent)")
        }
    }

    @Test func aFileWithSyntaxErrorsIsRefused() throws {
        #expect(throws: CompileError.self) { try PolicyFormatter.format("rule \"x\" when then warn\n") }
        #expect(throws: CompileError.self) { try PolicyFormatter.format("rule \"x\" when \"unterminated then warn\n") }
    }

    @Test func layoutDetails() throws {
        #expect(try Self.format("") == "")
        #expect(try Self.format("\n\n# only a comment\n\n\n") == "# only a comment\n")
        #expect(try Self.format("when a&&b then warn") == "when a && b then warn\n")
        #expect(try Self.format("let x=-1-(-2)*f( a,b )[0].c") == "let x = -1 - (-2) * f(a, b)[0].c\n")
        #expect(try Self.format("let m={ 'a' :1,\"b\":c?1:2 }") == "let m = {'a': 1, \"b\": c ? 1 : 2}\n")
        #expect(
            try Self.format("rule \"a\" when x then warn\n\n\n\nrule \"bb\" when y then warn")
                == "rule \"a\" when x then warn\n\nrule \"bb\" when y then warn\n")
        #expect(
            try Self.format("rule \"a\" when x then warn\nrule \"bb\" when y then warn")
                == "rule \"a\"  when x then warn\nrule \"bb\" when y then warn\n")
        #expect(
            try Self.format("config \"c\" for groups[\"G\"]apps [\"a\"] { vpn=1 antiphishing = 0 }")
                == "config \"c\" for groups [\"G\"] apps [\"a\"] {\n  vpn          = 1\n  antiphishing = 0\n}\n")
    }
}
