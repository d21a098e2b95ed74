// The one list of built-in functions and macros: their names, overloads, type rules, cost and how
// the compiled path runs them. The checker's name sets (suggestions, `let` shadowing, macros), the
// evaluator's (which names exist in CEL mode and in Warden), `warden schema --functions` and REPL
// completion all read it. The checker resolves every call to an entry's `BuiltinID` (in the table's
// order), and the evaluator switches on that ID: the type rules and implementations are the
// checker's and the evaluator's `switch` over `BuiltinID`, never a comparison of name strings.

/// One built-in function or macro.
package struct BuiltinEntry: Sendable, Hashable {
    /// How it is called.
    package enum Form: String, Sendable, Hashable {
        /// `f(x)`; `method` also `x.f()`; `macro` takes an unevaluated variable and body
        /// (`list.all(x, body)`); `conversion` converts a value to a type of the same name.
        case function, method, macro, conversion
    }
    /// How the compiled path evaluates it.
    package enum CompiledPath: String, Sendable, Hashable {
        /// Compiled to its own node (no evaluator call).
        case native
        /// Left to the reference evaluator (the enclosing expression is a fallback node).
        case evaluator
    }

    package var name: String
    package var form: Form
    /// The overloads with their type rule, as `receiver.f(parameters) -> result`.
    package var overloads: [String]
    /// One line: what it does.
    package var summary: String
    /// What the evaluator charges, in steps.
    package var cost: String
    /// Whether plain CEL (`warden expr --cel`) has it; the domain functions are Warden's only.
    package var inCEL: Bool
    package var compiled: CompiledPath
}

package enum BuiltinTable {
    /// Every built-in, in the order `warden schema --functions` lists them.
    package static let entries: [BuiltinEntry] = [
        BuiltinEntry(
            name: "size", form: .method,
            overloads: [
                "size(string) -> int", "size(bytes) -> int", "size(list) -> int",
                "size(map) -> int",
            ],
            summary: "the number of Unicode scalars, bytes, elements or entries", cost: "1, + 1 per 16 string bytes",
            inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "contains", form: .method, overloads: ["string.contains(string) -> bool"],
            summary: "whether the string contains the other", cost: "1, + 1 per 16 bytes", inCEL: true,
            compiled: .evaluator),
        BuiltinEntry(
            name: "startsWith", form: .method, overloads: ["string.startsWith(string) -> bool"],
            summary: "whether the string starts with the other", cost: "1, + 1 per 16 bytes", inCEL: true,
            compiled: .evaluator),
        BuiltinEntry(
            name: "endsWith", form: .method, overloads: ["string.endsWith(string) -> bool"],
            summary: "whether the string ends with the other", cost: "1, + 1 per 16 bytes", inCEL: true,
            compiled: .evaluator),
        BuiltinEntry(
            name: "matches", form: .method,
            overloads: ["string.matches(string) -> bool", "matches(string, string) -> bool"],
            summary: "whether the string matches the RE2 regular expression (linear time)",
            cost: "1, + 1 per 4 automaton steps", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "int", form: .conversion, overloads: ["int(int|uint|double|string) -> int"],
            summary: "converts to int (a range or parse failure is an error)", cost: "1", inCEL: true,
            compiled: .evaluator),
        BuiltinEntry(
            name: "uint", form: .conversion, overloads: ["uint(int|uint|double|string) -> uint"],
            summary: "converts to uint", cost: "1", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "double", form: .conversion, overloads: ["double(int|uint|double|string) -> double"],
            summary: "converts to double", cost: "1", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "string", form: .conversion,
            overloads: ["string(int|uint|double|bool|string|bytes|version|date|enum) -> string"],
            summary: "converts to its text", cost: "1", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "bytes", form: .conversion, overloads: ["bytes(string|bytes) -> bytes"],
            summary: "the UTF-8 bytes of a string", cost: "1", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "bool", form: .conversion, overloads: ["bool(bool|string) -> bool"],
            summary: "converts \"true\"/\"false\" (and CEL's other spellings)", cost: "1", inCEL: true,
            compiled: .evaluator),
        BuiltinEntry(
            name: "dyn", form: .conversion, overloads: ["dyn(T) -> dyn"],
            summary: "the same value, its type checked at run time", cost: "1", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "type", form: .conversion, overloads: ["type(T) -> type"], summary: "the value's type",
            cost: "1", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "has", form: .macro, overloads: ["has(fact) -> bool", "has(map.field) -> bool"],
            summary: "whether a fact is given (a malformed one errs) or a map has the key", cost: "1",
            inCEL: true, compiled: .native),
        BuiltinEntry(
            name: "all", form: .macro, overloads: ["list.all(x, bool) -> bool", "map.all(k, bool) -> bool"],
            summary: "whether the predicate holds for every element (errors absorbed as for &&)",
            cost: "1 per element, + the body", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "exists", form: .macro, overloads: ["list.exists(x, bool) -> bool", "map.exists(k, bool) -> bool"],
            summary: "whether the predicate holds for some element (errors absorbed as for ||)",
            cost: "1 per element, + the body", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "exists_one", form: .macro,
            overloads: ["list.exists_one(x, bool) -> bool", "map.exists_one(k, bool) -> bool"],
            summary: "whether the predicate holds for exactly one element", cost: "1 per element, + the body",
            inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "map", form: .macro, overloads: ["list.map(x, T) -> list(T)", "list.map(x, bool, T) -> list(T)"],
            summary: "the list of the body's values (of the elements the filter keeps)",
            cost: "1 per element, + the body, + 16 bytes per element", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "filter", form: .macro, overloads: ["list.filter(x, bool) -> list", "map.filter(k, bool) -> list"],
            summary: "the elements (or keys) for which the predicate holds",
            cost: "1 per element, + the body, + 16 bytes per element", inCEL: true, compiled: .evaluator),
        BuiltinEntry(
            name: "version", form: .function, overloads: ["version(string) -> version"],
            summary: "a dotted version such as \"13.0.2\" (compared part by part)", cost: "1", inCEL: false,
            compiled: .evaluator),
        BuiltinEntry(
            name: "date", form: .function, overloads: ["date(string) -> date"],
            summary: "a calendar date YYYY-MM-DD", cost: "1", inCEL: false, compiled: .evaluator),
        BuiltinEntry(
            name: "lower", form: .method, overloads: ["string.lower() -> string", "lower(string) -> string"],
            summary: "the string in lower case", cost: "1, + 1 per 16 bytes", inCEL: false, compiled: .evaluator),
        BuiltinEntry(
            name: "upper", form: .method, overloads: ["string.upper() -> string", "upper(string) -> string"],
            summary: "the string in upper case", cost: "1, + 1 per 16 bytes", inCEL: false, compiled: .evaluator),
        BuiltinEntry(
            name: "daysBetween", form: .function, overloads: ["daysBetween(date, date) -> int"],
            summary: "the days from the first date to the second (negative when earlier)", cost: "1",
            inCEL: false, compiled: .evaluator),
    ]

    /// Every name.
    package static let names: [String] = entries.map(\.name)
    /// The names of the comprehension macros (a variable and a body; `has` is not one).
    package static let macroNames: Set<String> = Set(
        entries.filter { $0.form == .macro && $0.name != "has" }.map(\.name))
    /// The names plain CEL has.
    package static let celNames: Set<String> = Set(entries.filter(\.inCEL).map(\.name))
    /// The names only Warden has (not in CEL mode).
    package static let domainNames: Set<String> = Set(entries.filter { !$0.inCEL }.map(\.name))

    /// The entry of a name.
    package static func entry(named name: String) -> BuiltinEntry? { BuiltinID(name: name)?.entry }
}
