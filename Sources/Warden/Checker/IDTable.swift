// A side table keyed by `Expr.id`. Node ids are small and dense (numbered by the parser from 0, or
// from the policy's `nextID` for an expression in its context), so an entry is found through an
// array indexed by id: a lookup is a bounds check and two loads, not a hash of the id (hashing the
// ids of a 10,000-rule policy was a tenth of its compile time). The index array holds plain
// integers and the values sit in a second array with no holes, so dropping a table does not visit
// every id. An id outside `0...maxID` (none a parser makes within the source limits) is kept in a
// dictionary, so the table stores every id a dictionary would.

/// Values by node id (`Expr.id`), as `[Int: Element]` but stored densely.
package struct IDTable<Element: Sendable>: Sendable {
    /// For each id below `position.count`: its entry's index in `values`, or -1 for none.
    private var position: [Int32] = []
    /// The entries, in the order their ids were first set.
    private var values: [Element] = []
    /// The id of each entry of `values`.
    private var ids: [Int32] = []
    /// Entries whose id is negative or above `maxID`.
    private var sparse: [Int: Element] = [:]

    /// The largest id stored in the arrays (as `CallTable.maxID`; it fits an `Int32`).
    static var maxID: Int { 1 << 26 }

    package init() {}

    package subscript(id: Int) -> Element? {
        get {
            if id >= 0, id < position.count {
                let p = Int(truncatingIfNeeded: position[id])
                return p >= 0 && p < values.count ? values[p] : nil
            }
            if id >= 0, id <= IDTable.maxID { return nil }
            return sparse[id]
        }
        set {
            guard id >= 0, id <= IDTable.maxID else {
                sparse[id] = newValue
                return
            }
            if id >= position.count {
                guard newValue != nil else { return }
                // Grow geometrically: nodes are numbered in order, so ids mostly arrive ascending.
                let wanted = Swift.max(id + 1, Swift.min(IDTable.maxID + 1, position.count * 2))
                position.append(contentsOf: repeatElement(-1, count: wanted - position.count))
            }
            let p = Int(truncatingIfNeeded: position[id])
            if p >= 0, p < values.count {
                if let newValue {
                    values[p] = newValue
                } else {
                    remove(at: p)
                }
            } else if let newValue {
                position[id] = Int32(truncatingIfNeeded: values.count)
                values.append(newValue)
                ids.append(Int32(truncatingIfNeeded: id))
            }
        }
    }

    /// Removes entry `p` (the last entry moves into its place).
    private mutating func remove(at p: Int) {
        let last = values.count - 1
        guard p >= 0, p <= last, last < ids.count else { return }
        let removedID = Int(truncatingIfNeeded: ids[p])
        let movedID = Int(truncatingIfNeeded: ids[last])
        values.swapAt(p, last)
        ids.swapAt(p, last)
        values.removeLast()
        ids.removeLast()
        if movedID >= 0, movedID < position.count { position[movedID] = Int32(truncatingIfNeeded: p) }
        if removedID >= 0, removedID < position.count { position[removedID] = -1 }
    }

    /// How many ids the index array covers (its storage grows with the largest id set).
    package var storedIDs: Int { position.count }

    /// Every entry, as (id, value): the ids `0...maxID` ascending, then the others in no set order.
    package var entries: [(id: Int, value: Element)] {
        var out: [(id: Int, value: Element)] = []
        out.reserveCapacity(values.count + sparse.count)
        for (id, p) in position.enumerated() where p >= 0 && Int(truncatingIfNeeded: p) < values.count {
            out.append((id, values[Int(truncatingIfNeeded: p)]))
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
