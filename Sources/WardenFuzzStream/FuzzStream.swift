// libFuzzer target (d), differential: arbitrary bytes as a JSON Lines facts file through the
// streaming reader `warden eval` uses (`FastDeviceStream`, fed in three chunks) and, line by line,
// through the strict reader (`Program.device(json:)`). Every line must give the same outcome on
// both: the same facts (compared as typed JSON), fact errors, unknown names and id, or the same
// error message; and the same decision. A difference is a finding (it traps with both sides).
import Warden
import WardenTools

@_cdecl("LLVMFuzzerTestOneInput")
public func wardenFuzzStream(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzStream.run(bytes)
    return 0
}

enum FuzzStream {
    static let program: Program? = try? Engine().compile(policyText, name: "fuzz-stream.warden")
    static let today = Value.date(Day(daysSinceEpoch: 19_900))

    /// One line's outcome, in comparable form.
    struct Outcome: Equatable {
        var line: Int
        var text: String
        var decision: Decision?
    }

    static func describe(_ program: Program, _ line: DeviceLine) -> (String, Decision?) {
        switch line {
        case .invalid(let e):
            return ("invalid: \(e.message)", nil)
        case .device(let d):
            var s = "id=\(d.idJSON ?? "-")"
            for f in program.schema.facts {
                if let v = d.input.fact(f.name, in: program.schema) { s += " \(f.name)=\(v.typedJSON)" }
            }
            s += " errors=\(d.input.factErrors) unknown=\(d.input.unknownNames)"
            return (s, program.evaluate(d.input))
        }
    }

    static func run(_ bytes: [UInt8]) {
        guard let program else { fatalError("the fixed fuzz policy does not compile") }
        // The streaming reader, as `warden eval` feeds it (chunk boundaries from the first bytes).
        var fast: [Outcome] = []
        var stream = FastDeviceStream(program: program)
        stream.setDefault("today", today)
        func keep(_ n: Int, _ line: DeviceLine) {
            let (text, decision) = describe(program, line)
            fast.append(Outcome(line: n, text: text, decision: decision))
        }
        let a = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        let b = bytes.count < 2 ? a : a + Int(bytes[1]) % (bytes.count - a + 1)
        bytes.withUnsafeBytes { raw in
            stream.feed(UnsafeRawBufferPointer(rebasing: raw[0..<a]), keep)
            stream.feed(UnsafeRawBufferPointer(rebasing: raw[a..<b]), keep)
            stream.feed(UnsafeRawBufferPointer(rebasing: raw[b...]), keep)
        }
        stream.finish(keep)

        // The strict reader on each line, split here independently ("\n", then a final "\r" dropped).
        var strict: [Outcome] = []
        var number = 0
        for var line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            var outcome: DeviceLine
            switch program.device(json: Array(line)) {
            case .success(var d):
                d.input.setIfMissing("today", today, in: program.schema)
                outcome = .device(d)
            case .failure(let e):
                outcome = .invalid(e)
            }
            let (text, decision) = describe(program, outcome)
            strict.append(Outcome(line: number, text: text, decision: decision))
        }
        // `split` yields one empty piece after a final "\n": already skipped as blank.
        guard fast == strict else {
            for (x, y) in zip(fast, strict) where x != y {
                fatalError(
                    "streaming and strict readers differ on line \(x.line)/\(y.line):\n  stream: \(x)\n  strict: \(y)")
            }
            fatalError("streaming reader gave \(fast.count) lines, strict \(strict.count)")
        }
    }

    /// Reads every fact of the built-in schema.
    static let policyText = """
        policy "fuzz stream" onError blockAccess
        rule "threat" when threatLevel > medium || playIntegrity < basic || deviceLock <= low then blockAccess
        rule "bools" when rooted || accountDisabled || knoxAttested == false || defenderActive || threatScanEnabled then warn
        rule "net" when openNetwork && suspiciousCertificate then warn
        rule "os" when osVersion < "11.0" || appVersion >= "2.0" || sdkVersion != "1.2.3" then warn
        rule "portal" when companyPortalVersion < "5.0.6000" || companyPortalAgeDays > 30 then warn
        rule "dates" when patchLevel < "2024-01-01" || today > "2025-01-01" then warn
        rule "text" when manufacturer in ["acme", "a-very-long-vendor-name"] || model == "Pixel 8" || appId == "com.microsoft.office.outlook" then warn
        rule "mgmt" when management == unmanaged then warn
        rule "ints" when offlineMinutes > 720 || pinAttempts >= 5 then wipeData
        rule "lists" when "Finance" in tags || "Engineering-and-research" in groups || size(tags) > 2 then warn
        """
}
