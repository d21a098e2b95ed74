import Testing

@testable import Warden

/// A rule's `set vpn` / `set antiphishing` get the config blocks' web-protection lint.
@Suite struct RuleSetWebLintTests {
    static let message =
        "`vpn = 1` with `antiphishing = 0`: web protection's VPN without anti-phishing does nothing useful"

    @Test func settingAntiphishingOffWhileTheDefaultVPNIsOnWarns() throws {
        let program = try Engine().compile("rule \"r\" when rooted then set antiphishing = 0", name: "p.warden")
        #expect(program.warnings.map(\.message) == [Self.message])
        #expect(program.warnings.first?.notes.first?.message.contains("keeps `vpn = 1`") == true)
        let both = try Engine().compile("rule \"r\" when rooted then set vpn = 1, set antiphishing = 0")
        #expect(both.warnings.map(\.message) == [Self.message])
        #expect(
            both.warnings.first?.notes.first?.message == "a device that gets no config block gets both from the rule")
    }

    @Test func settingVPNOnWarnsWhereABlockTurnsAntiphishingOff() throws {
        let program = try Engine().compile(
            """
            config "web" {
              DefenderMAMConfigs = 1
              vpn = 0
              antiphishing = 0
            }
            rule "r" when rooted then set vpn = 1
            """, name: "p.warden")
        let w = program.warnings.filter { $0.message == Self.message }
        #expect(w.count == 1)
        #expect(w.first?.notes.first?.message == "a device that gets config `web` keeps `antiphishing = 0`")
    }

    @Test func noWarningWhenTheRuleOrTheBlocksKeepAntiphishingOn() throws {
        let both = try Engine().compile("rule \"r\" when rooted then set vpn = 0, set antiphishing = 0")
        #expect(both.warnings.isEmpty)
        let on = try Engine().compile("rule \"r\" when rooted then set vpn = 1, set antiphishing = 1")
        #expect(on.warnings.isEmpty)
        let vpnOnly = try Engine().compile("rule \"r\" when rooted then set vpn = 1")
        #expect(vpnOnly.warnings.isEmpty)
        let everyone = try Engine().compile(
            """
            config "web" {
              DefenderMAMConfigs = 1
              vpn = 0
            }
            rule "r" when rooted then set antiphishing = 0
            """)
        // Every device gets the block, which turns the VPN off.
        #expect(everyone.warnings.isEmpty)
        let someGroups = try Engine().compile(
            """
            config "web" for groups ["Sales"] {
              DefenderMAMConfigs = 1
              vpn = 0
            }
            rule "r" when rooted then set antiphishing = 0
            """)
        // A device outside Sales gets no block and keeps the default `vpn = 1`: warned, once.
        let w = someGroups.warnings.filter { $0.message == Self.message }
        #expect(w.count == 1)
        #expect(w.first?.notes.first?.message == "a device that gets no config block keeps `vpn = 1` (the default)")
    }
}
