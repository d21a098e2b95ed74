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

/// A dotted numeric version such as `13.0.2`. Missing components compare as 0.
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The components (each < 2^32).
    public let components: [UInt32]
    /// The text as written, for printing.
    public let text: String

    /// Parses `[0-9]+(\.[0-9]+)*`; nil when malformed or a component is ≥ 2^32.
    public init?(_ text: String) {
        var comps: [UInt32] = []
        var cur: UInt64 = 0
        var digits = 0
        for u in text.utf8 {
            if u >= 0x30 && u <= 0x39 {
                cur = cur * 10 + UInt64(u - 0x30)
                digits += 1
                if cur > UInt64(UInt32.max) { return nil }
            } else if u == 0x2E {
                guard digits > 0 else { return nil }
                comps.append(UInt32(cur))
                cur = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        comps.append(UInt32(cur))
        self.components = comps
        self.text = text
    }

    func component(_ i: Int) -> UInt32 { i < components.count ? components[i] : 0 }

    /// Equal by numeric components (`13.0` equals `13`).
    public static func == (a: Version, b: Version) -> Bool { compare(a, b) == 0 }
    /// Orders by numeric components.
    public static func < (a: Version, b: Version) -> Bool { compare(a, b) < 0 }
    /// Hashes consistently with `==`.
    public func hash(into h: inout Hasher) {
        var comps = components
        while let last = comps.last, last == 0 { comps.removeLast() }
        h.combine(comps)
    }
    static func compare(_ a: Version, _ b: Version) -> Int {
        let n = max(a.components.count, b.components.count)
        for i in 0..<n {
            let x = a.component(i)
            let y = b.component(i)
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }
    /// The version as written.
    public var description: String { text }
}

/// A calendar date (`YYYY-MM-DD`), stored as days since 1970-01-01.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public let daysSinceEpoch: Int

    /// A date from its day number, clamped to 0001-01-01 ... 9999-12-31 (so that calendar
    /// arithmetic on it can never overflow).
    public init(daysSinceEpoch: Int) {
        self.daysSinceEpoch = min(max(daysSinceEpoch, Day.minDays), Day.maxDays)
    }

    /// 0001-01-01 and 9999-12-31 as day numbers.
    static let minDays = -719_162
    static let maxDays = 2_932_896

    /// Parses `YYYY-MM-DD` (a real calendar date, year 0001–9999); nil otherwise.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                n = n * 10 + Int(u[i] - 0x30)
            }
            return n
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// A date from its parts; nil when it is not a real calendar date.
    public init?(year y: Int, month m: Int, day d: Int) {
        guard y >= 1 && y <= 9999, m >= 1 && m <= 12, d >= 1 && d <= Day.daysInMonth(y, m) else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.daysSinceEpoch = era * 146097 + doe - 719468
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Year, month and day.
    public var parts: (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Earlier days first.
    public static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    /// `YYYY-MM-DD`.
    public var description: String {
        let p = parts
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))"
    }
}
