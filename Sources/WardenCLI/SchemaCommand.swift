import ArgumentParser
import Warden
import WardenTools

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract:
            "Show the built-in schema: facts, Defender keys and enums, or one entry; --functions lists the built-ins.",
        discussion: """
            EXAMPLES:
              warden schema
              warden schema osVersion
              warden schema ThreatLevel
              warden schema --functions
            """)

    @Argument(help: "A fact, key or enum name (all entries when omitted).")
    var name: String?

    @Flag(help: "List the built-in functions and macros: overloads, cost and compiled-path support.")
    var functions = false

    func run() throws {
        if functions {
            Output.write(SchemaText.functions())
            return
        }
        guard let name else {
            Output.write(SchemaText.overview(Schema.builtIn))
            return
        }
        guard let text = SchemaText.entry(name, in: Schema.builtIn) else {
            var message = "error[\(ErrorCode.unknownSchemaName.rawValue)]: no fact, key or enum named `\(name)`"
            if let s = SchemaText.suggestion(name, in: Schema.builtIn) { message += "; did you mean `\(s)`?" }
            Output.error(message)
            throw ExitCode(1)
        }
        Output.write(text)
    }
}
