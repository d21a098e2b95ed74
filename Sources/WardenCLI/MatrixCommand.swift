import ArgumentParser
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct MatrixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Draw the decision over two facts: a grid of actions and deciding rules.",
        discussion: """
            Each axis splits its fact into bands: enums and booleans by member; integers, versions and dates at \
            the constants the rules compare them with (`< 11.0`, `11.0 – 12.0`, `>= 12.0`); strings by the \
            constants plus `other`. Each cell evaluates the policy for one device: the --given facts plus one \
            value of each band (which replaces a given value of the axis fact). Facts not given are missing, as \
            in `eval`.

            The cell shows the action's letter (A allow, W warn, B blockAccess, X wipeData) and the deciding \
            rule; `!` marks a rule that decided through its error (onError). --svg writes the grid as an SVG \
            picture; --diff OLD marks the cells whose action changes from the OLD policy.

            Exit status: 0 the grid was drawn; 1 the --given facts are malformed, an axis has more than 64 \
            bands, or the SVG file cannot be written; 2 a usage error (an unknown fact on an axis), a file that \
            cannot be read, or a policy with errors.

            EXAMPLES:
              warden matrix policy.warden --rows threatLevel --cols playIntegrity
              warden matrix policies/ --rows osVersion --cols patchLevel --svg grid.svg
              warden matrix new.warden --rows osVersion --cols rooted --diff old.warden
              warden matrix policy.warden --rows pinAttempts --cols tags --given d.json
              warden matrix policy.warden --rows rooted --cols management --missing
            """)

    @Argument(help: "The policy: files and directories, compiled as one policy set.")
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("The fact down the side.", valueName: "fact"))
    var rows: String

    @Option(name: .long, help: ArgumentHelp("The fact across the top.", valueName: "fact"))
    var cols: String

    @Option(
        name: .long,
        help: ArgumentHelp("The other facts of every cell: a JSON object (a .json file).", valueName: "facts.json"))
    var given: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also write the grid as SVG (- writes it to standard output instead of the table).", valueName: "file"))
    var svg: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Mark the cells whose action changes from this old policy (a file or directory).", valueName: "old"))
    var diff: String?

    @Flag(name: .long, help: "Add a `missing` band to each axis (the fact not given).")
    var missing = false

    @OptionGroup var colorOption: ColorOption

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(
        name: .long,
        help: "The `today` fact where --given does not give it (YYYY-MM-DD; default: the current UTC date).")
    var today: String?

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    func validate() throws {
        if let today, Day(today) == nil {
            throw ValidationError("--today takes a calendar date YYYY-MM-DD, not `\(today)`")
        }
        if rows == cols {
            throw ValidationError("--rows and --cols are both `\(rows)`; choose two different facts")
        }
    }

    func run() throws {
        colorOption.apply()
        let engine = limitOptions.engine
        let program: Program
        switch PolicyLoader.loadSetChecked(files, engine: engine) {
        case .failure: throw ExitCode(2)  // an unreadable file or a policy with errors, as in `eval`
        case .success(let p): program = p
        }
        var old: Program?
        if let diff {
            switch PolicyLoader.loadSetChecked([diff], engine: engine) {
            case .failure: throw ExitCode(2)
            case .success(let p): old = p
            }
        }
        var base: Input?
        if let given {
            switch readGiven(given, program: program) {
            case .failure(let code): throw code
            case .success(let input): base = input
            }
        }
        let todayValue = today.flatMap(Day.init) ?? EvalCommand.currentUTCDate()
        let grid: DecisionGrid
        switch DecisionGrid.make(
            program: program, old: old, rows: rows, columns: cols, given: base, missing: missing, today: todayValue)
        {
        case .failure(let e):
            Output.error("error: \(e.message)")
            throw ExitCode(e.kind == .badAxis ? 2 : 1)
        case .success(let g): grid = g
        }
        if let svg {
            let text = MatrixSVG.render(grid, given: given, old: diff)
            if svg == "-" {
                Output.write(text)
                return
            }
            if let e = writeFile(svg, text) {
                Output.error("error: \(e)")
                throw ExitCode(1)
            }
        }
        switch format {
        case .json: Output.write(MatrixText.json(grid))
        case .text:
            Output.write(MatrixText.render(grid, color: Output.outputStyle.enabled, given: given, old: diff))
        }
    }

    /// The --given facts: one JSON object; fact errors stop the command (1), an unreadable file too
    /// (2); unknown names are warned about.
    func readGiven(_ path: String, program: Program) -> Result<Input, ExitCode> {
        switch Files.readAll(path) {
        case .failure(let e):
            Output.error(e)
            return .failure(ExitCode(2))
        case .success(let bytes):
            switch program.device(json: bytes) {
            case .failure(let e):
                Output.error("error: \(path): \(e.message)")
                return .failure(ExitCode(1))
            case .success(let d):
                if !d.input.factErrors.isEmpty {
                    for e in d.input.factErrors { Output.error("error: \(path): \(e.message)") }
                    return .failure(ExitCode(1))
                }
                for name in d.input.unknownNames {
                    var m = "warning: \(path): unknown fact `\(name)`"
                    if let s = SchemaText.suggestion(name, in: program.schema) { m += "; did you mean `\(s)`?" }
                    Output.error(m)
                }
                return .success(d.input)
            }
        }
    }

    /// Writes a whole file; a message when it cannot.
    func writeFile(_ path: String, _ text: String) -> String? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return "cannot write `\(path)`: \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return write(fd, base + off, raw.count - off)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return "cannot write `\(path)`: \(String(cString: strerror(errno)))" }
            off += n
        }
        return nil
    }
}
