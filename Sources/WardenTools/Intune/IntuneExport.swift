import Warden

// `warden export --intune`: a policy set as Graph (beta) request bodies.
// - Each file's rules with an exact Graph equivalent (IntuneMapping.swift) become one
//   `androidManagedAppProtection`; the apps and groups the rules' own conditions name (the same
//   for every exported rule of the file) become its apps and assignments.
// - Each config block becomes an app configuration: managedApps → `targetedManagedAppConfiguration`
//   (`customSettings`, string values, for the Defender app); managedDevices →
//   `androidManagedStoreAppConfiguration` for `app:com.microsoft.scmx` (typed `payloadJson`).
// - Everything left out is an omission with its file, line and reason; nothing is dropped silently.

/// One Graph object the export writes.
package struct IntuneObject: Sendable {
    /// Its `displayName`.
    package var name: String
    /// The Graph type without `#microsoft.graph.` (`androidManagedAppProtection`).
    package var type: String
    /// The request body.
    package var body: JSONValue
    /// The policy file it came from.
    package var file: String

    /// `<name>.<type>.json`, the name made safe for a file system.
    package var fileName: String { IntuneExport.safeFileName(name) + "." + type + ".json" }
}

/// Something the export left out (or notes), with where it is.
package struct IntuneOmission: Sendable, Equatable {
    package var file: String
    package var line: Int
    /// `rule "rooted"`, `config "Baseline"`, `policy "Finance"`.
    package var subject: String
    package var reason: String

    package var text: String { "\(file):\(line): \(subject): \(reason)" }
}

/// The result of an export.
package struct IntuneExportResult: Sendable {
    package var objects: [IntuneObject] = []
    /// Rules and settings left out of the bodies (what `--strict` fails on).
    package var omissions: [IntuneOmission] = []
    /// What the bodies cannot say and the reader should know (messages, defaults, tenant ids).
    package var notes: [IntuneOmission] = []
    /// Values Graph would refuse, rendered with file:line:col and a caret.
    package var errors: [String] = []

    /// The report as JSON: `{"omitted": [...], "notes": [...], "errors": [...]}`.
    package var reportJSON: JSONValue {
        func item(_ o: IntuneOmission) -> JSONValue {
            .object([
                ("file", .string(o.file)), ("line", .int(Int64(o.line))), ("subject", .string(o.subject)),
                ("reason", .string(o.reason)),
            ])
        }
        return .object([
            ("omitted", .array(omissions.map(item))), ("notes", .array(notes.map(item))),
            ("errors", .array(errors.map { .string($0) })),
        ])
    }
}

package enum IntuneExport {
    /// Compiles the files as one policy set (the set must be valid) and exports it.
    package static func export(_ sources: [SourceFile], engine: Engine = Engine()) throws(CompileError)
        -> IntuneExportResult
    {
        let program = try engine.compile(sources)
        var result = IntuneExportResult()
        for (fi, source) in sources.enumerated() {
            let parsed = Parser.parseFile(source)
            // Configs are taken checked (values normalised) from the compiled set.
            let configs = program.policy.configs.filter { ($0.file ?? sources.first?.name) == source.name }
            exportFile(source, parsed.file, configs: configs, schema: engine.schema, index: fi, into: &result)
        }
        // Names must be distinct per type (they name the files).
        var seen: [String: Int] = [:]
        for i in result.objects.indices {
            let key = result.objects[i].fileName.lowercased()
            if let n = seen[key] {
                seen[key] = n + 1
                result.objects[i].name += " (\(n + 1))"
            } else {
                seen[key] = 1
            }
        }
        return result
    }

    static func policyName(_ source: SourceFile, _ file: PolicyFile) -> String {
        if let h = file.header { return h.name.value }
        var base = Substring(source.name.split(separator: "/").last ?? Substring(source.name))
        if base.hasSuffix(".warden") { base = base.dropLast(7) }
        return String(base)
    }

    static func exportFile(
        _ source: SourceFile, _ file: PolicyFile, configs: [CheckedConfig], schema: Schema, index: Int,
        into result: inout IntuneExportResult
    ) {
        let name = policyName(source, file)
        let reader = IntuneRuleReader(file: file, schema: schema)
        func line(_ span: SourceSpan) -> Int { source.location(of: span.start).line }
        var taken: [Int: (line: Int, rule: LaunchRule)] = [:]
        var order: [Int] = []
        var scope: (IntuneScope, Int)?
        var messages = 0
        var firstRuleLine: Int?
        for case .rule(let r) in file.statements {
            let subject = r.name.map { "rule \(ValuePrinter.quote($0.value))" } ?? "rule at line \(line(r.span))"
            let at = line(r.span)
            if firstRuleLine == nil { firstRuleLine = at }
            switch reader.read(r) {
            case .failure(.omitted(let why)):
                result.omissions.append(.init(file: source.name, line: at, subject: subject, reason: why))
            case .failure(.refused(let why, let span)):
                result.errors.append(Diagnostic.error(.refusedByPlatform, why, span).rendered(in: source))
            case .success(let (rule, ruleScope)):
                let setting = IntuneMapping.launchSettings[rule.setting]
                if let (s, l) = scope, s != ruleScope {
                    result.omissions.append(
                        .init(
                            file: source.name, line: at, subject: subject,
                            reason:
                                "it applies to \(ruleScope.text), but the policy's first exported rule (line \(l)) to \(s.text); one Intune policy has one app list and one assignment list"
                        ))
                    continue
                }
                if let prior = taken[rule.setting] {
                    result.omissions.append(
                        .init(
                            file: source.name, line: at, subject: subject,
                            reason:
                                "one Intune policy has one `\(setting.name)`, already exported from the rule at line \(prior.line)"
                        ))
                    continue
                }
                if scope == nil { scope = (ruleScope, at) }
                taken[rule.setting] = (at, rule)
                order.append(rule.setting)
                for case .severity(_, let m?) in r.actions where !m.value.isEmpty { messages += 1 }
            }
        }
        if !order.isEmpty {
            let rules = order.sorted().compactMap { taken[$0]?.rule }
            let body = protectionBody(name: name, rules: rules, scope: scope?.0 ?? IntuneScope())
            result.objects.append(
                IntuneObject(name: name, type: "androidManagedAppProtection", body: body, file: source.name))
            let at = firstRuleLine ?? 1
            if messages > 0 {
                result.notes.append(
                    .init(
                        file: source.name, line: at, subject: "policy \(ValuePrinter.quote(name))",
                        reason:
                            "\(messages) rule message\(messages == 1 ? "" : "s") not exported: Intune shows its own text"
                    ))
            }
            let offline = rules.contains { IntuneMapping.launchSettings[$0.setting].fact == "offlineMinutes" }
            if !offline {
                result.notes.append(
                    .init(
                        file: source.name, line: at, subject: "policy \(ValuePrinter.quote(name))",
                        reason:
                            "no rule sets the offline periods: Intune applies its defaults (block after PT12H, wipe after P90D offline)"
                    ))
            }
            if let h = file.header, let e = h.onError {
                result.notes.append(
                    .init(
                        file: source.name, line: line(e.span), subject: "policy \(ValuePrinter.quote(name))",
                        reason:
                            "`onError \(e.value.rawValue)` has no Graph equivalent (Intune decides what missing signals mean)"
                    ))
            }
        }
        for c in configs {
            exportConfig(c, schema: schema, file: source.name, into: &result)
        }
    }

    static func target(_ groups: [String]?) -> [JSONValue] {
        guard let groups, !groups.isEmpty else {
            return [.object([("@odata.type", .string("#microsoft.graph.allLicensedUsersAssignmentTarget"))])]
        }
        return groups.map {
            .object([("@odata.type", .string("#microsoft.graph.groupAssignmentTarget")), ("groupId", .string($0))])
        }
    }

    static func app(_ id: String) -> JSONValue {
        .object([
            (
                "mobileAppIdentifier",
                .object([
                    ("@odata.type", .string("#microsoft.graph.androidMobileAppIdentifier")), ("packageId", .string(id)),
                ])
            )
        ])
    }

    /// The `androidManagedAppProtection` body for a file's exported rules (one per row).
    package static func protectionBody(name: String, rules: [LaunchRule], scope: IntuneScope) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [
            ("@odata.type", .string(IntuneMapping.protectionType)), ("displayName", .string(name)),
        ]
        var set: Set<String> = []
        func put(_ k: String, _ v: JSONValue) {
            guard set.insert(k).inserted else { return }
            m.append((k, v))
        }
        for rule in rules {
            guard IntuneMapping.launchSettings.indices.contains(rule.setting) else { continue }
            let r = IntuneMapping.launchSettings[rule.setting]
            if let s = r.switchProperty { put(s.property, s.on) }
            if let vp = r.valueProperty {
                switch (r.value, rule.value) {
                case (.duration, .int(let n)): put(vp, .string(IntuneDuration.text(minutes: n)))
                case (.integrity, .text(let level)):
                    if let p = IntuneMapping.integrityProperties(level) {
                        put(vp, .string(p.attestation))
                        put(IntuneMapping.evaluationTypeProperty, .string(p.evaluation))
                    }
                case (.manufacturers, .list(let l)): put(vp, .string(IntuneValues.manufacturersText(l)))
                case (.models, .list(let l)): put(vp, .array(l.map { .string($0) }))
                case (_, .int(let n)): put(vp, .int(n))
                case (_, .text(let s)): put(vp, .string(s))
                default: break
                }
            }
            if let ap = r.actionProperty, let g = IntuneAction.graph(rule.action) { put(ap, .string(g)) }
        }
        for (k, v) in IntuneMapping.offValues { put(k, v) }
        if let apps = scope.apps {
            m.append(("appGroupType", .string("selectedPublicApps")))
            m.append(("apps", .array(apps.map(app))))
        } else {
            m.append(("appGroupType", .string("allApps")))
        }
        m.append(("assignments", .array(target(scope.groups).map { .object([("target", $0)]) })))
        return .object(m)
    }

    /// A key's value as `customSettings` carries it (always a string).
    static func settingText(_ kind: KeyKind, _ v: ConfigValue) -> String {
        switch (kind, v) {
        case (.stringBool, .bool(let b)): b ? "true" : "false"
        case (_, .bool(let b)): b ? "1" : "0"
        case (_, .int(let i)): String(i)
        case (_, .text(let s)): s
        }
    }

    static func exportConfig(_ c: CheckedConfig, schema: Schema, file: String, into result: inout IntuneExportResult) {
        let subject = "config \(ValuePrinter.quote(c.name))"
        if c.isOverride {
            result.omissions.append(
                .init(
                    file: file, line: c.line, subject: subject,
                    reason:
                        "`override` has no Graph meaning: Intune does not resolve conflicts between app configurations (exported without it)"
                ))
        }
        let groups = c.groups.map { $0.sorted() }
        let settings = c.settings.filter { schema.keys.indices.contains($0.key) }
        switch c.route {
        case .managedApps:
            let custom: [JSONValue] = settings.map { s in
                let k = schema.keys[s.key]
                return .object([("name", .string(k.name)), ("value", .string(settingText(k.kind, s.value)))])
            }
            let apps = c.apps.map { $0.sorted() } ?? [IntuneMapping.defenderApp]
            let body: JSONValue = .object([
                ("@odata.type", .string(IntuneMapping.managedAppConfigType)), ("displayName", .string(c.name)),
                ("customSettings", .array(custom)), ("appGroupType", .string("selectedPublicApps")),
                ("apps", .array(apps.map(app))),
                ("assignments", .array(target(groups).map { .object([("target", $0)]) })),
            ])
            result.objects.append(
                IntuneObject(name: c.name, type: "targetedManagedAppConfiguration", body: body, file: file))
        case .managedDevices:
            if let apps = c.apps, apps != [IntuneMapping.defenderApp] {
                result.notes.append(
                    .init(
                        file: file, line: c.line, subject: subject,
                        reason:
                            "an Android Enterprise app configuration targets one app: exported for \(IntuneMapping.defenderApp) only"
                    ))
            }
            let props: [JSONValue] = settings.map { s in
                let k = schema.keys[s.key]
                let v: (String, JSONValue)
                switch s.value {
                case .int(let i): v = ("valueInteger", .int(i))
                case .bool(let b): v = ("valueInteger", .int(b ? 1 : 0))
                case .text(let t): v = ("valueString", .string(t))
                }
                return .object([("key", .string(k.name)), v])
            }
            let payload: JSONValue = .object([
                ("kind", .string("androidenterprise#managedConfiguration")),
                ("productId", .string(IntuneMapping.defenderProduct)), ("managedProperty", .array(props)),
            ])
            let body: JSONValue = .object([
                ("@odata.type", .string(IntuneMapping.managedDeviceConfigType)), ("displayName", .string(c.name)),
                ("packageId", .string(IntuneMapping.defenderProduct)),
                ("payloadJson", .string(Base64.encode(Array(payload.compactText.utf8)))),
                (
                    "assignments",
                    .array(
                        target(groups).map {
                            .object([
                                (
                                    "@odata.type",
                                    .string("#microsoft.graph.managedDeviceMobileAppConfigurationAssignment")
                                ),
                                ("target", $0),
                            ])
                        })
                ),
            ])
            result.objects.append(
                IntuneObject(name: c.name, type: "androidManagedStoreAppConfiguration", body: body, file: file))
            result.notes.append(
                .init(
                    file: file, line: c.line, subject: subject,
                    reason:
                        "`targetedMobileApps` is the tenant's own id of the Defender app: add it before the POST (Warden cannot know it)"
                ))
        }
    }

    /// A display name as a file name: `/`, `\`, control characters and a leading `.` become `_`.
    package static func safeFileName(_ name: String) -> String {
        var out = ""
        for ch in name.unicodeScalars {
            if ch == "/" || ch == "\\" || ch == ":" || ch.value < 0x20 || ch.value == 0x7F {
                out.unicodeScalars.append("_")
            } else {
                out.unicodeScalars.append(ch)
            }
        }
        if out.hasPrefix(".") { out = "_" + out.dropFirst() }
        if out.isEmpty { out = "_" }
        if out.utf8.count > 120 { out = String(out.prefix(120)) }
        return out
    }
}
