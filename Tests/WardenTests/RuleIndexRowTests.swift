import Testing

@testable import Warden

/// The candidate rows' compiled leaves (RuleIndexLeaves.swift, `RowLeaf`): a comparison run as one
/// interval test answers exactly `CCmp.holds`, at the edges of both orders, for every code.
@Suite struct RuleIndexRowTests {
    /// Words at the edges of the signed and unsigned orders, and around a few constants.
    static let edges: [Int64] = [
        Int64.min, Int64.min + 1, -2, -1, 0, 1, 2, 41, 42, 43, Int64.max - 1, Int64.max,
        Int64(bitPattern: 0x8000_0000_0000_0001), Int64(bitPattern: 0x7FFF_FFFF_FFFF_FFFE),
    ]

    /// What the compiled leaf answers for `word` (its `negate` applied).
    static func answer(_ leaf: RowLeaf, _ word: Int64) -> Bool {
        let holds: Bool
        switch leaf.op {
        case .range: holds = UInt64(bitPattern: word &- leaf.a) <= leaf.span
        case .constant: holds = leaf.a != 0
        default:
            Issue.record("a comparison compiled to \(leaf.op)")
            return false
        }
        return holds != leaf.negate
    }

    @Test func aComparisonLeafIsTheScalarComparison() {
        var codes: [UInt8] = []
        for code in [CCmp.eq, CCmp.ne, CCmp.lt, CCmp.le, CCmp.gt, CCmp.ge] {
            codes += [code, code | CCmp.unsignedFlag]
        }
        var checked = 0
        for cmp in codes {
            for k in RuleIndexRowTests.edges {
                for negate in [false, true] {
                    let source = CandidateLeaf(k: k, cost: 3, slot: 5, op: .cmp, cmp: cmp, negate: negate)
                    guard let leaf = RowLeaf(source, charged: 7) else {
                        Issue.record("comparison \(cmp) against \(k) not compiled")
                        continue
                    }
                    #expect(leaf.slot == 5 && leaf.charged == 7)
                    for x in RuleIndexRowTests.edges {
                        let want = CCmp.holds(x, k, cmp) != negate
                        #expect(RuleIndexRowTests.answer(leaf, x) == want, "\(x) cmp \(cmp) \(k), negate \(negate)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == 12 * 14 * 2 * 14)
    }

    /// A key leaf is not a row leaf (the row drops it and charges its cost with the next leaf).
    @Test func aKeyLeafIsDroppedFromTheRow() {
        #expect(RowLeaf(CandidateLeaf(k: 1, cost: 2, slot: 0, op: .key), charged: 2) == nil)
    }

    /// `actions(batch)` of an indexed program (`Program.indexedActions`: actions straight from the
    /// flat candidates, no decision built) gives each device the action of its full decision, on
    /// both families (flat and not flat candidates, missing and malformed facts, fact errors), over
    /// ranges and under step budgets around what a decision costs.
    @Test(arguments: [1_000_000, 12])
    func indexedBatchActionsAreThePerDeviceActions(_ maxSteps: Int) throws {
        var rng = SplitMix(seed: 16_407 &+ UInt64(maxSteps))
        let lines = (0..<150).map { _ in RuleIndexTests.familyDevice(&rng) }
        let policies = [
            RuleIndexTests.sparsePolicy(&rng, rules: 300), RuleIndexTests.densePolicy(&rng, rules: 120),
        ]
        for text in policies {
            for decisionSteps in [40, 400, 700, 2_000, 2_000_000] {
                var limits = Limits()
                limits.maxSteps = maxSteps
                limits.maxDecisionSteps = decisionSteps
                let program = try Engine(limits: limits).compile(text)
                #expect(program.hasRuleIndex)
                let batch = ColumnarBatchTests.batch(program, lines)
                for range in [nil, 0..<1, 7..<130, 250..<400] as [Range<Int>?] {
                    if let d = ColumnarBatchTests.difference(program, batch, range: range) {
                        Issue.record("\(limits), range \(String(describing: range)): \(d)")
                        return
                    }
                }
            }
        }
    }
}
