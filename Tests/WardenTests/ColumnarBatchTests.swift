import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The columnar batch path (`Program.evaluate(_:range:_:)`, `Program.actions(_:range:)`, the column
/// kernel) must decide every device exactly as `evaluate(batch, at:into:)` and the reference
/// interpretation do: generated devices (absent, malformed and slow facts, fact errors), the
/// samples and fixtures, the generated policies of CompiledEquivalenceTests, batch sizes around
/// the 64-device block, ranges, small limits, and seeds.
@Suite struct ColumnarBatchTests {
    static let root = CompiledEquivalenceTests.root

    /// A batch of the device lines (inputs from both readers, as CompiledEquivalenceTests does).
    static func batch(_ program: Program, _ lines: [String]) -> DeviceBatch {
        var batch = DeviceBatch(program: program)
        for line in lines {
            let bytes = Array(line.utf8)
            if case .success(let d) = program.device(json: bytes) { batch.append(d.input) }
            if case .success(let d) = bytes.withUnsafeBufferPointer({ program.fastDevice(json: $0) }) {
                batch.append(d.input)
            }
        }
        return batch
    }

    /// Compares the columnar decisions and actions of `range` with the per-device path and the
    /// reference; returns the first difference.
    static func difference(_ program: Program, _ batch: DeviceBatch, range: Range<Int>? = nil) -> String? {
        let (lo, hi) = Program.clamp(range, batch.count)
        var seen: [Int] = []
        var first: String?
        var perDevice = Decision()
        program.evaluate(batch, range: range) { i, decision in
            seen.append(i)
            guard first == nil else { return }
            program.evaluate(batch, at: i, into: &perDevice)
            if decision != perDevice {
                first = "device \(i): columnar \(decision) vs per-device \(perDevice)"
            } else if i < 400, decision != program.referenceEvaluate(batch[i]) {
                first = "device \(i): columnar \(decision) vs reference"
            }
        }
        if let first { return first }
        if seen != Array(lo..<hi) { return "indices \(seen.prefix(5))... for \(lo)..<\(hi)" }
        let actions = program.actions(batch, range: range)
        if actions.count != hi - lo { return "\(actions.count) actions for \(lo)..<\(hi)" }
        for (k, a) in actions.enumerated() {
            program.evaluate(batch, at: lo + k, into: &perDevice)
            if a != perDevice.action { return "action of device \(lo + k): \(a) vs \(perDevice.action)" }
        }
        return nil
    }

    /// How many devices of the batch the kernel decides (not left to the per-device path).
    static func kernelDecided(_ program: Program, _ batch: DeviceBatch) -> Int {
        guard let kernel = program.columnKernel(for: batch) else { return 0 }
        var decided = 0
        _ = program.columnBlocks(batch, 0, batch.count, kernel) { _, devices, exact, _ in
            decided += (devices & ~exact).nonzeroBitCount
        }
        return decided
    }

    static func cl10() throws -> Program {
        let url = root.appendingPathComponent("Benchmarks/workload/cl10.warden")
        return try Engine().compile(try String(contentsOf: url, encoding: .utf8), name: "cl10.warden")
    }

    static let lets = """
        let risky = threatLevel >= medium or rooted
        let oldOS = osVersion < "12"
        let vendorList = ["acme", "unknown", "a-very-long-vendor-name-indeed"]

        """

    /// A generated condition the kernel evaluates (no fallback subtree: checked by compiling it).
    static func kernelCondition(_ r: inout SplitMix) -> String {
        while true {
            let c = Generator.condition(&r)
            guard let p = try? Engine().compile(lets + "rule \"x\" when \(c) then warn") else { continue }
            if p.columnKernel(for: DeviceBatch(program: p)) != nil { return c }
        }
    }

    static func kernelPolicy(_ r: inout SplitMix, rules: Int, name: String) -> String {
        var out = "policy \"\(name)\"\n" + lets
        for i in 0..<rules {
            let action = r.pick(["warn", "blockAccess", "wipeData", "blockAccess \"message \(i)\""])
            out += "rule \"r\(i)\" when \(kernelCondition(&r)) then \(action)\n"
        }
        return out
    }

    @Test func cl10DecidesAsPerDeviceOnGeneratedDevices() throws {
        let program = try ColumnarBatchTests.cl10()
        var rng = SplitMix(seed: 16_002)
        let batch = ColumnarBatchTests.batch(program, (0..<3_000).map { _ in Generator.device(&rng) })
        #expect(batch.count > 5_000)
        #expect(program.columnKernel(for: batch) != nil)
        // Most devices are decided by the kernel; absent, malformed or slow facts by the per-device path.
        let decided = ColumnarBatchTests.kernelDecided(program, batch)
        #expect(decided > batch.count / 4 && decided < batch.count)
        if let d = ColumnarBatchTests.difference(program, batch) { Issue.record("\(d)") }
    }

    @Test func cl10DecidesAsPerDeviceOnTheSharedWorkloadDevices() throws {
        let program = try ColumnarBatchTests.cl10()
        // Devices as Benchmarks/workload/gen_devices.py writes them: every fact present and fast.
        var rng = SplitMix(seed: 9)
        let threat = ["secured", "low", "medium", "high"]
        let integrity = ["none", "basic", "strong"]
        let lines = (0..<700).map { i -> String in
            let tags = (0..<rng.int(3)).map { _ in "\"\(rng.pick(["Finance", "BYOD", "Sales"]))\"" }
            return "{\"id\":\(i),\"threatLevel\":\"\(rng.pick(threat))\",\"rooted\":\(rng.chance(0.05)),"
                + "\"osVersion\":\"\(rng.pick(["9", "10.1", "11.0", "12.3.1", "14"]))\","
                + "\"patchLevel\":\"\(rng.pick(["2023-05-01", "2024-01-01", "2024-06-05"]))\","
                + "\"manufacturer\":\"\(rng.pick(["acme", "google", "unknown", "samsung"]))\","
                + "\"appVersion\":\"1.2.3\",\"offlineMinutes\":\(rng.int(1_500)),\"pinAttempts\":\(rng.int(7)),"
                + "\"accountDisabled\":\(rng.chance(0.02)),\"playIntegrity\":\"\(rng.pick(integrity))\","
                + "\"tags\":[\(tags.joined(separator: ","))]}"
        }
        let batch = ColumnarBatchTests.batch(program, lines)
        #expect(batch.count == 1_400)
        #expect(ColumnarBatchTests.kernelDecided(program, batch) == batch.count)
        if let d = ColumnarBatchTests.difference(program, batch) { Issue.record("\(d)") }
        #expect(Set(program.actions(batch)).count > 2)
    }

    @Test func samplesAndFixturesDecideAsPerDevice() throws {
        let root = ColumnarBatchTests.root
        let deviceText = try String(contentsOf: root.appendingPathComponent("samples/devices.jsonl"), encoding: .utf8)
        var rng = SplitMix(seed: 77)
        let lines = deviceText.split(separator: "\n").map(String.init) + (0..<200).map { _ in Generator.device(&rng) }
        var compiled = 0
        var kernels = 0
        for dir in ["Tests/WardenTests/Fixtures/language", "samples"] {
            let d = root.appendingPathComponent(dir)
            for f in try FileManager.default.contentsOfDirectory(atPath: d.path) where f.hasSuffix(".warden") {
                let text = try String(contentsOf: d.appendingPathComponent(f), encoding: .utf8)
                guard let program = try? Engine().compile(text, name: f) else { continue }
                compiled += 1
                let batch = ColumnarBatchTests.batch(program, lines)
                if program.columnKernel(for: batch) != nil { kernels += 1 }
                if let diff = ColumnarBatchTests.difference(program, batch) { Issue.record("\(f): \(diff)") }
            }
        }
        #expect(compiled >= 8)
        #expect(kernels >= 1)
    }

    @Test func configBlocksAndSetsLeaveActionsOnTheKernel() throws {
        // A policy with config blocks (one for a group) and a rule's `set`: whole decisions go device by
        // device (their configuration is per device), but `actions` runs on the kernel, and agrees.
        let text = """
            config "base" route managedApps {
              DefenderMAMConfigs = 1
              antiphishing = 1
            }
            config "finance" route managedApps for groups ["Finance"] {
              DefenderMAMConfigs = 1
              vpn = 0
            }
            rule "threat" when threatLevel > medium then blockAccess, set DefenderOpenNetworkDetection = 2
            rule "old" when osVersion < "12" then warn
            rule "root" when rooted or pinAttempts >= 5 then wipeData
            rule "cheap" when manufacturer in ["acme", "unknown"] && !("Finance" in tags) then warn

            """
        let program = try Engine().compile(text, name: "config.warden")
        var rng = SplitMix(seed: 16_003)
        let batch = ColumnarBatchTests.batch(program, (0..<1_000).map { _ in Generator.device(&rng) })
        #expect(program.columnKernel(for: batch) == nil)
        let kernel = try #require(program.columnKernel(for: batch, actionsOnly: true))
        var decided = 0
        _ = program.columnBlocks(batch, 0, batch.count, kernel) { _, devices, exact, _ in
            decided += (devices & ~exact).nonzeroBitCount
        }
        #expect(decided > batch.count / 4)
        if let d = ColumnarBatchTests.difference(program, batch) { Issue.record("\(d)") }
        #expect(Set(program.actions(batch)).count > 2)
        // The sample with config blocks and a `set` too.
        let sample = ColumnarBatchTests.root.appendingPathComponent("samples/web-network-protection.warden")
        let web = try Engine().compile(try String(contentsOf: sample, encoding: .utf8), name: "web.warden")
        let webBatch = ColumnarBatchTests.batch(web, (0..<500).map { _ in Generator.device(&rng) })
        #expect(web.columnKernel(for: webBatch, actionsOnly: true) != nil)
        if let d = ColumnarBatchTests.difference(web, webBatch) { Issue.record("web: \(d)") }
    }

    @Test func generatedPoliciesDecideAsPerDevice() throws {
        var rng = SplitMix(seed: 20_240_501)
        let lines = (0..<1_500).map { _ in Generator.device(&rng) }
        for (n, rules) in [30, 50, 60].enumerated() {
            // The equivalence tests' policies (fallbacks: decided device by device) and kernel-only ones.
            let texts = [
                Generator.policy(&rng, rules: rules, name: "generated-\(n)"),
                ColumnarBatchTests.kernelPolicy(&rng, rules: rules, name: "kernel-\(n)"),
            ]
            for (k, text) in texts.enumerated() {
                let program = try Engine().compile(text)
                let batch = ColumnarBatchTests.batch(program, lines)
                if k == 1 {
                    #expect(program.columnKernel(for: batch) != nil)
                    #expect(ColumnarBatchTests.kernelDecided(program, batch) > batch.count / 10)
                }
                if let d = ColumnarBatchTests.difference(program, batch) { Issue.record("\(d)\n\(text)") }
            }
        }
    }

    @Test(arguments: [0, 1, 63, 64, 65, 1_000])
    func batchSizesAroundTheBlockDecideAsPerDevice(_ size: Int) throws {
        let program = try ColumnarBatchTests.cl10()
        var rng = SplitMix(seed: UInt64(size) &+ 5)
        var batch = DeviceBatch(program: program)
        while batch.count < size {
            let bytes = Array(Generator.device(&rng).utf8)
            if case .success(let d) = bytes.withUnsafeBufferPointer({ program.fastDevice(json: $0) }) {
                batch.append(d.input)
            }
        }
        #expect(batch.count == size)
        #expect(program.actions(batch).count == size)
        if let d = ColumnarBatchTests.difference(program, batch) { Issue.record("\(d)") }
        for range in [
            0..<0, 0..<1, min(1, size)..<size, 63..<65, min(64, size)..<size, -5..<3, size..<(size + 9), 0..<Int.max,
            Int.min..<0,
        ] {
            if let d = ColumnarBatchTests.difference(program, batch, range: range) { Issue.record("\(range): \(d)") }
        }
    }

    @Test func hostInputsForeignInputsAndLongStringsDecideAsPerDevice() throws {
        let program = try Engine().compile(
            """
            rule "a" when threatLevel > medium and not ("Finance" in tags) then blockAccess
            rule "b" when osVersion < "11.0" or manufacturer in ["acme", "a much longer manufacturer name"] then warn
            rule "c" when has(patchLevel) ? patchLevel < "2024-01-01" : pinAttempts >= 5 then wipeData
            rule "d" when "a much longer tag than seven bytes" in tags then warn
            rule "e" when manufacturer != "a much longer manufacturer name" and osVersion >= appVersion then warn
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
        input.facts[program.schema.slot(ofFact: "tags") ?? 0] = .list([.string("Finance")])  // stale typed slots
        batch.append(input)
        batch.append(Input(slots: 2))  // not of this schema: the reference path
        batch.append(program.input([:]))
        batch.append(
            program.input(["manufacturer": .string("acme"), "osVersion": .version(try #require(Version("9")))]))
        batch.append(
            program.input([
                "threatLevel": .enumMember(.threatLevel, 2), "tags": .list([]),
                "appVersion": .version(try #require(Version("1"))),
                "osVersion": .version(try #require(Version("12"))),
                "manufacturer": .string("another long manufacturer"),
            ]))
        #expect(program.columnKernel(for: batch) != nil)
        if let d = ColumnarBatchTests.difference(program, batch) { Issue.record("\(d)") }
        // A batch of another schema's layout is decided device by device.
        let other = try Engine().compile("rule \"x\" when rooted then warn")
        var foreign = DeviceBatch(schema: Schema(facts: [], keys: []))
        foreign.append(other.input(["rooted": .bool(true)]))
        #expect(other.columnKernel(for: foreign) == nil)
        if let d = ColumnarBatchTests.difference(other, foreign) { Issue.record("foreign: \(d)") }
    }

    @Test(arguments: [1, 3, 10, 1_000_000])
    func smallLimitsDecideAsPerDevice(_ maxSteps: Int) throws {
        var rng = SplitMix(seed: 20_261_201 &+ UInt64(maxSteps))
        let lines = (0..<200).map { _ in Generator.device(&rng) }
        let text = ColumnarBatchTests.kernelPolicy(&rng, rules: 30, name: "limits")
        for decisionSteps in [2_000_000, 40, 5] {
            var limits = Limits()
            limits.maxSteps = maxSteps
            limits.maxDecisionSteps = decisionSteps
            let program = try Engine(limits: limits).compile(text)
            let batch = ColumnarBatchTests.batch(program, lines)
            if let d = ColumnarBatchTests.difference(program, batch) { Issue.record("\(limits): \(d)\n\(text)") }
        }
    }

    @Test func seedsDecideAsPerDevice() throws {
        for seed in UInt64(1)...12 {
            var rng = SplitMix(seed: seed &* 7_919)
            let text = ColumnarBatchTests.kernelPolicy(&rng, rules: 1 + rng.int(40), name: "seed-\(seed)")
            let program = try Engine().compile(text)
            let batch = ColumnarBatchTests.batch(program, (0..<(rng.int(300) + 1)).map { _ in Generator.device(&rng) })
            let a = rng.int(batch.count + 1)
            let range = a..<(a + rng.int(batch.count + 1 - a))
            if let d = ColumnarBatchTests.difference(program, batch, range: rng.chance(0.5) ? nil : range) {
                Issue.record("seed \(seed): \(d)\n\(text)")
            }
        }
    }

    @Test func slotsOfManyDistinctValuesDecideAsPerDevice() throws {
        // More distinct words than a slot's value table holds (16): the kernel compares the lanes.
        let program = try Engine().compile(
            """
            rule "a" when manufacturer == "vendor-number-7-of-forty" or manufacturer in ["v3", "v9", "v30"] then warn
            rule "b" when manufacturer != "v12" and osVersion >= "10.20" then blockAccess
            rule "c" when pinAttempts > 20 or not (offlineMinutes < 700) then wipeData
            rule "d" when rooted == false and threatLevel != high then warn
            """)
        var rng = SplitMix(seed: 40)
        var batch = DeviceBatch(program: program)
        for _ in 0..<900 {
            let n = rng.int(40)
            let name = n % 2 == 0 ? "v\(n)" : "vendor-number-\(n)-of-forty"
            var facts: [String: Value] = [
                "manufacturer": .string(name), "pinAttempts": .int(Int64(rng.int(40))),
                "offlineMinutes": .int(Int64(rng.int(1_400))), "rooted": .bool(rng.chance(0.2)),
                "threatLevel": .enumMember(.threatLevel, rng.int(4)),
            ]
            if let v = Version("10.\(rng.int(40))") { facts["osVersion"] = .version(v) }
            batch.append(program.input(facts))
        }
        #expect(batch.columns.tables.allSatisfy { $0.count <= BatchColumns.tableSize })
        // All but the devices whose long manufacturer's word equals the constant's (bytes to confirm).
        let decided = ColumnarBatchTests.kernelDecided(program, batch)
        #expect(decided > batch.count * 9 / 10 && decided < batch.count)
        if let d = ColumnarBatchTests.difference(program, batch) { Issue.record("\(d)") }
        #expect(Set(program.actions(batch)).count == 4)
    }
}
