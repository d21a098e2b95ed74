import Testing
import Warden

/// The examples of the DocC articles (Sources/Warden/Warden.docc) do what the articles say.
/// Uses only the public API (plain `import Warden`), as a host would.
@Suite struct DocCArticleTests {
    @Test func theLandingPageExampleBlocksAHighThreatDevice() throws {
        let engine = Engine()
        let program = try engine.compile(#"rule "high threat" when threatLevel > medium then blockAccess"#)
        let decision = program.evaluate(program.input(["threatLevel": .enumMember(.threatLevel, 3)]))
        #expect(decision.action == .blockAccess)
    }

    @Test func theEmbeddingArticlesHostFactAndFunctionCompileAndEvaluate() throws {
        let allowList: Set<String> = ["device-1"]
        let schema = try Schema.builtIn.adding(facts: [
            Schema.FactDefinition("riskScore", .int, "The host's risk score, 0 to 100.")
        ])
        let inAllowList = HostFunction(name: "allowListed", parameters: [.string], result: .bool) { args in
            guard case .string(let id)? = args.first else {
                return .failure(Value.Error(.invalidArgument, "expected a string"))
            }
            return .success(.bool(allowList.contains(id)))
        }
        let engine = Engine(schema: schema, functions: [inAllowList], limits: .default)
        let program = try engine.compile(
            #"rule "risky" when riskScore > 70 and not allowListed("device-2") then blockAccess"#)
        #expect(program.evaluate(program.input(["riskScore": .int(90)])).action == .blockAccess)
        #expect(program.evaluate(program.input(["riskScore": .int(10)])).action == .allow)
    }

    @Test func theErrorHandlingArticlesSchemaErrorMessageIsTheOnePrinted() {
        do {
            _ = try Schema.builtIn.adding(facts: [Schema.FactDefinition("rooted", .bool, "")])
            Issue.record("adding a built-in fact's name succeeded")
        } catch {
            #expect("\(error)" == "the schema already declares a fact `rooted`")
        }
    }

    @Test func aCompileErrorCarriesDiagnosticsWithPositions() {
        do {
            _ = try Engine().compile("rule \"x\" when nosuchfact then warn", name: "policy.warden")
            Issue.record("an unknown fact compiled")
        } catch {
            #expect(!error.diagnostics.isEmpty)
            #expect(error.diagnostics.first.map { error.source.location(of: $0.span.start).line } == 1)
            #expect(error.rendered().contains("policy.warden:1:"))
        }
    }
}
