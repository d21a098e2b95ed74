import ArgumentParser
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `warden bench POLICY --facts PATH`: times the evaluation loop through the public API.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the evaluation of a policy over a facts file (the evaluation loop only).",
        discussion: """
            Loads and converts every device first (JSON Lines) into a `DeviceBatch`, then times the \
            columnar pass `Program.actions(_:)` over all of them (the batch number): a warm-up pass, then \
            several samples of whole passes; the median is reported. The per-device batch loop \
            (`Program.evaluate(_:at:into:)` for each device) and single-device evaluation are timed the same way.

            Prints ns per decision, decisions per second, compile time, the count of each action and the \
            SHA-256 of the projected decisions, one `{"id":..,"decision":..,"fired":[..]}` line per device \
            (the reference format of Benchmarks/compare.sh), so a wrong fast engine is caught.

            EXAMPLES:
              warden bench policy.warden --facts devices.jsonl
            """)

    @Argument(help: "The policy: files and directories, compiled as one policy set.")
    var files: [String]

    @Option(name: .long, help: "Device facts: JSON Lines, or - for standard input.")
    var facts: String

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Timed samples (the median is reported).")
    var samples: Int = 5

    @Option(name: .long, help: "Minimum length of one sample in milliseconds (whole passes are repeated to reach it).")
    var minSampleMs: Int = 250

    @Option(
        name: .long,
        help: "The `today` fact where a device does not give it (YYYY-MM-DD; default: the current UTC date).")
    var today: String?

    func validate() throws {
        if let today, Day(today) == nil {
            throw ValidationError("--today takes a calendar date YYYY-MM-DD, not `\(today)`")
        }
        if samples < 1 { throw ValidationError("--samples must be at least 1") }
        if minSampleMs < 0 { throw ValidationError("--min-sample-ms must not be negative") }
    }

    func run() throws {
        guard let program = PolicyLoader.loadSet(files) else { throw ExitCode(1) }
        let compileMs = try compileTime()

        // Load and convert every device before timing.
        var devices: [JSONDevice] = []
        var invalid = 0
        var stream = FastDeviceStream(program: program)
        stream.setDefault("today", .date(today.flatMap(Day.init) ?? EvalCommand.currentUTCDate()))
        func keep(_ n: Int, _ line: DeviceLine) {
            switch line {
            case .device(let d): devices.append(d)
            case .invalid(let e):
                invalid += 1
                if invalid <= 3 { Output.error("warning: \(facts):\(n): \(e.message) (skipped)") }
            }
        }
        // The streaming reader alone, as `warden eval` uses it (each device read into reused
        // storage and dropped): wall and CPU time of one pass over the file.
        var readerDevices = 0
        var readerStream = FastDeviceStream(program: program)
        readerStream.setDefault("today", .date(today.flatMap(Day.init) ?? EvalCommand.currentUTCDate()))
        func count(_ n: Int, _ line: DeviceLine) {
            if case .device = line { readerDevices += 1 }
        }
        let readerStart = BenchCommand.now()
        let readerCPUStart = BenchCommand.cpuNow()
        _ = Files.stream(facts, { chunk in readerStream.feed(chunk, count) })
        readerStream.finish(count)
        let readerNs = max(BenchCommand.now() - readerStart, 1)
        let readerCPUNs = max(BenchCommand.cpuNow() - readerCPUStart, 1)

        var ingestBytes = 0
        let ingestStart = BenchCommand.now()
        let ingestCPUStart = BenchCommand.cpuNow()
        if let e = Files.stream(
            facts,
            { chunk in
                ingestBytes += chunk.count
                stream.feed(chunk, keep)
            })
        {
            Output.error(e)
            throw ExitCode(1)
        }
        stream.finish(keep)
        // Ingest: reading the file and converting every line into typed facts (FastDeviceStream),
        // keeping every device (a copy of its storage each) for the batch.
        let ingestNs = max(BenchCommand.now() - ingestStart, 1)
        // The same in this thread's CPU time: what the reader costs, whatever else the machine runs.
        let ingestCPUNs = max(BenchCommand.cpuNow() - ingestCPUStart, 1)
        guard !devices.isEmpty else {
            Output.error("error: \(facts): no devices")
            throw ExitCode(1)
        }
        // The inputs' storage in array order (`Input.pack`), as a host keeping a fleet would lay it out.
        Input.pack(&devices)
        var batch = DeviceBatch(program: program)
        batch.reserveCapacity(devices.count)
        for d in devices { batch.append(d.input) }

        var decision = Decision()
        var sink = 0
        /// The median ns per decision of `samples` samples of `body` (one pass over `count` devices),
        /// after one warm-up pass that also sets how many passes make a sample of `minSampleMs`: each
        /// loop is calibrated on its own (a fast columnar pass must not make a slow loop run for minutes).
        func timed(_ count: Int, _ body: () -> Void) -> (median: Double, samples: [Double], passes: Int) {
            let t0 = BenchCommand.now()
            body()  // warm-up
            let first = max(BenchCommand.now() - t0, 1)
            let passes = max(1, Int((Double(minSampleMs) * 1e6 / Double(first)).rounded(.up)))
            var perDecision: [Double] = []
            for _ in 0..<samples {
                let s = BenchCommand.now()
                for _ in 0..<passes { body() }
                perDecision.append(Double(BenchCommand.now() - s) / Double(passes * max(1, count)))
            }
            return (perDecision.sorted()[perDecision.count / 2], perDecision, passes)
        }
        let (ns, perDecision, passes) = timed(batch.count) { sink &+= BenchCommand.pass(program, batch) }
        // The per-device batch loop (`evaluate(batch, at:into:)` for each device).
        let perDevice = timed(batch.count) { sink &+= BenchCommand.rowPass(program, batch, &decision) }.median
        // Single-device evaluation from an `Input` (what an app does at launch).
        let single = timed(devices.count) { sink &+= BenchCommand.singlePass(program, devices, &decision) }.median
        // Output: every decision written as a JSON line into memory (`eval --format json` without the I/O).
        var writer = DecisionWriter()
        var outBytes = 0
        let outStart = BenchCommand.now()
        let outCPUStart = BenchCommand.cpuNow()
        for (i, d) in devices.enumerated() {
            program.evaluate(batch, at: i, into: &decision)
            writer.write(decision, id: d.idJSON)
            if writer.count >= 1 << 16 {
                outBytes += writer.count
                writer.reset()
            }
        }
        outBytes += writer.count
        let outNs = max(BenchCommand.now() - outStart, 1)
        let outCPUNs = max(BenchCommand.cpuNow() - outCPUStart, 1)
        let ingestMBs = Double(ingestBytes) / 1e6 / (Double(ingestNs) / 1e9)
        let outputMBs = Double(outBytes) / 1e6 / (Double(outNs) / 1e9)
        let ingestCPUMBs = Double(ingestBytes) / 1e6 / (Double(ingestCPUNs) / 1e9)
        let readerMBs = Double(ingestBytes) / 1e6 / (Double(readerNs) / 1e9)
        let readerCPUMBs = Double(ingestBytes) / 1e6 / (Double(readerCPUNs) / 1e9)
        let outputCPUMBs = Double(outBytes) / 1e6 / (Double(outCPUNs) / 1e9)

        // The projected decisions of the columnar path, digested (outside the timed loop); its
        // actions must be the decisions' actions.
        var sha = SHA256()
        var counts: [Action: Int] = [:]
        let actions = program.actions(batch)
        var mismatch = actions.count != devices.count
        program.evaluate(batch) { i, decision in
            let id = i < devices.count ? devices[i].idJSON : nil
            if i >= actions.count || actions[i] != decision.action { mismatch = true }
            counts[decision.action, default: 0] += 1
            sha.update("{\"id\":\(id ?? "null"),\"decision\":\"\(decision.action.rawValue)\",\"fired\":[")
            for (k, f) in decision.fired.enumerated() {
                if k > 0 { sha.update(",") }
                sha.update(BenchCommand.pythonQuoted(f.name))
            }
            sha.update("]}\n")
        }
        if mismatch {
            Output.error("error: the columnar actions differ from the columnar decisions")
            throw ExitCode(1)
        }
        let digest = sha.finish()
        let rate = 1e9 / ns
        let countsJSON = Action.allCases.map { "\"\($0.rawValue)\":\(counts[$0] ?? 0)" }.joined(separator: ",")
        switch format {
        case .json:
            Output.line(
                "{\"ns_per_decision\":\(BenchCommand.fixed(ns, 2)),\"decisions_per_s\":\(Int(rate.rounded())),"
                    + "\"compile_ms\":\(BenchCommand.fixed(compileMs, 3)),\"devices\":\(devices.count),"
                    + "\"counts\":{\(countsJSON)},\"decisions_sha256\":\"\(digest)\","
                    + "\"samples_ns\":[\(perDecision.map { BenchCommand.fixed($0, 2) }.joined(separator: ","))],"
                    + "\"passes_per_sample\":\(passes),\"invalid_lines\":\(invalid),"
                    + "\"single_ns_per_decision\":\(BenchCommand.fixed(single, 2)),"
                    + "\"per_device_ns_per_decision\":\(BenchCommand.fixed(perDevice, 2)),"
                    + "\"ingest_mb_per_s\":\(BenchCommand.fixed(ingestMBs, 1)),\"ingest_bytes\":\(ingestBytes),"
                    + "\"output_mb_per_s\":\(BenchCommand.fixed(outputMBs, 1)),\"output_bytes\":\(outBytes),"
                    + "\"ingest_cpu_mb_per_s\":\(BenchCommand.fixed(ingestCPUMBs, 1)),"
                    + "\"reader_mb_per_s\":\(BenchCommand.fixed(readerMBs, 1)),"
                    + "\"reader_cpu_mb_per_s\":\(BenchCommand.fixed(readerCPUMBs, 1)),\"reader_devices\":\(readerDevices),"
                    + "\"output_cpu_mb_per_s\":\(BenchCommand.fixed(outputCPUMBs, 1))}")
        case .text:
            Output.line("policy:           \(files.joined(separator: " ")) (\(program.ruleNames.count) rules)")
            Output.line(
                "devices:          \(devices.count)" + (invalid > 0 ? " (\(invalid) invalid lines skipped)" : ""))
            Output.line("compile:          \(BenchCommand.fixed(compileMs, 3)) ms")
            Output.line(
                "evaluation:       \(BenchCommand.fixed(ns, 2)) ns/decision (columnar actions(batch), median of \(samples) samples of \(passes) passes)"
            )
            Output.line("decisions/s:      \(Int(rate.rounded()))")
            Output.line(
                "per device:       \(BenchCommand.fixed(perDevice, 2)) ns/decision (evaluate(batch, at:) for each device)"
            )
            Output.line(
                "single device:    \(BenchCommand.fixed(single, 2)) ns/decision (evaluate(Input), same samples)")
            Output.line(
                "ingest:           \(BenchCommand.fixed(ingestMBs, 1)) MB/s (read and convert \(ingestBytes) bytes; "
                    + "\(BenchCommand.fixed(ingestCPUMBs, 1)) MB/s of CPU time)")
            Output.line(
                "reader:           \(BenchCommand.fixed(readerMBs, 1)) MB/s (the streaming reader alone, as eval uses it; "
                    + "\(BenchCommand.fixed(readerCPUMBs, 1)) MB/s of CPU time)")
            Output.line(
                "output:           \(BenchCommand.fixed(outputMBs, 1)) MB/s (JSON lines into memory, \(outBytes) bytes; "
                    + "\(BenchCommand.fixed(outputCPUMBs, 1)) MB/s of CPU time)"
            )
            Output.line(
                "counts:           "
                    + Action.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
            Output.line("decisions sha256: \(digest)")
        }
        if sink == -1 { Output.line("") }
    }

    /// One columnar evaluation of the whole batch (every device's action), through the public API.
    /// Benchmarks/callgrind-batch.sh counts the instructions of this function (`*BenchCommand*pass*`).
    @inline(never)
    static func pass(_ program: Program, _ batch: DeviceBatch) -> Int {
        var severe = 0
        for a in program.actions(batch) where a != .allow { severe &+= 1 }
        return severe
    }

    /// One evaluation of every device of the batch, device by device (`evaluate(batch, at:into:)`).
    @inline(never)
    static func rowPass(_ program: Program, _ batch: DeviceBatch, _ decision: inout Decision) -> Int {
        var fired = 0
        for i in 0..<batch.count {
            program.evaluate(batch, at: i, into: &decision)
            fired &+= decision.fired.count
        }
        return fired
    }

    /// One evaluation of every device from its `Input` (the single-device path, no batch).
    @inline(never)
    static func singlePass(_ program: Program, _ devices: [JSONDevice], _ decision: inout Decision) -> Int {
        var fired = 0
        // Each input borrowed in place, as an app passes the one it holds (`for d in devices` or
        // `devices[i]` copied each device, retaining its storage: a write to a cold object per device).
        devices.withUnsafeBufferPointer { d in
            for i in d.indices {
                program.evaluate(d[i].input, into: &decision)
                fired &+= decision.fired.count
            }
        }
        return fired
    }

    /// Median time of three compilations of the policy, in milliseconds.
    func compileTime() throws -> Double {
        guard case .success(let paths) = PolicyLoader.expand(files) else { throw ExitCode(1) }
        var sources: [SourceFile] = []
        for path in paths {
            guard case .success(let bytes) = Files.readAll(path) else { throw ExitCode(1) }
            sources.append(SourceFile(name: path, bytes: bytes))
        }
        var times: [Double] = []
        for _ in 0..<3 {
            let s = BenchCommand.now()
            _ = try? Engine().compile(sources)
            times.append(Double(BenchCommand.now() - s) / 1e6)
        }
        return times.sorted()[1]
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// This thread's CPU time in nanoseconds (not the time the machine gave other processes).
    static func cpuNow() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let v = (x * scale).rounded() / scale
        var s = String(v)
        if s.contains("e") { return String(Int(v)) }
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        }
        return s
    }

    /// A JSON string as Python's `json.dumps` writes it (ASCII only, `\uXXXX` escapes).
    static func pythonQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value >= 0x20 && u.value < 0x7F {
                    out.unicodeScalars.append(u)
                } else if u.value > 0xFFFF {
                    let v = u.value - 0x10000
                    out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                } else {
                    out += hex4(u.value)
                }
            }
        }
        return out + "\""
    }

    static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}
