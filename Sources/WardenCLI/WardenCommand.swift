import ArgumentParser
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct WardenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Policy rules for mobile conditional launch: check, evaluate and explain.",
        discussion: """
            Exit status: 0 success; 1 the input has errors (diagnostics printed) or a test failed; 2 usage \
            error or a file that cannot be read. `warden help COMMAND` (or `warden COMMAND --help`) shows a \
            command's options and examples.

            EXAMPLES:
              warden check policy.warden
              warden eval policy.warden --facts devices.jsonl --explain
              warden test policy.warden
              warden repl policy.warden
            """,
        version: "warden \(WardenVersion.current)",
        subcommands: [
            CheckCommand.self, EvalCommand.self, ExprCommand.self, TestCommand.self, FmtCommand.self,
            REPLCommand.self, SchemaCommand.self, BenchCommand.self, VersionCommand.self,
            AnalyzeCommand.self, DiffCommand.self, MatrixCommand.self, ExportCommand.self, ImportCommand.self,
        ])

    /// Runs the command; usage errors exit 2 (CLI.md), not argument-parser's default 64.
    static func main() {
        if let message = CommandSuggestion.message(for: Array(CommandLine.arguments.dropFirst())) {
            Output.error(message)
            Output.flush()
            terminate(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                Output.error(message)
                if let hint = OptionHint.hint(for: Array(CommandLine.arguments.dropFirst()), message: message) {
                    Output.error(hint)
                }
                Output.flush()
                terminate(2)
            }
            Output.flush()
            exit(withError: error)
        }
        Output.flush()
    }
}

/// Ends the process with a status (named apart from `ParsableCommand.exit`).
func terminate(_ code: Int32) -> Never { exit(code) }
