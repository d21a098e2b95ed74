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
}
