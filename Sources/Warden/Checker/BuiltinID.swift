// One case per entry of `BuiltinTable`, in the table's order: the identity a call is resolved to, so
// that later stages can switch on an enum (an integer) instead of comparing name strings. A test
// pins that the cases and the table's entries are the same names in the same order.
//
// Not yet used by the checker or the evaluator (both still dispatch on the name); see issue 12
// part 2.

/// The identity of a built-in function or macro (one case per `BuiltinTable` entry).
package enum BuiltinID: String, CaseIterable, Sendable, Hashable {
    case size, contains, startsWith, endsWith, matches
    case int, uint, double, string, bytes, bool, dyn, type
    case has, all, exists
    case existsOne = "exists_one"
    case map, filter
    case version, date, lower, upper, daysBetween

    /// The built-in of a name, if the name is one.
    package init?(name: String) { self.init(rawValue: name) }

    /// The name the built-in is called by.
    package var name: String { rawValue }

    /// The table entry of this built-in.
    package var entry: BuiltinEntry? { BuiltinTable.entry(named: rawValue) }
}
