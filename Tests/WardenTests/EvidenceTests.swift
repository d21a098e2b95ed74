import Testing

@testable import Warden
@testable import WardenTools

/// `Program.explain`: the facts each fired or erroring rule read and the comparisons that decided
/// it, with both sides; and the config blocks that did not apply, with why.
@Suite struct EvidenceTests {
    static func explain(_ policy: String, _ json: String, today: String? = nil, limits: Limits = .default) throws
        -> Explanation
    {
        let program = try Engine(limits: limits).compile(policy)
        var input = try program.device(json: Array(json.utf8)).get().input
        if let today { input.setIfMissing("today", .date(try #require(Day(today))), in: program.schema) }
        return program.explain(input)
    }

    @Test func comparisonShowsBothSidesAndTheNamedLet() throws {
        let x = try Self.explain(
            """
            let minimumOs = version("11.0")
            rule "old Android" when osVersion < minimumOs then blockAccess
            """, #"{"osVersion":"9.0"}"#)
        let ev = try #require(x.fired.first)
        #expect(ev.conditions.map(\.text) == ["osVersion 9.0 < 11.0 (minimumOs)"])
        #expect(ev.facts.map(\.text) == ["osVersion = 9.0"])
        #expect(ev.conditions.first?.op == "<")
        #expect(ev.conditions.first?.result == true)
        #expect(ev.isComplete)
    }

    @Test func computedSideShowsItsValue() throws {
        let x = try Self.explain(
            #"rule "stale patch" when daysBetween(patchLevel, today) > 90 then warn"#,
            #"{"patchLevel":"2023-01-01"}"#, today: "2024-02-17")
        let ev = try #require(x.fired.first)
        #expect(ev.conditions.map(\.text) == ["daysBetween(patchLevel, today) = 412 > 90"])
        #expect(ev.facts.map(\.text) == ["patchLevel = 2023-01-01", "today = 2024-02-17"])
    }

    @Test func anOrThatIsTrueListsOnlyItsTrueOperand() throws {
        let x = try Self.explain(
            #"rule "r" when pinAttempts > 3 || osVersion < "11" then warn"#, #"{"pinAttempts":5}"#)
        let ev = try #require(x.fired.first)
        // The missing osVersion was never read: `||` stopped at the true operand.
        #expect(ev.conditions.map(\.text) == ["pinAttempts 5 > 3"])
        #expect(ev.facts.map(\.name) == ["pinAttempts"])
    }

    @Test func anAndThatIsFalseListsOnlyItsFalseOperand() throws {
        let x = try Self.explain(
            #"rule "r" when !(pinAttempts > 3 && rooted) then warn"#, #"{"pinAttempts":1,"rooted":true}"#)
        let ev = try #require(x.fired.first)
        #expect(ev.conditions.map(\.text) == ["pinAttempts 1 > 3 → false"])
        #expect(ev.facts.map(\.name) == ["pinAttempts"])
    }

    @Test func anAndThatIsTrueListsEveryOperand() throws {
        let x = try Self.explain(
            #"rule "r" when threatLevel > low && has(tags) && "BYOD" in tags then warn"#,
            #"{"threatLevel":"high","tags":["BYOD"]}"#)
        let ev = try #require(x.fired.first)
        #expect(
            ev.conditions.map(\.text) == ["threatLevel high > low", "has(tags) = true", #""BYOD" in tags ["BYOD"]"#])
    }

    @Test func anErroringRuleShowsTheMissingFactAndTheFailedComparison() throws {
        let x = try Self.explain(
            """
            policy "p" onError blockAccess
            rule "old" when osVersion < "11" then warn
            """, #"{"rooted":false}"#)
        #expect(x.decision.action == .blockAccess)
        let ev = try #require(x.errors.first ?? nil)
        #expect(ev.facts.map(\.text) == ["osVersion missing"])
        let c = try #require(ev.conditions.first)
        #expect(c.result == nil)
        #expect(c.error == "fact `osVersion` is missing")
        #expect(c.left == "osVersion missing")
        #expect(c.right == #""11""#)
    }

    @Test func aMalformedFactSaysWhy() throws {
        let x = try Self.explain(#"rule "r" when osVersion < "11" then warn"#, #"{"osVersion":"14.x"}"#)
        let ev = try #require(x.errors.last ?? nil)
        #expect(ev.facts.first?.malformation?.contains("not a version") == true)
        #expect(x.errors.first.map { $0 == nil } == true, "the fact error has no evidence")
    }

    @Test func aBooleanLetIsExplainedThroughItsComparisons() throws {
        let x = try Self.explain(
            """
            let outdated = osVersion < "11" || patchLevel < "2024-01-01"
            rule "r" when outdated && !rooted then warn
            """, #"{"osVersion":"14","patchLevel":"2023-05-01","rooted":false}"#)
        let ev = try #require(x.fired.first)
        #expect(ev.conditions.map(\.text) == ["patchLevel 2023-05-01 < \"2024-01-01\""])
        #expect(ev.facts.map(\.name) == ["patchLevel", "rooted"])
    }

    @Test func theRuleSpansAllItsLines() throws {
        let x = try Self.explain(
            """
            rule "r"
              when pinAttempts > 3
              then warn "many",
              set vpn = 0
            """, #"{"pinAttempts":5}"#)
        let ev = try #require(x.fired.first)
        #expect(ev.firstLine == 1)
        #expect(ev.lastLine == 4)
    }

    @Test func explainingChangesNoDecision() throws {
        let program = try Engine().compile(
            """
            policy "p" onError blockAccess
            let cutoff = date("2024-01-01")
            rule "a" when threatLevel > medium || patchLevel < cutoff then blockAccess
            rule "b" when size(tags) > 1 && osVersion >= "12" then warn
            config "All" route managedApps { DefenderMAMConfigs = 1 vpn = 0 }
            """)
        for json in [
            #"{"threatLevel":"high"}"#, #"{"patchLevel":"2020-01-01","tags":["a","b"],"osVersion":"13"}"#, "{}",
            #"{"threatLevel":"nope","tags":[]}"#,
        ] {
            let input = try program.device(json: Array(json.utf8)).get().input
            let x = program.explain(input)
            #expect(x.decision == program.evaluate(input))
            #expect(x.fired.count == x.decision.fired.count)
            #expect(x.errors.count == x.decision.errors.count)
            let complete = x.fired.filter(\.isComplete).count
            #expect(complete == x.fired.count)
        }
    }

    /// The walk decides each rule as the evaluator does (short-circuit, errors absorbed by `&&`
    /// and `||`, `!`, `?:`, lets): fired rules walk to true, unfired to false, erroring to an error.
    @Test func theWalkDecidesEveryRuleAsTheEvaluator() throws {
        let program = try Engine().compile(
            """
            policy "p" onError blockAccess
            let old = osVersion < "11" || patchLevel < "2024-01-01"
            let risky = threatLevel > medium
            rule "a" when old && !rooted then warn
            rule "b" when risky || rooted then blockAccess
            rule "c" when (pinAttempts > 3 ? risky : old) && has(tags) then warn
            rule "d" when !(rooted && pinAttempts > 100) || threatLevel == high then warn
            rule "e" when "BYOD" in tags && size(tags) > 1 then warn
            rule "f" when pinAttempts / 0 > 1 || rooted then warn
            rule "g" when tags.exists(t, t == "x") && !old then warn
            """)
        let devices = [
            "{}", #"{"osVersion":"9","rooted":false}"#, #"{"osVersion":"14","patchLevel":"2020-01-01","rooted":true}"#,
            #"{"threatLevel":"high","pinAttempts":5,"tags":["BYOD","x"]}"#,
            #"{"threatLevel":"low","pinAttempts":1,"tags":["x"],"osVersion":"12","patchLevel":"2025-01-01"}"#,
            #"{"rooted":"yes","threatLevel":"nope","osVersion":"1.x"}"#, #"{"pinAttempts":200,"rooted":true}"#,
        ]
        for json in devices {
            let input = try program.device(json: Array(json.utf8)).get().input
            let d = program.evaluate(input)
            var recorder = EvidenceRecorder(program: program, input: input)
            for (ri, rule) in program.policy.rules.enumerated() {
                var f = EvidenceRecorder.Fragment()
                recorder.state.steps = 0
                let r = recorder.walk(rule.condition, &f, depth: 0)
                let fired = d.fired.contains { $0.name == rule.name }
                let erred = d.errors.contains {
                    if case .rule(let n, _, _, _, _) = $0 { n == rule.name } else { false }
                }
                switch r {
                case .success(.bool(true)): #expect(fired, "\(rule.name) on \(json)")
                case .success(.bool(false)): #expect(!fired && !erred, "\(rule.name) on \(json)")
                default: #expect(erred, "\(rule.name) (#\(ri)) on \(json)")
                }
            }
        }
    }

    @Test func aLimitCutsTheEvidenceShortWithoutFailing() throws {
        var limits = Limits.default
        limits.maxSteps = 40
        let x = try Self.explain(
            #"rule "r" when tags.exists(t, t == "x") then warn"#,
            #"{"tags":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u","v","w","x"]}"#,
            limits: limits)
        // The rule errs on the limit; its evidence is marked incomplete instead of looping or trapping.
        let ev = try #require(x.errors.first ?? nil)
        #expect(!ev.isComplete)
    }

    @Test func aDeepConditionIsWalkedToABoundAndEvaluatedBeyond() throws {
        let depth = 90
        let cond = String(repeating: "!(", count: depth) + "rooted" + String(repeating: ")", count: depth)
        var limits = Limits.default
        limits.maxNesting = 400
        let x = try Self.explain(#"rule "r" when \#(cond) then warn"#, #"{"rooted":true}"#, limits: limits)
        #expect(x.decision.fired.map(\.name) == ["r"])
        #expect(x.fired.first?.facts.map(\.name) == ["rooted"])
    }

    @Test func aLongConditionListsAtMostMaxItemsAndSaysItIsCut() throws {
        let cond = (0..<500).map { "pinAttempts > -\($0)" }.joined(separator: " && ")
        let x = try Self.explain(#"rule "r" when \#(cond) then warn"#, #"{"pinAttempts":1}"#)
        let ev = try #require(x.fired.first)
        #expect(ev.conditions.count == Evidence.maxItems)
        #expect(ev.conditions.first?.text == "pinAttempts 1 > -0")
        #expect(!ev.isComplete)
        #expect(ev.facts.map(\.name) == ["pinAttempts"])
    }

    @Test func skippedBlocksSayWhy() throws {
        let policy = """
            config "Base" route managedApps { DefenderMAMConfigs = 1 }
            config "Finance" route managedApps for groups ["Finance"] { DefenderMAMConfigs = 1 vpn = 0 }
            config "Corp" route managedDevices { DisableSignOut = 1 }
            """
        let a = try Self.explain(policy, #"{"groups":["Sales"],"management":"unmanaged"}"#)
        #expect(
            a.skippedConfigs.map { "\($0.name): \($0.reason)" } == [
                #"Finance: for groups ["Finance"], but the device is in ["Sales"]"#,
                "Corp: route managedDevices, but the device's `management` is `unmanaged` (not enrolled)",
            ])
        let b = try Self.explain(policy, "{}")
        #expect(
            b.skippedConfigs.map(\.reason) == [
                #"for groups ["Finance"], but the device has no `groups`"#,
                "route managedDevices, but the device has no `management` (not known to be enrolled)",
            ])
        let c = try Self.explain(policy, #"{"groups":["Finance"],"management":"androidEnterprise"}"#)
        #expect(c.skippedConfigs.isEmpty)
        #expect(c.decision.config.first { $0.key == "vpn" }?.origin == .block(name: "Finance", file: nil, line: 2))
    }

    /// `whyNotApplied` is the exact complement of `applies`, over every route, group list and device.
    @Test func skippedReasonsAgreeWithApplication() throws {
        let program = try Engine().compile(
            """
            config "A" route managedApps { DefenderMAMConfigs = 1 }
            config "B" route managedApps for groups ["G1", "G2"] { DefenderMAMConfigs = 1 vpn = 0 }
            config "C" route managedDevices { DisableSignOut = 1 }
            config "D" route managedDevices for groups ["G2"] { DisableSignOut = 1 }
            """)
        let managements = ["", #","management":"unmanaged""#, #","management":"deviceAdmin""#, #","management":7"#]
        let groups = ["", #","groups":[]"#, #","groups":["G1"]"#, #","groups":["G3","G2"]"#, #","groups":["X"]"#]
        for m in managements {
            for g in groups {
                let json = "{\"id\":1\(m)\(g)}"
                let input = try program.device(json: Array(json.utf8)).get().input
                for c in program.policy.configs {
                    let skipped = Program.whyNotApplied(c, program.schema, input) != nil
                    #expect(skipped == !Program.applies(c, program.schema, input), "\(c.name) on \(json)")
                }
            }
        }
    }

    @Test func configTextListsSetKeysWithTheirSourceAndCountsDefaults() throws {
        let program = try Engine().compile(
            """
            config "Web" route managedApps { DefenderMAMConfigs = 1 vpn = 0 }
            rule "open" when openNetwork then warn, set DefenderOpenNetworkDetection = 2
            """)
        let input = try program.device(json: Array(#"{"openNetwork":true}"#.utf8)).get().input
        let text = DecisionText.render(program.explain(input), program: program, device: "1", showConfig: true)
        #expect(text.contains("  config: 3 keys set, 11 at their schema defaults\n"))
        #expect(text.contains("    vpn = 0                           ← config \"Web\" (line 1)\n"))
        #expect(text.contains("    DefenderOpenNetworkDetection = 2  ← rule \"open\" (set, line 2)\n"))
        #expect(!text.contains("antiphishing"))
        let full = DecisionText.render(
            program.explain(input), program: program, device: "1", showConfig: true, fullConfig: true)
        #expect(full.contains("antiphishing = 1"))
        #expect(full.contains("← schema default"))
    }
}
