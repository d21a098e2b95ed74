import ArgumentParser
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ColorChoice: ExpressibleByArgument {}

/// `--color auto|always|never`: colour for diagnostics (standard error) and explanations
/// (standard output); `auto` colours a terminal only, and not when `NO_COLOR` is set.
struct ColorOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Colour diagnostics and explanations: auto (on a terminal, unless NO_COLOR is set), always or never.",
            valueName: "when"))
    var color: ColorChoice = .auto

    /// Sets the styles of `Output` for this run.
    func apply() {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) }
        Output.errorStyle = TerminalStyle(
            enabled: TerminalStyle.colors(color, isTerminal: isatty(2) != 0, noColor: noColor))
        Output.outputStyle = TerminalStyle(
            enabled: TerminalStyle.colors(color, isTerminal: isatty(1) != 0, noColor: noColor))
    }
}
