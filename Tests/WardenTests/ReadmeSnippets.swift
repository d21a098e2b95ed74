// GENERATED from README.md's ```swift blocks: do not edit. Regenerate with
//   WARDEN_UPDATE_README=1 swift test --filter ReadmeTests
// ReadmeTests fails while this file differs from what the README generates, so the README's
// Swift compiles with the test target (and `readmeSwiftSnippetsRun` runs each one).
// Plain `import Warden`: the snippets may use public API only. The README's layout is kept
// verbatim, so swift-format leaves this file alone:
// swift-format-ignore-file
import Warden

enum ReadmeSnippets {
    /// README.md's ```swift block number 1 (no line number: edits elsewhere in the README do not stale this file).
    static func snippet1(policyText: String, jsonLines: [String]) throws {
        let engine = Engine()                                       // built-in schema; host facts/functions optional
        let program = try engine.compile(policyText, name: "outlook.warden")   // throws CompileError with diagnostics
        for line in jsonLines {                                     // facts from JSON...
            guard case .success(let device) = program.device(json: Array(line.utf8)) else { continue }
            let decision = program.evaluate(device.input)           // thread-safe: Program is an immutable Sendable value
            print(decision.action, decision.fired.map(\.name), decision.errors)
        }
        // ...or from Swift values, enum members by name; `strict:` throws for an unknown fact or a wrong type
        let d = program.evaluate(try program.input(strict: ["threatLevel": .string("high"), "rooted": .bool(false)]))
        var input = program.input([:])
        try input.set("threatLevel", "medium", in: program.schema)  // or .enumMember(.threatLevel, named: "medium")
    }

    /// README.md's ```swift block number 2 (no line number: edits elsewhere in the README do not stale this file).
    static func snippet2(program: Program) throws {
        guard let old = Value.Version("9.1") else { return }
        let why = program.explain(program.input(["osVersion": .version(old)]))
        for (rule, evidence) in zip(why.decision.fired, why.fired) {
            print(rule.name, evidence.facts.map(\.text), evidence.conditions.map(\.text))
        }
        for block in why.skippedConfigs { print(block.name, block.reason) }
    }

    /// README.md's ```swift block number 3 (no line number: edits elsewhere in the README do not stale this file).
    static func snippet3() throws {
        let schema = try Schema.builtIn.adding(facts: [Schema.FactDefinition("riskScore", .int, "The host's risk, 0 to 100.")])
        let hostProgram = try Engine(schema: schema).compile(#"rule "risky" when riskScore > 70 then blockAccess"#)
        let errors: [Decision.Error] = hostProgram.evaluate(hostProgram.input([:])).errors   // riskScore is missing
        for error in errors { print(error.code, error.message) }                            // W0901 ...
    }

    /// README.md's ```swift block number 4 (no line number: edits elsewhere in the README do not stale this file).
    static func snippet4() throws {
        let tier = EnumType("Tier", members: ["bronze", "silver", "gold"], ordered: true)
        let region = EnumType("Region", members: ["emea", "amer", "apac"], ordered: false)
        let schema = try Schema.builtIn.adding(facts: [                 // registers Tier and Region too
            Schema.FactDefinition("tier", .enumeration(tier), "the customer tier"),
            Schema.FactDefinition("regions", .list(.enumeration(region)), "regions the user works in"),
        ])
        let strict = Engine(schema: schema, suppliedFacts: ["threatLevel", "rooted"])   // strict facts
        let hostProgram = try strict.compile("when tier >= silver && emea in regions && !rooted then warn")
        let decision = hostProgram.evaluate(try hostProgram.input(strict: [
            "tier": try schema.value(enum: "Tier", "gold"),             // or .string("gold"), or Value.enumMember(tier, named:)
            "regions": .list([.string("emea")]), "rooted": .bool(false),
        ]))
        assert(decision.action == .warn)
    }

    /// README.md's ```swift block number 5 (no line number: edits elsewhere in the README do not stale this file).
    static func snippet5(program: Program, inputs: [Input]) throws {
        var batch = DeviceBatch(program: program)
        for input in inputs { batch.append(input) }
        // The whole fleet, 64 devices at a time: each device's index and decision, in index order.
        program.evaluate(batch) { i, decision in
            // use decision (copy it to keep it)
        }
        for action in program.actions(batch, range: 0..<batch.count) where action != .allow {
            // only the actions (the cheapest pass): report this device
        }
        var decision = Decision()
        for i in 0..<batch.count {
            program.evaluate(batch, at: i, into: &decision)   // one device; reuses the decision's storage
            // use decision
        }
    }

    static let count = 5
}
