import Dispatch
import Warden
import WardenTools

// `warden eval --jobs N`: the JSON Lines input is read whole, cut at line boundaries into N parts of
// about equal size, and each part is read and evaluated on its own thread with its own
// `FastDeviceStream` and output buffer (a `Program` is immutable and `Sendable`). The parts' output
// is then written in input order, so the output is byte for byte that of `--jobs 1`; only the
// warnings about unknown facts go to standard error before the output of the part they occur in.

/// The output of one part of the input.
struct EvalPart {
    var bytes: [UInt8] = []
    /// First occurrences, in this part, of unknown fact names: (line, name).
    var unknown: [(Int, String)] = []
    var hadError = false
    /// The counts of the fleet summary for this part.
    var summary = FleetSummary()
}

enum EvalJobs {
    /// Cuts `bytes` into at most `parts` ranges that end just after a newline (the last may not),
    /// with the number of lines before each range.
    static func split(_ bytes: [UInt8], parts: Int) -> [(range: Range<Int>, linesBefore: Int)] {
        var out: [(range: Range<Int>, linesBefore: Int)] = []
        let total = bytes.count
        let parts = max(1, parts)
        var start = 0
        var lines = 0
        while start < total {
            let remainingParts = max(1, parts - out.count)
            var end = remainingParts == 1 ? total : min(total, start + (total - start) / remainingParts)
            // Move the cut just past the next newline (or to the end).
            while end < total && end > start && bytes[end - 1] != 0x0A { end += 1 }
            if end <= start { end = total }
            out.append((start..<end, lines))
            var i = start
            while i < end {
                if bytes[i] == 0x0A { lines += 1 }
                i += 1
            }
            start = end
        }
        return out
    }

    /// Evaluates one part: the same steps as the serial path of `EvalCommand.run`.
    static func evaluate(
        _ bytes: UnsafeRawBufferPointer, linesBefore: Int, program: Program, today: Value,
        format: OutputFormat, explain: Bool, fullConfig: Bool = false
    ) -> EvalPart {
        var part = EvalPart()
        let style = Output.outputStyle
        var seen: Set<String> = []
        var writer = DecisionWriter()
        writer.ruleFiles = program.ruleFiles
        writer.explainConfig = explain && program.hasConfiguration
        writer.fullConfig = fullConfig
        let showConfig = program.hasConfiguration
        var decision = Decision()
        var stream = FastDeviceStream(program: program)
        stream.setDefault("today", today)
        func handle(_ local: Int, _ line: DeviceLine) {
            let n = local + linesBefore
            switch line {
            case .invalid(let e):
                part.hadError = true
                part.summary.addBadLine(message: e.message)
                switch format {
                case .json: writer.writeInvalid(line: n, message: e.message, action: program.onError)
                case .text:
                    part.bytes.append(contentsOf: writer.bytes)
                    writer.reset()
                    part.bytes.append(
                        contentsOf: style.decisionText("line \(n): \(program.onError.rawValue) (error: \(e.message))\n")
                            .utf8)
                }
            case .device(let d):
                // Bounded like the serial path: 21 names are enough for its cap of 20.
                for name in d.input.unknownNames where seen.count <= 20 && seen.insert(name).inserted {
                    part.unknown.append((n, name))
                }
                if !d.input.factErrors.isEmpty { part.hadError = true }
                program.evaluate(d.input, into: &decision)
                part.summary.add(decision)
                // With --explain, the evidence (a second walk of the fired and erroring rules).
                let x = explain ? program.explain(d.input, decision: decision) : nil
                switch format {
                case .json:
                    if let x { writer.write(x, id: d.idJSON) } else { writer.write(decision, id: d.idJSON) }
                case .text where !explain && !style.enabled: writer.writeText(decision, id: d.idJSON, line: n)
                case .text:
                    let device = d.idJSON ?? "line \(n)"
                    let text =
                        x.map {
                            DecisionText.render(
                                $0, program: program, device: device, showConfig: showConfig, fullConfig: fullConfig)
                        }
                        ?? DecisionText.render(
                            decision, program: program, device: device, explain: false, showConfig: showConfig)
                    part.bytes.append(contentsOf: style.decisionText(text).utf8)
                }
            }
            if writer.count >= 1 << 16 {
                part.bytes.append(contentsOf: writer.bytes)
                writer.reset()
            }
        }
        stream.feed(bytes, handle)
        stream.finish(handle)
        part.bytes.append(contentsOf: writer.bytes)
        return part
    }

    /// Runs `eval` over a JSON Lines file with `jobs` threads; returns whether any line had an error,
    /// and the counts of the fleet summary.
    static func run(
        facts: String, program: Program, today: Value, format: OutputFormat, explain: Bool,
        fullConfig: Bool = false, jobs: Int
    ) -> Result<(Bool, FleetSummary), CLIError> {
        let input: [UInt8]
        switch Files.readAll(facts) {
        case .failure(let e): return .failure(e)
        case .success(let b): input = b
        }
        // The same checks as the serial path: an empty file, a JSON array, a pretty-printed document.
        var shape = FactsShape()
        let hint = input.withUnsafeBytes { shape.sniff($0) } ?? shape.finish()
        if let hint { return .failure(CLIError("\(facts): \(hint)", code: 1)) }
        if shape.sawOnlyBlank {
            return .failure(CLIError("\(facts): no device: the facts file is empty", code: 1))
        }
        let parts = split(input, parts: jobs)
        var results = [EvalPart](repeating: EvalPart(), count: parts.count)
        input.withUnsafeBytes { raw in
            results.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                nonisolated(unsafe) let raw = raw
                DispatchQueue.concurrentPerform(iterations: parts.count) { i in
                    let p = parts[i]
                    out[i] = evaluate(
                        UnsafeRawBufferPointer(rebasing: raw[p.range]), linesBefore: p.linesBefore,
                        program: program, today: today, format: format, explain: explain, fullConfig: fullConfig)
                }
            }
        }
        var hadError = false
        var summary = FleetSummary()
        var reported: Set<String> = []
        var capped = false
        for part in results {
            for (n, name) in part.unknown where !capped && reported.insert(name).inserted {
                if reported.count > 20 {
                    capped = true
                    Output.error("warning: \(facts):\(n): more unknown facts; not reported")
                    break
                }
                var m = "warning: \(facts):\(n): unknown fact `\(name)` (reported once)"
                if let s = SchemaText.suggestion(name, in: program.schema) { m += "; did you mean `\(s)`?" }
                Output.error(m)
            }
            Output.writeBytes(part.bytes)
            hadError = hadError || part.hadError
            summary.merge(part.summary)
        }
        Output.flush()
        return .success((hadError, summary))
    }
}
