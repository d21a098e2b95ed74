// libFuzzer target (b): a fixed valid policy evaluated on arbitrary facts JSON, through
// `Program.device(json:)`, `DeviceStream` (in two chunks, so line joining is exercised),
// `Program.devices(jsonDocument:)`, and the JSON and text decision writers.
import Warden
import WardenTools

@_cdecl("LLVMFuzzerTestOneInput")
public func wardenFuzzFacts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzFacts.run(bytes)
    return 0
}

enum FuzzFacts {
    static let program: Program? = try? Engine().compile(policyText, name: "fuzz-facts.warden")

    static func run(_ bytes: [UInt8]) {
        guard let program else { fatalError("the fixed fuzz policy does not compile") }
        var writer = DecisionWriter()
        var rendered = 0
        func emit(_ n: Int, _ line: DeviceLine) {
            switch line {
            case .device(var d):
                d.input.setIfMissing("today", .date(Day(daysSinceEpoch: 19_900)), in: program.schema)
                let decision = program.evaluate(d.input)
                writer.write(decision, id: d.idJSON)
                // Text rendering is slow under ASan: only for the first few decisions of an input.
                rendered += 1
                if rendered <= 2 {
                    _ = DecisionText.render(
                        decision, program: program, device: d.idJSON ?? "line \(n)", explain: true, showConfig: true)
                }
            case .invalid(let e):
                writer.writeInvalid(line: n, message: e.message, action: program.onError)
            }
        }
        // A whole document (one object, or an array of them) when it looks like one.
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A }),
            first == UInt8(ascii: "[") || !bytes.contains(0x0A)
        {
            switch program.devices(jsonDocument: bytes) {
            case .success(let lines): for (i, l) in lines.enumerated() { emit(i + 1, l) }
            case .failure(let e): writer.writeInvalid(line: 1, message: e.message, action: program.onError)
            }
        }
        // Small line limit so the too-long path is reached too.
        var stream = DeviceStream(program: program, maxLineBytes: 4096)
        let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        bytes.withUnsafeBytes { raw in
            stream.feed(UnsafeRawBufferPointer(rebasing: raw[0..<cut]), emit)
            stream.feed(UnsafeRawBufferPointer(rebasing: raw[cut...]), emit)
        }
        stream.finish(emit)
    }

    /// Uses every fact, most built-in functions and macros, config blocks and `set`.
    static let policyText = """
        policy "fuzz facts" onError blockAccess
        let minimumOs = version("11.0")
        let trusted = ["samsung", "google", "motorola"]
        rule "threat" when threatLevel > medium then blockAccess "at risk"
        rule "threat2" when threatLevel == ThreatLevel.medium || threatLevel in [low, "secured"] then warn
        rule "defender" when has(defenderActive) && !defenderActive then blockAccess
        rule "rooted" when rooted or knoxAttested == false then wipeData
        rule "os" when osVersion < minimumOs || appVersion >= "2.0" || sdkVersion != version("1.2.3") then warn
        rule "patch" when patchLevel < date("2024-01-01") || daysBetween(patchLevel, today) > 90 then warn
        rule "maker" when not (lower(manufacturer) in trusted) && upper(model).startsWith("X") then blockAccess
        rule "model" when model.matches("^(Pixel|Galaxy) [0-9]+[a-z]*$") || model.contains("emu") || model.endsWith("x") then warn
        rule "mgmt" when management == unmanaged && playIntegrity < basic && deviceLock <= low then warn
        rule "scan" when threatScanEnabled != true then warn
        rule "app" when appId == "com.microsoft.office.outlook" && size(appId) > 3 then warn
        rule "portal" when has(companyPortalVersion) && companyPortalVersion < "5.0.6000" || companyPortalAgeDays * 2 > 360 then warn
        rule "account" when accountDisabled then wipeData
        rule "offline" when offlineMinutes + pinAttempts > 720 || offlineMinutes / (pinAttempts - 3) > 1 || offlineMinutes % 7 == 3 then blockAccess
        rule "net" when openNetwork && suspiciousCertificate then blockAccess, set DefenderOpenNetworkDetection = 2
        rule "tags" when tags.exists(t, t.startsWith("kiosk")) || tags.all(t, size(t) < 3) || tags.exists_one(t, t == "BYOD") then warn
        rule "groups" when groups.filter(g, g.matches("(a|b)*c")).size() > 1 || groups.map(g, g + "!").exists(g, g == "Finance!") then warn
        rule "convert" when string(pinAttempts) == "3" || int(string(offlineMinutes)) > 9 || double(offlineMinutes) / 3.0 > 2.5 then warn
        rule "tag set" when "BYOD" in tags then warn, set DefenderDeviceTag = "byod"
        config "web" route managedApps {
          DefenderMAMConfigs = 1
          antiphishing = 1
          vpn = 0
        }
        config "finance" route managedApps for groups ["Finance"] {
          DefenderMAMConfigs = 1
          DefenderNetworkProtectionPrivacy = "false"
        }
        config "kiosk" route managedDevices for groups ["Kiosk"] {
          DisableSignOut = 1
        }
        """
}
