// A side table keyed by `Expr.id`. Node ids are small and dense (numbered by the parser from 0, or
// from the policy's `nextID` for an expression in its context), so the entries live in an array
// indexed by id: a lookup is a bounds check and a load, not a hash of the id (hashing the ids of a
// 10,000-rule policy was a tenth of its compile time). An id outside `0...maxID` (none a parser
// makes within the source limits) is kept in a dictionary, so the table stores every id a
// dictionary would.

/// Values by node id (`Expr.id`), as `[Int: Element]` but stored densely.
package struct IDTable<Element: Sendable>: Sendable {
    /// The entry of each id below `dense.count`; nil where there is none.
    private var dense: [Element?] = []
    /// Entries whose id is negative or above `maxID`.
    private var sparse: [Int: Element] = [:]

    /// The largest id stored in the array (as `CallTable.maxID`).
    static var maxID: Int { 1 << 26 }

    package init() {}

    package subscript(id: Int) -> Element? {
        get {
            if id >= 0, id < dense.count { return dense[id] }
            if id >= 0, id <= IDTable.maxID { return nil }
            return sparse[id]
        }
        set {
            guard id >= 0, id <= IDTable.maxID else {
                sparse[id] = newValue
                return
            }
            if id >= dense.count {
                guard newValue != nil else { return }
                // Grow geometrically: nodes are numbered in order, so ids mostly arrive ascending.
                let wanted = Swift.max(id + 1, Swift.min(IDTable.maxID + 1, dense.count * 2))
                dense.append(contentsOf: repeatElement(nil, count: wanted - dense.count))
            }
            dense[id] = newValue
        }
    }

    /// Every entry, as (id, value): the dense ids ascending, then the others in no set order.
    package var entries: [(id: Int, value: Element)] {
        var out: [(id: Int, value: Element)] = []
        for (id, v) in dense.enumerated() {
            if let v { out.append((id, v)) }
        }
        for (id, v) in sparse { out.append((id, v)) }
        return out
    }

    /// Adds the entries of `other` whose id has none here (the first value wins, as
    /// `Dictionary.merge(_:uniquingKeysWith: { a, _ in a })`).
    package mutating func merge(_ other: IDTable<Element>) {
        for (id, v) in other.entries where self[id] == nil { self[id] = v }
    }
}
