import ArgumentParser
import Warden
import WardenTools

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the `test` blocks of policy files.",
        discussion: """
            Prints `PASS file: name` or `FAIL file: name` per test; a failure shows what was expected and the \
            decision with its explanation. The last line is `N passed, M failed`. Facts a test does not give \
            are missing, as in `eval`. Exit status: 0 every test passed; 1 a test failed, a file has errors, or \
            --filter matches no test; 2 a usage error or a file that cannot be read.

            EXAMPLES:
              warden test policy.warden
              warden test policies/ --filter rooted
              warden test policy.warden --strict --coverage
            """)

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    @Argument(help: "Policy files (.warden) and directories: one policy set.")
    var files: [String]

    @Option(name: .long, help: "Run only the tests whose name contains this text.")
    var filter: String?

    @Flag(name: .long, help: "Fail a test whose decision has errors even when its action matches.")
    var strict = false

    @Flag(name: .long, help: "List, per policy, the rules that no test made fire.")
    var coverage = false

    @OptionGroup var colorOption: ColorOption

    func run() throws {
        colorOption.apply()
        var passed = 0
        var failed = 0
        var fileErrors = false
        var coverageText = ""
        // The files and directories are one policy set; its tests run against the whole set.
        let path = files.joined(separator: " ")
        switch PolicyLoader.loadSetChecked(files, engine: limitOptions.engine) {
        case .failure(.unreadable): throw ExitCode(2)
        case .failure(.invalid): fileErrors = true
        case .success(let program):
            let results = program.runTests(filter: filter)
            if let filter, results.isEmpty {
                // A filter that matches nothing must not pass as "0 passed, 0 failed".
                Output.error("error: no test's name contains `\(filter)`")
                Output.flush()
                throw ExitCode(1)
            }
            for r in results {
                if r.passed(strict: strict) { passed += 1 } else { failed += 1 }
                Output.write(
                    Output.outputStyle.testText(
                        TestText.render(r, file: r.file ?? path, program: program, strict: strict)))
            }
            if coverage {
                coverageText += TestText.coverage(results, file: path, program: program)
            }
        }
        Output.write(coverageText)
        Output.line("\(passed) passed, \(failed) failed")
        if failed > 0 || fileErrors { throw ExitCode(1) }
    }
}
