/// The ordered and unordered enumerations of the built-in schema.
public enum EnumType: String, Sendable, Hashable, CaseIterable, Codable {
    /// The threat level reported by the mobile threat defence: `secured < low < medium < high`.
    case threatLevel = "ThreatLevel"
    /// The Play Integrity verdict: `none < basic < device < strong`.
    case playIntegrity = "PlayIntegrity"
    /// The device lock's complexity: `none < low < medium < high`.
    case deviceLock = "DeviceLock"
    /// How the device is managed (unordered): `unmanaged`, `androidEnterprise`, `deviceAdmin`.
    case management = "Management"

    /// The members, in order (lowest first for ordered enums).
    public var members: [String] {
        switch self {
        case .threatLevel: ["secured", "low", "medium", "high"]
        case .playIntegrity: ["none", "basic", "device", "strong"]
        case .deviceLock: ["none", "low", "medium", "high"]
        case .management: ["unmanaged", "androidEnterprise", "deviceAdmin"]
        }
    }

    /// Whether `<`, `<=`, `>`, `>=` apply.
    public var isOrdered: Bool { self != .management }

    /// The index of a member name, if it is one.
    public func ordinal(of member: String) -> Int? { members.firstIndex(of: member) }

    /// The name of the member at an ordinal.
    public func member(at ordinal: Int) -> String {
        let m = members
        return ordinal >= 0 && ordinal < m.count ? m[ordinal] : "?"
    }

    /// The order in which an ambiguous bare member name is resolved (LANGUAGE.md §3).
    static let resolutionOrder: [EnumType] = [.threatLevel, .playIntegrity, .deviceLock, .management]
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
        case .enumeration(let e): e.rawValue
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
