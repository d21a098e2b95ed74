import Foundation
import Testing

@testable import Warden

/// The configuration table (Program+ConfigTable.swift) must give every device exactly what
/// `Program.configuration` computes from scratch: the same entries (keys, values, JSON text,
/// origins) and the same conflict warnings, for every set of applying blocks: routes, groups,
/// overrides, absent and malformed `management` or `groups`.
@Suite struct ConfigTableTests {
    /// Four variable blocks (two routes, groups, an override) and two that always apply; the two
    /// group blocks conflict on `vpn` when both apply (a warning of the decision).
    static let policy = """
        config "base" route managedApps {
          DefenderMAMConfigs = 1
          antiphishing = 1
        }
        config "network" route managedApps {
          DefenderMAMConfigs = 1
          DefenderNetworkProtectionEnable = 1
        }
        config "finance" route managedApps for groups ["Finance"] {
          DefenderMAMConfigs = 1
          vpn = 0
        }
        config "sales" route managedApps for groups ["Sales", "Field"] {
          DefenderMAMConfigs = 1
          vpn = 1
        }
        config "corporate" route managedDevices {
          DefenderDeviceTag = "corporate"
          DisableSignOut = 1
        }
        config "kiosk" route managedDevices for groups ["Kiosk"] override {
          DisableSignOut = 1
          DefenderDeviceTag = "kiosk"
        }
        rule "threat" when threatLevel > medium then blockAccess, set DefenderDeviceTag = "risky"
        rule "open" when openNetwork then warn, set DefenderOpenNetworkDetection = 2
        rule "open again" when openNetwork then warn, set DefenderOpenNetworkDetection = 1

        """

    /// Devices over every combination of `management` and `groups` (absent, malformed, empty,
    /// one or several groups, a group no block names) and `openNetwork` (fires a `set`).
    static let devices: [String] = {
        let managements = [
            "", "\"management\":\"unmanaged\",", "\"management\":\"androidEnterprise\",",
            "\"management\":\"deviceAdmin\",", "\"management\":\"nonsense\",", "\"management\":7,",
        ]
        let groups = [
            "", "\"groups\":[],", "\"groups\":[\"Finance\"],", "\"groups\":[\"Sales\",\"Kiosk\"],",
            "\"groups\":[\"Field\",\"Finance\",\"Kiosk\"],", "\"groups\":[\"Other\"],", "\"groups\":\"Finance\",",
            "\"groups\":[1,\"Kiosk\"],",
        ]
        var out: [String] = []
        for m in managements {
            for g in groups {
                for open in ["false", "true"] {
                    out.append("{\(m)\(g)\"threatLevel\":\"high\",\"openNetwork\":\(open)}")
                }
            }
        }
        return out
    }()

    static func check(_ program: Program, _ lines: [String], label: String) {
        for line in lines {
            guard case .success(let device) = program.device(json: Array(line.utf8)) else { continue }
            let input = device.input
            var fromTable: [String] = []
            let table = program.effectiveConfiguration(input, setters: [], warnings: &fromTable)
            var direct: [String] = []
            let scratch = Program.configuration(program.policy, program.schema, input, setters: [], warnings: &direct)
            if table != scratch || fromTable != direct {
                Issue.record("\(label): \(line): table \(table) \(fromTable) vs \(scratch) \(direct)")
                return
            }
            // With the `set`s of every combination of the rules that have them (in rule order).
            let withSets = program.policy.rules.indices.filter { !program.policy.rules[$0].sets.isEmpty }
            for combination in 1..<(1 << withSets.count) {
                var setters: [(rule: Int, setting: KeySetting)] = []
                for (k, ri) in withSets.enumerated() where combination >> k & 1 != 0 {
                    for s in program.policy.rules[ri].sets { setters.append((ri, s)) }
                }
                var w1 = ["before"]
                var w2 = ["before"]
                let a = program.effectiveConfiguration(input, setters: setters, warnings: &w1)
                let b = Program.configuration(program.policy, program.schema, input, setters: setters, warnings: &w2)
                if a != b || w1 != w2 {
                    Issue.record("\(label): \(line) sets \(combination): table \(a) \(w1) vs \(b) \(w2)")
                    return
                }
            }
            // The whole decision equals the reference's.
            if program.evaluate(input) != program.referenceEvaluate(input) {
                Issue.record("\(label): \(line): decision differs from the reference")
                return
            }
        }
    }

    @Test func everySetOfApplyingBlocksGetsTheComputedConfiguration() throws {
        let program = try Engine().compile(ConfigTableTests.policy, name: "config.warden")
        let table = try #require(program.configTable)
        #expect(table.variables.count == 4)
        #expect(table.entries.count == 16)
        // The devices reach many entries, not one.
        var masks = Set<Int>()
        for line in ConfigTableTests.devices {
            if case .success(let d) = program.device(json: Array(line.utf8)) { masks.insert(table.mask(d.input)) }
        }
        #expect(masks.count >= 8)
        // The two group blocks conflict on `vpn`: the entries where both apply carry a warning.
        #expect(table.entries.contains { !$0.warnings.isEmpty })
        ConfigTableTests.check(program, ConfigTableTests.devices, label: "config.warden")
    }

    @Test func samplesAndPolicySetsGetTheComputedConfiguration() throws {
        let root = CompiledEquivalenceTests.root
        var tables = 0
        var sources: [[SourceFile]] = []
        for f in ["web-network-protection.warden", "privacy-permissions.warden", "outlook-conditional-launch.warden"] {
            let url = root.appendingPathComponent("samples/\(f)")
            sources.append([SourceFile(name: f, text: try String(contentsOf: url, encoding: .utf8))])
        }
        var set: [SourceFile] = []
        for f in ["1-baseline.warden", "2-finance-override.warden", "3-managed-devices.warden"] {
            let url = root.appendingPathComponent("samples/policy-set/\(f)")
            set.append(SourceFile(name: f, text: try String(contentsOf: url, encoding: .utf8)))
        }
        sources.append(set)
        let sampleDevices = try String(
            contentsOf: root.appendingPathComponent("samples/devices.jsonl"), encoding: .utf8
        ).split(separator: "\n").map(String.init)
        for files in sources {
            let program = try Engine().compile(files)
            if program.configTable != nil { tables += 1 }
            ConfigTableTests.check(
                program, ConfigTableTests.devices + sampleDevices, label: files.map(\.name).joined(separator: "+"))
        }
        #expect(tables >= 2)
    }

    @Test func tooManyVariableBlocksAreComputedPerDecision() throws {
        var text = ""
        for i in 0...ConfigTable.maxVariableBlocks {
            text +=
                "config \"g\(i)\" route managedApps for groups [\"G\(i)\"] {\n  DefenderMAMConfigs = 1\n  vpn = \(i % 2)\n}\n"
        }
        text += "rule \"r\" when rooted then warn\n"
        let program = try Engine().compile(text, name: "many.warden")
        #expect(program.configTable == nil)
        let lines = (0...ConfigTable.maxVariableBlocks).map { "{\"groups\":[\"G\($0)\",\"G0\"],\"rooted\":true}" }
        ConfigTableTests.check(program, lines, label: "many.warden")
        // One block fewer: a table of 2^6 entries.
        var fewer = ""
        for i in 0..<ConfigTable.maxVariableBlocks {
            fewer +=
                "config \"g\(i)\" route managedApps for groups [\"G\(i)\"] {\n  DefenderMAMConfigs = 1\n  vpn = \(i % 2)\n}\n"
        }
        let table = try #require(try Engine().compile(fewer, name: "six.warden").configTable)
        #expect(table.entries.count == 1 << ConfigTable.maxVariableBlocks)
    }
}
