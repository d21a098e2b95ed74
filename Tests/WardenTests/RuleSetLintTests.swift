import Testing

@testable import Warden

/// A rule's `set` actions get the configuration blocks' lints.
@Suite struct RuleSetLintTests {
    @Test func setOfANetworkProtectionKeyWhileProtectionIsOffWarns() throws {
        let program = try Engine().compile(
            "rule \"open\" when rooted then set DefenderOpenNetworkDetection = 2", name: "p.warden")
        let w = try #require(program.warnings.first)
        #expect(w.message.contains("`DefenderOpenNetworkDetection` has no effect while network protection is off"))
        #expect(program.warnings.count == 1)
    }

    @Test func setIsNotLintedWhenTheRuleOrEveryBlockTurnsProtectionOn() throws {
        let inRule = try Engine().compile(
            "rule \"open\" when rooted then set DefenderNetworkProtectionEnable = 1, set DefenderOpenNetworkDetection = 2"
        )
        #expect(inRule.warnings.isEmpty)
        let inBlock = try Engine().compile(
            """
            config "np" {
              DefenderMAMConfigs = 1
              DefenderNetworkProtectionEnable = 1
            }
            rule "open" when rooted then set DefenderOpenNetworkDetection = 2
            """)
        #expect(inBlock.warnings.isEmpty)
    }
}
