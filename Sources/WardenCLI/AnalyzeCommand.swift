import ArgumentParser
import Warden
import WardenTools

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract:
            "Find rules that never fire, always fire, are shadowed or duplicated, and dead parts of a policy set.",
        discussion: """
            Each rule is evaluated on one representative device per cell of its facts: enums and \
            booleans enumerated, integers, versions and dates cut at the constants the rules compare \
            them with, strings at their compared constants plus one other value, every fact also \
            missing. A rule with a construct that cannot be cut so (regex, macros over lists, \
            arithmetic on facts, host functions) gets "may" answers naming it. Findings carry an \
            example device (facts JSON) or a proof sketch. Exit status 1 with --strict when anything \
            is found, or when the policy has errors.
            """)

    @Argument(help: "The policy: files and directories, compiled as one policy set.")
    var files: [String]

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(name: .long, help: "Exit status 1 when there is any finding.")
    var strict = false

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    func run() throws {
        guard let program = PolicyLoader.loadSet(files, engine: limitOptions.engine) else { throw ExitCode(1) }
        let report = PolicyAnalyzer(program: program).run()
        let name = files.joined(separator: " ")
        Output.write(format == .json ? report.json(name: name) : report.text(name: name))
        if strict && !report.findings.isEmpty { throw ExitCode(1) }
    }
}
