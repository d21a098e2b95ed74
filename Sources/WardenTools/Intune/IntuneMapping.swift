import Warden

// The mapping between Warden's conditional-launch rules and Microsoft Graph's (beta)
// `androidManagedAppProtection`, as data: one row per Intune setting, in the order of the
// reference table (UI setting → Graph properties). Export reads a rule and finds its row; import
// reads a row's properties and writes its rule. A reader can check each row against the Graph
// reference: the Warden condition, the value property and its type, the switch property that
// turns the setting on, and the action property (or the action the property implies).
//
// Tiers: Intune's min/max version settings come in three properties, one per action. The
// "Required" (block) and "Warning" properties act on versions *below* the minimum (`<`); the
// "Wipe" property on versions *less than or equal to* it (Graph: "Versions less than or equal to
// the specified version will wipe"), so its rule is `<=`. Maximum versions act above (`>`).

/// A Graph `managedAppRemediationAction` and Warden's actions.
package enum IntuneAction {
    /// Graph's members (`blockWhenSettingIsSupported` is read as `block`, and the import says so).
    package static let members = ["block", "wipe", "warn", "blockWhenSettingIsSupported"]

    /// The Graph member for a Warden action (`allow` has none).
    package static func graph(_ a: Action) -> String? {
        switch a {
        case .allow: nil
        case .warn: "warn"
        case .blockAccess: "block"
        case .wipeData: "wipe"
        }
    }

    /// The Warden action for a Graph member.
    package static func warden(_ s: String) -> Action? {
        switch s {
        case "warn": .warn
        case "block", "blockWhenSettingIsSupported": .blockAccess
        case "wipe": .wipeData
        default: nil
        }
    }
}

/// The shape of a rule's condition for one setting (`F` is the setting's fact, `V` its value).
package enum LaunchCondition: Sendable, Equatable {
    /// `F op V` (`op` canonical: `<`, `<=`, `>` or `>=`).
    case compare(BinaryOp)
    /// `F` (a boolean fact that is true).
    case isTrue
    /// `!F`.
    case isFalse
    /// `!(F in [V...])`.
    case notIn
    /// `F op MEMBER`, a fixed comparison with an enum member (the setting has no value).
    case fixed(BinaryOp, String)
}

/// The Graph type of a setting's value.
package enum LaunchValueKind: Sendable, Equatable {
    /// No value (the condition is fixed).
    case none
    /// A version string (`11.0`).
    case version
    /// A patch level `YYYY-MM-DD`.
    case patchDate
    /// An Int32 within a range (days, retries).
    case integer(ClosedRange<Int64>)
    /// An ISO 8601 duration, read as whole minutes.
    case duration
    /// `maximumAllowedDeviceThreatLevel`: `secured`, `low`, `medium` (above it is refused).
    case threatLevel
    /// The Play Integrity level a device must reach: `basic`, `device`, `strong` (attestation
    /// type and evaluation type together).
    case integrity
    /// `;`-separated manufacturers.
    case manufacturers
    /// A string collection of models.
    case models
}

/// A boolean or enum property that turns a setting on (and its "off" value, written on export
/// when no rule sets it).
package struct LaunchSwitch: Sendable, Equatable {
    package let property: String
    package let on: JSONValue
    package let off: JSONValue
}

/// One row of the mapping: an Intune conditional-launch setting.
package struct LaunchSetting: Sendable {
    /// The row's name: its value property, or its action property when it has no value.
    package let name: String
    /// The Warden fact the rule tests.
    package let fact: String
    package let condition: LaunchCondition
    package let value: LaunchValueKind
    /// The property holding the value, if any.
    package let valueProperty: String?
    /// The property that turns the setting on, if any.
    package let switchProperty: LaunchSwitch?
    /// The property holding the action, if the action is free (else the property implies it).
    package let actionProperty: String?
    /// The action a tier property implies (`minimumWarningOsVersion` → warn).
    package let fixedAction: Action?
    /// The Warden actions the setting can carry.
    package let actions: [Action]

    /// Whether the row is one of several under one switch (device lock not set and the passcode complexities under
    /// `deviceLockRequired`): its action alone says whether it is configured.
    package var sharesSwitch: Bool {
        if case .fixed = condition { return switchProperty != nil }
        return false
    }

    /// Every Graph property the row reads or writes.
    package var properties: [String] {
        var p: [String] = []
        if let v = valueProperty { p.append(v) }
        if value == .integrity { p.append(IntuneMapping.evaluationTypeProperty) }
        if let s = switchProperty { p.append(s.property) }
        if let a = actionProperty { p.append(a) }
        return p
    }
}

/// The value of one setting in one policy.
package enum LaunchValue: Sendable, Hashable {
    case none
    case text(String)
    case int(Int64)
    case list([String])
}

/// One configured setting: its row, value and action.
package struct LaunchRule: Sendable, Hashable {
    /// Index into `IntuneMapping.launchSettings`.
    package var setting: Int
    package var value: LaunchValue
    package var action: Action
}

/// The mapping tables.
package enum IntuneMapping {
    package static let protectionType = "#microsoft.graph.androidManagedAppProtection"
    package static let managedAppConfigType = "#microsoft.graph.targetedManagedAppConfiguration"
    package static let managedDeviceConfigType = "#microsoft.graph.androidManagedStoreAppConfiguration"
    /// The Defender app every app configuration targets.
    package static let defenderApp = "com.microsoft.scmx"
    package static let defenderProduct = "app:com.microsoft.scmx"
    package static let evaluationTypeProperty = "requiredAndroidSafetyNetEvaluationType"

    package static let threatLevels = ["notConfigured", "secured", "low", "medium", "high"]
    package static let attestationTypes = ["none", "basicIntegrity", "basicIntegrityAndDeviceCertification"]
    package static let evaluationTypes = ["basic", "hardwareBacked"]
    package static let appsVerificationTypes = ["none", "enabled"]

    private static func tier(
        _ name: String, _ fact: String, _ op: BinaryOp, _ value: LaunchValueKind, _ action: Action
    ) -> LaunchSetting {
        LaunchSetting(
            name: name, fact: fact, condition: .compare(op), value: value, valueProperty: name, switchProperty: nil,
            actionProperty: nil, fixedAction: action, actions: [action])
    }

    private static let lockSwitch = LaunchSwitch(property: "deviceLockRequired", on: .bool(true), off: .bool(false))
    private static let free: [Action] = [.warn, .blockAccess, .wipeData]

    /// The conditional-launch rows, in the reference table's order.
    package static let launchSettings: [LaunchSetting] = [
        // Max PIN attempts (the retry limit applies when a PIN is required).
        LaunchSetting(
            name: "maximumPinRetries", fact: "pinAttempts", condition: .compare(.greaterEqual),
            value: .integer(1...65535), valueProperty: "maximumPinRetries",
            switchProperty: LaunchSwitch(property: "pinRequired", on: .bool(true), off: .bool(false)),
            actionProperty: "appActionIfMaximumPinRetriesExceeded", fixedAction: nil, actions: free),
        // Offline grace period (no action property: each period implies its action).
        tier("periodOfflineBeforeAccessCheck", "offlineMinutes", .greater, .duration, .blockAccess),
        tier("periodOfflineBeforeWipeIsEnforced", "offlineMinutes", .greater, .duration, .wipeData),
        // Min app version.
        tier("minimumWarningAppVersion", "appVersion", .less, .version, .warn),
        tier("minimumRequiredAppVersion", "appVersion", .less, .version, .blockAccess),
        tier("minimumWipeAppVersion", "appVersion", .lessEqual, .version, .wipeData),
        // Disabled account.
        LaunchSetting(
            name: "appActionIfUnableToAuthenticateUser", fact: "accountDisabled", condition: .isTrue, value: .none,
            valueProperty: nil, switchProperty: nil, actionProperty: "appActionIfUnableToAuthenticateUser",
            fixedAction: nil, actions: free),
        // Jailbroken/rooted.
        LaunchSetting(
            name: "deviceComplianceRequired", fact: "rooted", condition: .isTrue, value: .none, valueProperty: nil,
            switchProperty: LaunchSwitch(property: "deviceComplianceRequired", on: .bool(true), off: .bool(false)),
            actionProperty: "appActionIfDeviceComplianceRequired", fixedAction: nil, actions: free),
        // Min / max OS version.
        tier("minimumWarningOsVersion", "osVersion", .less, .version, .warn),
        tier("minimumRequiredOsVersion", "osVersion", .less, .version, .blockAccess),
        tier("minimumWipeOsVersion", "osVersion", .lessEqual, .version, .wipeData),
        tier("maximumWarningOsVersion", "osVersion", .greater, .version, .warn),
        tier("maximumRequiredOsVersion", "osVersion", .greater, .version, .blockAccess),
        tier("maximumWipeOsVersion", "osVersion", .greater, .version, .wipeData),
        // Min patch version.
        tier("minimumWarningPatchVersion", "patchLevel", .less, .patchDate, .warn),
        tier("minimumRequiredPatchVersion", "patchLevel", .less, .patchDate, .blockAccess),
        tier("minimumWipePatchVersion", "patchLevel", .lessEqual, .patchDate, .wipeData),
        // Device manufacturer(s) and models.
        LaunchSetting(
            name: "allowedAndroidDeviceManufacturers", fact: "manufacturer", condition: .notIn, value: .manufacturers,
            valueProperty: "allowedAndroidDeviceManufacturers", switchProperty: nil,
            actionProperty: "appActionIfAndroidDeviceManufacturerNotAllowed", fixedAction: nil, actions: free),
        LaunchSetting(
            name: "allowedAndroidDeviceModels", fact: "model", condition: .notIn, value: .models,
            valueProperty: "allowedAndroidDeviceModels", switchProperty: nil,
            actionProperty: "appActionIfAndroidDeviceModelNotAllowed", fixedAction: nil, actions: free),
        // Play integrity verdict and evaluation type: `basic` → basicIntegrity, `device` →
        // basicIntegrityAndDeviceCertification, `strong` → that with hardwareBacked evaluation.
        LaunchSetting(
            name: "requiredAndroidSafetyNetDeviceAttestationType", fact: "playIntegrity", condition: .compare(.less),
            value: .integrity, valueProperty: "requiredAndroidSafetyNetDeviceAttestationType", switchProperty: nil,
            actionProperty: "appActionIfAndroidSafetyNetDeviceAttestationFailed", fixedAction: nil, actions: free),
        // Require threat scan on apps.
        LaunchSetting(
            name: "requiredAndroidSafetyNetAppsVerificationType", fact: "threatScanEnabled", condition: .isFalse,
            value: .none, valueProperty: nil,
            switchProperty: LaunchSwitch(
                property: "requiredAndroidSafetyNetAppsVerificationType", on: .string("enabled"), off: .string("none")),
            actionProperty: "appActionIfAndroidSafetyNetAppsVerificationFailed", fixedAction: nil, actions: free),
        // Require device lock, and its complexity (`== none` is "not set"; `< low` is "complexity
        // less than low": the same devices, two Graph properties).
        LaunchSetting(
            name: "appActionIfDeviceLockNotSet", fact: "deviceLock", condition: .fixed(.equal, "none"), value: .none,
            valueProperty: nil, switchProperty: lockSwitch, actionProperty: "appActionIfDeviceLockNotSet",
            fixedAction: nil, actions: free),
        LaunchSetting(
            name: "appActionIfDevicePasscodeComplexityLessThanLow", fact: "deviceLock",
            condition: .fixed(.less, "low"), value: .none, valueProperty: nil, switchProperty: lockSwitch,
            actionProperty: "appActionIfDevicePasscodeComplexityLessThanLow", fixedAction: nil, actions: free),
        LaunchSetting(
            name: "appActionIfDevicePasscodeComplexityLessThanMedium", fact: "deviceLock",
            condition: .fixed(.less, "medium"), value: .none, valueProperty: nil, switchProperty: lockSwitch,
            actionProperty: "appActionIfDevicePasscodeComplexityLessThanMedium", fixedAction: nil, actions: free),
        LaunchSetting(
            name: "appActionIfDevicePasscodeComplexityLessThanHigh", fact: "deviceLock",
            condition: .fixed(.less, "high"), value: .none, valueProperty: nil, switchProperty: lockSwitch,
            actionProperty: "appActionIfDevicePasscodeComplexityLessThanHigh", fixedAction: nil, actions: free),
        // Min Company Portal version.
        tier("minimumWarningCompanyPortalVersion", "companyPortalVersion", .less, .version, .warn),
        tier("minimumRequiredCompanyPortalVersion", "companyPortalVersion", .less, .version, .blockAccess),
        tier("minimumWipeCompanyPortalVersion", "companyPortalVersion", .lessEqual, .version, .wipeData),
        // Max Company Portal version age (days; 0 is "not configured").
        tier("warnAfterCompanyPortalUpdateDeferralInDays", "companyPortalAgeDays", .greater, .integer(0...365), .warn),
        tier(
            "blockAfterCompanyPortalUpdateDeferralInDays", "companyPortalAgeDays", .greater, .integer(0...365),
            .blockAccess),
        tier(
            "wipeAfterCompanyPortalUpdateDeferralInDays", "companyPortalAgeDays", .greater, .integer(0...365),
            .wipeData),
        // Samsung Knox attestation (null: not configured).
        LaunchSetting(
            name: "appActionIfSamsungKnoxAttestationRequired", fact: "knoxAttested", condition: .isFalse,
            value: .none, valueProperty: nil, switchProperty: nil,
            actionProperty: "appActionIfSamsungKnoxAttestationRequired", fixedAction: nil, actions: free),
        // Max allowed device threat level ("Warn isn't a supported value for this property").
        LaunchSetting(
            name: "maximumAllowedDeviceThreatLevel", fact: "threatLevel", condition: .compare(.greater),
            value: .threatLevel, valueProperty: "maximumAllowedDeviceThreatLevel",
            switchProperty: nil, actionProperty: "mobileThreatDefenseRemediationAction", fixedAction: nil,
            actions: [.blockAccess, .wipeData]),
    ]

    /// Properties written with their "off" value when no rule configures them (so that Intune's
    /// own defaults, some of which are "on", do not add checks the policy does not have).
    package static let offValues: [(property: String, value: JSONValue)] = [
        ("pinRequired", .bool(false)),
        ("deviceComplianceRequired", .bool(false)),
        ("requiredAndroidSafetyNetDeviceAttestationType", .string("none")),
        ("requiredAndroidSafetyNetAppsVerificationType", .string("none")),
        ("deviceLockRequired", .bool(false)),
        ("maximumAllowedDeviceThreatLevel", .string("notConfigured")),
    ]

    /// Every Graph property of `androidManagedAppProtection` the launch rows model.
    package static let modelledProtectionProperties: Set<String> = Set(launchSettings.flatMap(\.properties))

    /// Properties of every Graph object that identify or describe it; `displayName` names the policy.
    package static let identityProperties: Set<String> = ["@odata.type", "displayName", "apps", "assignments"]

    /// Read-only properties the server sets; the import ignores them (as backup tools strip them
    /// before a restore), and they are not listed as unmodelled.
    package static let readOnlyProperties: Set<String> = [
        "@odata.context", "@odata.etag", "@odata.id", "@odata.editLink", "id", "version", "createdDateTime",
        "lastModifiedDateTime", "isAssigned", "deployedAppCount", "supportsScopeTags",
    ]

    /// Whether a member name is read-only metadata (`apps@odata.context`, `assignments@odata.navigationLink`, ...).
    package static func isMetadata(_ key: String) -> Bool {
        readOnlyProperties.contains(key) || (key.contains("@odata.") && key != "@odata.type")
    }

    /// The row of a Warden condition: fact and shape.
    package static func rows(forFact fact: String) -> [Int] {
        launchSettings.indices.filter { launchSettings[$0].fact == fact }
    }

    /// `playIntegrity < L`: the Graph attestation and evaluation types for L.
    package static func integrityProperties(_ level: String) -> (attestation: String, evaluation: String)? {
        switch level {
        case "basic": ("basicIntegrity", "basic")
        case "device": ("basicIntegrityAndDeviceCertification", "basic")
        case "strong": ("basicIntegrityAndDeviceCertification", "hardwareBacked")
        default: nil
        }
    }

    /// The Play Integrity level for Graph's attestation and evaluation types (and whether the pair
    /// is exact: `basicIntegrity` with `hardwareBacked` has no Warden level of its own).
    package static func integrityLevel(attestation: String, evaluation: String?) -> (level: String, exact: Bool)? {
        let hardware = evaluation == "hardwareBacked"
        switch attestation {
        case "basicIntegrity": return ("basic", !hardware)
        case "basicIntegrityAndDeviceCertification": return (hardware ? "strong" : "device", true)
        default: return nil
        }
    }
}
