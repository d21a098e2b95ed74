/// An enumeration: a name and its members, ordered (`<` applies, lowest member first) or not.
///
/// The built-in schema has four (``threatLevel``, ``playIntegrity``, ``deviceLock``,
/// ``management``); a host declares its own with ``init(_:members:ordered:)`` and uses it as the
/// type of its facts (`.enumeration(tier)`, `.list(.enumeration(tier))`), registering it with
/// ``Schema/adding(enums:)`` or through a fact that uses it (``Schema/adding(facts:)``).
///
/// A value type over one shared immutable definition: copying it copies a reference, so a
/// ``Value/enumMember(_:_:)`` stays as small as before. Two enum types are equal when their
/// names, members and ordering are.
public struct EnumType: Sendable, Hashable, CustomStringConvertible {
    final class Definition: Sendable {
        let name: String
        let members: [String]
        let isOrdered: Bool
        let ordinals: [String: Int]

        init(name: String, members: [String], isOrdered: Bool) {
            self.name = name
            self.members = members
            self.isOrdered = isOrdered
            var o: [String: Int] = [:]
            for (i, m) in members.enumerated() where o[m] == nil { o[m] = i }
            self.ordinals = o
        }
    }

    let definition: Definition

    /// Declares an enum named `name` (the type name policies and `warden schema` show) with its
    /// `members` in order, lowest first when `ordered` (then `<`, `<=`, `>`, `>=` apply).
    /// ``Schema/adding(enums:)`` checks the names and says why one cannot be used.
    public init(_ name: String, members: [String], ordered: Bool) {
        definition = Definition(name: name, members: members, isOrdered: ordered)
    }

    /// The type name, as written in policies (`ThreatLevel.high`) and shown by `warden schema`.
    public var name: String { definition.name }

    /// The members, in order (lowest first for ordered enums).
    public var members: [String] { definition.members }

    /// Whether `<`, `<=`, `>`, `>=` apply.
    public var isOrdered: Bool { definition.isOrdered }

    /// The index of a member name, if it is one.
    public func ordinal(of member: String) -> Int? { definition.ordinals[member] }

    /// The name of the member at an ordinal.
    public func member(at ordinal: Int) -> String {
        let m = definition.members
        return ordinal >= 0 && ordinal < m.count ? m[ordinal] : "?"
    }

    /// The type name.
    public var description: String { definition.name }

    /// Equal names, members and ordering (the same definition, most of the time).
    public static func == (a: EnumType, b: EnumType) -> Bool {
        a.definition === b.definition
            || (a.definition.name == b.definition.name && a.definition.isOrdered == b.definition.isOrdered
                && a.definition.members == b.definition.members)
    }

    /// Hashes the name (equal enum types have equal names).
    public func hash(into h: inout Hasher) { h.combine(definition.name) }

    /// The threat level reported by the mobile threat defence: `secured < low < medium < high`.
    public static let threatLevel = EnumType(
        "ThreatLevel", members: ["secured", "low", "medium", "high"], ordered: true)
    /// The Play Integrity verdict: `none < basic < device < strong`.
    public static let playIntegrity = EnumType(
        "PlayIntegrity", members: ["none", "basic", "device", "strong"], ordered: true)
    /// The device lock's complexity: `none < low < medium < high`.
    public static let deviceLock = EnumType("DeviceLock", members: ["none", "low", "medium", "high"], ordered: true)
    /// How the device is managed (unordered): `unmanaged`, `androidEnterprise`, `deviceAdmin`.
    public static let management = EnumType(
        "Management", members: ["unmanaged", "androidEnterprise", "deviceAdmin"], ordered: false)

    /// The built-in enums, in the order an ambiguous bare member name is resolved (LANGUAGE.md §3);
    /// host enums follow them in ``Schema/enums``.
    public static let builtins: [EnumType] = [.threatLevel, .playIntegrity, .deviceLock, .management]

    /// The built-in enum of this name, if there is one (a schema's own enums: ``Schema/enum(named:)``).
    public static func builtin(named name: String) -> EnumType? { builtins.first { $0.name == name } }
}

/// A Warden type: CEL's core types plus the domain types.
public indirect enum WardenType: Sendable, Hashable, CustomStringConvertible {
    /// CEL's scalar types; `type` is the type of type values, `dyn` accepts any value.
    case bool, int, uint, double, string, bytes, null, type, dyn
    /// A list of elements of one type.
    case list(WardenType)
    /// A map from keys of one type to values of another.
    case map(WardenType, WardenType)
    /// One of the schema's enumerations.
    case enumeration(EnumType)
    /// A version (`14.2.1`).
    case version
    /// A calendar date.
    case date
    /// The type of an expression that already failed to check; absorbs further errors.
    case error

    /// The type as written in Warden source.
    public var description: String {
        switch self {
        case .bool: "bool"
        case .int: "int"
        case .uint: "uint"
        case .double: "double"
        case .string: "string"
        case .bytes: "bytes"
        case .null: "null_type"
        case .type: "type"
        case .dyn: "dyn"
        case .list(let e): "list(\(e))"
        case .map(let k, let v): "map(\(k), \(v))"
        case .enumeration(let e): e.name
        case .version: "version"
        case .date: "date"
        case .error: "<error>"
        }
    }

    /// The name a `type()` value prints as (CEL drops element types: `list`, `map`).
    public var typeName: String {
        switch self {
        case .list: "list"
        case .map: "map"
        default: description
        }
    }

    /// `dyn` or `error`: anything goes.
    package var isDynamic: Bool { self == .dyn || self == .error }
}
