import ArgumentParser
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `eval --summary`: the fleet summary as text or JSON.
enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a policy for each device of a facts file.",
        discussion: """
            Facts are JSON Lines (one device object per line; `-` reads standard input), or, for a file \
            whose name ends in `.json`, one object or an array of objects. A line that is not a device \
            gets an error line carrying the policy's onError action, and evaluation goes on.

            Over more than one device, a summary ends the run on standard error (--quiet omits it, \
            --summary json prints it as JSON); on a terminal, a run longer than a second shows its progress.

            Exit status: 0 every device was decided from well-formed facts (a missing fact is not \
            malformed); 1 a line was not a device, a fact was malformed, or the facts file was empty; \
            2 a usage error, a file that cannot be read, or a policy with errors.

            EXAMPLES:
              warden eval policy.warden --facts devices.jsonl
              warden eval policies/ --facts devices.jsonl --format json --explain
              warden eval policy.warden --facts - --summary json < devices.jsonl
              warden eval policy.warden --facts devices.jsonl --jobs 4 --quiet
              cat devices.jsonl | warden eval policy.warden --facts - --today 2025-01-31
            """)

    @Argument(help: "The policy: files and directories, compiled as one policy set.")
    var files: [String]

    @Option(name: .long, help: "Device facts: JSON Lines, a .json document, or - for standard input.")
    var facts: String

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(
        name: .long,
        help:
            "Show why: each fired and erroring rule with its source, the facts it read and the comparisons that decided it; where each configuration value came from; the config blocks that did not apply (JSON: \"evidence\", \"configFrom\", \"configSkipped\")."
    )
    var explain = false

    @Option(
        name: .long,
        help:
            "Configuration keys in each decision: set lists those a config block or rule set, full lists every key."
    )
    var config: ConfigDetail = .set

    @Option(
        name: .long,
        help: "The `today` fact where a device does not give it (YYYY-MM-DD; default: the current UTC date).")
    var today: String?

    @Option(
        name: .long,
        help:
            "Threads: split a JSON Lines input into this many parts evaluated in parallel; output stays in input order (reads the whole input into memory)."
    )
    var jobs: Int = 1

    @Option(
        name: .long,
        help: "The fleet summary on standard error: text or json (default: text, over more than one device).")
    var summary: SummaryFormat?

    @Flag(name: .long, help: "No fleet summary and no progress on standard error.")
    var quiet = false

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    func validate() throws {
        if let today, Day(today) == nil {
            throw ValidationError("--today takes a calendar date YYYY-MM-DD, not `\(today)`")
        }
        if jobs < 1 || jobs > 256 {
            throw ValidationError("--jobs takes a number of threads from 1 to 256, not \(jobs)")
        }
    }

    @OptionGroup var colorOption: ColorOption

    func run() throws {
        colorOption.apply()
        if quiet && summary != nil { throw ValidationError("--quiet and --summary cannot be used together") }
        let program: Program
        switch PolicyLoader.loadSetChecked(files, engine: limitOptions.engine) {
        case .failure: throw ExitCode(2)  // a usage error, an unreadable file or a policy with errors
        case .success(let p): program = p
        }
        let todayValue = Value.date(today.flatMap(Day.init) ?? EvalCommand.currentUTCDate())
        if jobs > 1 && !facts.hasSuffix(".json") {
            switch EvalJobs.run(
                facts: facts, program: program, today: todayValue, format: format, explain: explain,
                fullConfig: config == .full, jobs: jobs)
            {
            case .failure(let e):
                Output.error(e)
                throw ExitCode(e.code)
            case .success(let (hadError, fleet)):
                try finish(fleet, program: program, hadError: hadError)
                return
            }
        }
        var printer = DecisionPrinter(program: program, format: format, explain: explain)
        printer.writer.fullConfig = config == .full
        var hadError = false
        var unknownReported: Set<String> = []
        var unknownCapped = false

        var decision = Decision()
        var fleet = FleetSummary()
        var progress = quiet ? nil : ProgressReporter.forTerminal()

        /// `today` is already filled in by the streaming reader; the document path fills it here.
        func handle(_ n: Int, _ line: DeviceLine, fillToday: Bool) {
            switch line {
            case .invalid(let e):
                hadError = true
                fleet.addBadLine(message: e.message)
                printer.invalid(line: n, message: e.message)
            case .device(let d):
                for name in d.input.unknownNames where !unknownCapped && unknownReported.insert(name).inserted {
                    // A device with 100,000 unknown keys must not print (and look up) 100,000 warnings.
                    printer.flushWriter()  // decisions before the warning, as on a terminal
                    if unknownReported.count > 20 {
                        unknownCapped = true
                        Output.error("warning: \(facts):\(n): more unknown facts; not reported")
                        break
                    }
                    var m = "warning: \(facts):\(n): unknown fact `\(name)` (reported once)"
                    if let s = SchemaText.suggestion(name, in: program.schema) { m += "; did you mean `\(s)`?" }
                    Output.error(m)
                }
                if !d.input.factErrors.isEmpty { hadError = true }
                if fillToday {
                    var input = d.input
                    input.setIfMissing("today", todayValue, in: program.schema)
                    printer.decide(input, into: &decision, id: d.idJSON, line: n)
                } else {
                    printer.decide(d.input, into: &decision, id: d.idJSON, line: n)
                }
                fleet.add(decision)
            }
            if progress != nil { progress?.tick(fleet.devices + fleet.badLines) }
        }

        if facts.hasSuffix(".json") {
            switch Files.readAll(facts) {
            case .failure(let e):
                Output.error(e)
                throw ExitCode(2)
            case .success(let bytes):
                if FactsShape.isEmpty(bytes) {
                    Output.error("error: \(facts): no device: the facts file is empty")
                    throw ExitCode(1)
                }
                switch program.devices(jsonDocument: bytes) {
                case .failure(let e):
                    Output.error("error: \(facts): \(e.message)")
                    throw ExitCode(1)
                case .success(let lines):
                    for (i, l) in lines.enumerated() { handle(i + 1, l, fillToday: true) }
                }
            }
        } else {
            // JSON Lines: read and converted in one pass into typed fact slots (FastDeviceStream).
            var stream = FastDeviceStream(program: program)
            stream.setDefault("today", todayValue)
            var shape = FactsShape()
            var wrongShape: String?
            if let e = Files.stream(
                facts,
                { chunk in
                    if wrongShape != nil { return }
                    // A JSON array or a pretty-printed document given as JSON Lines: one clear error.
                    if let hint = shape.sniff(chunk) {
                        wrongShape = hint
                        return
                    }
                    stream.feed(chunk) { handle($0, $1, fillToday: false) }
                })
            {
                Output.error(e)
                throw ExitCode(2)
            }
            if wrongShape == nil { wrongShape = shape.finish() }
            if let wrongShape {
                Output.error("error: \(facts): \(wrongShape)")
                throw ExitCode(1)
            }
            stream.finish { handle($0, $1, fillToday: false) }
            if shape.sawOnlyBlank {
                Output.error("error: \(facts): no device: the facts file is empty")
                throw ExitCode(1)
            }
        }
        printer.finish()
        progress?.clear()
        try finish(fleet, program: program, hadError: hadError)
    }

    /// Prints the fleet summary (unless quiet) and ends with the exit status of the run.
    func finish(_ fleet: FleetSummary, program: Program, hadError: Bool) throws {
        Output.flush()
        if !quiet && (summary != nil || fleet.isFleet) {
            switch summary ?? .text {
            case .text: Output.error(fleet.text(onError: program.onError))
            case .json: Output.error(fleet.json())
            }
        }
        if hadError { throw ExitCode(1) }
    }

    static func currentUTCDate() -> Day {
        let now = time(nil)
        return Day(daysSinceEpoch: Int(now / 86_400))
    }
}

/// Prints decisions as JSON lines or as text for people.
struct DecisionPrinter {
    let program: Program
    let format: OutputFormat
    let explain: Bool
    var writer = DecisionWriter()
    let showConfig: Bool

    init(program: Program, format: OutputFormat, explain: Bool) {
        self.program = program
        self.format = format
        self.explain = explain
        self.showConfig = program.hasConfiguration
        self.writer.ruleFiles = program.ruleFiles
        self.writer.explainConfig = explain && program.hasConfiguration
    }

    mutating func decision(_ d: Decision, id: String?, line: Int) {
        switch format {
        case .json:
            writer.write(d, id: id)
            if writer.count >= 1 << 16 { flushWriter() }
        case .text where !explain && !Output.outputStyle.enabled:
            writer.writeText(d, id: id, line: line)
            if writer.count >= 1 << 16 { flushWriter() }
        case .text:
            Output.write(
                Output.outputStyle.decisionText(
                    DecisionText.render(
                        d, program: program, device: id ?? "line \(line)", explain: explain, showConfig: showConfig)))
        }
    }

    mutating func invalid(line: Int, message: String) {
        switch format {
        case .json:
            writer.writeInvalid(line: line, message: message, action: program.onError)
            if writer.count >= 1 << 16 { flushWriter() }
        case .text:
            flushWriter()
            Output.line(
                Output.outputStyle.decisionText("line \(line): \(program.onError.rawValue) (error: \(message))"))
        }
    }

    mutating func flushWriter() {
        Output.writeBytes(writer.bytes)
        writer.reset()
    }

    mutating func finish() {
        flushWriter()
        Output.flush()
    }
}
