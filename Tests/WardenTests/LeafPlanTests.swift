import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The straight-line plan of small policies (FastPath/LeafPlan.swift) decides as the reference
/// evaluator: generated policies of conditions it can express (comparisons, `in`, `has`, list
/// membership, `and`/`or`/`not`/`?:`), on generated devices (missing, unusual and malformed facts
/// included), under the default limits and small ones.
@Suite struct LeafPlanTests {
    static let threat = ["secured", "low", "medium", "high"]
    static let versions = ["9", "10.3", "11", "11.0", "12.1", "13.0.2", "14", "5.2401.3"]
    static let dates = ["2023-06-01", "2024-01-01", "2024-03-05", "2024-09-30"]
    static let vendors = ["samsung", "google", "acme", "unknown", "xiaomi"]
    static let tags = ["Finance", "BYOD", "Sales", "Kiosk"]

    /// A condition the plan expresses (short strings only: a long one is confirmed on its bytes).
    static func condition(_ r: inout SplitMix, depth: Int = 0) -> String {
        if depth < 2 && r.chance(0.35) {
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
        switch r.int(18) {
        case 0: return "threatLevel \(cmp) \(r.pick(threat))"
        case 1: return "playIntegrity \(r.pick(["==", "!="])) \(r.pick(["none", "basic", "strong"]))"
        case 2: return "deviceLock in [\(r.pick(["none", "low"])), \(r.pick(["medium", "high"]))]"
        case 3: return "management \(r.pick(["==", "!="])) unmanaged"
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
        case 15: return "has(\(r.pick(["osVersion", "tags", "model", "today", "threatLevel"])))"
        case 16: return "osVersion \(cmp) appVersion"
        default:
            return r.pick([
                "true", "false", "offlineMinutes > 9223372036854775807", "pinAttempts < -9223372036854775808",
            ])
        }
    }

    static func policy(_ r: inout SplitMix, rules: Int, name: String) -> String {
        var out = "policy \"\(name)\"\n"
        for i in 0..<rules {
            let action = r.pick(["warn", "blockAccess", "wipeData", "blockAccess \"message \(i)\""])
            out += "rule \"r\(i)\" when \(condition(&r)) then \(action)\n"
        }
        return out
    }

    /// Checks every device against the reference; returns how many the plan decided.
    static func check(_ program: Program, _ devices: [String], _ text: String) -> Int {
        var planned = 0
        for line in devices {
            if let d = CompiledEquivalenceTests.difference(program, line) {
                Issue.record("device \(line): \(d)\n\(text)")
                return planned
            }
            let bytes = Array(line.utf8)
            if case .success(let device) = bytes.withUnsafeBufferPointer({ program.fastDevice(json: $0) }),
                program.planDecides(device.input)
            {
                planned += 1
            }
        }
        if let d = CompiledEquivalenceTests.batchDifference(program, devices) { Issue.record("batch: \(d)\n\(text)") }
        return planned
    }

    @Test func plannedPoliciesDecideAsTheReference() throws {
        var rng = SplitMix(seed: 20_261_130)
        let devices = (0..<400).map { _ in Generator.device(&rng) }
        var withPlan = 0
        var planned = 0
        for n in 0..<40 {
            let text = LeafPlanTests.policy(&rng, rules: 1 + rng.int(12), name: "plan-\(n)")
            let program = try Engine().compile(text)
            if program.plan != nil { withPlan += 1 }
            planned += LeafPlanTests.check(program, devices, text)
        }
        // Most such policies get a plan (some exceed its 64 bits), and it decides many devices.
        #expect(withPlan >= 30)
        #expect(planned >= 1_000)
    }

    @Test(arguments: [1, 3, 10, 50])
    func plannedPoliciesDecideAsTheReferenceUnderSmallLimits(_ maxSteps: Int) throws {
        var rng = SplitMix(seed: 20_261_131 &+ UInt64(maxSteps))
        let devices = (0..<150).map { _ in Generator.device(&rng) }
        for (decisionSteps, decisionBytes) in [(2_000_000, 64 << 20), (40, 64 << 20), (200, 100), (5, 5)] {
            var limits = Limits()
            limits.maxSteps = maxSteps
            limits.maxDecisionSteps = decisionSteps
            limits.maxDecisionBytes = decisionBytes
            for n in 0..<4 {
                let text = LeafPlanTests.policy(&rng, rules: 1 + rng.int(8), name: "limits-\(n)")
                _ = LeafPlanTests.check(try Engine(limits: limits).compile(text), devices, text)
            }
        }
    }

    @Test func listScansPastTheStepBoundAreLeftToTheGeneralLoop() throws {
        var limits = Limits()
        limits.maxSteps = 40
        let text = """
            policy "lists"
            rule "fin" when "Finance" in tags then warn
            rule "not" when not ("BYOD" in tags) then blockAccess
            """
        let program = try Engine(limits: limits).compile(text)
        #expect(program.plan != nil)
        for n in [0, 3, 33, 35, 36, 37, 38, 60] {
            let tags = (0..<n).map { "\"t\($0)\"" } + ["\"Finance\""]
            let line = "{\"tags\":[\(tags.joined(separator: ","))]}"
            #expect(CompiledEquivalenceTests.difference(program, line) == nil, "\(n) tags")
            let bytes = Array(line.utf8)
            guard case .success(let d) = bytes.withUnsafeBufferPointer({ program.fastDevice(json: $0) }) else {
                Issue.record("unread: \(line)")
                continue
            }
            // A scan of n + 1 elements per rule plus the nodes' own steps: within 40 for few tags.
            if n <= 3 { #expect(program.planDecides(d.input), "\(n) tags") }
            if n >= 40 { #expect(!program.planDecides(d.input), "\(n) tags") }
        }
    }

    @Test func malformedMissingAndSlowFactsAreLeftToTheGeneralLoop() throws {
        let text = """
            policy "edges"
            rule "a" when has(osVersion) and osVersion < "12" then warn
            rule "b" when threatLevel >= medium or rooted then blockAccess
            """
        let program = try Engine().compile(text)
        #expect(program.plan != nil)
        let cases: [(String, Bool)] = [
            (#"{"osVersion":"11","threatLevel":"low","rooted":false}"#, true),
            (#"{"osVersion":"1.x","threatLevel":"low","rooted":false}"#, false),  // malformed: a fact error
            (#"{"threatLevel":"low","rooted":false}"#, false),  // osVersion missing: `has` is false, `<` unknown
            (#"{"osVersion":"70000.1","threatLevel":"high","rooted":false}"#, false),  // not fast
            (#"{"osVersion":"13","threatLevel":"high"}"#, false),  // rooted missing
        ]
        for (line, planned) in cases {
            #expect(CompiledEquivalenceTests.difference(program, line) == nil, "\(line)")
            let bytes = Array(line.utf8)
            guard case .success(let d) = bytes.withUnsafeBufferPointer({ program.fastDevice(json: $0) }) else {
                Issue.record("unread: \(line)")
                continue
            }
            #expect(program.planDecides(d.input) == planned, "\(line)")
        }
    }

    @Test func policiesThePlanCannotExpressHaveNone() throws {
        for text in [
            "policy \"p\"\nrule \"r\" when tags.exists(t, t == \"x\") then warn",  // a fallback
            "policy \"p\"\nrule \"r\" when manufacturer == \"a-very-long-vendor-name\" then warn",  // confirmed bytes
            "policy \"p\"\nrule \"r\" when rooted then warn, set DefenderOpenNetworkDetection = 2",  // a `set`
        ] {
            guard let program = try? Engine().compile(text) else { continue }
            #expect(program.plan == nil, "\(text)")
        }
        let cl10 = CompiledEquivalenceTests.root.appendingPathComponent("Benchmarks/workload/cl10.warden")
        let program = try Engine().compile(String(contentsOf: cl10, encoding: .utf8))
        #expect(program.plan != nil)
    }
}
