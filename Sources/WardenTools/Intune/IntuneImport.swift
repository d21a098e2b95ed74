import Warden

// `warden import --intune`: Graph bodies (a single object, an array, a list response
// `{"value": [...]}`, or a backup tool's file, with or without ids, `@odata.context` and
// navigation properties) as Warden policy files, one per Intune object, with a comment on each
// statement naming the Graph property it came from. Properties Warden does not model are listed
// (`unmodelled`), never dropped silently; read-only server properties (`id`, dates, ...) are
// ignored as backup tools ignore them on restore. Values Graph would refuse are errors with the
// file and the JSON path.

/// A Graph property the import did not carry into Warden (or a note about one it did).
package struct IntuneFinding: Sendable, Equatable {
    /// The input file.
    package var file: String
    /// The JSON path of the property (`$.value[0].pinCharacterSet`).
    package var path: String
    package var reason: String

    package var text: String { "\(file): \(path): \(reason)" }
    /// The property's own name (the path's last step).
    package var property: String {
        var s = Substring(path)
        if let dot = s.lastIndex(of: ".") { s = s[s.index(after: dot)...] }
        return String(s)
    }
}

/// One imported Intune object as a Warden policy file.
package struct ImportedPolicy: Sendable {
    package var name: String
    package var type: String
    /// `<name>.warden`.
    package var fileName: String
    /// The formatted policy text.
    package var text: String
    /// The input file and the object's JSON path.
    package var source: String
    package var path: String
    /// The conditional-launch rows it configures (protection policies; for round-trip checks).
    package var rules: [LaunchRule] = []
    package var scope = IntuneScope()
}

package struct IntuneImportResult: Sendable {
    package var policies: [ImportedPolicy] = []
    /// Properties not carried into Warden.
    package var unmodelled: [IntuneFinding] = []
    /// Values carried with a change the reader should know (durations to the minute, defaults).
    package var notes: [IntuneFinding] = []
    /// `file: path: message` for values Graph would refuse, unknown types, bad JSON.
    package var errors: [String] = []

    /// The report as JSON: `{"unmodelled": [...], "notes": [...], "errors": [...]}`.
    package var reportJSON: JSONValue {
        func item(_ f: IntuneFinding) -> JSONValue {
            .object([("file", .string(f.file)), ("path", .string(f.path)), ("reason", .string(f.reason))])
        }
        return .object([
            ("unmodelled", .array(unmodelled.map(item))), ("notes", .array(notes.map(item))),
            ("errors", .array(errors.map { .string($0) })),
        ])
    }
}

package enum IntuneImport {
    /// The Graph types the import reads.
    package static let types = [
        "androidManagedAppProtection", "targetedManagedAppConfiguration", "androidManagedStoreAppConfiguration",
    ]

    /// Imports the named JSON documents (file name, bytes).
    package static func importDocuments(_ documents: [(name: String, bytes: [UInt8])], schema: Schema = .builtIn)
        -> IntuneImportResult
    {
        var result = IntuneImportResult()
        for doc in documents {
            let json: JSONValue
            switch JSONParser.parse(doc.bytes) {
            case .failure(let e):
                let (l, c) = IntuneJSON.lineColumn(doc.bytes, e.offset)
                result.errors.append("\(doc.name):\(l):\(c): error: \(e.message)")
                continue
            case .success(let j): json = j
            }
            var items: [(JSONValue, String)] = []
            switch json {
            case .array(let xs): items = xs.enumerated().map { ($0.element, "$[\($0.offset)]") }
            case .object where json.member("@odata.type") == nil && json.member("value") != nil:
                guard case .array(let xs)? = json.member("value") else {
                    result.errors.append("\(doc.name): $.value: error: a Graph list's `value` must be an array")
                    continue
                }
                items = xs.enumerated().map { ($0.element, "$.value[\($0.offset)]") }
            default: items = [(json, "$")]
            }
            for (item, path) in items {
                var ctx = Context(file: doc.name, schema: schema, result: result)
                ctx.importObject(item, path: path, context: json.member("@odata.context")?.stringValue)
                result = ctx.result
            }
        }
        // File names must be distinct (names differ only in case on some file systems).
        var seen: [String: Int] = [:]
        for i in result.policies.indices {
            let key = result.policies[i].fileName.lowercased()
            if let n = seen[key] {
                seen[key] = n + 1
                result.policies[i].fileName = String(result.policies[i].fileName.dropLast(7)) + "-\(n + 1).warden"
            } else {
                seen[key] = 1
            }
        }
        return result
    }

    /// The Graph type of an object: its `@odata.type`, else what the list's `@odata.context` or
    /// its own properties say.
    static func type(of o: JSONValue, context: String?) -> Result<String, IntuneValueError> {
        if let t = o.member("@odata.type") {
            guard let s = t.stringValue else {
                return .failure(IntuneValueError("`@odata.type` must be a string, not \(t.kindText)"))
            }
            var name = Substring(s)
            if name.hasPrefix("#") { name = name.dropFirst() }
            if name.hasPrefix("microsoft.graph.") { name = name.dropFirst("microsoft.graph.".count) }
            guard types.contains(String(name)) else {
                return .failure(
                    IntuneValueError(
                        "unknown @odata.type `\(s)`: Warden imports \(types.map { "`#microsoft.graph.\($0)`" }.joined(separator: ", "))"
                    ))
            }
            return .success(String(name))
        }
        if o.member("target") != nil {
            return .failure(
                IntuneValueError(
                    "an assignment, not a policy: export the policy with its assignments inline (`$expand=assignments`)"
                ))
        }
        let ctx = (o.member("@odata.context")?.stringValue ?? context ?? "").lowercased()
        if ctx.contains("androidmanagedappprotections") { return .success("androidManagedAppProtection") }
        if ctx.contains("targetedmanagedappconfigurations") { return .success("targetedManagedAppConfiguration") }
        if o.member("customSettings") != nil { return .success("targetedManagedAppConfiguration") }
        if o.member("payloadJson") != nil || o.member("packageId") != nil {
            return .success("androidManagedStoreAppConfiguration")
        }
        let launch = IntuneMapping.modelledProtectionProperties
        if let m = o.members, m.contains(where: { launch.contains($0.key) }) {
            return .success("androidManagedAppProtection")
        }
        return .failure(
            IntuneValueError(
                "no `@odata.type`, and the object is not one of \(types.map { "`\($0)`" }.joined(separator: ", "))"))
    }

    /// The imported file name for a display name.
    static func fileName(_ name: String) -> String { IntuneExport.safeFileName(name) + ".warden" }
}

/// The state of one object's import.
struct Context {
    let file: String
    let schema: Schema
    var result: IntuneImportResult

    mutating func error(_ path: String, _ message: String) {
        result.errors.append("\(file): \(path): error: \(message)")
    }
    mutating func unmodelled(_ path: String, _ reason: String) {
        result.unmodelled.append(IntuneFinding(file: file, path: path, reason: reason))
    }
    mutating func note(_ path: String, _ reason: String) {
        result.notes.append(IntuneFinding(file: file, path: path, reason: reason))
    }

    mutating func importObject(_ o: JSONValue, path: String, context: String?) {
        guard let members = o.members else {
            error(path, "a Graph object must be a JSON object, not \(o.kindText)")
            return
        }
        let type: String
        switch IntuneImport.type(of: o, context: context) {
        case .failure(let why):
            error(o.member("@odata.type") == nil ? path : path + ".@odata.type", why.message)
            return
        case .success(let t): type = t
        }
        let errorsBefore = result.errors.count
        var name = "Imported \(type)"
        if let n = o.member("displayName") {
            if let s = n.stringValue, !s.isEmpty { name = s } else { error(path + ".displayName", "must be a string") }
        }
        // Two objects with one display name get distinct policy (and rule) names.
        let taken = Set(result.policies.map(\.name))
        if taken.contains(name) {
            var n = 2
            while taken.contains("\(name) (\(n))") { n += 1 }
            note(
                path + ".displayName",
                "another object is named \(ValuePrinter.quote(name)): imported as \"\(name) (\(n))\"")
            name = "\(name) (\(n))"
        }
        var header = [
            "# Imported from Intune: \(type) \(ValuePrinter.quote(name)) (\(oneLine(file)), \(path)).",
            "# Every statement's comment names the Graph properties it came from.",
        ]
        if let d = o.member("description"), d != .null {
            if let s = d.stringValue, !s.isEmpty {
                header.append("# description: \(ValuePrinter.quote(s))")
            }
        }
        var policy = ImportedPolicy(
            name: name, type: type, fileName: IntuneImport.fileName(name), text: "", source: file, path: path)
        var body: [String]
        var handled: Set<String> = IntuneMapping.identityProperties
        switch type {
        case "androidManagedAppProtection":
            handled.formUnion(IntuneMapping.modelledProtectionProperties)
            handled.insert("appGroupType")
            let scope = importScope(o, path: path, assignmentsRequired: true)
            policy.scope = scope
            let rules = importLaunchRules(o, path: path)
            policy.rules = rules
            // A long app list is written once, as a `let`.
            let appsName = (scope.apps?.count ?? 0) > 1 ? "intuneApps" : nil
            body = rules.compactMap { rule in
                guard IntuneMapping.launchSettings.indices.contains(rule.setting) else { return nil }
                let r = IntuneMapping.launchSettings[rule.setting]
                let name = "\(name): \(r.name)"
                let props = r.properties.map { p in "\(p) = \(o.member(p).map { $0.compactText } ?? "(absent)")" }
                return "# \(props.joined(separator: ", "))\nrule \(ValuePrinter.quote(name)) when "
                    + IntuneRuleWriter.condition(rule, scope: scope, appsName: appsName)
                    + " then \(rule.action.rawValue)"
            }
            if let appsName, let apps = scope.apps, !body.isEmpty {
                let list = apps.map { ValuePrinter.quote($0) }.joined(separator: ", ")
                body.insert("# apps (appGroupType selectedPublicApps)\nlet \(appsName) = [\(list)]", at: 0)
            }
            if body.isEmpty {
                header.append("# No conditional-launch setting of this policy is configured.")
            }
        case "targetedManagedAppConfiguration":
            handled.insert("customSettings")
            handled.insert("appGroupType")
            body = importManagedAppConfig(o, path: path, name: name)
        default:
            handled.formUnion(["packageId", "payloadJson"])
            guard let b = importDeviceConfig(o, path: path, name: name) else {
                for m in members where !handled.contains(m.key) && !IntuneMapping.isMetadata(m.key) {
                    unmodelled(path + IntuneJSON.step(m.key), "not imported with its object")
                }
                return
            }
            body = b
        }
        for m in members where !handled.contains(m.key) && !IntuneMapping.isMetadata(m.key) {
            unmodelled(path + IntuneJSON.step(m.key), reason(for: m.key, type: type))
        }
        guard result.errors.count == errorsBefore else { return }
        let text =
            header.joined(separator: "\n") + "\npolicy \(ValuePrinter.quote(name))\n\n" + body.joined(separator: "\n\n")
            + "\n"
        policy.text = (try? PolicyFormatter.format(text, name: policy.fileName)) ?? text
        result.policies.append(policy)
    }

    /// Text for a comment: control characters (a newline in a file name) become `?`.
    func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
    }

    func reason(for key: String, type: String) -> String {
        switch key {
        case "description": "kept as a comment; Warden policies have no description"
        case "roleScopeTagIds": "scope tags are Intune's administration, not policy"
        case "mobileThreatDefensePartnerPriority": "Warden reads Defender's threat level; it has no partner choice"
        case "periodOnlineBeforeAccessCheck": "Warden has no fact for the online re-check interval"
        case "appActionIfAccountIsClockedOut", "gracePeriodToBlockAppsDuringOffClockHours":
            "Warden has no fact for working time"
        case "targetedAppManagementLevels": "Warden rules name `management` in conditions; the import does not add one"
        case "targetedMobileApps": "tenant-specific app ids"
        default:
            type == "androidManagedAppProtection"
                ? "data protection or access setting with no Warden fact (Warden models conditional launch)"
                : "no Warden equivalent"
        }
    }

    // MARK: apps and assignments

    /// `apps` (when `appGroupType` selects them) and `assignments` as the rules' own conditions.
    mutating func importScope(_ o: JSONValue, path: String, assignmentsRequired: Bool) -> IntuneScope {
        var scope = IntuneScope()
        let groupType = o.member("appGroupType")?.stringValue
        if let g = o.member("appGroupType"), g != .null {
            let members = ["selectedPublicApps", "allCoreMicrosoftApps", "allMicrosoftApps", "allApps"]
            if case .failure(let e) = IntuneValues.member(
                g.stringValue ?? g.compactText, of: members, property: "appGroupType")
            {
                error(path + ".appGroupType", e.message)
            }
            if groupType == "allCoreMicrosoftApps" || groupType == "allMicrosoftApps" {
                unmodelled(
                    path + ".appGroupType",
                    "Warden cannot name Microsoft's app groups (`\(groupType ?? "")`): the rules apply to every app")
            }
        }
        if let apps = o.member("apps"), apps != .null {
            guard case .array(let items) = apps else {
                error(path + ".apps", "must be an array")
                return scope
            }
            var ids: [String] = []
            for (i, a) in items.enumerated() {
                let p = "\(path).apps[\(i)]"
                guard let ident = a.member("mobileAppIdentifier") else {
                    error(p, "an app needs `mobileAppIdentifier`")
                    continue
                }
                let t = ident.member("@odata.type")?.stringValue ?? "#microsoft.graph.androidMobileAppIdentifier"
                if t.hasSuffix("androidMobileAppIdentifier"), let id = ident.member("packageId")?.stringValue {
                    if !ids.contains(id) { ids.append(id) }
                } else {
                    unmodelled(p, "not an Android app (`\(t)`)")
                }
            }
            if groupType == nil || groupType == "selectedPublicApps" {
                scope.apps = ids
            } else if !ids.isEmpty {
                unmodelled(path + ".apps", "`appGroupType` is `\(groupType ?? "")`, so Intune ignores the app list")
            }
        } else if groupType == "selectedPublicApps" {
            note(path + ".apps", "no app list in the file: the rules apply to every app")
        }
        guard let assignments = o.member("assignments"), assignments != .null else {
            if assignmentsRequired { note(path, "no assignments in the file: the rules apply to every user") }
            return scope
        }
        guard case .array(let items) = assignments else {
            error(path + ".assignments", "must be an array")
            return scope
        }
        var groups: [String] = []
        var everyone = false
        for (i, a) in items.enumerated() {
            let p = "\(path).assignments[\(i)]"
            let target = a.member("target") ?? a
            let t = target.member("@odata.type")?.stringValue ?? ""
            if let filter = target.member("deviceAndAppManagementAssignmentFilterType")?.stringValue, filter != "none",
                let id = target.member("deviceAndAppManagementAssignmentFilterId")?.stringValue,
                id != "00000000-0000-0000-0000-000000000000"
            {
                unmodelled(
                    p + ".target.deviceAndAppManagementAssignmentFilterId",
                    "assignment filters have no Warden equivalent")
            }
            if t.hasSuffix("allLicensedUsersAssignmentTarget") || t.hasSuffix("allDevicesAssignmentTarget") {
                everyone = true
            } else if t.hasSuffix(".groupAssignmentTarget") || t == "groupAssignmentTarget" {
                // IntuneCD replaces `groupId` with `groupName`.
                guard let g = target.member("groupId")?.stringValue ?? target.member("groupName")?.stringValue else {
                    error(p + ".target", "a group assignment needs `groupId`")
                    continue
                }
                if !groups.contains(g) { groups.append(g) }
            } else if t.hasSuffix("exclusionGroupAssignmentTarget") {
                unmodelled(p, "excluded groups are not imported: the rules name the included groups only")
            } else {
                error(p + ".target.@odata.type", "unknown assignment target `\(t)`")
            }
        }
        if everyone {
            if !groups.isEmpty {
                note(path + ".assignments", "assigned to every user: the group assignments add nothing")
            }
        } else if groups.isEmpty {
            note(
                path + ".assignments",
                "no assignments: Intune applies the policy to nobody; the rules apply to every user")
        } else {
            scope.groups = groups
        }
        return scope
    }

    // MARK: conditional launch

    func raw(_ o: JSONValue, _ p: String?) -> JSONValue? {
        guard let p, let v = o.member(p), v != .null else { return nil }
        return v
    }

    mutating func string(_ o: JSONValue, _ p: String?, _ path: String) -> String? {
        guard let v = raw(o, p), let p else { return nil }
        guard let s = v.stringValue else {
            error(path + IntuneJSON.step(p), "must be a string, not \(v.kindText)")
            return nil
        }
        return s
    }

    mutating func importLaunchRules(_ o: JSONValue, path: String) -> [LaunchRule] {
        var out: [LaunchRule] = []
        // Types of the modelled properties are checked whether or not the setting is on.
        for (i, r) in IntuneMapping.launchSettings.enumerated() {
            var on = true
            if let s = r.switchProperty {
                let v = raw(o, s.property)
                if case .string(let str)? = v, case .string = s.on {
                    if case .failure(let e) = IntuneValues.member(
                        str, of: IntuneMapping.appsVerificationTypes, property: s.property)
                    {
                        error(path + IntuneJSON.step(s.property), e.message)
                    }
                } else if let v, case .bool = s.on, case .bool = v {
                } else if let v {
                    error(path + IntuneJSON.step(s.property), "must be \(s.on.kindText), not \(v.kindText)")
                }
                on = v == s.on
            }
            var value: LaunchValue? = LaunchValue.none
            let vp = r.valueProperty
            let vpath = path + IntuneJSON.step(vp ?? "")
            switch r.value {
            case .none: break
            case .version:
                value = nil
                if let s = string(o, vp, path), !IntuneValues.trimmed(s).isEmpty {
                    switch IntuneValues.version(s) {
                    case .success(let t): value = .text(t)
                    case .failure(let e): error(vpath, e.message)
                    }
                }
            case .patchDate:
                value = nil
                if let s = string(o, vp, path) {
                    switch IntuneValues.patchDate(s) {
                    case .success(let t): value = t.map { .text($0) }
                    case .failure(let e): error(vpath, e.message)
                    }
                }
            case .integer(let range):
                value = nil
                if let v = raw(o, vp), let vp {
                    if case .int(let n) = v {
                        switch IntuneValues.integer(n, in: range, property: vp) {
                        case .success(let n): value = (n == 0 && range.lowerBound == 0) ? nil : .int(n)
                        case .failure(let e): error(vpath, e.message)
                        }
                    } else {
                        error(vpath, "must be an integer, not \(v.kindText)")
                    }
                }
            case .duration:
                value = nil
                if let s = string(o, vp, path) {
                    switch IntuneDuration.parse(s) {
                    case .success(let d):
                        let (m, why) = d.minutes
                        value = .int(m)
                        if let why { note(vpath, "`\(s)` \(why): \(IntuneDuration.text(minutes: m))") }
                    case .failure(let e): error(vpath, e.message)
                    }
                }
            case .threatLevel:
                value = nil
                if let s = string(o, vp, path), let vp {
                    switch IntuneValues.member(s, of: IntuneMapping.threatLevels, property: vp) {
                    case .success(let t) where t != "notConfigured" && t != "high": value = .text(t)
                    case .success: break
                    case .failure(let e): error(vpath, e.message)
                    }
                }
            case .integrity:
                value = nil
                let ep = IntuneMapping.evaluationTypeProperty
                var evaluation: String?
                if let e = string(o, ep, path) {
                    if case .failure(let err) = IntuneValues.member(e, of: IntuneMapping.evaluationTypes, property: ep)
                    {
                        error(path + "." + ep, err.message)
                    } else {
                        evaluation = e
                    }
                }
                if let s = string(o, vp, path), let vp {
                    switch IntuneValues.member(s, of: IntuneMapping.attestationTypes, property: vp) {
                    case .success(let a):
                        if let level = IntuneMapping.integrityLevel(attestation: a, evaluation: evaluation) {
                            value = .text(level.level)
                            if !level.exact {
                                unmodelled(
                                    path + "." + ep,
                                    "`basicIntegrity` with `hardwareBacked` evaluation has no Play Integrity level of its own: imported as `playIntegrity < basic`"
                                )
                            }
                        }
                    case .failure(let e): error(vpath, e.message)
                    }
                }
            case .manufacturers:
                value = nil
                if let s = string(o, vp, path) {
                    let list = IntuneValues.manufacturers(s)
                    if !list.isEmpty { value = .list(list) }
                }
            case .models:
                value = nil
                if let v = raw(o, vp) {
                    if case .array(let items) = v {
                        var list: [String] = []
                        for (k, item) in items.enumerated() {
                            guard let s = item.stringValue else {
                                error("\(vpath)[\(k)]", "must be a string, not \(item.kindText)")
                                continue
                            }
                            let t = IntuneValues.trimmed(s)
                            if !t.isEmpty && !list.contains(t) { list.append(t) }
                        }
                        if !list.isEmpty { value = .list(list) }
                    } else {
                        error(vpath, "must be an array of strings, not \(v.kindText)")
                    }
                }
            }
            // The action.
            var action = r.fixedAction
            if let ap = r.actionProperty {
                let apath = path + IntuneJSON.step(ap)
                if let s = string(o, ap, path) {
                    if case .failure(let e) = IntuneValues.member(s, of: IntuneAction.members, property: ap) {
                        error(apath, e.message)
                    } else if ap == "mobileThreatDefenseRemediationAction" && s == "warn" {
                        error(
                            apath,
                            "`mobileThreatDefenseRemediationAction` does not accept `warn` (Graph: \"Warn isn't a supported value for this property\")"
                        )
                    } else {
                        action = IntuneAction.warden(s)
                        if s == "blockWhenSettingIsSupported" && on && value != nil {
                            note(
                                apath,
                                "`blockWhenSettingIsSupported` imported as blockAccess (Warden blocks on every device)")
                        }
                    }
                } else if r.value == .none && (r.switchProperty == nil || r.sharesSwitch) {
                    // A setting that is only an action (Knox, disabled account, a passcode
                    // complexity under the shared `deviceLockRequired`): null is "not configured".
                    on = false
                } else if on && value != nil && r.actions.contains(.blockAccess) {
                    action = .blockAccess
                    note(apath, "no action in the file: Intune's default (block) is imported")
                }
            }
            guard on, let value, let action else { continue }
            out.append(LaunchRule(setting: i, value: value, action: action))
        }
        return out
    }

    // MARK: app configuration

    /// A Defender key's value (a string from `customSettings`, or a typed payload value) as Warden source.
    mutating func keyValue(_ key: KeyDefinition, _ v: JSONValue, path: String) -> String? {
        var lit: Literal
        switch v {
        case .string(let s):
            switch key.kind {
            case .text: lit = .string(s)
            case .stringBool where s == "true" || s == "false": lit = .bool(s == "true")
            default:
                if let i = Int64(IntuneValues.trimmed(s)) {
                    lit = .int(i)
                } else if s == "true" || s == "false" {
                    lit = .bool(s == "true")
                } else {
                    lit = .string(s)
                }
            }
        case .int(let i): lit = .int(i)
        case .bool(let b): lit = .bool(b)
        default:
            error(path, "`\(key.name)` takes \(key.allowed), not \(v.kindText)")
            return nil
        }
        guard let c = key.value(lit) else {
            error(path, "`\(key.name)` takes \(key.allowed), not \(v.compactText)")
            return nil
        }
        return key.sourceText(c)
    }

    mutating func configBlock(
        _ name: String, route: Route, entries: [(key: String, value: String, from: String)], scope: IntuneScope,
        comment: String
    ) -> [String] {
        var head = "config \(ValuePrinter.quote(name)) route \(route.rawValue)"
        var targets: [String] = []
        if let apps = scope.apps {
            targets.append("apps [" + apps.map { ValuePrinter.quote($0) }.joined(separator: ", ") + "]")
        }
        if let groups = scope.groups, !groups.isEmpty {
            targets.append("groups [" + groups.map { ValuePrinter.quote($0) }.joined(separator: ", ") + "]")
        }
        if !targets.isEmpty { head += " for " + targets.joined(separator: " ") }
        let lines = entries.map { "  \($0.key) = \($0.value)  # \($0.from)" }
        return ["# \(comment)\n\(head) {\n" + lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n") + "}"]
    }

    mutating func importManagedAppConfig(_ o: JSONValue, path: String, name: String) -> [String] {
        let scope = importScope(o, path: path, assignmentsRequired: true)
        var entries: [(key: String, value: String, from: String)] = []
        if let cs = o.member("customSettings"), cs != .null {
            guard case .array(let items) = cs else {
                error(path + ".customSettings", "must be an array of {name, value}")
                return []
            }
            for (i, item) in items.enumerated() {
                let p = "\(path).customSettings[\(i)]"
                guard let k = item.member("name")?.stringValue, let v = item.member("value") else {
                    error(p, "a custom setting needs a string `name` and a `value`")
                    continue
                }
                guard v.stringValue != nil else {
                    error(p + ".value", "`customSettings` values are strings, not \(v.kindText)")
                    continue
                }
                guard let key = schema.key(named: k) else {
                    unmodelled(p, "`\(k)` is not a Defender key Warden knows")
                    continue
                }
                if entries.contains(where: { $0.key == k }) {
                    unmodelled(p, "`\(k)` is set twice: the first value is imported")
                    continue
                }
                if let text = keyValue(key, v, path: p + ".value") {
                    entries.append((k, text, "customSettings[\(i)] = \(v.compactText)"))
                }
            }
        }
        return configBlock(
            name, route: .managedApps, entries: entries, scope: scope, comment: "customSettings, apps, assignments")
    }

    mutating func importDeviceConfig(_ o: JSONValue, path: String, name: String) -> [String]? {
        let package = o.member("packageId")?.stringValue
        if let package, package != IntuneMapping.defenderProduct {
            unmodelled(
                path,
                "an app configuration for `\(package)`: Warden models Defender's keys only (\(IntuneMapping.defenderProduct))"
            )
            return nil
        }
        var payload: JSONValue?
        switch o.member("payloadJson") {
        case .string(let s)?:
            guard let bytes = Base64.decode(s) else {
                error(path + ".payloadJson", "is not base64")
                return nil
            }
            switch JSONParser.parse(bytes) {
            case .success(let j): payload = j
            case .failure(let e):
                error(path + ".payloadJson", "the decoded payload is not JSON: \(e.message) at byte \(e.offset)")
                return nil
            }
        case .object?: payload = o.member("payloadJson")  // IntuneCD writes it decoded.
        case nil, .null?: payload = nil
        case let v?:
            error(path + ".payloadJson", "must be a base64 string, not \(v.kindText)")
            return nil
        }
        if package == nil, payload?.member("productId")?.stringValue != IntuneMapping.defenderProduct {
            unmodelled(path, "not an app configuration for Defender (\(IntuneMapping.defenderProduct))")
            return nil
        }
        let scope = importScope(o, path: path, assignmentsRequired: true)
        var entries: [(key: String, value: String, from: String)] = []
        if let payload {
            let pp = path + ".payloadJson"
            if let pid = payload.member("productId")?.stringValue, pid != IntuneMapping.defenderProduct {
                error(pp + ".productId", "`\(pid)` differs from `packageId`")
            }
            for m in payload.members ?? [] where m.key != "kind" && m.key != "productId" && m.key != "managedProperty" {
                unmodelled(pp + IntuneJSON.step(m.key), "no Warden equivalent")
            }
            if case .array(let items)? = payload.member("managedProperty") {
                for (i, item) in items.enumerated() {
                    let p = "\(pp).managedProperty[\(i)]"
                    guard let k = item.member("key")?.stringValue else {
                        error(p, "a managed property needs a string `key`")
                        continue
                    }
                    guard let key = schema.key(named: k) else {
                        unmodelled(p, "`\(k)` is not a Defender key Warden knows")
                        continue
                    }
                    if k == "DefenderMAMConfigs" {
                        unmodelled(p, "`DefenderMAMConfigs` belongs to the managedApps route only")
                        continue
                    }
                    let field = ["valueInteger", "valueBool", "valueString"].first { item.member($0) != nil }
                    guard let field, let v = item.member(field) else {
                        unmodelled(p, "`\(k)` has no integer, boolean or string value")
                        continue
                    }
                    if entries.contains(where: { $0.key == k }) {
                        unmodelled(p, "`\(k)` is set twice: the first value is imported")
                        continue
                    }
                    if let text = keyValue(key, v, path: p + "." + field) {
                        entries.append((k, text, "managedProperty[\(i)].\(field) = \(v.compactText)"))
                    }
                }
            }
        }
        return configBlock(
            name, route: .managedDevices, entries: entries, scope: IntuneScope(apps: nil, groups: scope.groups),
            comment: "payloadJson (managedProperty), assignments")
    }
}

extension KeyDefinition {
    /// A literal as this key's value, if it fits (the checker's rules for config entries).
    func value(_ lit: Literal) -> ConfigValue? {
        switch (kind, lit) {
        case (.int(let allowed, _), .int(let i)): allowed.contains(i) ? .int(i) : nil
        case (.text, .string(let s)): .text(s)
        case (.stringBool, .string(let s)) where s == "true" || s == "false": .bool(s == "true")
        case (.stringBool, .bool(let b)), (.bool, .bool(let b)): .bool(b)
        case (.stringBool, .int(let i)) where i == 0 || i == 1, (.bool, .int(let i)) where i == 0 || i == 1:
            .bool(i == 1)
        default: nil
        }
    }

    /// A value as config-block source: integers as numbers, 0/1 booleans as `0`/`1`, string
    /// booleans as `"true"`/`"false"`, text quoted.
    package func sourceText(_ v: ConfigValue) -> String {
        switch (kind, v) {
        case (.stringBool, .bool(let b)): b ? "\"true\"" : "\"false\""
        case (_, .bool(let b)): b ? "1" : "0"
        case (_, .int(let i)): String(i)
        case (_, .text(let s)): ValuePrinter.quote(s)
        }
    }
}
