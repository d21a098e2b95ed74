import Foundation
import Testing

@testable import Warden

/// What the differential fuzz targets of Fuzz/run.sh (stream, batch, eval) found, pinned.
@Suite struct FuzzFindingTests {
    /// `DeviceBatch` (WardenFuzzBatch): an index outside the batch trapped on a `precondition`; it
    /// now gives the policy's `onError` action with one error, and never `allow`.
    @Test func batchIndexOutOfRangeFailsClosedInsteadOfTrapping() throws {
        let program = try Engine().compile(
            "policy \"p\" onError blockAccess\nrule \"r\" when rooted then warn", name: "p.warden")
        var batch = DeviceBatch(program: program)
        batch.append(program.input(["rooted": .bool(true)]))
        var decision = Decision()
        for index in [-1, 1, 2, Int.min, Int.max] {
            program.evaluate(batch, at: index, into: &decision)
            #expect(decision.action == .blockAccess, "index \(index)")
            #expect(decision.fired.isEmpty)
            #expect(decision.errors.count == 1)
            #expect(decision.errors.first?.message.contains("out of range") == true, "\(decision.errors)")
        }
        program.evaluate(batch, at: 0, into: &decision)
        #expect(decision == program.evaluate(batch[0]))
        #expect(decision.action == .warn)
    }

    /// WardenFuzzEval's first finding (Fixtures/regressions/eval/list-limit-constant-list-divergence):
    /// under a `maxListLength` smaller than a constant list in a condition, the reference evaluator
    /// fails the rule (it builds the list at evaluation time) and the compiled engine does not.
    /// Fixed: the compiler leaves a list literal longer than `maxListLength` to the reference
    /// evaluator, and a compiled decision that reaches any other limit is re-run by the reference.
    @Test func constantListOverTheListLimitDecidesTheSameOnBothPaths() throws {
        let url = FuzzEntry.regressions.appendingPathComponent("eval/list-limit-constant-list-divergence.warden")
        var limits = Limits()
        limits.maxListLength = 1
        let program = try Engine(limits: limits).compile(
            try String(contentsOf: url, encoding: .utf8), name: "divergence.warden")
        let input = program.input(["deviceLock": .enumMember(.deviceLock, 0), "groups": .list([.string("Kiosk")])])
        let compiled = program.evaluate(input)
        let reference = program.referenceEvaluate(input)
        #expect(compiled == reference)
        var batch = DeviceBatch(program: program)
        batch.append(input)
        var fromBatch = Decision()
        program.evaluate(batch, at: 0, into: &fromBatch)
        #expect(fromBatch == reference)
        // Neither path may turn the limit error into a crash, and the reference fails closed.
        #expect(reference.action == .wipeData)
    }
}
