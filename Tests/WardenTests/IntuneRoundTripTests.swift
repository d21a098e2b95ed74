import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// Round trips between Warden and Intune's Graph JSON: on the documentation's and real tools'
/// example bodies (Fixtures/intune, SOURCES.md), and on generated policies.
@Suite struct IntuneRoundTripTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/intune")

    static var fixtures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }
            .sorted()
    }

    func load(_ name: String) throws -> (bytes: [UInt8], json: JSONValue) {
        let bytes = Array(try Data(contentsOf: Self.dir.appendingPathComponent(name)))
        return (bytes, try JSONParser.parse(bytes).get())
    }

    /// A `customSettings`/payload value, normalised the way the key reads it (`"1"`, `1`, `true` are one value).
    func normalised(_ key: KeyDefinition, _ v: JSONValue?) -> ConfigValue? {
        switch v {
        case .string(let s)?:
            if let i = Int64(s) { return key.value(.int(i)) }
            if s == "true" || s == "false" { return key.value(.bool(s == "true")) ?? key.value(.string(s)) }
            return key.value(.string(s))
        case .int(let i)?: return key.value(.int(i))
        case .bool(let b)?: return key.value(.bool(b))
        default: return nil
        }
    }

    /// A modelled protection property's value after normalisation (case of `;`-lists, list order,
    /// duration spelling, version spacing, `blockWhenSettingIsSupported` read as block).
    func normalised(_ property: String, _ v: JSONValue?) -> String? {
        guard let v, v != .null else { return nil }
        if property == "allowedAndroidDeviceManufacturers", let s = v.stringValue {
            return IntuneValues.manufacturers(s).sorted().joined(separator: ";")
        }
        if property.hasPrefix("period"), let s = v.stringValue, case .success(let d) = IntuneDuration.parse(s) {
            return String(d.minutes.minutes)
        }
        if case .array(let items) = v { return items.map(\.compactText).sorted().joined(separator: ",") }
        if let s = v.stringValue {
            return s == "blockWhenSettingIsSupported" ? "block" : IntuneValues.trimmed(s)
        }
        return v.compactText
    }

    @Test func fixturesAreHere() {
        #expect(Self.fixtures.count >= 20)
    }

    /// `export(import(x))` keeps every property Warden models (equal after normalisation); the
    /// properties it does not model are exactly those the import report lists.
    @Test(arguments: fixtures)
    func exportOfImportPreservesModelledPropertiesAndReportsTheRest(_ name: String) throws {
        let (bytes, x) = try load(name)
        let imported = IntuneImport.importDocuments([(name, bytes)])
        if !imported.errors.isEmpty {
            try expectedImportErrors(name, x, imported.errors)
            return
        }
        let reported = Set(
            imported.unmodelled.filter { !$0.path.dropFirst(2).contains(where: { ".[".contains($0) }) }.map(\.property))
        guard let policy = imported.policies.first else {
            // Not a Defender or conditional-launch object: the whole object is reported.
            #expect(imported.unmodelled.contains { $0.path == "$" }, "\(name): nothing imported and nothing said")
            return
        }
        #expect(imported.policies.count == 1)
        // Every top-level property is read-only metadata, modelled, or listed in the report.
        var modelled = IntuneMapping.identityProperties.union(["appGroupType"])
        switch policy.type {
        case "androidManagedAppProtection": modelled.formUnion(IntuneMapping.modelledProtectionProperties)
        case "targetedManagedAppConfiguration": modelled.insert("customSettings")
        default: modelled.formUnion(["packageId", "payloadJson"])
        }
        for m in x.members ?? [] where !IntuneMapping.isMetadata(m.key) {
            #expect(
                modelled.contains(m.key) || reported.contains(m.key),
                "\(name): `\(m.key)` neither modelled nor reported")
        }
        // The import is a valid policy file (its config may still need fixing: `check` says why).
        let diagnostics = Engine().diagnose(SourceFile(name: policy.fileName, text: policy.text))
        let syntaxOrType = diagnostics.filter {
            $0.severity == .error && !$0.message.contains("DefenderMAMConfigs") && !$0.message.contains("Defender app")
        }
        #expect(syntaxOrType.isEmpty, "\(name): \(syntaxOrType.map(\.message))\n\(policy.text)")
        guard syntaxOrType.isEmpty, diagnostics.allSatisfy({ $0.severity != .error }) else { return }
        let exported = try IntuneExport.export([SourceFile(name: policy.fileName, text: policy.text)])
        #expect(exported.errors.isEmpty)
        #expect(exported.omissions.isEmpty, "\(exported.omissions.map(\.text))")
        guard let y = exported.objects.first(where: { $0.type == policy.type })?.body else {
            Issue.record("\(name): no \(policy.type) exported")
            return
        }
        let again = IntuneImport.importDocuments([("y.json", Array(y.prettyText.utf8))])
        #expect(again.errors.isEmpty)
        #expect(y.member("displayName") == x.member("displayName") || x.member("displayName") == nil)
        switch policy.type {
        case "androidManagedAppProtection":
            let back = again.policies.first
            #expect(Set(back?.rules ?? []) == Set(policy.rules), "\(name)")
            #expect(back?.scope.apps.map(Set.init) == policy.scope.apps.map(Set.init))
            #expect(back?.scope.groups.map(Set.init) == policy.scope.groups.map(Set.init))
            let active = Set(policy.rules.flatMap { IntuneMapping.launchSettings[$0.setting].properties })
            for m in x.members ?? [] where !IntuneMapping.isMetadata(m.key) {
                let k = m.key
                if IntuneMapping.modelledProtectionProperties.contains(k) {
                    #expect(!reported.contains(k) || k == IntuneMapping.evaluationTypeProperty, "\(name): \(k)")
                    if active.contains(k) {
                        #expect(normalised(k, m.value) == normalised(k, y.member(k)), "\(name): \(k)")
                    }
                } else if !IntuneMapping.identityProperties.contains(k) && k != "appGroupType" {
                    #expect(reported.contains(k), "\(name): `\(k)` neither modelled nor reported")
                }
            }
        case "targetedManagedAppConfiguration":
            guard case .array(let items)? = x.member("customSettings") else { break }
            var known = 0
            for (i, item) in items.enumerated() {
                guard let k = item.member("name")?.stringValue, let key = Schema.builtIn.key(named: k) else {
                    #expect(imported.unmodelled.contains { $0.path == "$.customSettings[\(i)]" }, "\(name): [\(i)]")
                    continue
                }
                known += 1
                guard case .array(let out)? = y.member("customSettings") else { continue }
                let yv = out.first { $0.member("name")?.stringValue == k }?.member("value")
                #expect(normalised(key, item.member("value")) == normalised(key, yv), "\(name): \(k)")
            }
            for m in x.members ?? [] where !IntuneMapping.isMetadata(m.key) {
                if !["@odata.type", "displayName", "customSettings", "apps", "assignments", "appGroupType"].contains(
                    m.key)
                {
                    #expect(reported.contains(m.key), "\(name): `\(m.key)` neither modelled nor reported")
                }
            }
        default:
            func payload(_ o: JSONValue) -> [(String, JSONValue?)] {
                guard let s = o.member("payloadJson")?.stringValue, let b = Base64.decode(s),
                    case .success(let p) = JSONParser.parse(b), case .array(let items)? = p.member("managedProperty")
                else { return [] }
                return items.compactMap { i in
                    i.member("key")?.stringValue.map { k in
                        (k, i.member("valueInteger") ?? i.member("valueBool") ?? i.member("valueString"))
                    }
                }
            }
            let out = payload(y)
            for (k, v) in payload(x) {
                guard let key = Schema.builtIn.key(named: k), k != "DefenderMAMConfigs" else { continue }
                #expect(normalised(key, v) == normalised(key, out.first { $0.0 == k }?.1), "\(name): \(k)")
            }
            for m in x.members ?? [] where !IntuneMapping.isMetadata(m.key) {
                if !["@odata.type", "displayName", "packageId", "payloadJson", "assignments"].contains(m.key) {
                    #expect(reported.contains(m.key), "\(name): `\(m.key)` neither modelled nor reported")
                }
            }
        }
        // Whatever the report lists is a property of the input.
        for r in reported { #expect(x.member(r) != nil, "\(name): reported `\(r)` is not in the input") }
    }

    /// The fixtures that must not import, and why: action bodies and decoded payloads are no Graph
    /// objects; the documentation's create example has placeholder text where versions go.
    func expectedImportErrors(_ name: String, _ x: JSONValue, _ errors: [String]) throws {
        if name.contains("-request.graph-docs") && name.hasPrefix("androidManagedAppProtection") {
            let versionProps = IntuneMapping.launchSettings.filter { $0.value == .version || $0.value == .patchDate }
                .compactMap(\.valueProperty)
            let expected = Set(versionProps.map { "\(name): $.\($0): error:" })
            #expect(Set(errors.compactMap { e in expected.first { e.hasPrefix($0) } }) == expected)
            #expect(errors.count == expected.count, "\(errors)")
        } else {
            #expect(
                name.contains("assign-request") || name.contains("targetApps-request")
                    || name.contains("payloadJson-decoded"),
                "\(name): \(errors)")
            #expect(errors.allSatisfy { $0.contains("no `@odata.type`") })
        }
    }

    /// The documentation's create example sets nearly every conditional-launch property, but with
    /// placeholder text where versions go (which the import refuses). With the 15 placeholders
    /// replaced by real versions and dates here (nothing else changed: the negative and fractional
    /// durations, `secured` with `wipe`, `basicIntegrity` with `hardwareBacked`, the Company Portal
    /// ages), it round-trips.
    @Test func theDocumentationsCreateExampleRoundTripsOnceItsVersionsAreReal() throws {
        let name = "androidManagedAppProtection.create-request.graph-docs.json"
        let (_, x) = try load(name)
        guard case .object(var members) = x else {
            Issue.record("not an object")
            return
        }
        var replaced = 0
        for i in members.indices {
            let k = members[i].key
            guard let row = IntuneMapping.launchSettings.first(where: { $0.valueProperty == k }) else { continue }
            if row.value == .version {
                members[i].value = .string("11.0")
                replaced += 1
            } else if row.value == .patchDate {
                members[i].value = .string("2024-01-01")
                replaced += 1
            }
        }
        #expect(replaced == 15)
        let real = JSONValue.object(members)
        let imported = IntuneImport.importDocuments([(name, Array(real.prettyText.utf8))])
        #expect(imported.errors.isEmpty, "\(imported.errors)")
        guard let policy = imported.policies.first else { return }
        // Every conditional-launch setting of the table is configured in the example: one rule each
        // (the Play Integrity one approximated, and reported).
        #expect(policy.rules.count == IntuneMapping.launchSettings.count, "\(policy.text)")
        #expect(
            Set(imported.notes.map(\.property)).isSuperset(of: [
                "periodOfflineBeforeAccessCheck", "periodOfflineBeforeWipeIsEnforced",
            ]))
        #expect(imported.unmodelled.contains { $0.property == IntuneMapping.evaluationTypeProperty })
        #expect(imported.unmodelled.contains { $0.property == "mobileThreatDefensePartnerPriority" })
        _ = try Engine().compile(SourceFile(name: policy.fileName, text: policy.text))
        let exported = try IntuneExport.export([SourceFile(name: policy.fileName, text: policy.text)])
        #expect(exported.omissions.isEmpty && exported.errors.isEmpty, "\(exported.omissions.map(\.text))")
        guard let y = exported.objects.first?.body else { return }
        let back = IntuneImport.importDocuments([("y.json", Array(y.prettyText.utf8))])
        #expect(Set(back.policies.first?.rules ?? []) == Set(policy.rules))
        for k in [
            "maximumAllowedDeviceThreatLevel", "mobileThreatDefenseRemediationAction",
            "allowedAndroidDeviceManufacturers", "allowedAndroidDeviceModels",
            "blockAfterCompanyPortalUpdateDeferralInDays", "appActionIfSamsungKnoxAttestationRequired",
            "requiredAndroidSafetyNetAppsVerificationType", "maximumPinRetries",
        ] {
            #expect(normalised(k, real.member(k)) == normalised(k, y.member(k)), "\(k)")
        }
        // Durations: equal after normalisation (both are zero minutes), spelled canonically.
        #expect(y.member("periodOfflineBeforeAccessCheck") == .string("PT0S"))
    }

    @Test func aGraphListArrayAndUnknownTypesAreReadWithTheirPaths() throws {
        let doc =
            ##"{"@odata.context":"x","value":[{"@odata.type":"#microsoft.graph.androidManagedAppProtection","displayName":"A","deviceComplianceRequired":true,"appActionIfDeviceComplianceRequired":"wipe"},{"@odata.type":"#microsoft.graph.iosManagedAppProtection","displayName":"B"}]}"##
        let r = IntuneImport.importDocuments([("list.json", Array(doc.utf8))])
        #expect(r.errors.count == 1)
        #expect(
            r.errors.first?.hasPrefix(
                "list.json: $.value[1].@odata.type: error: unknown @odata.type `#microsoft.graph.iosManagedAppProtection`"
            ) == true, "\(r.errors)")
        let arr =
            ##"[{"@odata.type":"microsoft.graph.androidManagedAppProtection","displayName":"A","maximumAllowedDeviceThreatLevel":"low","mobileThreatDefenseRemediationAction":"warn"}]"##
        let w = IntuneImport.importDocuments([("a.json", Array(arr.utf8))])
        #expect(
            w.errors.first?.contains("a.json: $[0].mobileThreatDefenseRemediationAction: error:") == true, "\(w.errors)"
        )
        let bad = IntuneImport.importDocuments([("b.json", Array("{\n  \"displayName\": }".utf8))])
        #expect(bad.errors.first?.hasPrefix("b.json:2:18: error:") == true, "\(bad.errors)")
        // The object before the unknown one is read (the CLI writes nothing while any error remains).
        #expect(r.policies.map(\.name) == ["A"])
    }

    // MARK: generated policies

    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
        mutating func pick<T>(_ xs: [T]) -> T? { xs.isEmpty ? nil : xs[int(xs.count)] }
        mutating func bool() -> Bool { next() & 1 == 1 }
    }

    static let versions = ["9", "10", "11.0", "12.1", "13.0.2", "14", "15"]
    static let dates = ["2023-01-01", "2023-06-05", "2024-01-01", "2024-06-05"]
    static let makers = ["samsung", "google", "sony", "nokia"]
    static let models = ["Pixel 8", "SM-G991B", "XQ-BC52"]
    static let apps = ["com.microsoft.office.outlook", "com.microsoft.teams", "com.microsoft.skydrive"]
    static let groupNames = ["Sales", "Finance", "IT"]

    /// An exportable rule for a row, in one of several spellings.
    func rule(_ row: LaunchSetting, _ rng: inout Random, lets: inout [String]) -> String? {
        let f = row.fact
        switch row.condition {
        case .isTrue: return f
        case .isFalse: return rng.bool() ? "!\(f)" : "not \(f)"
        case .fixed(let op, let m): return "\(f) \(op.rawValue) \(m)"
        case .notIn:
            let pool = f == "manufacturer" ? Self.makers : Self.models
            let list = pool.filter { _ in rng.bool() }
            let items = (list.isEmpty ? [pool[0]] : list).map { "\"\($0)\"" }.joined(separator: ", ")
            if rng.bool() {
                lets.append("let \(f)List = [\(items)]")
                return "not (\(f) in \(f)List)"
            }
            return "!(\(f) in [\(items)])"
        case .compare(let op):
            switch row.value {
            case .threatLevel:
                let k = rng.int(3)
                let levels = ["secured", "low", "medium", "high"]
                switch rng.int(3) {
                case 0: return "threatLevel > \(levels[k])"
                case 1: return "threatLevel >= \(levels[k + 1])"
                default: return k == 2 ? "threatLevel == high" : "\(levels[k]) < threatLevel"
                }
            case .integrity:
                let k = 1 + rng.int(3)
                let levels = ["none", "basic", "device", "strong"]
                return rng.bool() ? "playIntegrity < \(levels[k])" : "playIntegrity <= \(levels[k - 1])"
            case .version:
                let v = rng.pick(Self.versions) ?? "11"
                return rng.bool() ? "\(f) \(op.rawValue) version(\"\(v)\")" : "\(f) \(op.rawValue) \"\(v)\""
            case .patchDate:
                return "\(f) \(op.rawValue) date(\"\(rng.pick(Self.dates) ?? "2024-01-01")\")"
            case .integer:
                if f == "pinAttempts" {
                    let n = 2 + rng.int(9)
                    return rng.bool() ? "pinAttempts >= \(n)" : "pinAttempts > \(n - 1)"
                }
                let n = 1 + rng.int(365)
                return rng.bool() ? "\(f) > \(n)" : "\(f) >= \(n + 1)"
            case .duration:
                let n = rng.pick([0, 30, 720, 1440, 129_600]) ?? 720
                return rng.bool() ? "\(f) > \(n)" : "\(f) >= \(n + 1)"
            default: return nil
            }
        }
    }

    static let nonExportable = [
        "threatLevel > medium then warn", "openNetwork then blockAccess", "rooted && openNetwork then wipeData",
        "size(tags) > 2 then warn", "companyPortalAgeDays + 10 > 100 then warn",
        "suspiciousCertificate then warn, set DefenderDeviceTag = \"r\"", "management != unmanaged then warn",
        "has(companyPortalVersion) && companyPortalVersion < \"5.0\" then warn", "tags.exists(t, t == \"x\") then warn",
    ]

    func device(_ rng: inout Random) -> String {
        func q(_ s: String) -> String { "\"\(s)\"" }
        let groups = Self.groupNames.filter { _ in rng.bool() }.map(q).joined(separator: ",")
        let fields: [String] = [
            "\"threatLevel\":\(q(EnumType.threatLevel.members[rng.int(4)]))",
            "\"rooted\":\(rng.bool())", "\"accountDisabled\":\(rng.bool())", "\"knoxAttested\":\(rng.bool())",
            "\"threatScanEnabled\":\(rng.bool())", "\"defenderActive\":\(rng.bool())",
            "\"openNetwork\":\(rng.bool())", "\"suspiciousCertificate\":\(rng.bool())",
            "\"osVersion\":\(q(rng.pick(Self.versions + ["11", "12", "13.0.1", "16.2"]) ?? "11"))",
            "\"appVersion\":\(q(rng.pick(Self.versions) ?? "11"))",
            "\"companyPortalVersion\":\(q(rng.pick(Self.versions) ?? "11"))",
            "\"sdkVersion\":\"1.0\"",
            "\"patchLevel\":\(q(rng.pick(Self.dates + ["2022-12-31", "2024-12-01"]) ?? "2024-01-01"))",
            "\"manufacturer\":\(q(rng.pick(Self.makers + ["acme"]) ?? "acme"))",
            "\"model\":\(q(rng.pick(Self.models + ["Other"]) ?? "Other"))",
            "\"playIntegrity\":\(q(EnumType.playIntegrity.members[rng.int(4)]))",
            "\"deviceLock\":\(q(EnumType.deviceLock.members[rng.int(4)]))",
            "\"management\":\(q(EnumType.management.members[rng.int(3)]))",
            "\"appId\":\(q(rng.pick(Self.apps + ["com.other"]) ?? "com.other"))",
            "\"companyPortalAgeDays\":\(rng.int(400))", "\"pinAttempts\":\(rng.int(12))",
            "\"offlineMinutes\":\(rng.pick([0, 1, 29, 30, 31, 719, 720, 721, 1440, 1441, 129_600, 129_601, 200_000]) ?? 0)",
            "\"tags\":[]", "\"groups\":[\(groups)]", "\"today\":\"2024-07-01\"",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Random rule sets from the exportable subset: `import(export(p))` decides as `p` does on
    /// generated devices; with non-exportable rules mixed in, the report names exactly those.
    @Test func importOfExportDecidesAsTheOriginalAndReportsExactlyTheNonExportableRules() throws {
        var rng = Random(state: 0x1A7E_2026)
        let rows = IntuneMapping.launchSettings
        for round in 0..<60 {
            var lets: [String] = []
            var rules: [String] = []
            var scope = ""
            if rng.bool() {
                let a = Self.apps.filter { _ in rng.bool() }
                scope +=
                    "appId in [\((a.isEmpty ? [Self.apps[0]] : a).map { "\"\($0)\"" }.joined(separator: ", "))] && "
            }
            if rng.bool() {
                let g = Self.groupNames.filter { _ in rng.bool() }.map { "\"\($0)\" in groups" }
                if g.count == 1 {
                    scope += "\(g[0]) && "
                } else if g.count > 1 {
                    scope += "(\(g.joined(separator: " || "))) && "
                }
            }
            var used: Set<String> = []
            for (i, row) in rows.enumerated() where rng.int(3) == 0 {
                // One rule per Graph property group (the complexity rows share deviceLockRequired, fine).
                guard used.insert(row.name).inserted, let action = rng.pick(row.actions),
                    let cond = rule(row, &rng, lets: &lets)
                else { continue }
                rules.append("rule \"r\(i)\" when \(scope)\(cond) then \(action.rawValue)")
            }
            if rules.isEmpty { rules.append("rule \"r\" when \(scope)rooted then wipeData") }
            let exportable =
                "policy \"P\(round)\"\n" + lets.joined(separator: "\n") + "\n" + rules.joined(separator: "\n") + "\n"
            let p = try Engine().compile(SourceFile(name: "p.warden", text: exportable))
            let result = try IntuneExport.export([SourceFile(name: "p.warden", text: exportable)])
            #expect(
                result.errors.isEmpty && result.omissions.isEmpty,
                "\(exportable)\n\(result.omissions.map(\.text)) \(result.errors)")
            guard let body = result.objects.first?.body else {
                Issue.record("nothing exported:\n\(exportable)")
                continue
            }
            let imported = IntuneImport.importDocuments([("p.json", Array(body.prettyText.utf8))])
            #expect(imported.errors.isEmpty, "\(imported.errors)")
            guard let text = imported.policies.first?.text else { continue }
            let q = try Engine().compile(SourceFile(name: "q.warden", text: text))
            for _ in 0..<40 {
                let d = device(&rng)
                let a = p.evaluate(try p.device(json: Array(d.utf8)).get().input)
                let b = q.evaluate(try q.device(json: Array(d.utf8)).get().input)
                #expect(a.action == b.action, "\(exportable)\n---\n\(text)\n---\n\(d)")
                if a.action != b.action { return }
            }
            // Non-exportable rules mixed in: reported, each by name, and the body is unchanged.
            let extra = Self.nonExportable.filter { _ in rng.int(3) == 0 }
            let mixed =
                exportable
                + extra.enumerated().map { "rule \"x\($0.offset)\" when \($0.element)" }.joined(separator: "\n") + "\n"
            let m = try IntuneExport.export([SourceFile(name: "p.warden", text: mixed)])
            #expect(
                m.omissions.map(\.subject) == extra.indices.map { "rule \"x\($0)\"" },
                "\(mixed)\n\(m.omissions.map(\.text))")
            #expect(m.objects.first?.body == body)
        }
    }
}
