import ArgumentParser
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `warden repl [FILE...]`: an interactive session over rules, facts and the schema.
struct REPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Interactive session: enter rules and expressions, set facts, evaluate.",
        discussion: """
            On a terminal: line editing, history in ~/.warden_history (or $WARDEN_HISTORY), TAB completion; \
            an unfinished entry continues on a `...>` line; Ctrl-C drops it, Ctrl-D quits. `:help` lists \
            the commands.

            With standard input not a terminal, lines are read without prompts or echo, errors name \
            the input's line (`<stdin>:7:3`), and the exit status is 1 if any entry had an error.

            EXAMPLES:
              warden repl
              warden repl policy.warden
              warden repl policy.warden < session.txt
            """)

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    @Argument(help: "Policy files and directories to load first.")
    var files: [String] = []

    @OptionGroup var colorOption: ColorOption

    func run() throws {
        colorOption.apply()
        var session = Session(engine: limitOptions.engine)
        session.today = EvalCommand.currentUTCDate()
        session.readFile = { path in Files.readAll(path).mapError { Session.ReadFailure($0.description) } }
        session.listDirectory = REPLCommand.list
        var hadError = false
        // A directory means its `*.warden` files, recursively, in path order.
        var paths: [String] = []
        switch PolicyLoader.expand(files) {
        case .failure(let e):
            Output.error(e)
            hadError = true
        case .success(let p): paths = p
        }
        for path in paths {
            let r = session.load(path)
            REPLCommand.show(r)
            if r.failed { hadError = true }
        }
        let interactive = isatty(STDIN_FILENO) != 0
        if interactive {
            Output.line("Warden REPL: `:help` lists the commands, Ctrl-D quits.")
            var reader = ReadlineReader(historyPath: ReadlineReader.defaultHistoryPath())
            _ = session.run(
                &reader, output: { Output.write(Output.outputStyle.decisionText($0)) }, errors: { Output.error($0) })
        } else {
            var reader = PlainReader()
            session.numberedInput = "<stdin>"  // errors name the input's line: `<stdin>:7:3`
            if session.run(
                &reader, output: { Output.write(Output.outputStyle.decisionText($0)) }, errors: { Output.error($0) })
            {
                hadError = true
            }
        }
        Output.flush()
        if hadError && !interactive { throw ExitCode(1) }
    }

    static func show(_ r: Reply) {
        if !r.output.isEmpty { Output.write(r.output) }
        if !r.errors.isEmpty { Output.error(r.errors) }
    }

    /// A directory's entries for `:load` completion, directories with a trailing `/`.
    static func list(_ dir: String) -> [String]? {
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var st = stat()
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            let isDir = stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            names.append(isDir ? name + "/" : name)
        }
        return names
    }
}
