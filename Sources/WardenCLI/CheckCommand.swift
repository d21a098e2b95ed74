import ArgumentParser
import Warden
import WardenTools

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse, type-check and lint policy files; print diagnostics.",
        discussion: "Exit status 1 when any file has an error.")

    @Argument(help: "Policy files (.warden).")
    var files: [String]

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    func run() throws {
        var failed = false
        for path in files {
            if let program = PolicyLoader.load(path, engine: limitOptions.engine) {
                let rules = program.ruleNames.count
                Output.line("\(path): ok (\(rules) rule\(rules == 1 ? "" : "s")\(program.warnings.isEmpty ? "" : ", \(program.warnings.count) warning\(program.warnings.count == 1 ? "" : "s")"))")
            } else {
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
