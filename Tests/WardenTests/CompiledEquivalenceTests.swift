import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The compiled engine (and the fast facts reader) must decide exactly as the straightforward
/// interpretation: every rule through the reference evaluator, facts through `device(json:)`.
/// Policies and devices are generated with a fixed seed over the whole schema, plus every
/// language fixture and sample on samples/devices.jsonl.
@Suite struct CompiledEquivalenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Checks one device line through both paths; returns a description of the first difference.
    static func difference(_ program: Program, _ line: String) -> String? {
        let bytes = Array(line.utf8)
        let slow = program.device(json: bytes)
        let fast = bytes.withUnsafeBufferPointer { program.fastDevice(json: $0) }
        switch (slow, fast) {
        case (.failure(let a), .failure(let b)):
            return a == b ? nil : "reader: \(a) vs \(b)"
        case (.success(let a), .success(let b)):
            if a.idJSON != b.idJSON { return "id: \(a.idJSON ?? "-") vs \(b.idJSON ?? "-")" }
            if a.input.factErrors != b.input.factErrors { return "fact errors differ" }
            if a.input.unknownNames != b.input.unknownNames { return "unknown names differ" }
            for i in a.input.facts.indices where !Builtins.sameValue(a.input.facts[i], b.input.facts[i]) {
                return "fact \(i) differs"
            }
            let reference = program.referenceEvaluate(a.input)
            let compiled = program.evaluate(b.input)
            if reference != compiled { return "decision: \(reference) vs \(compiled)" }
            // The slow-path input (typed slots stale until encoded) and reuse of one decision agree too.
            var reused = Decision()
            program.evaluate(a.input, into: &reused)
            program.evaluate(b.input, into: &reused)
            if reused != reference { return "reused decision differs" }
            return nil
        default:
            return "reader: one path failed"
        }
    }

    @Test func generatedPoliciesDecideAsTheReferenceOnGeneratedDevices() throws {
        var rng = SplitMix(seed: 20_240_501)
        let devices = (0..<10_000).map { _ in Generator.device(&rng) }
        var checked = 0
        for (n, rules) in [30, 50, 60].enumerated() {
            let text = Generator.policy(&rng, rules: rules, name: "generated-\(n)")
            let program = try Engine().compile(text)
            #expect(program.compiled.nodeCount > rules)
            for line in devices {
                if let d = CompiledEquivalenceTests.difference(program, line) {
                    Issue.record("policy \(n), device \(line): \(d)\n\(text)")
                    return
                }
                checked += 1
            }
        }
        #expect(checked == 30_000)
    }

    @Test func fixturesAndSamplesDecideAsTheReference() throws {
        let root = CompiledEquivalenceTests.root
        let deviceText = try String(contentsOf: root.appendingPathComponent("samples/devices.jsonl"), encoding: .utf8)
        var rng = SplitMix(seed: 7)
        let lines = deviceText.split(separator: "\n").map(String.init) + (0..<300).map { _ in Generator.device(&rng) }
        var files: [URL] = []
        for dir in ["Tests/WardenTests/Fixtures/language", "samples"] {
            let d = root.appendingPathComponent(dir)
            for f in try FileManager.default.contentsOfDirectory(atPath: d.path) where f.hasSuffix(".warden") {
                files.append(d.appendingPathComponent(f))
            }
        }
        #expect(files.count >= 10)
        var compiledFiles = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            guard let program = try? Engine().compile(text, name: file.lastPathComponent) else { continue }
            compiledFiles += 1
            for line in lines {
                if let d = CompiledEquivalenceTests.difference(program, line) {
                    Issue.record("\(file.lastPathComponent), device \(line): \(d)")
                    break
                }
            }
        }
        #expect(compiledFiles >= 8)
    }

    /// Decides every device line through a `DeviceBatch` (inputs from both readers, one reused
    /// decision) and returns a description of the first difference from the reference.
    static func batchDifference(_ program: Program, _ lines: [String]) -> String? {
        var batch = DeviceBatch(program: program)
        var bySchema = DeviceBatch(schema: program.schema)
        for line in lines {
            let bytes = Array(line.utf8)
            if case .success(let d) = program.device(json: bytes) {
                batch.append(d.input)
                bySchema.append(d.input)
            }
            if case .success(let d) = bytes.withUnsafeBufferPointer({ program.fastDevice(json: $0) }) {
                batch.append(d.input)
                bySchema.append(d.input)
            }
        }
        guard batch.count == bySchema.count else { return "batch counts differ" }
        var reused = Decision()
        for i in 0..<batch.count {
            let reference = program.referenceEvaluate(batch[i])
            program.evaluate(batch, at: i, into: &reused)
            if reused != reference { return "batch device \(i): \(reference) vs \(reused)" }
            var fresh = Decision()
            program.evaluate(bySchema, at: i, into: &fresh)
            if fresh != reference { return "schema batch device \(i): \(reference) vs \(fresh)" }
        }
        return nil
    }

    @Test func batchDecidesAsTheReferenceOnGeneratedPolicies() throws {
        var rng = SplitMix(seed: 20_240_501)
        let devices = (0..<10_000).map { _ in Generator.device(&rng) }
        for (n, rules) in [30, 50, 60].enumerated() {
            let text = Generator.policy(&rng, rules: rules, name: "generated-\(n)")
            let program = try Engine().compile(text)
            if let d = CompiledEquivalenceTests.batchDifference(program, devices) {
                Issue.record("policy \(n): \(d)\n\(text)")
            }
        }
    }

    // MARK: - Limits (hole 3 of "Trust, round 2")

    @Test func theCompiledPathHonoursMaxStepsLikeTheReference() throws {
        // Returned `allow` with no error through the compiled nodes, while the reference path
        // gives the cost-limit error (and so `blockAccess`).
        var limits = Limits()
        limits.maxSteps = 3
        let program = try Engine(limits: limits).compile(
            "rule \"a\" when rooted || pinAttempts > 3 || threatLevel > low then wipeData")
        let input = program.input([
            "rooted": .bool(false), "pinAttempts": .int(0), "threatLevel": .enumMember(.threatLevel, 0),
        ])
        let reference = program.referenceEvaluate(input)
        #expect(reference.action == .blockAccess)
        #expect(reference.errors.first?.message == "evaluation cost limit exceeded (3 steps)")
        #expect(program.evaluate(input) == reference)
        var batch = DeviceBatch(program: program)
        batch.append(input)
        var d = Decision()
        program.evaluate(batch, at: 0, into: &d)
        #expect(d == reference)
        // Within the budget, the compiled answer stands.
        let rooted = program.input(["rooted": .bool(true)])
        #expect(program.evaluate(rooted).action == .wipeData && program.evaluate(rooted).errors.isEmpty)
    }

    /// Extra rules that build values (strings, lists), for the decision's byte budget.
    static let buildingRules = """
        rule "b0" when lower(model) == "pixel 8" then warn
        rule "b1" when size(tags + tags) > 4 then blockAccess
        rule "b2" when model + "!" == "moto!" || rooted then warn
        rule "b3" when tags.map(t, t + t).exists(t, t == "BYODBYOD") then warn
        rule "b4" when manufacturer in vendorList && risky then wipeData
        """

    @Test(arguments: [1, 3, 10, 50, 1_000_000])
    func generatedPoliciesDecideAsTheReferenceUnderSmallLimits(_ maxSteps: Int) throws {
        var rng = SplitMix(seed: 20_261_130 &+ UInt64(maxSteps))
        let devices = (0..<120).map { _ in Generator.device(&rng) }
        let texts = (0..<1).map { n in
            Generator.policy(&rng, rules: 30, name: "limits-\(n)") + CompiledEquivalenceTests.buildingRules
        }
        for (decisionSteps, decisionBytes) in [
            (2_000_000, 64 << 20), (40, 64 << 20), (200, 100), (1_000, 1_000), (5, 5),
        ] {
            var limits = Limits()
            limits.maxSteps = maxSteps
            limits.maxDecisionSteps = decisionSteps
            limits.maxDecisionBytes = decisionBytes
            for text in texts {
                let program = try Engine(limits: limits).compile(text)
                for line in devices {
                    if let d = CompiledEquivalenceTests.difference(program, line) {
                        Issue.record("\(limits), device \(line): \(d)\n\(text)")
                        return
                    }
                }
                if let d = CompiledEquivalenceTests.batchDifference(program, devices) {
                    Issue.record("\(limits): \(d)\n\(text)")
                    return
                }
            }
        }
    }

    @Test func batchDecidesAsTheReferenceOnFixturesAndSamples() throws {
        let root = CompiledEquivalenceTests.root
        let deviceText = try String(contentsOf: root.appendingPathComponent("samples/devices.jsonl"), encoding: .utf8)
        var rng = SplitMix(seed: 7)
        let lines = deviceText.split(separator: "\n").map(String.init) + (0..<300).map { _ in Generator.device(&rng) }
        var compiledFiles = 0
        for dir in ["Tests/WardenTests/Fixtures/language", "samples"] {
            let d = root.appendingPathComponent(dir)
            for f in try FileManager.default.contentsOfDirectory(atPath: d.path) where f.hasSuffix(".warden") {
                let text = try String(contentsOf: d.appendingPathComponent(f), encoding: .utf8)
                guard let program = try? Engine().compile(text, name: f) else { continue }
                compiledFiles += 1
                if let diff = CompiledEquivalenceTests.batchDifference(program, lines) {
                    Issue.record("\(f): \(diff)")
                }
            }
        }
        #expect(compiledFiles >= 8)
    }

    @Test func batchTakesHostInputsStaleSlotsAndForeignInputs() throws {
        let program = try Engine().compile(
            """
            rule "a" when threatLevel > medium and not ("Finance" in tags) then blockAccess
            rule "b" when osVersion < "11.0" or manufacturer in ["acme", "a much longer manufacturer name"] then warn
            rule "c" when has(patchLevel) ? patchLevel < "2024-01-01" : pinAttempts >= 5 then wipeData
            rule "d" when "a much longer tag than seven bytes" in tags then warn
            """)
        var input = program.input([
            "threatLevel": .enumMember(.threatLevel, 3),
            "tags": .list([.string("BYOD"), .string("a much longer tag than seven bytes")]),
            "manufacturer": .string("a much longer manufacturer name"),
            "osVersion": .version(try #require(Version("10.99999.1"))),  // does not pack: slow slot
            "rooted": .string("yes"),  // a fact error
        ])
        var batch = DeviceBatch(program: program)
        batch.append(input)
        input.setIfMissing("pinAttempts", .int(7), in: program.schema)
        batch.append(input)
        input.facts[program.schema.slot(ofFact: "tags") ?? 0] = .list([.string("Finance")])  // typed slots now stale
        #expect(!input.fastValid)
        batch.append(input)
        batch.append(Input(slots: 2))  // not of this schema: the reference path
        batch.append(program.input([:]))
        #expect(batch.count == 5)
        var decision = Decision()
        for i in 0..<batch.count {
            program.evaluate(batch, at: i, into: &decision)
            #expect(decision == program.evaluate(batch[i]), "device \(i)")
            #expect(decision == program.referenceEvaluate(batch[i]), "device \(i)")
        }
        program.evaluate(batch, at: 0, into: &decision)
        #expect(decision.fired.map(\.name) == ["a", "b", "d"])
        #expect(!decision.errors.isEmpty)
        program.evaluate(batch, at: 2, into: &decision)
        #expect(decision.fired.map(\.name) == ["b", "c"])
    }

    @Test func hostInputsAndStaleSlotsDecideAsTheReference() throws {
        let program = try Engine().compile(
            """
            rule "a" when threatLevel > medium and not ("Finance" in tags) then blockAccess
            rule "b" when osVersion < "11.0" or manufacturer in ["acme", "a much longer manufacturer name"] then warn
            rule "c" when has(patchLevel) ? patchLevel < "2024-01-01" : pinAttempts >= 5 then wipeData
            """)
        var input = program.input([
            "threatLevel": .enumMember(.threatLevel, 3), "tags": .list([.string("BYOD")]),
            "manufacturer": .string("a much longer manufacturer name"),
            "osVersion": .version(try #require(Version("10.99999.1"))),  // does not pack: slow slot
        ])
        #expect(program.evaluate(input) == program.referenceEvaluate(input))
        input.setIfMissing("pinAttempts", .int(7), in: program.schema)
        #expect(program.evaluate(input) == program.referenceEvaluate(input))
        input.facts[program.schema.slot(ofFact: "tags") ?? 0] = .list([.string("Finance")])  // typed slots now stale
        #expect(!input.fastValid)
        #expect(program.evaluate(input) == program.referenceEvaluate(input))
        #expect(program.evaluate(input).fired.map(\.name) == ["b", "c"])
    }
}

extension Builtins {
    /// Values equal for the reader comparison (CEL equality, plus missing == missing).
    static func sameValue(_ a: Value?, _ b: Value?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (.some(let x), .some(let y)): return equals(x, y) && x.type == y.type
        default: return false
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

/// Random policies over the whole schema and random device lines (including malformed ones).
enum Generator {
    static let threat = ["secured", "low", "medium", "high"]
    static let integrity = ["none", "basic", "device", "strong"]
    static let lock = ["none", "low", "medium", "high"]
    static let management = ["unmanaged", "androidEnterprise", "deviceAdmin"]
    static let vendors = ["samsung", "google", "acme", "unknown", "a-very-long-vendor-name-indeed", "xiaomi"]
    static let tags = ["Finance", "BYOD", "Corporate", "Sales", "Engineering-and-research", "Kiosk"]
    static let versions = [
        "9", "10.3", "11", "11.0", "11.0.0", "12.1", "13.0.2", "14", "5.2401.3", "70000.1", "1.2.3.4.5",
    ]
    static let dates = ["2023-06-01", "2024-01-01", "2024-03-05", "2024-09-30"]

    static func condition(_ r: inout SplitMix, depth: Int = 0) -> String {
        if depth < 2 && r.chance(0.3) {
            let a = condition(&r, depth: depth + 1)
            let b = condition(&r, depth: depth + 1)
            switch r.int(4) {
            case 0: return "(\(a) and \(b))"
            case 1: return "(\(a) or \(b))"
            case 2: return "not (\(a))"
            default: return "(\(a) ? \(b) : \(condition(&r, depth: depth + 1)))"
            }
        }
        let cmp = r.pick(["<", "<=", ">", ">=", "==", "!="])
        switch r.int(24) {
        case 0: return "threatLevel \(cmp) \(r.pick(threat))"
        case 1: return "playIntegrity \(cmp) \(r.pick(integrity))"
        case 2: return "deviceLock in [\(r.pick(lock)), \(r.pick(lock))]"
        case 3: return "management \(r.pick(["==", "!="])) \(r.pick(management))"
        case 4: return "osVersion \(cmp) \"\(r.pick(versions))\""
        case 5: return "appVersion \(cmp) \"\(r.pick(versions))\""
        case 6: return "patchLevel \(cmp) \"\(r.pick(dates))\""
        case 7: return "today \(cmp) \"\(r.pick(dates))\""
        case 8: return "offlineMinutes \(cmp) \(r.int(1500) - 10)"
        case 9: return "pinAttempts \(cmp) \(r.int(8))"
        case 10: return "manufacturer \(r.pick(["==", "!="])) \"\(r.pick(vendors))\""
        case 11: return "manufacturer in [\"\(r.pick(vendors))\", \"\(r.pick(vendors))\"]"
        case 12: return "\"\(r.pick(tags))\" in tags"
        case 13: return "\"\(r.pick(tags))\" in groups"
        case 14: return r.pick(["rooted", "defenderActive", "accountDisabled", "knoxAttested", "openNetwork"])
        case 15: return "has(\(r.pick(["osVersion", "tags", "model", "today"])))"
        case 16: return "tags.exists(t, t.startsWith(\"\(r.pick(["Fin", "BY", "Eng"]))\"))"
        case 17: return "size(tags) \(cmp) \(r.int(4))"
        case 18: return "offlineMinutes + pinAttempts \(cmp) \(r.int(800))"
        case 19: return r.pick(["risky", "oldOS", "manufacturer in vendorList", "not risky"])
        case 20: return "model.startsWith(\"Pix\")"
        case 21: return "osVersion \(cmp) appVersion"
        case 22: return "threatLevel \(cmp) ThreatLevel.\(r.pick(threat))"
        default: return "companyPortalAgeDays \(cmp) \(r.int(60))"
        }
    }

    static func policy(_ r: inout SplitMix, rules: Int, name: String) -> String {
        var out = "policy \"\(name)\"\n"
        out += "let risky = threatLevel >= medium or rooted\n"
        out += "let oldOS = osVersion < \"12\"\n"
        out += "let vendorList = [\"acme\", \"unknown\", \"a-very-long-vendor-name-indeed\"]\n"
        for i in 0..<rules {
            let action = r.pick(["warn", "blockAccess", "wipeData", "blockAccess \"message \(i)\""])
            out += "rule \"r\(i)\" when \(condition(&r)) then \(action)\n"
        }
        return out
    }

    static func device(_ r: inout SplitMix) -> String {
        var fields: [String] = ["\"id\":\(r.int(100_000))"]
        func maybe(_ key: String, _ value: String) {
            if r.chance(0.93) { fields.append("\"\(key)\":\(value)") }
        }
        maybe("threatLevel", "\"\(r.pick(threat))\"")
        maybe("playIntegrity", "\"\(r.pick(integrity))\"")
        maybe("deviceLock", "\"\(r.pick(lock))\"")
        maybe("management", "\"\(r.pick(management))\"")
        maybe("osVersion", "\"\(r.pick(versions))\"")
        maybe("appVersion", "\"\(r.pick(versions))\"")
        maybe("patchLevel", "\"\(r.pick(dates))\"")
        maybe("today", "\"\(r.pick(dates))\"")
        maybe("offlineMinutes", "\(r.int(1500))")
        maybe("pinAttempts", "\(r.int(9))")
        maybe("companyPortalAgeDays", "\(r.int(60))")
        maybe("manufacturer", "\"\(r.pick(vendors))\"")
        maybe("model", "\"\(r.pick(["Pixel 8", "Galaxy", "moto"]))\"")
        for b in ["rooted", "defenderActive", "accountDisabled", "knoxAttested", "openNetwork"] {
            maybe(b, r.chance(0.1) ? "true" : "false")
        }
        let t = (0..<r.int(4)).map { _ in "\"\(r.pick(tags))\"" }.joined(separator: ",")
        maybe("tags", "[\(t)]")
        maybe("groups", "[\"\(r.pick(tags))\"]")
        // Now and then something the fast reader declines or the schema rejects.
        if r.chance(0.04) {
            fields.append(
                r.pick([
                    "\"rooted\":1", "\"threatLevel\":\"extreme\"", "\"osVersion\":\"1.x\"", "\"tags\":null",
                    "\"model\":\"Pixel \\u0038\"", "\"manufacturer\":\"S\u{E9}amsung\"", "\"nickname\":\"x\"",
                    "\"offlineMinutes\":1.5", "\"offlineMinutes\":01", "\"patchLevel\":\"2024-02-30\"",
                    "\"pinAttempts\":99999999999999999999", "\"tags\":[\"a\",1]", "\"id\":\"dup\"",
                ]))
        }
        var line = "{" + fields.joined(separator: r.chance(0.05) ? ", " : ",") + "}"
        if r.chance(0.01) { line = r.pick(["[1,2]", "{\"id\":1,", "not json", "{} x", " {\"rooted\" : true } "]) }
        return line
    }
}
