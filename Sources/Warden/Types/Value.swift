/// A runtime value: CEL's values plus enum members, versions and dates.
public enum Value: Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([Value])
    case map(MapValue)
    /// A type value (`type(1) == int`).
    case type(WardenType)
    /// An enum member, by ordinal.
    case enumMember(EnumType, Int)
    case version(Version)
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

/// A map value; keys keep their insertion order. Keys are bool, int, uint or string.
public struct MapValue: Sendable {
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

/// An evaluation error: a value of CEL's error kind that propagates, never a trap.
public struct EvalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public enum Kind: String, Sendable, Hashable {
        case missingFact, malformedFact, noSuchOverload, overflow, divisionByZero, conversion, noSuchKey, indexOutOfRange
        case invalidArgument, limitExceeded, noSuchVariable, noSuchField, custom
    }
    /// What kind of failure.
    public var kind: Kind
    /// Lowercase message, names in backticks.
    public var message: String
    /// The node that failed.
    public var span: SourceSpan?

    /// Creates an error of a kind, with its message and optionally the node that failed.
    public init(_ kind: Kind, _ message: String, span: SourceSpan? = nil) {
        self.kind = kind
        self.message = message
        self.span = span
    }

    /// The message.
    public var description: String { message }
}
