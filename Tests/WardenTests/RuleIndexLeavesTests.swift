import Testing

@testable import Warden

/// The candidates' shortcuts (RuleIndexLeaves.swift, `RuleIndex.lookup`): a long key confirmed
/// once per device, flat candidates decided by their leaves with the compiled path's step count,
/// on the two families of Benchmarks/gen_scaling.py at small sizes.
extension RuleIndexTests {
    static let familyApps = (0..<30).map { "com.corp.app\($0 + 100)" } + ["app1", "app2"]
    static let familyModels = (0..<50).map { "Model-\($0 + 1000)" } + ["M1", "M2"]

    /// A range condition of the families (gen_scaling.py `range_condition`).
    static func rangeCondition(_ r: inout SplitMix) -> String {
        switch r.int(7) {
        case 0: return "threatLevel \(r.pick([">", ">="])) \(r.pick(Array(Generator.threat.prefix(3))))"
        case 1: return "playIntegrity \(r.pick(["<", "<="])) \(r.pick(Array(Generator.integrity.dropFirst())))"
        case 2: return "osVersion \(r.pick(["<", "<=", ">="])) \"\(r.pick(Generator.versions))\""
        case 3: return "patchLevel \(r.pick(["<", ">="])) \"\(r.pick(Generator.dates))\""
        case 4: return "offlineMinutes \(r.pick([">", "<="])) \(r.int(1440))"
        case 5: return "pinAttempts \(r.pick([">=", "<"])) \(1 + r.int(8))"
        default: return "appVersion \(r.pick(["<", ">="])) \"\(r.pick(Generator.versions))\""
        }
    }

    /// Any other leaf a flat candidate may hold, and some that make a rule not flat.
    static func otherCondition(_ r: inout SplitMix) -> String {
        switch r.int(10) {
        case 0: return r.pick(["rooted", "not rooted", "!openNetwork"])
        case 1: return "has(\(r.pick(["osVersion", "pinAttempts", "model"])))"
        case 2: return "not has(\(r.pick(["today", "pinAttempts"])))"
        case 3: return "deviceLock in [\(r.pick(Generator.lock)), \(r.pick(Generator.lock))]"
        case 4: return "manufacturer \(r.pick(["==", "!="])) \"\(r.pick(Generator.vendors))\""
        case 5: return "not (offlineMinutes > \(r.int(1440)))"
        case 6: return "(rooted or pinAttempts > 3)"
        case 7: return "model \(r.pick(["==", "!="])) \"\(r.pick(familyModels))\""
        case 8: return r.pick(["true", "risky", "oldOS"])
        default: return rangeCondition(&r)
        }
    }

    /// The sparse family: a key on `appId` or `model` (`==` or `in`) and one or two conditions.
    static func sparsePolicy(_ r: inout SplitMix, rules: Int) -> String {
        var out = "policy \"sparse\"\nlet risky = threatLevel >= medium or rooted\nlet oldOS = osVersion < \"12\"\n"
        for i in 0..<rules {
            let key: String
            if r.chance(0.5) {
                let apps = (0..<r.pick([1, 1, 2, 3])).map { _ in "\"\(r.pick(familyApps))\"" }
                key = apps.count == 1 ? "appId == \(apps[0])" : "appId in [\(apps.joined(separator: ", "))]"
            } else {
                let models = (0..<r.pick([1, 2, 3])).map { _ in "\"\(r.pick(familyModels))\"" }
                key = models.count == 1 ? "model == \(models[0])" : "model in [\(models.joined(separator: ", "))]"
            }
            var conds = [key]
            for _ in 0..<r.pick([1, 2]) { conds.append(r.chance(0.7) ? rangeCondition(&r) : otherCondition(&r)) }
            if r.chance(0.2) { conds.swapAt(0, r.int(conds.count)) }  // the key anywhere in the conjunction
            let action = r.pick(["warn", "blockAccess", "wipeData", "blockAccess \"message \(i)\""])
            out += "rule \"s\(i)\" when \(conds.joined(separator: " and ")) then \(action)\n"
        }
        return out
    }

    /// The dense family: one to three range conditions.
    static func densePolicy(_ r: inout SplitMix, rules: Int) -> String {
        var out = "policy \"dense\"\n"
        for i in 0..<rules {
            let conds = (0..<r.pick([1, 2, 3])).map { _ in rangeCondition(&r) }
            out += "rule \"d\(i)\" when \(conds.joined(separator: " and ")) then \(r.pick(["warn", "blockAccess"]))\n"
        }
        return out
    }

    /// A device of the families: mostly well formed, some facts missing, malformed or of another type.
    static func familyDevice(_ r: inout SplitMix) -> String {
        var fields: [String] = ["\"id\":\(r.int(100_000))"]
        func add(_ key: String, _ good: String, _ bad: String) {
            switch r.int(40) {
            case 0: break  // missing
            case 1: fields.append("\"\(key)\":\(bad)")
            default: fields.append("\"\(key)\":\(good)")
            }
        }
        add("appId", "\"\(r.pick(familyApps + ["com.corp.app999"]))\"", "5")
        add("model", "\"\(r.pick(familyModels))\"", "null")
        add("threatLevel", "\"\(r.pick(Generator.threat))\"", "\"severe\"")
        add("playIntegrity", "\"\(r.pick(Generator.integrity))\"", "1")
        add("osVersion", "\"\(r.pick(Generator.versions))\"", "\"x.y\"")
        add("appVersion", "\"\(r.pick(Generator.versions))\"", "true")
        add("patchLevel", "\"\(r.pick(Generator.dates))\"", "\"2024-13-01\"")
        add("offlineMinutes", "\(r.int(1440))", "\"late\"")
        add("pinAttempts", "\(r.int(10))", "2.5")
        add("rooted", r.chance(0.1) ? "true" : "false", "\"no\"")
        add("deviceLock", "\"\(r.pick(Generator.lock))\"", "7")
        add("manufacturer", "\"\(r.pick(Generator.vendors))\"", "[]")
        fields.swapAt(1, 1 + r.int(fields.count - 1))
        return "{" + fields.joined(separator: ",") + "}"
    }

    @Test func theSparseAndDenseFamiliesDecideAsTheReference() throws {
        var rng = SplitMix(seed: 16_404)
        let devices = (0..<600).map { _ in RuleIndexTests.familyDevice(&rng) }
        for (family, rules) in [("sparse", 80), ("sparse", 400), ("dense", 80), ("dense", 300)] {
            let text =
                family == "sparse"
                ? RuleIndexTests.sparsePolicy(&rng, rules: rules) : RuleIndexTests.densePolicy(&rng, rules: rules)
            let program = try Engine().compile(text)
            #expect(program.hasRuleIndex)
            for line in devices {
                if let d = CompiledEquivalenceTests.difference(program, line) {
                    Issue.record("\(family) \(rules), device \(line): \(d)\n\(text)")
                    return
                }
            }
            if let d = CompiledEquivalenceTests.batchDifference(program, devices) {
                Issue.record("\(family) \(rules): \(d)\n\(text)")
            }
        }
    }

    @Test(arguments: [3, 6, 1_000_000])
    func theSparseFamilyDecidesAsTheReferenceUnderSmallLimits(_ maxSteps: Int) throws {
        var rng = SplitMix(seed: 16_405 &+ UInt64(maxSteps))
        let devices = (0..<120).map { _ in RuleIndexTests.familyDevice(&rng) }
        let text = RuleIndexTests.sparsePolicy(&rng, rules: 150)
        // Decision budgets around what the skipped rules plus a few candidates cost.
        for decisionSteps in [4, 30, 300, 500, 560, 600, 650, 700, 800, 1_000, 2_000_000] {
            var limits = Limits()
            limits.maxSteps = maxSteps
            limits.maxDecisionSteps = decisionSteps
            let program = try Engine(limits: limits).compile(text)
            for line in devices {
                if let d = CompiledEquivalenceTests.difference(program, line) {
                    Issue.record("\(limits), device \(line): \(d)\n\(text)")
                    return
                }
            }
        }
    }

    /// Every flat candidate's leaves give the compiled interpreter's answer and charge its steps,
    /// and many candidates of the sparse family are flat (the shortcut is taken, not bypassed).
    @Test func flatCandidatesAnswerAndChargeAsTheCompiledPath() throws {
        var rng = SplitMix(seed: 16_406)
        let program = try Engine().compile(RuleIndexTests.sparsePolicy(&rng, rules: 400))
        let index = try #require(program.ruleIndex)
        #expect(index.leaves.flatCount > 200)
        var flat = 0
        var candidates = 0
        for _ in 0..<300 {
            let line = Array(RuleIndexTests.familyDevice(&rng).utf8)
            guard case .success(let device) = program.device(json: line) else { continue }
            var input = device.input
            if !input.fastValid { input.encodeAll(program.encodings) }
            for ri in program.candidateRules(input) {
                candidates += 1
                withUnsafePointer(to: input) { p in
                    p.pointee.fast.withWords { header, words, pool in
                        var run = CompiledRun(
                            present: header.pointee.present, fast: header.pointee.fast,
                            malformed: header.pointee.malformed, words: words, pool: pool, input: p, state: nil)
                        var steps = 0
                        guard let outcome = index.leaves.decide(ri, run, steps: &steps) else { return }
                        flat += 1
                        run.steps = 0
                        let compiled = program.compiled.evalRoot(
                            program.compiled.roots[ri], &run, program.evaluator, program.engine.limits.evalLimits)
                        #expect(outcome == compiled, "rule \(ri) on \(String(decoding: line, as: UTF8.self))")
                        #expect(steps == run.steps, "rule \(ri) on \(String(decoding: line, as: UTF8.self))")
                    }
                }
            }
        }
        // Candidates keyed on a missing or malformed fact, or with an `or`, a long string outside the
        // key or a `let` of an `or` in them, take the ordinary path; about a quarter here do not.
        #expect(flat > 2_000)
        #expect(flat > candidates / 5)
    }

    /// A long string's word is a hash: a device whose word equals a key's but whose bytes differ (a
    /// collision, forged here) selects none of the rules keyed on it, and fires none of them.
    @Test func aLongKeyIsConfirmedOnTheDeviceBytes() throws {
        var text = ""
        for i in 0..<70 {
            let app = "com.example.long.app\(i % 7)"
            let key = i % 2 == 0 ? "appId == \"\(app)\"" : "appId in [\"\(app)\", \"short\"]"
            text += "rule \"r\(i)\" when \(key) and offlineMinutes >= 0 then warn\n"
        }
        let program = try Engine().compile(text)
        #expect(program.hasRuleIndex)
        let slot = try #require(program.schema.slot(ofFact: "appId"))
        var forged = program.input(["appId": .string("com.example.other.app"), "offlineMinutes": .int(5)])
        forged.fast.setFast(slot, FastWords.string("com.example.long.app3"))
        #expect(forged.fastValid)
        #expect(program.candidateRules(forged).isEmpty)
        #expect(program.evaluate(forged).fired.isEmpty)
        #expect(program.evaluate(forged) == program.referenceEvaluate(forged))
        // The genuine string selects and fires exactly the rules keyed on it.
        let genuine = program.input(["appId": .string("com.example.long.app3"), "offlineMinutes": .int(5)])
        let keyed = (0..<70).filter { $0 % 7 == 3 }
        #expect(program.candidateRules(genuine) == keyed)
        #expect(program.evaluate(genuine).fired.map(\.name) == keyed.map { "r\($0)" })
        #expect(program.evaluate(genuine) == program.referenceEvaluate(genuine))
    }
}
