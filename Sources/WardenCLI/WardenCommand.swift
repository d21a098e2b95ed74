import ArgumentParser
import Warden

@main
struct WardenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "Policy rules for mobile conditional launch.",
        subcommands: [ExprCommand.self])
}
