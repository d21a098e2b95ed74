import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The fuzz targets' entry points, mirrored for the regression tests: every reproducer in
/// `Fixtures/regressions/<target>/` goes through the same calls as `Sources/WardenFuzz<Target>`.
enum FuzzEntry {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let regressions = root.appendingPathComponent("Fixtures/regressions")
    static let packageRoot = root.deletingLastPathComponent().deletingLastPathComponent()

    static let device = Array(
        """
        {"id":1,"threatLevel":"medium","defenderActive":true,"rooted":false,"osVersion":"14.0.1",\
        "patchLevel":"2024-06-05","manufacturer":"google","model":"Pixel 8","management":"unmanaged",\
        "playIntegrity":"strong","deviceLock":"high","appId":"com.microsoft.office.outlook",\
        "offlineMinutes":5,"pinAttempts":0,"accountDisabled":false,"tags":["BYOD","x"],"groups":["Sales"],\
        "companyPortalVersion":"5.0.6100.0","companyPortalAgeDays":30,"today":"2024-07-01"}
        """.utf8)

    /// Target `compile`: arbitrary bytes as a policy, then the formatter on them.
    static func compile(_ bytes: [UInt8]) {
        let source = SourceFile(name: "fuzz.warden", bytes: bytes)
        evaluateIfCompiles(source)
        if let once = try? PolicyFormatter.format(source) {
            #expect((try? PolicyFormatter.format(once, name: "fuzz.warden")) == once, "fmt is idempotent")
        } else {
            do {
                _ = try PolicyFormatter.format(source)
            } catch {
                #expect(!error.diagnostics.contains { $0.message.hasPrefix("internal formatter error") })
            }
        }
    }

    /// Target `expr`: arbitrary bytes as an expression, typed (alone and with a policy's lets) and CEL.
    static func expr(_ bytes: [UInt8]) {
        let engine = Engine()
        let text = String(decoding: bytes, as: UTF8.self)
        let context = try? engine.compile(
            "let minimumOs = version(\"11.0\")\nlet trusted = [\"samsung\", \"google\"]\n"
                + "let risky = threatLevel >= medium || rooted\nrule \"r\" when risky then warn\n")
        let device = try? engine.schema.device(json: Self.device).get().input
        for ctx in [nil, context] {
            do {
                let e = try engine.compileExpression(text, context: ctx)
                _ = e.evaluate(engine.schema.emptyInput()).map(\.display)
                if let device { _ = e.evaluate(device).map(\.typedJSON) }
            } catch {
                _ = error.rendered()
            }
        }
        let bindings = Array(
            #"{"x":{"int":"5"},"u":{"uint":"7"},"d":{"double":"2.5"},"s":{"string":"héllo"},"b":{"bool":true},"n":{"null":null}}"#
                .utf8)
        _ = CELMode.run(expression: text, bindingsJSON: nil, json: true)
        _ = CELMode.run(expression: text, bindingsJSON: bindings, json: false)
    }

    static func evaluateIfCompiles(_ source: SourceFile) {
        do {
            let program = try Engine().compile(source)
            _ = program.evaluate(program.input([:]))
            if case .success(let d) = program.device(json: device) { _ = program.evaluate(d.input) }
        } catch {
            _ = error.rendered()
        }
    }

    /// The fixed policy of target `facts`, read from the harness so the two cannot drift apart.
    static let factsProgram: Program? = {
        let path = packageRoot.appendingPathComponent("Sources/WardenFuzzFacts/FuzzFacts.swift").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let start = text.range(of: "static let policyText = \"\"\"\n"),
            let end = text.range(of: "\"\"\"", range: start.upperBound..<text.endIndex)
        else { return nil }
        let body = text[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : String($0) }.joined(separator: "\n")
        return try? Engine().compile(body, name: "fuzz-facts.warden")
    }()

    /// Target `facts`: arbitrary bytes as facts JSON for the fixed policy, every way the CLI reads them.
    static func facts(_ bytes: [UInt8]) throws {
        let program = try #require(factsProgram, "the fuzz facts policy must compile")
        var writer = DecisionWriter()
        func emit(_ n: Int, _ line: DeviceLine) {
            switch line {
            case .device(var d):
                d.input.setIfMissing("today", .date(Day(daysSinceEpoch: 19_900)), in: program.schema)
                let decision = program.evaluate(d.input)
                writer.write(decision, id: d.idJSON)
                _ = DecisionText.render(
                    decision, program: program, device: d.idJSON ?? "line \(n)", explain: true, showConfig: true)
            case .invalid(let e):
                writer.writeInvalid(line: n, message: e.message, action: program.onError)
            }
        }
        switch program.devices(jsonDocument: bytes) {
        case .success(let lines): for (i, l) in lines.enumerated() { emit(i + 1, l) }
        case .failure(let e): writer.writeInvalid(line: 1, message: e.message, action: program.onError)
        }
        var stream = DeviceStream(program: program, maxLineBytes: 4096)
        let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        bytes.withUnsafeBytes { raw in
            stream.feed(UnsafeRawBufferPointer(rebasing: raw[0..<cut]), emit)
            stream.feed(UnsafeRawBufferPointer(rebasing: raw[cut...]), emit)
        }
        stream.finish(emit)
    }

    static func reproducers(_ target: String) -> [String] {
        let dir = regressions.appendingPathComponent(target)
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted().map { "\(target)/\($0)" }
    }
}

@Suite struct HostileInputTests {
    // MARK: - Fuzz reproducers

    static var reproducers: [String] {
        FuzzEntry.reproducers("compile") + FuzzEntry.reproducers("facts") + FuzzEntry.reproducers("expr")
    }

    /// Every input the fuzzers ever crashed, hung or tripped ASan on now runs cleanly and quickly.
    @Test(arguments: reproducers)
    func fuzzReproducerRunsCleanly(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: FuzzEntry.regressions.appendingPathComponent(name)))
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            switch name.split(separator: "/").first {
            case "compile": FuzzEntry.compile(bytes)
            case "expr": FuzzEntry.expr(bytes)
            default: try FuzzEntry.facts(bytes)
            }
        }
        #expect(elapsed < .seconds(10), "\(name) took \(elapsed)")
    }

    @Test func fuzzFactsPolicyCompiles() throws {
        let program = try #require(FuzzEntry.factsProgram)
        #expect(program.ruleNames.count >= 15)
        try FuzzEntry.facts(Array(#"{"id":1,"tags":["BYOD"]}"#.utf8))
    }

    // MARK: - Limits (LANGUAGE.md §8)

    static func limits(_ body: (inout Limits) -> Void) -> Engine {
        var l = Limits()
        body(&l)
        return Engine(limits: l)
    }

    static func compileError(_ engine: Engine, _ text: String) -> CompileError? {
        do {
            _ = try engine.compile(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsAreFarAboveRealPolicies() {
        let l = Limits.default
        #expect(l.maxSourceBytes == 4 << 20)
        #expect(l.maxNesting == 100)
        #expect(l.maxDiagnostics == 100)
        #expect(l.maxSteps == 1_000_000)
        #expect(l.maxStringBytes == 1 << 20)
        #expect(l.maxListLength == 100_000)
        #expect(l.maxDecisionSteps == 1_000_000)
        #expect(l.maxDecisionBytes == 64 << 20)
    }

    @Test func sourceOverTheSizeLimitIsOneClearError() throws {
        let engine = Self.limits { $0.maxSourceBytes = 64 }
        let text = "rule \"r\" when rooted then warn\n" + String(repeating: "# padding\n", count: 10)
        let err = try #require(Self.compileError(engine, text))
        #expect(err.diagnostics.count == 1)
        #expect(err.diagnostics[0].message == "source is \(text.utf8.count) bytes, over the limit of 64")
        #expect(throws: Never.self) { try Engine().compile(text) }
    }

    @Test func defaultSourceLimitRejectsFiveMegabytes() throws {
        let text = "rule \"r\" when model == \"" + String(repeating: "a", count: 5 << 20) + "\" then warn"
        let err = try #require(Self.compileError(Engine(), text))
        #expect(err.diagnostics.first?.message.contains("over the limit of 4194304") == true)
    }

    @Test(arguments: [
        ("(", ")"), ("[", "]"), ("!", ""), ("-", ""), ("not ", ""), ("[1,", "]"), ("size(", ")"),
        ("{1: ", "}"), ("true ? 1 : ", ""), ("pinAttempts.", ""),
    ])
    func nestingOverTheLimitIsOneClearError(_ open: String, _ close: String) throws {
        let limit = Limits.default.maxNesting
        for depth in [limit + 1, 100_000] {
            let expr = String(repeating: open, count: depth) + "pinAttempts" + String(repeating: close, count: depth)
            let err = try #require(Self.compileError(Engine(), "let x = \(expr)\nrule \"r\" when rooted then warn"))
            #expect(
                err.diagnostics.contains { $0.message == "expression is nested too deeply (limit \(limit))" }, "\(open)"
            )
            #expect(err.diagnostics.count <= 3, "\(open) x\(depth): \(err.diagnostics.map(\.message))")
        }
    }

    @Test func nestingLimitIsSetByTheHost() throws {
        let engine = Self.limits { $0.maxNesting = 10 }
        let deep = String(repeating: "(", count: 11) + "rooted" + String(repeating: ")", count: 11)
        let err = try #require(Self.compileError(engine, "rule \"r\" when \(deep) then warn"))
        #expect(err.diagnostics.contains { $0.message == "expression is nested too deeply (limit 10)" })
        let shallow = String(repeating: "(", count: 5) + "rooted" + String(repeating: ")", count: 5)
        #expect(throws: Never.self) { try engine.compile("rule \"r\" when \(shallow) then warn") }
    }

    @Test func longFlatChainsNeedNoDeepRecursion() throws {
        // 100,000 operands of one precedence level are parsed in a loop and evaluated in a loop.
        let sum = "pinAttempts" + String(repeating: " + 1", count: 100_000)
        let program = try Engine().compile("rule \"r\" when \(sum) > 5 then warn")
        #expect(program.evaluate(program.input(["pinAttempts": .int(0)])).action == .warn)
        let ors = Array(repeating: "rooted", count: 50_000).joined(separator: " || ")
        let p2 = try Engine().compile("rule \"r\" when \(ors) then warn")
        #expect(p2.evaluate(p2.input(["rooted": .bool(false)])).action == .allow)
    }

    @Test func diagnosticsAreCappedWithACount() throws {
        let bad = (0..<150).map { "rule \"r\($0)\" when threatLevl > medium then warn" }.joined(separator: "\n")
        let err = try #require(Self.compileError(Engine(), bad))
        #expect(err.diagnostics.filter { $0.severity == .error }.count == 101)
        #expect(err.diagnostics.last?.message == "50 more errors not shown")
        let small = Self.limits { $0.maxDiagnostics = 3 }
        let err3 = try #require(Self.compileError(small, bad))
        #expect(err3.diagnostics.count == 4)
        #expect(err3.diagnostics.last?.message == "147 more errors not shown")
        let one = (0..<4).map { "rule \"r\($0)\" when threatLevl > medium then warn" }.joined(separator: "\n")
        #expect(Self.compileError(small, one)?.diagnostics.last?.message == "1 more error not shown")
    }

    /// The rule error of the only rule of a one-device evaluation.
    static func ruleError(_ engine: Engine, _ condition: String, _ facts: [String: Value] = [:]) throws -> (
        Decision, String?
    ) {
        let program = try engine.compile("rule \"r\" when \(condition) then warn")
        let d = program.evaluate(program.input(facts))
        return (d, d.errors.first?.message)
    }

    @Test func stringsBuiltAtEvaluationAreBounded() throws {
        // Doubling a string through lets: 2^21 bytes > the 1 MiB default.
        var lets = "let s0 = \"x\"\n"
        for i in 1...21 { lets += "let s\(i) = s\(i - 1) + s\(i - 1)\n" }
        let program = try Engine().compile(lets + "rule \"r\" when size(s21) > 0 then warn")
        let d = program.evaluate(program.input([:]))
        #expect(d.action == .blockAccess)
        #expect(d.errors.first?.message.hasPrefix("string longer than the limit of 1048576 bytes") == true)
        let small = Self.limits { $0.maxStringBytes = 10 }
        let (d2, m2) = try Self.ruleError(small, "model + model == \"\"", ["model": .string("abcdef")])
        #expect(d2.action == .blockAccess)
        #expect(m2 == "string longer than the limit of 10 bytes")
        let (_, m3) = try Self.ruleError(small, "upper(model) == \"\"", ["model": .string("abcdefghijklm")])
        #expect(m3 == "string longer than the limit of 10 bytes")
    }

    @Test func listsBuiltAtEvaluationAreBounded() throws {
        var lets = "let l0 = [1, 2]\n"
        for i in 1...17 { lets += "let l\(i) = l\(i - 1) + l\(i - 1)\n" }
        let program = try Engine().compile(lets + "rule \"r\" when size(l17) > 0 then warn")
        let d = program.evaluate(program.input([:]))
        #expect(d.action == .blockAccess)
        #expect(d.errors.first?.message.hasPrefix("list longer than the limit of 100000 elements") == true)
        let small = Self.limits { $0.maxListLength = 3 }
        let (_, m) = try Self.ruleError(small, "size(tags + tags) > 0", ["tags": .list([.string("a"), .string("b")])])
        #expect(m == "list longer than the limit of 3 elements")
        let (_, m2) = try Self.ruleError(small, "size([1, 2, 3, 4]) > 0")
        #expect(m2 == "list longer than the limit of 3 elements")
    }

    static func manyTags(_ n: Int) -> Value { .list((0..<n).map { .string("t\($0)") }) }

    @Test func listConcatenationCostsOneStepPerElement() throws {
        // Memory built by concatenation is bounded by the step budget: a 4-line policy used to
        // hold 500 MB (`tags.map(t, l + l)` with l of 48,000 elements, 2,000 tags).
        let small = Self.limits { $0.maxSteps = 50_000 }
        let (d, m) = try Self.ruleError(small, "size(tags + tags) > 0", ["tags": Self.manyTags(30_000)])
        #expect(d.action == .blockAccess)
        #expect(m == "evaluation cost limit exceeded (50000 steps)")
        let (d2, _) = try Self.ruleError(small, "size(tags + tags) > 0", ["tags": Self.manyTags(20_000)])
        #expect(d2.errors.isEmpty && d2.action == .warn)
    }

    @Test func comprehensionCostIsBounded() throws {
        // 3,000 x 3,000 iterations: far over one million steps, stopped quickly.
        let clock = ContinuousClock()
        var result: (Decision, String?)?
        let t = try clock.measure {
            result = try Self.ruleError(
                Engine(), "tags.all(a, tags.all(b, a == b || a != b + \"!\"))", ["tags": Self.manyTags(3_000)])
        }
        #expect(result?.0.action == .blockAccess)
        #expect(result?.1 == "evaluation cost limit exceeded (1000000 steps)")
        #expect(t < .seconds(20))
        let small = Self.limits { $0.maxSteps = 50 }
        let (d, m) = try Self.ruleError(small, "tags.exists(t, t == \"none\")", ["tags": Self.manyTags(100)])
        #expect(d.action == .blockAccess)
        #expect(m == "evaluation cost limit exceeded (50 steps)")
        let (d2, _) = try Self.ruleError(small, "tags.exists(t, t == \"none\")", ["tags": Self.manyTags(5)])
        #expect(d2.errors.isEmpty)
    }

    @Test func matchesOnLongStringsIsLinearAndBounded() throws {
        // A pattern that is exponential for backtracking engines, on 100,000 characters: the
        // automaton answers in linear time, within the default budget.
        let long = String(repeating: "a", count: 100_000) + "!"
        let clock = ContinuousClock()
        var r: (Decision, String?)?
        let t = try clock.measure {
            r = try Self.ruleError(Engine(), "model.matches(\"^(a+)+$\")", ["model": .string(long)])
        }
        #expect(t < .seconds(20))
        #expect(r?.0.errors.isEmpty == true)
        #expect(r?.0.action == .allow)
        // A smaller budget stops the scan with the cost error, and the rule fails closed.
        let small = Self.limits { $0.maxSteps = 10_000 }
        let (d, m) = try Self.ruleError(small, "model.matches(\"^(a+)+$\")", ["model": .string(long)])
        #expect(d.action == .blockAccess)
        #expect(m == "evaluation cost limit exceeded (10000 steps)")
    }

    @Test func substringSearchIsLinear() throws {
        // The naive scan made this about 2.5 x 10^11 byte comparisons.
        let hay = String(repeating: "a", count: 1 << 20)
        let needle = String(repeating: "a", count: 1 << 19) + "b"
        let clock = ContinuousClock()
        var r: (Decision, String?)?
        let t = try clock.measure {
            r = try Self.ruleError(
                Engine(), "model.contains(manufacturer) || manufacturer.contains(model)",
                [
                    "model": .string(hay), "manufacturer": .string(needle),
                ])
        }
        #expect(t < .seconds(10))
        #expect(r?.0.errors.isEmpty == true && r?.0.action == .allow)
        for (h, n, want) in [
            ("abcabd", "abd", true), ("aab", "ab", true), ("abab", "abb", false), ("x", "", true), ("", "x", false),
            ("ababcabab", "abcab", true), ("héllo", "él", true),
        ] {
            #expect(Builtins.stringContains(h, n) == want, "\(h) contains \(n)")
        }
    }

    @Test func deeplyNestedPatternsFromFactsFailClosed() throws {
        let deep = String(repeating: "(", count: 5_000) + "a" + String(repeating: ")", count: 5_000)
        let (d, m) = try Self.ruleError(
            Engine(), "model.matches(manufacturer)", ["model": .string("a"), "manufacturer": .string(deep)])
        #expect(d.action == .blockAccess)
        #expect(m?.contains("nests too deeply") == true, "\(m ?? "")")
    }

    @Test func regexPatternsThatCompileHugeAreRejected() throws {
        let (d, m) = try Self.ruleError(
            Engine(), "model.matches(manufacturer)",
            [
                "model": .string("x"), "manufacturer": .string("((a{1000}){1000}){1000}"),
            ])
        #expect(d.action == .blockAccess)
        #expect(m?.hasPrefix("invalid regular expression") == true, "\(m ?? "")")
    }

    // MARK: - Hostile sources: never a crash, always a diagnostic

    static let hostileSources: [(String, [UInt8])] = [
        ("empty", []),
        ("NUL bytes", Array("rule \"a\0b\" when rooted\0 then warn\0".utf8)),
        ("invalid UTF-8", [0x72, 0x75, 0x6C, 0x65, 0x20, 0xFF, 0xFE, 0xC3, 0x28, 0x22, 0xE2, 0x82]),
        ("lone surrogate escape", Array(#"rule "r" when model == "\uD800" then warn"#.utf8)),
        ("huge integer", Array("rule \"r\" when pinAttempts > 99999999999999999999999999999999999 then warn".utf8)),
        ("huge uint", Array("rule \"r\" when 18446744073709551616u > 1u then warn".utf8)),
        ("min int", Array("rule \"r\" when -9223372036854775808 < pinAttempts then warn".utf8)),
        ("huge double", Array("rule \"r\" when 1e999999 > 0.0 then warn".utf8)),
        ("unterminated string", Array("rule \"r when rooted then warn".utf8)),
        ("unterminated triple string", Array("let x = '''abc".utf8)),
        ("bad escapes", Array(#"let x = "\q\x\u12\U0011FFFF\777""#.utf8)),
        ("only operators", Array(String(repeating: "+-*/%<>=!&|?:.,", count: 1000).utf8)),
        ("unclosed braces", Array(String(repeating: "config \"c\" {", count: 5000).utf8)),
        (
            "many rules",
            Array((0..<5000).map { "rule \"r\($0)\" when pinAttempts > \($0) then warn" }.joined(separator: "\n").utf8)
        ),
        ("long identifier", Array(("rule \"r\" when " + String(repeating: "x", count: 1 << 20) + " then warn").utf8)),
        (
            "long line of strings",
            Array(("let x = [" + Array(repeating: "\"abc\"", count: 50_000).joined(separator: ",") + "]").utf8)
        ),
        ("CR only", Array("rule \"r\"\rwhen rooted\rthen warn\r".utf8)),
        ("BOM", [0xEF, 0xBB, 0xBF] + Array("rule \"r\" when rooted then warn".utf8)),
        ("control chars", (0..<32).map { UInt8($0) }),
        ("all bytes", (0..<256).map { UInt8($0) }),
    ]

    @Test(arguments: hostileSources.map(\.0))
    func hostileSourceGivesDiagnosticsNotACrash(_ name: String) throws {
        let bytes = try #require(Self.hostileSources.first { $0.0 == name }?.1)
        let source = SourceFile(name: "h.warden", bytes: bytes)
        let diagnostics = Engine().diagnose(source)
        for d in diagnostics { _ = d.rendered(in: source) }
        FuzzEntry.compile(bytes)
        FuzzEntry.expr(bytes)
    }

    @Test func aRunOfUnexpectedCharactersIsOneError() throws {
        let source = SourceFile(name: "at.warden", bytes: Array(repeating: UInt8(ascii: "@"), count: 1 << 20))
        let d = Engine().diagnose(source)
        #expect(d.count == 1)
        #expect(d.first?.message == "unexpected character `@`, and 1048575 more unexpected characters after it")
        // The rendered line is a window around the caret, not the megabyte.
        let rendered = d.first.map { $0.rendered(in: source) } ?? ""
        #expect(rendered.utf8.count < 1_000)
        let mixed = Engine().diagnose(SourceFile(name: "m.warden", text: "rule \"r\" when rooted @$ then warn"))
        #expect(mixed.map(\.message) == ["unexpected character `@`, and 1 more unexpected character after it"])
    }

    @Test func longLinesAreRenderedAsAWindowAroundTheCaret() throws {
        let text = "let x = " + String(repeating: "1 + ", count: 1_000) + "nope\nrule \"r\" when rooted then warn"
        let err = try #require(Self.compileError(Engine(), text))
        let rendered = err.rendered()
        #expect(rendered.contains("…1 + 1 + "))
        let lines = rendered.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].unicodeScalars.count <= 162)
        // The caret still points at `nope`.
        let caret = try #require(lines[2].firstIndex(of: "^"))
        let column = lines[2].distance(from: lines[2].startIndex, to: caret)
        #expect(lines[1].dropFirst(column).hasPrefix("nope"))
    }

    @Test func deepJSONFactsAreAnErrorNotACrash() throws {
        let program = try Engine().compile("rule \"r\" when rooted then warn")
        for depth in [300, 100_000] {
            let json = Array(
                (#"{"tags":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
            switch program.device(json: json) {
            case .success: Issue.record("depth \(depth) accepted")
            case .failure(let e): #expect(!e.message.isEmpty)
            }
        }
    }
}
