import Testing

@testable import Warden

/// Error recovery inside config blocks: one bad key or value never hides another, and skipping a
/// bad line leaves the parser's statement recovery as it was.
@Suite struct ConfigRecoveryTests {
    @Test func aBraceOnABadLineDoesNotHideTheNextConfigBlock() {
        let text = """
            config "a" {
              vpn = {
            }
            rule "r" when then warn
            config "b" {
              vpn = 1
            }
            """
        let r = Parser.parseFile(SourceFile(name: "t", text: text))
        let configs = r.file.statements.compactMap { s -> String? in
            if case .config(let c) = s { return c.name.value } else { return nil }
        }
        #expect(configs == ["a", "b"], "\(r.diagnostics)")
        #expect(r.diagnostics.count == 2, "\(r.diagnostics)")
    }

    @Test func everyBadEntryOfABlockIsReported() {
        let text = """
            config "c" {
              DefenderMAMConfigs = 1
              DefenderEndUserTrustFlowEnable = yes
              vpn 1
              antiphishing = 7
              nope = 1
            }
            """
        let d = Engine().diagnose(SourceFile(name: "t", text: text)).filter { $0.severity == .error }
        #expect(d.count == 4, "\(d)")
    }
}
