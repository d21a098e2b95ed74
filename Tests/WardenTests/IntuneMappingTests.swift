import Testing

@testable import Warden
@testable import WardenTools

/// The Intune mapping table and the Graph value checks (Sources/WardenTools/Intune).
@Suite struct IntuneMappingTests {
    // MARK: durations

    func minutes(_ s: String) -> (Int64, String?)? {
        guard case .success(let d) = IntuneDuration.parse(s) else { return nil }
        let m = d.minutes
        return (m.minutes, m.note)
    }

    @Test func durationsAsGraphWritesThemReadAsWholeMinutes() {
        #expect(minutes("PT12H")?.0 == 720)
        #expect(minutes("PT30M")?.0 == 30)
        #expect(minutes("P90D")?.0 == 129_600)
        #expect(minutes("P1W")?.0 == 10_080)
        #expect(minutes("P1DT2H30M")?.0 == 1_590)
        #expect(minutes("PT0S")?.0 == 0)
        #expect(minutes("PT12H")?.1 == nil)
    }

    @Test func fractionalSecondsAreTruncatedToTheMinuteAndSaidSo() {
        let m = minutes("PT3M29.6631862S")
        #expect(m?.0 == 3)
        #expect(m?.1?.contains("whole minute") == true)
        #expect(minutes("PT35.0018757S")?.0 == 0)
    }

    @Test func aNegativeDurationIsZeroMinutesAndSaidSo() {
        let m = minutes("-PT17.1357909S")
        #expect(m?.0 == 0)
        #expect(m?.1?.contains("negative") == true)
        #expect(minutes("-PT3M22.1587532S")?.0 == 0)
        #expect(minutes("-PT0S")?.1 == nil)
    }

    @Test func durationsGraphWouldRefuseOrThatHaveNoFixedLengthAreErrors() {
        for bad in ["", "P", "PT", "12H", "PT1H2H", "PT1.5H", "PT5", "P1DT", "PTH", "PT1M1H", "P1D1W", "--PT1S"] {
            guard case .failure = IntuneDuration.parse(bad) else {
                Issue.record("`\(bad)` was accepted")
                continue
            }
        }
        guard case .failure(let y) = IntuneDuration.parse("P1Y") else {
            Issue.record("P1Y accepted")
            return
        }
        #expect(y.message.contains("years and months"))
        guard case .failure = IntuneDuration.parse("P2M") else {
            Issue.record("P2M (months) accepted")
            return
        }
        guard case .failure(let big) = IntuneDuration.parse("PT99999999999999999999S") else {
            Issue.record("a huge duration was accepted")
            return
        }
        #expect(big.message.contains("too long"))
    }

    @Test func theCanonicalSpellingOfMinutesReadsBackToTheSameMinutes() {
        #expect(IntuneDuration.text(minutes: 0) == "PT0S")
        #expect(IntuneDuration.text(minutes: 720) == "PT12H")
        #expect(IntuneDuration.text(minutes: 129_600) == "P90D")
        #expect(IntuneDuration.text(minutes: 1_590) == "P1DT2H30M")
        for m: Int64 in [0, 1, 59, 60, 61, 720, 1_439, 1_440, 1_441, 86_400, 129_600, 1_000_000] {
            #expect(minutes(IntuneDuration.text(minutes: m))?.0 == m, "\(m)")
        }
    }

    // MARK: other values

    @Test func versionsAreDottedNumbersAndPlaceholdersAreRefused() throws {
        #expect(try IntuneValues.version(" 11.0 ").get() == "11.0")
        #expect(try IntuneValues.version("5.0.6000").get() == "5.0.6000")
        guard case .failure(let e) = IntuneValues.version("Minimum Required Os Version value") else {
            Issue.record("a placeholder was accepted as a version")
            return
        }
        #expect(e.message.contains("not a version"))
    }

    @Test func patchLevelsAreDatesAndZeroDateIsNotConfigured() throws {
        #expect(try IntuneValues.patchDate("0000-00-00").get() == nil)
        #expect(try IntuneValues.patchDate("").get() == nil)
        #expect(try IntuneValues.patchDate("2024-01-01").get() == "2024-01-01")
        guard case .failure = IntuneValues.patchDate("2024-02-30") else {
            Issue.record("30 February accepted")
            return
        }
    }

    @Test func manufacturerListsIgnoreSpacesCaseEmptyItemsAndRepeats() {
        #expect(IntuneValues.manufacturers(" Samsung; GOOGLE ;;samsung;") == ["samsung", "google"])
        #expect(IntuneValues.manufacturers("") == [])
        #expect(IntuneValues.manufacturersText(["samsung", "google"]) == "samsung;google")
    }

    @Test func integerRangesAreGraphs() {
        let pin = IntuneMapping.launchSettings.first { $0.name == "maximumPinRetries" }
        let age = IntuneMapping.launchSettings.first { $0.name == "blockAfterCompanyPortalUpdateDeferralInDays" }
        #expect(pin?.value == .integer(1...65535))
        #expect(age?.value == .integer(0...365))
        guard case .failure(let e) = IntuneValues.integer(0, in: 1...65535, property: "maximumPinRetries") else {
            Issue.record("0 retries accepted")
            return
        }
        #expect(e.message == "`maximumPinRetries` takes 1 to 65535, not 0")
        #expect((try? IntuneValues.integer(65535, in: 1...65535, property: "p").get()) == 65535)
        #expect((try? IntuneValues.integer(366, in: 0...365, property: "p").get()) == nil)
    }

    @Test func enumMembersAreExact() {
        #expect((try? IntuneValues.member("medium", of: IntuneMapping.threatLevels, property: "t").get()) == "medium")
        #expect((try? IntuneValues.member("Medium", of: IntuneMapping.threatLevels, property: "t").get()) == nil)
        #expect(IntuneAction.warden("blockWhenSettingIsSupported") == .blockAccess)
        #expect(IntuneAction.warden("allow") == nil)
    }

    // MARK: the table

    /// The rows, against the reference table's Graph properties (README of the Graph reference).
    @Test func theTableCoversTheReferenceSettings() {
        let props = Set(IntuneMapping.launchSettings.flatMap(\.properties))
        let reference = [
            "maximumPinRetries", "appActionIfMaximumPinRetriesExceeded", "periodOfflineBeforeAccessCheck",
            "periodOfflineBeforeWipeIsEnforced", "minimumWarningAppVersion", "minimumRequiredAppVersion",
            "minimumWipeAppVersion", "appActionIfUnableToAuthenticateUser", "deviceComplianceRequired",
            "appActionIfDeviceComplianceRequired", "minimumWarningOsVersion", "minimumRequiredOsVersion",
            "minimumWipeOsVersion", "maximumWarningOsVersion", "maximumRequiredOsVersion", "maximumWipeOsVersion",
            "minimumWarningPatchVersion", "minimumRequiredPatchVersion", "minimumWipePatchVersion",
            "allowedAndroidDeviceManufacturers", "appActionIfAndroidDeviceManufacturerNotAllowed",
            "allowedAndroidDeviceModels", "appActionIfAndroidDeviceModelNotAllowed",
            "requiredAndroidSafetyNetDeviceAttestationType", "appActionIfAndroidSafetyNetDeviceAttestationFailed",
            "requiredAndroidSafetyNetEvaluationType", "requiredAndroidSafetyNetAppsVerificationType",
            "appActionIfAndroidSafetyNetAppsVerificationFailed", "deviceLockRequired", "appActionIfDeviceLockNotSet",
            "appActionIfDevicePasscodeComplexityLessThanLow", "appActionIfDevicePasscodeComplexityLessThanMedium",
            "appActionIfDevicePasscodeComplexityLessThanHigh", "minimumWarningCompanyPortalVersion",
            "minimumRequiredCompanyPortalVersion", "minimumWipeCompanyPortalVersion",
            "warnAfterCompanyPortalUpdateDeferralInDays", "blockAfterCompanyPortalUpdateDeferralInDays",
            "wipeAfterCompanyPortalUpdateDeferralInDays", "appActionIfSamsungKnoxAttestationRequired",
            "maximumAllowedDeviceThreatLevel", "mobileThreatDefenseRemediationAction", "pinRequired",
        ]
        #expect(props == Set(reference))
        // Every fact a row names exists, with a type its condition can compare.
        for r in IntuneMapping.launchSettings {
            #expect(Schema.builtIn.fact(named: r.fact) != nil, "\(r.name): \(r.fact)")
        }
        // Row names are unique, and the threat level never carries warn.
        #expect(Set(IntuneMapping.launchSettings.map(\.name)).count == IntuneMapping.launchSettings.count)
        let threat = IntuneMapping.launchSettings.first { $0.fact == "threatLevel" }
        #expect(threat?.actions.contains(.warn) == false)
    }

    // MARK: export, rule by rule

    func export(_ text: String) throws -> IntuneExportResult {
        try IntuneExport.export([SourceFile(name: "p.warden", text: text)])
    }

    func body(_ text: String) throws -> JSONValue? {
        try export(text).objects.first { $0.type == "androidManagedAppProtection" }?.body
    }

    @Test func eachRowExportsItsRuleToItsProperties() throws {
        let cases: [(String, [(String, JSONValue)])] = [
            (
                "threatLevel > medium then blockAccess",
                [
                    ("maximumAllowedDeviceThreatLevel", .string("medium")),
                    ("mobileThreatDefenseRemediationAction", .string("block")),
                ]
            ),
            (
                "threatLevel >= high then wipeData",
                [
                    ("maximumAllowedDeviceThreatLevel", .string("medium")),
                    ("mobileThreatDefenseRemediationAction", .string("wipe")),
                ]
            ),
            ("osVersion < version(\"11.0\") then blockAccess", [("minimumRequiredOsVersion", .string("11.0"))]),
            ("osVersion < \"10\" then warn", [("minimumWarningOsVersion", .string("10"))]),
            ("osVersion <= version(\"9\") then wipeData", [("minimumWipeOsVersion", .string("9"))]),
            ("osVersion > version(\"15\") then warn", [("maximumWarningOsVersion", .string("15"))]),
            ("appVersion < version(\"2.1\") then blockAccess", [("minimumRequiredAppVersion", .string("2.1"))]),
            ("patchLevel < date(\"2024-01-01\") then warn", [("minimumWarningPatchVersion", .string("2024-01-01"))]),
            (
                "companyPortalVersion <= version(\"5.0\") then wipeData",
                [("minimumWipeCompanyPortalVersion", .string("5.0"))]
            ),
            ("companyPortalAgeDays > 180 then warn", [("warnAfterCompanyPortalUpdateDeferralInDays", .int(180))]),
            (
                "companyPortalAgeDays >= 31 then blockAccess",
                [("blockAfterCompanyPortalUpdateDeferralInDays", .int(30))]
            ),
            ("offlineMinutes > 720 then blockAccess", [("periodOfflineBeforeAccessCheck", .string("PT12H"))]),
            ("offlineMinutes > 129600 then wipeData", [("periodOfflineBeforeWipeIsEnforced", .string("P90D"))]),
            (
                "pinAttempts >= 5 then wipeData",
                [
                    ("maximumPinRetries", .int(5)), ("pinRequired", .bool(true)),
                    ("appActionIfMaximumPinRetriesExceeded", .string("wipe")),
                ]
            ),
            ("pinAttempts > 9 then blockAccess", [("maximumPinRetries", .int(10))]),
            (
                "rooted then wipeData",
                [("deviceComplianceRequired", .bool(true)), ("appActionIfDeviceComplianceRequired", .string("wipe"))]
            ),
            ("accountDisabled then blockAccess", [("appActionIfUnableToAuthenticateUser", .string("block"))]),
            ("!knoxAttested then blockAccess", [("appActionIfSamsungKnoxAttestationRequired", .string("block"))]),
            (
                "not threatScanEnabled then warn",
                [
                    ("requiredAndroidSafetyNetAppsVerificationType", .string("enabled")),
                    ("appActionIfAndroidSafetyNetAppsVerificationFailed", .string("warn")),
                ]
            ),
            (
                "playIntegrity < basic then blockAccess",
                [
                    ("requiredAndroidSafetyNetDeviceAttestationType", .string("basicIntegrity")),
                    ("requiredAndroidSafetyNetEvaluationType", .string("basic")),
                ]
            ),
            (
                "playIntegrity <= device then blockAccess",
                [
                    ("requiredAndroidSafetyNetDeviceAttestationType", .string("basicIntegrityAndDeviceCertification")),
                    ("requiredAndroidSafetyNetEvaluationType", .string("hardwareBacked")),
                ]
            ),
            (
                "deviceLock == none then blockAccess",
                [("deviceLockRequired", .bool(true)), ("appActionIfDeviceLockNotSet", .string("block"))]
            ),
            (
                "deviceLock < medium then warn",
                [
                    ("deviceLockRequired", .bool(true)),
                    ("appActionIfDevicePasscodeComplexityLessThanMedium", .string("warn")),
                ]
            ),
            (
                "!(manufacturer in [\"samsung\", \"google\"]) then blockAccess",
                [
                    ("allowedAndroidDeviceManufacturers", .string("samsung;google")),
                    ("appActionIfAndroidDeviceManufacturerNotAllowed", .string("block")),
                ]
            ),
            ("not (model in [\"Pixel 8\"]) then warn", [("allowedAndroidDeviceModels", .array([.string("Pixel 8")]))]),
            ("\"11\" > osVersion then blockAccess", [("minimumRequiredOsVersion", .string("11"))]),
        ]
        for (rule, expected) in cases {
            let b = try body("policy \"P\"\nwhen \(rule)")
            for (k, v) in expected {
                #expect(b?.member(k) == v, "\(rule): \(k) is \(b?.member(k)?.compactText ?? "absent")")
            }
        }
    }

    @Test func rulesWithoutAnExactEquivalentAreReportedWithFileLineAndReason() throws {
        let r = try export(
            """
            policy "P"
            rule "a" when threatLevel > medium then warn "x"
            rule "b" when osVersion < version("11") then wipeData
            rule "c" when openNetwork && rooted then blockAccess
            rule "d" when rooted then blockAccess, set DefenderDeviceTag = "x"
            rule "e" when size(tags) > 2 then blockAccess
            rule "f" when companyPortalAgeDays + 1 > 3 then warn
            rule "g" when offlineMinutes > 60 then warn
            rule "h" when !(manufacturer in ["Samsung"]) then blockAccess
            rule "i" when rooted then wipeData
            rule "j" when rooted then blockAccess
            """)
        let subjects = r.omissions.map(\.subject)
        #expect(
            subjects == [
                "rule \"a\"", "rule \"b\"", "rule \"c\"", "rule \"d\"", "rule \"e\"", "rule \"f\"", "rule \"g\"",
                "rule \"h\"", "rule \"j\"",
            ])
        #expect(r.omissions.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 9, 11])
        #expect(r.omissions.allSatisfy { $0.file == "p.warden" })
        #expect(r.omissions.first?.reason.contains("does not accept warn") == true)
        #expect(r.omissions.dropFirst().first?.reason.contains("minimumWipeOsVersion") == true)
        #expect(r.omissions.last?.reason.contains("already exported from the rule at line 10") == true)
        #expect(r.objects.count == 1)
    }

    @Test func aValueGraphWouldRefuseIsAnErrorWithItsLocation() throws {
        let r = try export(
            "policy \"P\"\nrule \"p\" when pinAttempts >= 0 then blockAccess\nrule \"c\" when companyPortalAgeDays > 400 then warn\n"
        )
        #expect(r.errors.count == 2)
        #expect(
            r.errors.first?.contains("p.warden:2:15: error[W0507]: `maximumPinRetries` takes 1 to 65535, not 0")
                == true,
            "\(r.errors)")
        #expect(r.errors.first?.contains("^~~") == true)
        #expect(
            r.errors.last?.contains(
                "p.warden:3:15: error[W0507]: `warnAfterCompanyPortalUpdateDeferralInDays` takes 0 to 365, not 400")
                == true, "\(r.errors)")
    }

    @Test func appsAndGroupsStatedUniformlyBecomeTheAppsAndAssignments() throws {
        let b = try body(
            """
            policy "P"
            let apps = ["com.microsoft.office.outlook"]
            rule "a" when appId in apps && "Sales" in groups && rooted then wipeData
            rule "b" when ("Sales" in groups) && appId in apps && threatLevel > low then blockAccess
            """)
        #expect(b?.member("appGroupType") == .string("selectedPublicApps"))
        #expect(b?.member("apps")?.compactText.contains("com.microsoft.office.outlook") == true)
        #expect(b?.member("assignments")?.compactText.contains("\"groupId\":\"Sales\"") == true)
        let r = try export(
            "policy \"P\"\nrule \"a\" when \"Sales\" in groups && rooted then wipeData\nrule \"b\" when threatLevel > low then blockAccess\n"
        )
        #expect(r.omissions.map(\.subject) == ["rule \"b\""])
        #expect(r.omissions.first?.reason.contains("one app list and one assignment list") == true)
    }

    @Test func configBlocksExportToTheirRoutesTypes() throws {
        let r = try export(
            """
            config "Apps" for groups ["G"] override {
              DefenderMAMConfigs = 1
              DefenderNetworkProtectionPrivacy = false
              DefenderExcludeURLInReport = true
              DefenderDeviceTag = "t"
            }
            config "Devices" route managedDevices {
              DisableSignOut = 1
              DefenderEndUserTrustFlowEnable = "true"
            }
            """)
        let apps = r.objects.first { $0.type == "targetedManagedAppConfiguration" }?.body
        #expect(
            apps?.member("customSettings")?.compactText
                == #"[{"name":"DefenderMAMConfigs","value":"1"},{"name":"DefenderNetworkProtectionPrivacy","value":"false"},{"name":"DefenderExcludeURLInReport","value":"1"},{"name":"DefenderDeviceTag","value":"t"}]"#
        )
        #expect(r.omissions.map(\.reason).first?.contains("`override` has no Graph meaning") == true)
        let dev = r.objects.first { $0.type == "androidManagedStoreAppConfiguration" }?.body
        guard let payload = dev?.member("payloadJson")?.stringValue, let bytes = Base64.decode(payload) else {
            Issue.record("no payload")
            return
        }
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"kind":"androidenterprise#managedConfiguration","productId":"app:com.microsoft.scmx","managedProperty":[{"key":"DisableSignOut","valueInteger":1},{"key":"DefenderEndUserTrustFlowEnable","valueInteger":1}]}"#
        )
    }
}
