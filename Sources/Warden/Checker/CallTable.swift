// The built-in each call node resolved to, by `Expr.id`. Node ids are small and dense (numbered by
// the parser from 0, or from the policy's `nextID` for an expression in its context), so the table
// is an array indexed by id: the evaluator's lookup per call is a bounds check and a load, not a
// hash of the id.

/// The built-in of each resolved call node, by `Expr.id` (see `Resolutions.calls`).
package struct CallTable: Sendable {
    /// `BuiltinID.rawValue + 1` by node id; 0 for a node that is no resolved built-in call.
    private var codes: [UInt8] = []

    /// The largest node id the table stores: far above any program the source limits allow; an id
    /// past it stays unresolved (and its call is the rule's internal error, never a trap).
    static let maxID = 1 << 26

    package init() {}

    package subscript(id: Int) -> BuiltinID? {
        get {
            guard id >= 0, id < codes.count else { return nil }
            return CallTable.builtin(codes[id])
        }
        set {
            guard id >= 0, id <= CallTable.maxID else { return }
            if id >= codes.count {
                guard newValue != nil else { return }
                codes.append(contentsOf: repeatElement(0, count: id + 1 - codes.count))
            }
            codes[id] = newValue.map { UInt8(truncatingIfNeeded: $0.rawValue + 1) } ?? 0
        }
    }

    /// Adds the entries of `other` whose node has none here (the first resolution wins).
    package mutating func merge(_ other: CallTable) {
        for (id, code) in other.codes.enumerated() where code != 0 && self[id] == nil {
            self[id] = CallTable.builtin(code)
        }
    }

    /// Every resolved call, as (node id, built-in), by id.
    package var entries: [(id: Int, builtin: BuiltinID)] {
        codes.enumerated().compactMap { id, code in CallTable.builtin(code).map { (id, $0) } }
    }

    /// The built-in a stored code stands for (0: none).
    private static func builtin(_ code: UInt8) -> BuiltinID? {
        code == 0 ? nil : BuiltinID(rawValue: Int(truncatingIfNeeded: code) &- 1)
    }
}
