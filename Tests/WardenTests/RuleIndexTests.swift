import Testing

@testable import Warden

/// The rule index (RuleIndex.swift) selects the rules a decision evaluates in big policies; the
/// decisions must be exactly those of evaluating every rule: same fired rules in the same order,
/// same errors, same action, same limit errors, for missing, malformed and unencodable facts too.
@Suite struct RuleIndexTests {
    static let apps = (0..<40).map { $0 % 3 == 0 ? "app\($0)" : "com.example.long.app\($0)" }
    static let models = (0..<60).map { "M\($0)" }

    /// A conjunct the index can key on (or, now and then, one it cannot).
    static func key(_ r: inout SplitMix) -> String {
        let cmp = r.pick(["<", "<=", ">", ">="])
        switch r.int(16) {
        case 0, 1: return "appId == \"\(r.pick(apps))\""
        case 2, 3: return "appId in [\"\(r.pick(apps))\", \"\(r.pick(apps))\", \"\(r.pick(apps))\"]"
        case 4: return "model == \"\(r.pick(models))\""
        case 5: return "model in [\"\(r.pick(models))\", \"\(r.pick(models))\"]"
        case 6: return "threatLevel \(cmp) \(r.pick(Generator.threat))"
        case 7: return "osVersion \(cmp) \"\(r.pick(Generator.versions))\""
        case 8: return "offlineMinutes \(cmp) \(r.int(1500) - 10)"
        case 9: return "patchLevel \(cmp) \"\(r.pick(Generator.dates))\""
        case 10: return r.pick(["rooted", "not rooted", "!openNetwork"])
        case 11: return "pinAttempts == \(r.int(9))"
        case 12: return "deviceLock in [\(r.pick(Generator.lock)), \(r.pick(Generator.lock))]"
        case 13: return r.pick(["false", "model in []", "oldOS", "risky"])
        case 14: return "management == \(r.pick(Generator.management))"
        default: return "appVersion \(cmp) \"\(r.pick(Generator.versions))\""
        }
    }

    /// A policy of `rules` rules: mostly conjunctions with keys, some rules the index cannot key.
    static func policy(_ r: inout SplitMix, rules: Int) -> String {
        var out = "policy \"indexed\"\n"
        out += "let risky = threatLevel >= medium or rooted\n"
        out += "let oldOS = osVersion < \"12\"\n"
        out += "let vendorList = [\"acme\", \"unknown\", \"a-very-long-vendor-name-indeed\"]\n"
        for i in 0..<rules {
            var parts: [String] = []
            if r.chance(0.85) { parts.append(key(&r)) }
            if r.chance(0.3) { parts.append(key(&r)) }
            if r.chance(0.6) || parts.isEmpty { parts.append(Generator.condition(&r)) }
            let action = r.pick(["warn", "blockAccess", "wipeData", "blockAccess \"message \(i)\""])
            out += "rule \"r\(i)\" when \(parts.joined(separator: " and ")) then \(action)\n"
        }
        return out
    }

    /// A generated device line with an `appId` (sometimes missing or malformed).
    static func device(_ r: inout SplitMix) -> String {
        let line = Generator.device(&r)
        guard line.hasPrefix("{\"id\"") else { return line }
        let app: String
        switch r.int(20) {
        case 0: return line
        case 1: app = "\"appId\":5,"
        case 2: app = "\"appId\":\"com.example.long.app999\","
        default: app = "\"appId\":\"\(r.pick(apps))\","
        }
        return "{" + app + line.dropFirst()
    }

    @Test func indexedPoliciesDecideAsTheReferenceOnGeneratedDevices() throws {
        var rng = SplitMix(seed: 16_004)
        let devices = (0..<1_500).map { _ in RuleIndexTests.device(&rng) }
        for rules in [64, 200, 700] {
            let text = RuleIndexTests.policy(&rng, rules: rules)
            let program = try Engine().compile(text)
            #expect(program.hasRuleIndex)
            for line in devices {
                if let d = CompiledEquivalenceTests.difference(program, line) {
                    Issue.record("\(rules) rules, device \(line): \(d)\n\(text)")
                    return
                }
            }
            if let d = CompiledEquivalenceTests.batchDifference(program, devices) {
                Issue.record("\(rules) rules: \(d)\n\(text)")
            }
        }
    }

    @Test(arguments: [1, 3, 10, 50, 1_000_000])
    func indexedPoliciesDecideAsTheReferenceUnderSmallLimits(_ maxSteps: Int) throws {
        var rng = SplitMix(seed: 16_005 &+ UInt64(maxSteps))
        let devices = (0..<150).map { _ in RuleIndexTests.device(&rng) }
        let text = RuleIndexTests.policy(&rng, rules: 120)
        // Budgets around what a decision costs: the skipped rules' cost decides which side of them it falls.
        for (decisionSteps, decisionBytes) in [
            (2_000_000, 64 << 20), (5, 64 << 20), (40, 64 << 20), (200, 64 << 20), (400, 64 << 20),
            (700, 64 << 20), (1_000, 64 << 20), (1_500, 64 << 20), (2_000_000, 100), (400, 1_000),
        ] {
            var limits = Limits()
            limits.maxSteps = maxSteps
            limits.maxDecisionSteps = decisionSteps
            limits.maxDecisionBytes = decisionBytes
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

    @Test func aDeviceEvaluatesOnlyTheRulesKeyedToItsValues() throws {
        // 300 rules keyed by appId, 100 by model, 50 by threatLevel, 10 unkeyable: the candidates of
        // a device are exactly the rules its values can satisfy, plus the unkeyable ones.
        var text = ""
        var byApp: [String: [Int]] = [:]
        var byModel: [String: [Int]] = [:]
        var r = SplitMix(seed: 3)
        for i in 0..<300 {
            let a = RuleIndexTests.apps[r.int(RuleIndexTests.apps.count)]
            byApp[a, default: []].append(i)
            text += "rule \"a\(i)\" when appId == \"\(a)\" and offlineMinutes >= \(r.int(3)) then warn\n"
        }
        for i in 300..<400 {
            let m = RuleIndexTests.models[r.int(RuleIndexTests.models.count)]
            byModel[m, default: []].append(i)
            text += "rule \"m\(i)\" when model in [\"\(m)\", \"\(m)\"] and rooted then blockAccess\n"
        }
        for i in 400..<450 {
            text += "rule \"t\(i)\" when threatLevel >= \(i % 2 == 0 ? "high" : "low") then warn\n"
        }
        for i in 450..<460 {
            text += "rule \"u\(i)\" when rooted or size(tags) > \(i - 450) then warn\n"
        }
        let program = try Engine().compile(text)
        #expect(program.hasRuleIndex)
        let unkeyed = Array(450..<460)
        let app = RuleIndexTests.apps[4]
        let model = RuleIndexTests.models[7]
        let device = program.input([
            "appId": .string(app), "model": .string(model), "threatLevel": .enumMember(.threatLevel, 1),
        ])
        let low = (400..<450).filter { $0 % 2 == 1 }
        let expected = ((byApp[app] ?? []) + (byModel[model] ?? []) + low + unkeyed).sorted()
        #expect(program.candidateRules(device) == expected)
        // A missing fact makes every rule keyed on it a candidate (the reference reports their errors).
        let noApp = program.input(["model": .string(model), "threatLevel": .enumMember(.threatLevel, 3)])
        let all400 = Array(400..<450)
        #expect(program.candidateRules(noApp) == (Array(0..<300) + (byModel[model] ?? []) + all400 + unkeyed).sorted())
        #expect(program.evaluate(noApp) == program.referenceEvaluate(noApp))
        #expect(program.evaluate(noApp).errors.count >= 300)
        // A malformed one too.
        let badApp = program.input(["appId": .int(4), "model": .string(model)])
        #expect(program.candidateRules(badApp).prefix(300) == Array(0..<300)[...])
        #expect(program.evaluate(badApp) == program.referenceEvaluate(badApp))
    }

    @Test func smallPoliciesAreNotIndexed() throws {
        let cl10 = try Engine().compile(
            """
            rule "r1" when accountDisabled then wipeData
            rule "r3" when threatLevel > medium then blockAccess "Device threat level is high"
            rule "r5" when osVersion < "11.0" then blockAccess "Android 11 or later is required"
            """)
        #expect(!cl10.hasRuleIndex)
        #expect(cl10.candidateRules(cl10.input([:])) == [0, 1, 2])
        // A big policy no rule of which has a key is not indexed either.
        let unkeyed = (0..<100).map { "rule \"u\($0)\" when rooted or size(tags) > \($0) then warn" }
        #expect(!(try Engine().compile(unkeyed.joined(separator: "\n"))).hasRuleIndex)
    }
}
