import Testing

@testable import Warden

/// The assignment model's promise (Grammar/README.md, "Config assignment"): a device whose
/// effective configuration depends on the order of the config blocks gets a decision warning,
/// and `check` reported that pair of blocks (an error or a warning) beforehand.
@Suite struct AssignmentPropertyTests {
    /// A small deterministic generator (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func bool() -> Bool { int(2) == 0 }
    }

    struct Block {
        var name: String
        var devices: Bool
        var groups: [String]?
        var apps: [String]?
        var isOverride: Bool
        var settings: [(key: String, value: String)]
    }

    static let groups = ["G1", "G2", "G3"]
    static let keys: [(String, [String])] = [
        ("DefenderDeviceTag", ["\"x\"", "\"y\""]), ("DisableSignOut", ["0", "1"]),
        ("DefenderOptionalVPN", ["true", "false"]),
    ]

    static func text(_ blocks: [Block]) -> (String, [String: [String: Int]]) {
        var out = ""
        var line = 1
        var lines: [String: [String: Int]] = [:]
        for b in blocks {
            out += "config \"\(b.name)\" route \(b.devices ? "managedDevices" : "managedApps")"
            var fors = ""
            if let g = b.groups { fors += " groups [" + g.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
            if let a = b.apps { fors += " apps [" + a.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
            if !fors.isEmpty { out += " for" + fors }
            out += b.isOverride ? " override {\n" : " {\n"
            line += 1
            if !b.devices {
                out += "  DefenderMAMConfigs = 1\n"
                line += 1
            }
            for s in b.settings {
                out += "  \(s.key) = \(s.value)\n"
                lines[b.name, default: [:]][s.key] = line
                line += 1
            }
            out += "}\n"
            line += 1
        }
        return (out, lines)
    }

    /// Parses and checks without stopping at errors: the diagnostics and a program all the same.
    static func build(_ text: String) -> (Program, [Diagnostic], SourceFile) {
        let source = SourceFile(name: "p.warden", text: text)
        let engine = Engine()
        let parsed = Parser.parseFile(source)
        let checker = Checker(schema: engine.schema, source: source)
        var policy = checker.check(parsed.file)
        policy.nextID = parsed.nextID
        return (
            Program(policy: policy, engine: engine, source: source, warnings: []),
            parsed.diagnostics + checker.diagnostics, source
        )
    }

    @Test func everyOrderDependentDeviceIsWarnedAndItsPairWasReportedByCheck() throws {
        var rng = Random(state: 0x5EED)
        var dependent = 0
        for _ in 0..<300 {
            var blocks: [Block] = []
            for i in 0..<(2 + rng.int(4)) {
                var settings: [(key: String, value: String)] = []
                for (k, values) in Self.keys where rng.int(3) > 0 {
                    settings.append((k, values[rng.int(values.count)]))
                }
                let groups: [String]? = rng.int(3) == 0 ? nil : Self.groups.filter { _ in rng.int(3) == 0 }
                let apps: [String]? =
                    rng.int(5) == 0
                    ? (rng.bool() ? ["com.microsoft.scmx", "other"] : ["com.microsoft.office.outlook"]) : nil
                blocks.append(
                    Block(
                        name: "b\(i)", devices: rng.int(3) == 0, groups: groups?.isEmpty == true ? nil : groups,
                        apps: apps,
                        isOverride: rng.int(3) == 0, settings: settings))
            }
            let (text, lines) = Self.text(blocks)
            let (program, diagnostics, source) = Self.build(text)
            let (reversed, _, _) = Self.build(Self.text(blocks.reversed()).0)
            for _ in 0..<12 {
                var facts: [String] = []
                let member = Self.groups.filter { _ in rng.bool() }
                facts.append("\"groups\": [" + member.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
                let management = ["unmanaged", "androidEnterprise", "deviceAdmin", nil][rng.int(4)]
                if let management { facts.append("\"management\": \"\(management)\"") }
                let json = "{" + facts.joined(separator: ", ") + "}"
                let input = try program.device(json: Array(json.utf8)).get().input
                let d = program.evaluate(input)
                let r = reversed.evaluate(try reversed.device(json: Array(json.utf8)).get().input)
                for (a, b) in zip(d.config, r.config) where a.key != b.key || a.value != b.value {
                    dependent += 1
                    #expect(
                        d.warnings.contains { $0.hasPrefix("`\(a.key)`:") },
                        "\(json) depends on block order for \(a.key) but has no warning\n\(text)")
                    // check reported a pair of blocks reaching this device on this key, at one of them.
                    let reaching = program.policy.configs.filter { program.applies($0, to: input) }.map(\.name)
                    let reported = diagnostics.contains { diag in
                        guard diag.severity != .note, diag.message.contains("`\(a.key)`") else { return false }
                        let all = ([diag.message] + diag.notes.map(\.message)).joined(separator: " ")
                        let line = source.location(of: diag.span.start).line
                        return reaching.contains { x in
                            lines[x]?[a.key] == line
                                && reaching.contains { y in y != x && all.contains("`\(y)`") }
                        }
                    }
                    #expect(reported, "\(json): check did not report the pair for \(a.key)\n\(text)\n\(diagnostics)")
                }
            }
        }
        #expect(dependent > 20, "the generator should produce order-dependent devices")
    }

    /// A thousand blocks for a thousand groups are half a million possible conflicts: `check`
    /// reports the first 200 pairs (a warning at both blocks) and counts the rest in one warning, and
    /// the lints say which memberships they covered.
    @Test func possibleConflictsAmongThousandsOfBlocksAreCappedNotMillions() {
        var text = ""
        for i in 0..<1000 {
            text +=
                "config \"c\(i)\" for groups [\"g\(i)\"] {\n  DefenderMAMConfigs = 1\n  DefenderDeviceTag = \"t\(i)\"\n}\n"
        }
        let d = Engine().diagnose(SourceFile(name: "many.warden", text: text))
        #expect(d.allSatisfy { $0.severity == .warning })
        #expect(d.count == 402)
        // Lints cannot enumerate 2^1000 memberships: they say what they covered instead.
        #expect(
            d.contains {
                $0.message.hasPrefix(
                    "the config blocks name more than 10 groups: lints covered devices in at most two of them")
            })
        #expect(d.contains { $0.message == "499300 more conflicting pairs of config blocks not shown" })
    }
}
