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

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a policy for each device of a facts file.",
        discussion: """
            Facts are JSON Lines (one device object per line; `-` reads standard input), or, for a file
            whose name ends in `.json`, one object or an array of objects. A line that is not a device
            gets an error line carrying the policy's onError action, and evaluation goes on.
            Exit status 1 when any line or fact had an error.
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
            "Show why: each fired rule and error with its source line, and where each configuration value came from (JSON: \"configFrom\")."
    )
    var explain = false

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

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    func validate() throws {
        if let today, Day(today) == nil {
            throw ValidationError("--today takes a calendar date YYYY-MM-DD, not `\(today)`")
        }
        if jobs < 1 || jobs > 256 {
            throw ValidationError("--jobs takes a number of threads from 1 to 256, not \(jobs)")
        }
    }

    func run() throws {
        guard let program = PolicyLoader.loadSet(files, engine: limitOptions.engine) else { throw ExitCode(1) }
        let todayValue = Value.date(today.flatMap(Day.init) ?? EvalCommand.currentUTCDate())
        if jobs > 1 && !facts.hasSuffix(".json") {
            switch EvalJobs.run(
                facts: facts, program: program, today: todayValue, format: format, explain: explain, jobs: jobs)
            {
            case .failure(let e):
                Output.error("error: \(e)")
                throw ExitCode(1)
            case .success(let hadError):
                if hadError { throw ExitCode(1) }
                return
            }
        }
        var printer = DecisionPrinter(program: program, format: format, explain: explain)
        var hadError = false
        var unknownReported: Set<String> = []
        var unknownCapped = false

        var decision = Decision()

        /// `today` is already filled in by the streaming reader; the document path fills it here.
        func handle(_ n: Int, _ line: DeviceLine, fillToday: Bool) {
            switch line {
            case .invalid(let e):
                hadError = true
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
                    program.evaluate(input, into: &decision)
                } else {
                    program.evaluate(d.input, into: &decision)
                }
                printer.decision(decision, id: d.idJSON, line: n)
            }
        }

        if facts.hasSuffix(".json") {
            switch Files.readAll(facts) {
            case .failure(let e):
                Output.error("error: \(e)")
                throw ExitCode(1)
            case .success(let bytes):
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
            if let e = Files.stream(facts, { chunk in stream.feed(chunk) { handle($0, $1, fillToday: false) } }) {
                Output.error("error: \(e)")
                throw ExitCode(1)
            }
            stream.finish { handle($0, $1, fillToday: false) }
        }
        printer.finish()
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
        case .text where !explain:
            writer.writeText(d, id: id, line: line)
            if writer.count >= 1 << 16 { flushWriter() }
        case .text:
            Output.write(
                DecisionText.render(
                    d, program: program, device: id ?? "line \(line)", explain: explain, showConfig: showConfig))
        }
    }

    mutating func invalid(line: Int, message: String) {
        switch format {
        case .json:
            writer.writeInvalid(line: line, message: message, action: program.onError)
            if writer.count >= 1 << 16 { flushWriter() }
        case .text:
            flushWriter()
            Output.line("line \(line): \(program.onError.rawValue) (error: \(message))")
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
