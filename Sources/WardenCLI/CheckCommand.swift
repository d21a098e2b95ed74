import ArgumentParser
import Warden
import WardenTools

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse, type-check and lint policy files; print diagnostics.",
        discussion: """
            The files and directories (a directory means its `*.warden` files, recursively, in path order) \
            are checked as one policy set: rule names are unique across it, and config conflicts and lints \
            run across its files. Exit status: 0 no error; 1 an error (with --strict, also a warning); 2 a usage \
            error or a file that cannot be read.

            EXAMPLES:
              warden check policy.warden
              warden check policies/ --strict
              warden check policy.warden --color never
            """)

    @Argument(help: "Policy files (.warden) and directories: one policy set.")
    var files: [String]

    @Flag(name: .long, help: "Fail (exit status 1) on warnings too, such as a possible config conflict.")
    var strict = false

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    @OptionGroup var colorOption: ColorOption

    func run() throws {
        colorOption.apply()
        let program: Program
        switch PolicyLoader.loadSetChecked(files, engine: limitOptions.engine) {
        case .failure(let f): throw f.exitCode(invalid: 1)
        case .success(let p): program = p
        }
        let rules = program.ruleNames.count
        let w = program.warnings.filter { $0.severity == .warning }.count
        let name = files.joined(separator: " ")
        Output.line(
            "\(name): ok (\(rules) rule\(rules == 1 ? "" : "s")\(w == 0 ? "" : ", \(w) warning\(w == 1 ? "" : "s")"))")
        if strict && w > 0 { throw ExitCode(1) }
    }
}
