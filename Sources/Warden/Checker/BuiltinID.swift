// One case per entry of `BuiltinTable`, in the table's order: the identity the checker resolves a
// call to (`Resolutions.calls`), so that the evaluator switches on an integer instead of comparing
// name strings. A test pins that the cases and the table's entries are the same names in the same
// order, so `entry` is the table's element at the case's index.

/// The identity of a built-in function or macro (one case per `BuiltinTable` entry, in its order).
package enum BuiltinID: Int, CaseIterable, Sendable, Hashable {
    case size, contains, startsWith, endsWith, matches
    case int, uint, double, string, bytes, bool, dyn, type
    case has, all, exists, existsOne
    case map, filter
    case version, date, lower, upper, daysBetween

    /// The built-in of a name, if the name is one (a check-time lookup, never used to dispatch).
    package init?(name: String) {
        guard let id = BuiltinID.byName[name] else { return nil }
        self = id
    }

    private static let byName: [String: BuiltinID] = Dictionary(
        BuiltinID.allCases.map { ($0.entry.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The table entry of this built-in: the table's element at the case's index (O(1)).
    package var entry: BuiltinEntry { BuiltinTable.entries[rawValue] }

    /// The name the built-in is called by.
    package var name: String { entry.name }

    /// Whether it is a comprehension macro (`list.all(x, body)`): a variable and a body.
    package var isComprehension: Bool {
        switch self {
        case .all, .exists, .existsOne, .map, .filter: true
        default: false
        }
    }
}
