extension Schema {
    /// A fact: an input of the rules (device and app state at launch).
    public struct FactDefinition: Sendable, Hashable {
        /// The name used in rules and in facts JSON.
        public let name: String
        /// Its type.
        public let type: WardenType
        /// One-line description.
        public let description: String

        /// Declares a fact (hosts may add their own to a `Schema`).
        public init(_ name: String, _ type: WardenType, _ description: String) {
            self.name = name
            self.type = type
            self.description = description
        }
    }
}

extension Schema {
    /// The value domain of a Defender app-configuration key.
    public enum KeyKind: Sendable, Hashable {
        /// An integer from a fixed set (`labels` name the values where the platform does).
        case int(allowed: [Int64], labels: [String])
        /// Free text.
        case text
        /// A boolean written on the wire as the string `"true"`/`"false"`; accepts `"true"`, `"false"`, `true`, `false`, `1`, `0`.
        case stringBool
        /// A boolean written as `0`/`1`; accepts `0`, `1`, `true`, `false`.
        case bool

        /// The type name shown by `warden schema`.
        public var typeName: String {
            switch self {
            case .int: "int"
            case .text: "string"
            case .stringBool: "string bool"
            case .bool: "bool"
            }
        }
    }
}

extension Schema {
    /// A configuration value normalised to its key's type (`1`, `true` and `"true"` are one value of a boolean key).
    public enum ConfigValue: Sendable, Hashable, CustomStringConvertible {
        /// The value of an integer key.
        case int(Int64)
        /// The value of a boolean key.
        case bool(Bool)
        /// The value of a text key.
        case text(String)

        /// The value as Warden source text.
        public var description: String {
            switch self {
            case .int(let i): String(i)
            case .bool(let b): b ? "true" : "false"
            case .text(let s): ValuePrinter.quote(s)
            }
        }
    }
}

extension Schema {
    /// A Defender app-configuration key (an output of a policy).
    public struct KeyDefinition: Sendable, Hashable {
        /// The key's name, as written in config blocks and decisions.
        public let name: String
        /// The key's value type.
        public let kind: Schema.KeyKind
        /// The documented default; `nil` when the key has none (it is then left out unless set).
        public let defaultValue: Schema.ConfigValue?
        /// The allowed values as documented.
        public let allowed: String
        /// One-line description.
        public let description: String
        /// Whether the key only acts while network protection is on.
        public let needsNetworkProtection: Bool
        /// How later editions of the platform documentation differ, if they do.
        public let editionNote: String?
    }
}

/// The built-in schema: facts and Defender keys, as one table each. Adding a key is one line.
public struct Schema: Sendable {
    /// Facts, in slot order (a fact's index is its slot).
    public private(set) var facts: [Schema.FactDefinition]
    /// Defender app-configuration keys.
    public let keys: [Schema.KeyDefinition]
    /// The enums policies can name: the built-in ones (``EnumType/builtins``), then the host's in
    /// the order they were added. A bare member name two enums share is resolved by its context
    /// (`tier == low` is a `Tier`), else by this order.
    public private(set) var enums: [EnumType]
    let factSlots: [String: Int]
    let keyIndex: [String: Int]
    let enumIndex: [String: Int]
    /// Every enum having a member of this name, in resolution order.
    let memberOwners: [String: [EnumType]]

    init(facts: [FactDefinition], keys: [KeyDefinition], enums: [EnumType] = EnumType.builtins) {
        self.facts = facts
        self.keys = keys
        self.enums = enums
        var slots: [String: Int] = [:]
        for (i, f) in facts.enumerated() where slots[f.name] == nil { slots[f.name] = i }
        self.factSlots = slots
        var ki: [String: Int] = [:]
        for (i, k) in keys.enumerated() { ki[k.name] = i }
        self.keyIndex = ki
        var ei: [String: Int] = [:]
        var owners: [String: [EnumType]] = [:]
        for (i, e) in enums.enumerated() where ei[e.name] == nil {
            ei[e.name] = i
            for m in e.members where owners[m]?.contains(e) != true { owners[m, default: []].append(e) }
        }
        self.enumIndex = ei
        self.memberOwners = owners
    }

    /// A copy with extra host facts. Enums their types use (`.enumeration(tier)`, also inside
    /// lists and maps) are added as ``adding(enums:)`` adds them.
    ///
    /// Throws a ``Schema/Error`` naming the first fact that cannot be added and why: its name is
    /// already declared (or given twice), is not an identifier, is a reserved word or is a member
    /// of one of the schema's enums (a bare name would be ambiguous), its type is
    /// ``WardenType/error``, or an enum its type uses cannot be added.
    public func adding(facts extra: [Schema.FactDefinition]) throws(Schema.Error) -> Schema {
        var used: [EnumType] = []
        for f in extra { Schema.collectEnums(f.type, into: &used) }
        let base = try adding(enums: used)
        var all = base.facts
        var names = base.factSlots
        for f in extra {
            if names[f.name] != nil {
                throw SchemaError(base.factSlots[f.name] != nil ? .alreadyDeclared : .declaredTwice, fact: f.name)
            }
            if !Schema.isIdentifier(f.name) { throw SchemaError(.notAnIdentifier, fact: f.name) }
            if Keyword(rawValue: f.name) != nil { throw SchemaError(.reservedWord, fact: f.name) }
            if f.type == .error { throw SchemaError(.invalidType, fact: f.name) }
            if let owner = base.memberOwners[f.name]?.first {
                throw SchemaError(.memberNamedLikeFact, fact: f.name, enumName: owner.name, member: f.name)
            }
            if base.enumIndex[f.name] != nil {
                throw SchemaError(.nameTaken, fact: f.name)
            }
            names[f.name] = all.count
            all.append(f)
        }
        return Schema(facts: all, keys: keys, enums: base.enums)
    }

    /// The slot of a fact, if it is declared.
    public func slot(ofFact name: String) -> Int? { factSlots[name] }
    /// A fact by name.
    public func fact(named name: String) -> Schema.FactDefinition? { factSlots[name].map { facts[$0] } }
    /// A key by name.
    public func key(named name: String) -> Schema.KeyDefinition? { keyIndex[name].map { keys[$0] } }
    func keyIndex(of name: String) -> Int? { keyIndex[name] }

    /// The schema compiled into the library.
    public static let builtIn = Schema(facts: builtInFacts, keys: builtInKeys)

    static let builtInFacts: [FactDefinition] = [
        .init(
            "threatLevel", .enumeration(.threatLevel),
            "device threat level reported by Defender for Endpoint: secured < low < medium < high"),
        .init("defenderActive", .bool, "the Defender app is installed, onboarded and reporting"),
        .init("rooted", .bool, "the device is rooted"),
        .init("osVersion", .version, "Android version"),
        .init("patchLevel", .date, "Android security patch level"),
        .init("manufacturer", .string, "device manufacturer, lower case"),
        .init("model", .string, "device model"),
        .init("management", .enumeration(.management), "unmanaged, androidEnterprise or deviceAdmin"),
        .init("playIntegrity", .enumeration(.playIntegrity), "Play Integrity verdict: none < basic < device < strong"),
        .init("threatScanEnabled", .bool, "Google Play app threat scan is on"),
        .init("deviceLock", .enumeration(.deviceLock), "screen-lock complexity: none < low < medium < high"),
        .init("knoxAttested", .bool, "Samsung Knox attestation passed"),
        .init("appId", .string, "the managed app's package name"),
        .init("appVersion", .version, "the managed app's version"),
        .init("sdkVersion", .version, "the app-protection SDK version in the app"),
        .init("companyPortalVersion", .version, "the broker app's version"),
        .init("companyPortalAgeDays", .int, "days since the broker app's version was released"),
        .init("accountDisabled", .bool, "the user's account is disabled"),
        .init("offlineMinutes", .int, "minutes since the app last checked in"),
        .init("pinAttempts", .int, "failed app-PIN attempts in a row"),
        .init("openNetwork", .bool, "connected to an open (unsecured) Wi-Fi network"),
        .init("suspiciousCertificate", .bool, "Defender found an untrusted or suspicious certificate"),
        .init("tags", .list(.string), "device tags (see `DefenderDeviceTag`)"),
        .init("groups", .list(.string), "the user's groups"),
        .init("today", .date, "the evaluation date (hosts set it; tests set it for repeatable results)"),
    ]

    private static let stringBoolAllowed = "\"true\", \"false\", true, false, 1, 0"
    private static let boolAllowed = "0, 1, true, false"
    private static let stringBoolNote =
        "later editions of the documentation make this key an integer 0/1; both spellings are accepted"

    static let builtInKeys: [KeyDefinition] = [
        .init(
            name: "DefenderMAMConfigs", kind: .int(allowed: [1], labels: []), defaultValue: nil, allowed: "1",
            description:
                "must be present (=1) in every policy on the managedApps route; must be absent on the managedDevices route",
            needsNetworkProtection: false, editionNote: nil),
        .init(
            name: "antiphishing", kind: .int(allowed: [0, 1], labels: []), defaultValue: .int(1), allowed: "0, 1",
            description: "web protection's anti-phishing; 0 with `vpn` 0 disables web protection",
            needsNetworkProtection: false, editionNote: nil),
        .init(
            name: "vpn", kind: .int(allowed: [0, 1], labels: []), defaultValue: .int(1), allowed: "0, 1",
            description:
                "web protection's use of the local VPN; 0 with `antiphishing` 1 keeps anti-phishing without VPN",
            needsNetworkProtection: false, editionNote: nil),
        .init(
            name: "DefenderNetworkProtectionEnable", kind: .int(allowed: [0, 1], labels: []), defaultValue: .int(0),
            allowed: "0, 1", description: "network protection on/off", needsNetworkProtection: false,
            editionNote: "later editions of the documentation turn network protection on by default (1)"),
        .init(
            name: "DefenderAllowlistedCACertificates", kind: .text, defaultValue: nil, allowed: "text",
            description: "root CA and self-signed certificates to trust", needsNetworkProtection: true, editionNote: nil
        ),
        .init(
            name: "DefenderCertificateDetection",
            kind: .int(allowed: [0, 1, 2], labels: ["disable", "audit", "enable"]),
            defaultValue: .int(1), allowed: "0 disable, 1 audit, 2 enable",
            description: "bad-certificate detection (needs network protection)", needsNetworkProtection: true,
            editionNote: "later editions of the documentation turn certificate detection off by default (0)"),
        .init(
            name: "DefenderOpenNetworkDetection", kind: .int(allowed: [0, 1, 2], labels: ["off", "audit", "on"]),
            defaultValue: .int(0), allowed: "0, 1, 2",
            description: "open-network alerts: 0 off, 1 audit/informational, 2 on (needs network protection)",
            needsNetworkProtection: true,
            editionNote: "earlier editions took 0/1 only; later editions take 0/1/2 with default 2"),
        .init(
            name: "DefenderEndUserTrustFlowEnable", kind: .stringBool, defaultValue: .bool(false),
            allowed: stringBoolAllowed, description: "end user may trust/untrust networks (needs network protection)",
            needsNetworkProtection: true, editionNote: stringBoolNote),
        .init(
            name: "DefenderNetworkProtectionAutoRemediation", kind: .stringBool, defaultValue: .bool(true),
            allowed: stringBoolAllowed, description: "remediation alerts (needs network protection)",
            needsNetworkProtection: true, editionNote: stringBoolNote),
        .init(
            name: "DefenderNetworkProtectionPrivacy", kind: .stringBool, defaultValue: .bool(true),
            allowed: stringBoolAllowed, description: "privacy in network protection",
            needsNetworkProtection: true, editionNote: stringBoolNote),
        .init(
            name: "DefenderExcludeURLInReport", kind: .bool, defaultValue: .bool(false), allowed: boolAllowed,
            description: "leave the domain name out of alert reports", needsNetworkProtection: false, editionNote: nil),
        .init(
            name: "DefenderExcludeAppInReport", kind: .bool, defaultValue: .bool(false), allowed: boolAllowed,
            description: "leave app details out of alert reports", needsNetworkProtection: false, editionNote: nil),
        .init(
            name: "DefenderOptionalVPN", kind: .bool, defaultValue: .bool(false), allowed: boolAllowed,
            description: "onboarding may skip the VPN permission", needsNetworkProtection: false, editionNote: nil),
        .init(
            name: "DefenderOptionalAccessibility", kind: .bool, defaultValue: .bool(false), allowed: boolAllowed,
            description: "onboarding may skip the accessibility permission", needsNetworkProtection: false,
            editionNote: nil),
        .init(
            name: "DisableSignOut", kind: .int(allowed: [0, 1], labels: []), defaultValue: .int(0), allowed: "0, 1",
            description: "hide the app's sign-out button", needsNetworkProtection: false, editionNote: nil),
        .init(
            name: "DefenderDeviceTag", kind: .text, defaultValue: nil, allowed: "text",
            description: "tag sent with the device to the security portal", needsNetworkProtection: false,
            editionNote: nil),
    ]
}

extension KeyDefinition {
    /// Normalises a literal to this key's type, or explains why it does not fit.
    func normalize(_ lit: Literal) -> Result<ConfigValue, SchemaMismatch> {
        switch (kind, lit) {
        case (.int(let allowed, _), .int(let i)):
            return allowed.contains(i) ? .success(.int(i)) : .failure(SchemaMismatch(message: rangeMessage))
        case (.int, _):
            return .failure(SchemaMismatch(message: "`\(name)` takes an integer (\(allowed))"))
        case (.text, .string(let s)):
            return .success(.text(s))
        case (.text, _):
            return .failure(SchemaMismatch(message: "`\(name)` takes a string"))
        case (.stringBool, .string(let s)) where s == "true" || s == "false":
            return .success(.bool(s == "true"))
        case (.stringBool, .bool(let b)), (.bool, .bool(let b)):
            return .success(.bool(b))
        case (.stringBool, .int(let i)) where i == 0 || i == 1, (.bool, .int(let i)) where i == 0 || i == 1:
            return .success(.bool(i == 1))
        case (.stringBool, _), (.bool, _):
            return .failure(SchemaMismatch(message: rangeMessage))
        }
    }

    var rangeMessage: String { "`\(name)` takes \(allowed)" }

    /// The JSON text of a value in `eval --format json` (integers as numbers, string booleans as
    /// `"true"`/`"false"`, booleans as `0`/`1`, text as strings).
    package func jsonText(_ v: ConfigValue) -> String {
        switch (kind, v) {
        case (.stringBool, .bool(let b)): b ? "\"true\"" : "\"false\""
        case (_, .bool(let b)): b ? "1" : "0"
        case (_, .int(let i)): String(i)
        case (_, .text(let s)): JSONWriter.quoted(s)
        }
    }

    /// How a value is shown to people (`1`, `"true"`, `0`, `"text"`).
    package func displayText(_ v: ConfigValue) -> String { jsonText(v) }
}

/// Why a value does not fit a key.
struct SchemaMismatch: Error, Sendable {
    var message: String
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias FactDefinition = Schema.FactDefinition
package typealias KeyKind = Schema.KeyKind
package typealias ConfigValue = Schema.ConfigValue
package typealias KeyDefinition = Schema.KeyDefinition
