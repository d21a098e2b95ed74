/// A runtime value: CEL's values plus enum members, versions and dates.
public enum Value: Sendable, CustomStringConvertible {
    /// CEL's `null`.
    case null
    /// A boolean.
    case bool(Bool)
    /// A signed 64-bit integer (`int`).
    case int(Int64)
    /// An unsigned 64-bit integer (`uint`, written `1u`).
    case uint(UInt64)
    /// A 64-bit floating-point number (`double`).
    case double(Double)
    /// A string of Unicode text.
    case string(String)
    /// A byte string (`b"..."`).
    case bytes([UInt8])
    /// A list of values.
    case list([Value])
    /// A map, keys in insertion order.
    case map(Value.Map)
    /// A type value (`type(1) == int`).
    case type(WardenType)
    /// An enum member, by ordinal.
    case enumMember(EnumType, Int)
    /// A version (`version("14.2")`), compared component by component.
    case version(Version)
    /// A calendar date (`date("2026-01-31")`).
    case date(Day)

    /// The value's runtime type.
    public var type: WardenType {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .uint: .uint
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        case .list: .list(.dyn)
        case .map: .map(.dyn, .dyn)
        case .type: .type
        case .enumMember(let e, _): .enumeration(e)
        case .version: .version
        case .date: .date
        }
    }

    /// The value as Warden source text.
    public var description: String { ValuePrinter.display(self) }
}

extension Value {
    /// A map value; keys keep their insertion order. Keys are bool, int, uint or string.
    public struct Map: Sendable {
        /// The keys, in insertion order.
        public private(set) var keys: [Value]
        /// The values, in the order of `keys`.
        public private(set) var values: [Value]

        /// An empty map.
        public init() {
            keys = []
            values = []
        }

        /// A map of the pairs, in order.
        public init(_ pairs: [(Value, Value)]) {
            keys = pairs.map(\.0)
            values = pairs.map(\.1)
        }

        /// The number of entries.
        public var count: Int { keys.count }

        /// Appends an entry without checking for duplicates (the evaluator checks).
        mutating func append(_ key: Value, _ value: Value) {
            keys.append(key)
            values.append(value)
        }
    }
}

extension Value {
    /// An evaluation error: a value of CEL's error kind that propagates, never a trap.
    public struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        /// What kind of failure.
        public enum Kind: String, Sendable, Hashable {
            /// A fact the rule reads was not given; a malformed fact was given badly; no overload of a
            /// function or operator takes the operands' runtime types; integer overflow; division or
            /// modulo by zero; a failed conversion (`int("x")`); a map key or list index that is not
            /// there.
            case missingFact, malformedFact, noSuchOverload, overflow, divisionByZero, conversion, noSuchKey,
                indexOutOfRange
            /// An argument out of a function's domain; an evaluation limit (``Limits``) hit; an unknown
            /// variable or field; a failure reported by a host function.
            case invalidArgument, limitExceeded, noSuchVariable, noSuchField, custom
            /// A host function returned a value that is not of its declared result type.
            case hostResultType
        }
        /// What kind of failure.
        public var kind: Kind
        /// The message and the data, in one immutable box: the error is returned through every
        /// evaluation frame, and a small one keeps deep (but accepted) nesting within the stack.
        private var details: Details
        /// The node that failed.
        public var span: SourceFile.Span?

        /// Lowercase message, names in backticks.
        public var message: String {
            get { details.message }
            set { details = Details(newValue, details.data) }
        }
        /// What the error is about (the fact, the key, the function, the limit), where known.
        public var data: Diagnostic.Data {
            get { details.data }
            set { details = Details(details.message, newValue) }
        }

        /// Creates an error of a kind, with its message, optionally the node that failed and what it
        /// is about.
        public init(_ kind: Kind, _ message: String, span: SourceFile.Span? = nil, data: Diagnostic.Data = .none) {
            self.kind = kind
            self.details = Details(message, data)
            self.span = span
        }

        final class Details: Sendable, Hashable {
            let message: String
            let data: ErrorData
            init(_ message: String, _ data: ErrorData) {
                self.message = message
                self.data = data
            }
            static func == (a: Details, b: Details) -> Bool { a.message == b.message && a.data == b.data }
            func hash(into h: inout Hasher) {
                h.combine(message)
                h.combine(data)
            }
        }

        /// The stable code of the error's kind (`W0901`...).
        public var code: Diagnostic.Code { Diagnostic.Code(kind) }

        /// The message.
        public var description: String { message }
    }
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias MapValue = Value.Map
package typealias EvalError = Value.Error
