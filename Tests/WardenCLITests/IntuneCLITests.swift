import Foundation
import Testing

/// `warden export --intune` and `warden import --intune`: files, reports, exit statuses.
@Suite struct IntuneCLITests {
    static func folder(_ name: String, _ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-intune-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (file, text) in files {
            let url = dir.appendingPathComponent(file)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    @Test func exportWritesOneFilePerObjectAndReportsWhatItLeavesOut() throws {
        let dir = try Self.folder("export", [:])
        let r = try CLI.run([
            "export", "--intune", "samples/policy-set", "--out", "\(dir)/out", "--report", "\(dir)/report.json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/out").sorted()
        #expect(
            files == [
                "Baseline web and network protection.targetedManagedAppConfiguration.json",
                "Baseline.androidManagedAppProtection.json",
                "Corporate devices.androidManagedStoreAppConfiguration.json",
                "Finance network alerts.targetedManagedAppConfiguration.json",
            ])
        #expect(
            r.stderr.contains(
                "left out: samples/policy-set/2-finance-override.warden:5: rule \"finance on open network\": the fact `openNetwork` has no Intune setting"
            ))
        #expect(r.stderr.contains("exported 4 Intune objects; 3 rules or settings left out"))
        let report = try String(contentsOfFile: "\(dir)/report.json", encoding: .utf8)
        #expect(report.contains("\"subject\": \"rule \\\"stale Company Portal\\\"\""), "\(report)")
        // --strict fails when anything is left out; a fully exportable policy passes.
        let strict = try CLI.run(["export", "--intune", "--strict", "samples/policy-set"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("\"value\": ["))
        let clean = try Self.folder("clean", ["p.warden": "policy \"P\"\nrule \"r\" when rooted then wipeData\n"])
        let ok = try CLI.run(["export", "--intune", "--strict", "\(clean)/p.warden"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("\"appActionIfDeviceComplianceRequired\": \"wipe\""))
    }

    @Test func exportRefusesAValueGraphWouldRefuseWithItsLocation() throws {
        let dir = try Self.folder(
            "refuse", ["p.warden": "policy \"P\"\nrule \"r\" when pinAttempts >= 70000 then wipeData\n"])
        let r = try CLI.run(["export", "--intune", "\(dir)/p.warden"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("p.warden:2:15: error[W0507]: `maximumPinRetries` takes 1 to 65535, not 70000"),
            "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let usage = try CLI.run(["export", "samples/policy-set"])
        #expect(usage.status == 2)
    }

    @Test func importWritesCheckedPoliciesAndListsWhatWardenDoesNotModel() throws {
        let body = """
            {"@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceAppManagement/androidManagedAppProtections/$entity",
             "id": "T_1", "displayName": "Outlook", "version": "\\"abc\\"",
             "periodOfflineBeforeAccessCheck": "PT12H", "pinCharacterSet": "numeric",
             "allowedAndroidDeviceManufacturers": "Samsung; Google",
             "appActionIfAndroidDeviceManufacturerNotAllowed": "block",
             "apps": [{"id": "com.microsoft.office.outlook.android", "mobileAppIdentifier":
               {"@odata.type": "#microsoft.graph.androidMobileAppIdentifier", "packageId": "com.microsoft.office.outlook"}}],
             "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1"}}]}
            """
        let dir = try Self.folder("import", ["in/outlook.json": body])
        let r = try CLI.run([
            "import", "--intune", "\(dir)/in", "--out", "\(dir)/out", "--report", "\(dir)/report.json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("not imported: \(dir)/in/outlook.json: $.pinCharacterSet:"), "\(r.stderr)")
        #expect(!r.stderr.contains("$.id"))
        let text = try String(contentsOfFile: "\(dir)/out/Outlook.warden", encoding: .utf8)
        #expect(text.contains("# allowedAndroidDeviceManufacturers = \"Samsung; Google\""), "\(text)")
        #expect(
            text.contains(
                "rule \"Outlook: allowedAndroidDeviceManufacturers\" when appId in [\"com.microsoft.office.outlook\"]"),
            "\(text)")
        #expect(text.contains("!(manufacturer in [\"samsung\", \"google\"])"), "\(text)")
        let check = try CLI.run(["check", "\(dir)/out"])
        #expect(check.status == 0, "\(check.stderr)")
        let fmt = try CLI.run(["fmt", "--check", "\(dir)/out"])
        #expect(fmt.status == 0)
        let report = try String(contentsOfFile: "\(dir)/report.json", encoding: .utf8)
        #expect(report.contains("\"path\": \"$.pinCharacterSet\""))
    }

    @Test func importFailsOnUnknownTypesAndRefusedValuesWithFileAndPath() throws {
        let dir = try Self.folder(
            "bad",
            [
                "a.json": ##"{"value": [{"@odata.type": "#microsoft.graph.windowsInformationProtection"}]}"##,
                "b.json": ##"{"@odata.type": "#microsoft.graph.androidManagedAppProtection", "maximumPinRetries": 0}"##,
            ])
        let r = try CLI.run(["import", "--intune", dir, "--out", "\(dir)/out"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "\(dir)/a.json: $.value[0].@odata.type: error: unknown @odata.type `#microsoft.graph.windowsInformationProtection`"
            ),
            "\(r.stderr)")
        #expect(
            r.stderr.contains("\(dir)/b.json: $.maximumPinRetries: error: `maximumPinRetries` takes 1 to 65535, not 0"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out"))
    }

    @Test func aConflictBetweenImportedPoliciesIsShownNotAFailure() throws {
        func config(_ name: String, _ vpn: String) -> String {
            ##"{"@odata.type": "#microsoft.graph.targetedManagedAppConfiguration", "displayName": "\##(name)", "customSettings": [{"name": "DefenderMAMConfigs", "value": "1"}, {"name": "vpn", "value": "\##(vpn)"}]}"##
        }
        let dir = try Self.folder("conflict", ["a.json": config("A", "1"), "b.json": config("B", "0")])
        let r = try CLI.run(["import", "--intune", dir])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("the imported policies do not pass `warden check`"), "\(r.stderr)")
        #expect(r.stderr.contains("conflict: `vpn`"))
        #expect(r.stdout.contains("config \"A\" route managedApps {"), "\(r.stdout)")
        // Two objects with one name become two policies with distinct names (rule names stay unique).
        let twice = try Self.folder(
            "twice",
            [
                "a.json":
                    ##"{"@odata.type": "#microsoft.graph.androidManagedAppProtection", "displayName": "P", "deviceComplianceRequired": true, "appActionIfDeviceComplianceRequired": "wipe"}"##,
                "b.json":
                    ##"[{"@odata.type": "#microsoft.graph.androidManagedAppProtection", "displayName": "P", "deviceComplianceRequired": true, "appActionIfDeviceComplianceRequired": "block"}, {"target": {"groupId": "g"}}]"##,
            ])
        let t = try CLI.run(["import", "--intune", "\(twice)/a.json", "\(twice)/b.json", "--out", "\(twice)/out"])
        #expect(t.status == 1)
        #expect(t.stderr.contains("$[1]: error: an assignment, not a policy"), "\(t.stderr)")
        try FileManager.default.removeItem(atPath: "\(twice)/b.json")
        try
            ##"[{"@odata.type": "#microsoft.graph.androidManagedAppProtection", "displayName": "P", "deviceComplianceRequired": true}]"##
            .write(toFile: "\(twice)/b.json", atomically: true, encoding: .utf8)
        let u = try CLI.run(["import", "--intune", "\(twice)/a.json", "\(twice)/b.json", "--out", "\(twice)/out"])
        #expect(u.status == 0, "\(u.stderr)")
        #expect(!u.stderr.contains("do not pass"), "\(u.stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(twice)/out/P (2).warden"))
    }
}
