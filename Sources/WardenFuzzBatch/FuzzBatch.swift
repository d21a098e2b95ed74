// libFuzzer target (e), differential: bytes become device inputs (JSON lines through the strict and
// the fast reader, byte recipes through `Program.input(_:)` with well- and badly-typed values, and
// inputs of another schema), appended to a `DeviceBatch`; every index is evaluated with
// `Program.evaluate(_:at:into:)` (one reused `Decision`) and must equal `program.evaluate(input)`.
// Indices outside the batch (-1, count, Int.min, Int.max, one from the bytes) must not trap: they
// give the policy's `onError` action with one error.
import Warden
import WardenTools

@_cdecl("LLVMFuzzerTestOneInput")
public func wardenFuzzBatch(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzBatch.run(bytes)
    return 0
}

enum FuzzBatch {
    static let program: Program? = try? Engine().compile(policyText, name: "fuzz-batch.warden")
    /// A program over a schema with one more fact: its inputs do not fit the policy's rows.
    static let foreign: Program? =
        (try? Schema.builtIn.adding(facts: [FactDefinition("hostScore", .int, "a host fact")]))
        .flatMap { try? Engine(schema: $0).compile("rule \"h\" when hostScore > 3 then warn", name: "host.warden") }

    static let strings = [
        "", "acme", "Pixel 8", "a-very-long-vendor-name", "Finance", "BYOD", "com.microsoft.office.outlook", "é",
    ]

    /// A value for a recipe byte: mostly of the fact's own type, sometimes not.
    static func value(_ b: UInt8, _ type: WardenType) -> Value {
        let k = Int(b)
        switch k % 11 {
        case 0: return .null
        case 1: return .int(Int64(k) - 128)
        case 2: return .string(strings[k % strings.count])
        case 3: return .bool(k & 16 != 0)
        case 4: return .list([.string(strings[k % strings.count]), .string(strings[(k / 3) % strings.count])])
        case 5: return .date(Day(daysSinceEpoch: 19_000 + k * 7))
        case 6:
            return Version(["9", "11.0", "13.0.2", "5.0.6000", "1.2.3", "65536.1"][k % 6]).map(Value.version) ?? .null
        case 7: return .double(Double(k) / 3)
        default:
            // The fact's own type.
            switch type {
            case .bool: return .bool(k & 1 == 0)
            case .int: return .int(Int64(k) * 37 - 200)
            case .string: return .string(strings[k % strings.count])
            case .date: return .date(Day(daysSinceEpoch: 19_500 + k * 3))
            case .version: return Version(["10", "11.0", "2.0", "5.0.6100.0"][k % 4]).map(Value.version) ?? .null
            case .enumeration(let e): return .enumMember(e, k % max(1, e.members.count))
            case .list: return .list((0..<(k % 4)).map { .string(strings[($0 + k) % strings.count]) })
            default: return .null
            }
        }
    }

    static func run(_ bytes: [UInt8]) {
        guard let program, let foreign else { fatalError("the fixed fuzz policies do not compile") }
        let schema = program.schema
        var inputs: [Input] = []
        for line in bytes.split(separator: 0x0A) {
            if line.first == UInt8(ascii: "#") {
                // A recipe: pairs of (fact, value) bytes.
                var facts: [String: Value] = [:]
                var i = line.startIndex + 1
                while i + 1 < line.endIndex {
                    let f = schema.facts[Int(line[i]) % schema.facts.count]
                    facts[line[i] == 255 ? "notAFact" : f.name] = value(line[i + 1], f.type)
                    i += 2
                }
                inputs.append(program.input(facts))
                if line.count % 3 == 0 { inputs.append(foreign.input(["hostScore": .int(Int64(line.count))])) }
                continue
            }
            if case .success(let d) = program.device(json: Array(line)) { inputs.append(d.input) }
            let fast = Array(line).withUnsafeBufferPointer { program.fastDevice(json: $0) }
            if case .success(let d) = fast { inputs.append(d.input) }
        }
        var batch = DeviceBatch(program: program)
        if bytes.count % 2 == 0 { batch.reserveCapacity(inputs.count) }
        for input in inputs { batch.append(input) }
        guard batch.count == inputs.count else {
            fatalError("batch has \(batch.count) devices, appended \(inputs.count)")
        }

        var decision = Decision()
        for (i, input) in inputs.enumerated() {
            program.evaluate(batch, at: i, into: &decision)
            let reference = program.evaluate(input)
            guard decision == reference, program.evaluate(batch[i]) == reference else {
                fatalError("device \(i): batch decision \(decision) != evaluate(input) \(reference)")
            }
        }
        let extra =
            bytes.count >= 8 ? Int(truncatingIfNeeded: bytes.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) : -2
        for index in [-1, batch.count, Int.min, Int.max, extra] where index < 0 || index >= batch.count {
            program.evaluate(batch, at: index, into: &decision)
            guard decision.action == program.onError, decision.errors.count == 1, decision.fired.isEmpty else {
                fatalError("index \(index) of \(batch.count): \(decision)")
            }
        }
        // The columnar path (a range from the bytes, out-of-range bounds included) over this policy
        // (decided device by device: it has fallbacks and configs) and over one the kernel takes.
        let lo = bytes.count >= 2 ? Int(bytes[0]) - 8 : -1
        let hi = lo + (bytes.count >= 2 ? Int(bytes[1]) : batch.count + 9)
        for (p, range) in [(program, lo..<max(lo, hi)), (columnar ?? program, 0..<batch.count)] {
            var b = DeviceBatch(program: p)
            for input in inputs { b.append(input) }
            checkColumnar(p, b, range)
        }
    }

    /// `evaluate(_:range:_:)` and `actions(_:range:)` against `evaluate(_:at:into:)`, index by index.
    static func checkColumnar(_ program: Program, _ batch: DeviceBatch, _ range: Range<Int>) {
        let lo = min(max(range.lowerBound, 0), batch.count)
        let hi = min(max(range.upperBound, lo), batch.count)
        var expected = lo
        var single = Decision()
        program.evaluate(batch, range: range) { i, d in
            program.evaluate(batch, at: i, into: &single)
            guard i == expected, d == single else {
                fatalError("columnar device \(i) (\(expected)): \(d) vs \(single)")
            }
            expected += 1
        }
        guard expected == hi else { fatalError("columnar range \(range) of \(batch.count) ended at \(expected)") }
        let actions = program.actions(batch, range: range)
        guard actions.count == hi - lo else { fatalError("\(actions.count) actions for \(range) of \(batch.count)") }
        for (k, a) in actions.enumerated() {
            program.evaluate(batch, at: lo + k, into: &single)
            guard a == single.action else { fatalError("columnar action of \(lo + k): \(a) vs \(single.action)") }
        }
    }

    /// A policy the column kernel decides (comparisons, lists, `has`, `not`, `?:`, long strings).
    static let columnar: Program? = try? Engine().compile(
        """
        policy "fuzz columnar"
        rule "a" when threatLevel > medium and not ("Finance" in tags) then blockAccess
        rule "b" when osVersion < "11.0" or manufacturer in ["acme", "a-very-long-vendor-name"] then warn
        rule "c" when has(patchLevel) ? patchLevel < "2024-01-01" : pinAttempts >= 5 then wipeData
        rule "d" when "com.microsoft.office.outlook" in tags or rooted then warn
        rule "e" when manufacturer != "a-very-long-vendor-name" and offlineMinutes > 720 then blockAccess
        rule "f" when osVersion >= appVersion and playIntegrity == none then warn
        """, name: "fuzz-columnar.warden")

    /// Compiled leaves, fallbacks (macros, arithmetic, functions), long strings, configs and `set`s.
    static let policyText = """
        policy "fuzz batch" onError blockAccess
        let trusted = ["samsung", "google", "a-very-long-vendor-name"]
        rule "threat" when threatLevel > medium || playIntegrity < basic then blockAccess
        rule "os" when osVersion < "11.0" || appVersion >= "2.0" || companyPortalVersion < "5.0.6000" then warn
        rule "patch" when patchLevel < "2024-01-01" || daysBetween(patchLevel, today) > 90 then warn
        rule "maker" when manufacturer in trusted || model == "a-very-long-vendor-name" then warn
        rule "lists" when "Finance" in tags || "BYOD" in groups || tags.exists(t, t.startsWith("Pix")) then warn
        rule "ints" when offlineMinutes + pinAttempts > 720 || pinAttempts >= 5 then wipeData
        rule "has" when has(osVersion) && !has(model) then warn
        rule "bools" when rooted || accountDisabled then wipeData, set DefenderDeviceTag = "risky"
        rule "lower" when lower(manufacturer) == "acme" then blockAccess
        config "finance" route managedApps for groups ["Finance"] {
          DefenderMAMConfigs = 1
        }
        """
}
