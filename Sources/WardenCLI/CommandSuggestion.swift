import ArgumentParser
import Warden

/// `warden chek x`: a first argument that names no subcommand but is close to one gets a
/// did-you-mean instead of argument-parser's "2 unexpected arguments".
enum CommandSuggestion {
    /// The usage error for a mistyped subcommand in `arguments` (without the program name), if any.
    static func message(for arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = WardenCommand.configuration.subcommands.map { $0._commandName } + ["help"]
        if names.contains(first) { return nil }
        guard let near = nearest(first, in: names) else { return nil }
        return "error: unknown command `\(first)`; did you mean `\(near)`?\nSee 'warden --help' for the commands."
    }
}

/// `warden expr '-1 + 2'`: argument-parser takes an expression that starts with `-` for an
/// unknown option; the hint says that `--` ends the options.
enum OptionHint {
    /// The line to add to argument-parser's usage error `message` for `arguments`, if any.
    static func hint(for arguments: [String], message: String) -> String? {
        guard arguments.first == "expr", message.contains("Unknown option '-"),
            !message.contains("Did you mean")
        else { return nil }
        return "Hint: put the expression after `--` when it starts with `-`: warden expr -- '-1 + 2'"
    }
}
