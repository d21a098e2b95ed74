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

/// `fmt` on files with CR and CRLF line ends: CRLF files stay CRLF, the rest become LF, and the
/// meaning never changes.
@Suite struct FormatterLineEndTests {
    static let lf = """
        # header
        rule "a" when rooted then warn   # trailing

        rule "bb" when x&&y then blockAccess
        let m = '''one
        two'''

        """

    static func with(_ end: String, _ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: end)
    }

    @Test func aCrlfFileStaysCrlfAndFormatsLikeItsLFTwin() throws {
        let formattedLF = try PolicyFormatter.format(Self.lf)
        let crlf = try PolicyFormatter.format(Self.with("\r\n", Self.lf))
        #expect(crlf == Self.with("\r\n", formattedLF))
        #expect(
            !Array(crlf.utf8).enumerated().contains {
                $0.element == 0x0A && ($0.offset == 0 || Array(crlf.utf8)[$0.offset - 1] != 0x0D)
            })
        #expect(try PolicyFormatter.format(crlf) == crlf)  // idempotent
    }

    @Test func loneCRAndMixedLineEndsBecomeLF() throws {
        let formattedLF = try PolicyFormatter.format(Self.lf)
        #expect(try PolicyFormatter.format(Self.with("\r", Self.lf)) == formattedLF)
        // The first line end decides: LF first, so the CRLFs after it become LF.
        #expect(
            try PolicyFormatter.format("when a then warn\nwhen b then warn\r\n")
                == "when a then warn\nwhen b then warn\n")
        #expect(
            try PolicyFormatter.format("when a then warn\r\nwhen b then warn\n")
                == "when a then warn\r\nwhen b then warn\r\n")
    }

    @Test func aRuleAfterACarriageReturnInACommentGetsItsOwnLine() throws {
        let text = "# note\rrule \"b\" when rooted then wipeData"
        let out = try PolicyFormatter.format(text)
        #expect(out == "# note\nrule \"b\" when rooted then wipeData\n")
        let before = try Engine().compile(text)
        let after = try Engine().compile(out)
        #expect(before.ruleNames == after.ruleNames)
        #expect(after.evaluate(after.input(["rooted": .bool(true)])).action == .wipeData)
    }

    @Test func aTripleQuotedStringKeepsItsValueWhenItsLineEndsChange() throws {
        let text = "let m = '''one\r\ntwo'''\r\nwhen m == 'one\\ntwo' then warn\r\n"
        let out = try PolicyFormatter.format(text)
        #expect(out == text)
        let lf = try PolicyFormatter.format(
            text.split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "\n"))
        #expect(lf == "let m = '''one\ntwo'''\nwhen m == 'one\\ntwo' then warn\n")
        let program = try Engine().compile(out)
        #expect(program.evaluate(program.input([:])).action == .warn)
    }
}
