import Testing

@testable import Warden
@testable import WardenTools

@Suite struct EngineTests {
    static let policy = """
        policy "t"
        rule "high threat" when threatLevel > medium then blockAccess "at risk"
        rule "old" when osVersion < "11.0" then warn
        rule "pins" when pinAttempts >= 5 then wipeData
        """

    @Test func compiledProgramEvaluatesNamedFacts() throws {
        let program = try Engine().compile(Self.policy)
        let d = program.evaluate(
            program.input([
                "threatLevel": .enumMember(.threatLevel, 3), "osVersion": .version(try #require(Version("10"))),
                "pinAttempts": .int(0),
            ]))
        #expect(d.action == .blockAccess)
        #expect(d.fired.map(\.name) == ["high threat", "old"])
        #expect(d.fired.first?.line == 2)
        #expect(d.fired.first?.message == "at risk")
        #expect(d.errors.isEmpty)
    }

    @Test func compileErrorCarriesStructuredDiagnostics() {
        do {
            _ = try Engine().compile("when threatLevl > medium then blockAccess", name: "x.warden")
            Issue.record("expected a compile error")
        } catch {
            let d = error.diagnostics.first
            #expect(d?.severity == .error)
            #expect(d?.code == .unknownFact)
            #expect(d?.fixIt == "threatLevel")
            #expect(d.map { error.source.location(of: $0.span.start) } == SourceLocation(line: 1, column: 6))
            #expect(error.rendered().hasPrefix("x.warden:1:6: error[W0301]: unknown fact `threatLevl`"))
        }
    }

    @Test func wrongTypedNamedFactCountsAsMissingAndIsListed() throws {
        let program = try Engine().compile(Self.policy)
        let d = program.evaluate(
            program.input([
                "threatLevel": .int(3), "osVersion": .version(try #require(Version("14"))),
                "pinAttempts": .int(1),
            ]))
        #expect(d.errors.contains { if case .fact(let n, _) = $0 { n == "threatLevel" } else { false } })
        #expect(d.action == .blockAccess)  // the rule on threatLevel errs: onError blockAccess
    }

    @Test func oneProgramEvaluatesFromManyConcurrentTasks() async throws {
        let program = try Engine().compile(Self.policy)
        let expected = (0..<400).map { i in
            program.evaluate(
                program.input([
                    "threatLevel": .enumMember(.threatLevel, i % 4), "pinAttempts": .int(Int64(i % 7)),
                    "osVersion": .version(Version(i % 3 == 0 ? "9" : "12") ?? Version("1")!),
                ])
            ).action
        }
        let results = await withTaskGroup(of: (Int, [Action]).self) { group in
            for t in 0..<8 {
                group.addTask {
                    (
                        t,
                        (0..<400).map { i in
                            program.evaluate(
                                program.input([
                                    "threatLevel": .enumMember(.threatLevel, i % 4), "pinAttempts": .int(Int64(i % 7)),
                                    "osVersion": .version(Version(i % 3 == 0 ? "9" : "12") ?? Version("1")!),
                                ])
                            ).action
                        }
                    )
                }
            }
            var all: [[Action]] = []
            for await (_, r) in group { all.append(r) }
            return all
        }
        #expect(results.count == 8)
        for r in results { #expect(r == expected) }
    }

    @Test func hostFunctionsAndFactsExtendTheLanguage() throws {
        let schema = try Schema.builtIn.adding(facts: [FactDefinition("batteryPercent", .int, "battery charge")])
        let half = HostFunction(name: "half", parameters: [.int], result: .int) { args in
            guard case .int(let i)? = args.first else {
                return .failure(EvalError(.invalidArgument, "half takes an int"))
            }
            return .success(.int(i / 2))
        }
        let engine = Engine(schema: schema, functions: [half])
        let program = try engine.compile("rule \"low battery\" when half(batteryPercent) < 10 then warn")
        #expect(program.evaluate(program.input(["batteryPercent": .int(15)])).action == .warn)
        #expect(program.evaluate(program.input(["batteryPercent": .int(80)])).action == .allow)
    }

    @Test func limitsRejectOversizedSource() {
        var limits = Limits()
        limits.maxSourceBytes = 10
        #expect(throws: CompileError.self) { try Engine(limits: limits).compile("when rooted then wipeData") }
    }

    @Test func effectiveConfigurationLayersDefaultsBlocksAndSets() throws {
        let program = try Engine().compile(
            """
            config "base" { DefenderMAMConfigs = 1  vpn = 0 }
            config "finance" for groups ["Finance"] { DefenderMAMConfigs = 1  DisableSignOut = 1 }
            rule "a" when rooted then set DefenderDeviceTag = "a"
            rule "b" when rooted then set DefenderDeviceTag = "b"
            """)
        let d = program.evaluate(program.input(["rooted": .bool(true), "groups": .list([.string("Finance")])]))
        let config = Dictionary(uniqueKeysWithValues: d.config.map { ($0.key, $0.jsonText) })
        #expect(config["vpn"] == "0")
        #expect(config["antiphishing"] == "1")
        #expect(config["DisableSignOut"] == "1")
        #expect(config["DefenderDeviceTag"] == "\"b\"")
        #expect(d.warnings.count == 1)
        let other = program.evaluate(program.input(["rooted": .bool(false), "groups": .list([])]))
        #expect(Dictionary(uniqueKeysWithValues: other.config.map { ($0.key, $0.jsonText) })["DisableSignOut"] == "0")
    }
}
