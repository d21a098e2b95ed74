import ArgumentParser

/// The one place the version lives: `warden --version` and `warden version` print it.
enum WardenVersion {
    static let current = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print Warden's version.",
        discussion: """
            EXAMPLES:
              warden version
              warden --version
            """)

    func run() throws {
        Output.line("warden \(WardenVersion.current)")
    }
}
