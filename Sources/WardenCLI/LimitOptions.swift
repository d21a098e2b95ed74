import ArgumentParser
import Warden
import WardenTools

/// The engine limits a user can set on the command line (LANGUAGE.md §8); the defaults are the
/// library's, far above what a real policy needs.
struct LimitOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Evaluation cost budget per rule, in steps (default \(Limits.default.maxSteps)).", valueName: "n"))
    var maxSteps: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Longest string built during evaluation, in bytes (default \(Limits.default.maxStringBytes)).",
            valueName: "bytes"))
    var maxStringBytes: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Longest list or map built during evaluation (default \(Limits.default.maxListLength)).", valueName: "n"))
    var maxListLength: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Evaluation cost budget per decision (all rules of one device), in steps (default \(Limits.default.maxDecisionSteps)).",
            valueName: "n"))
    var maxDecisionSteps: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Bytes of values one decision may build in total (default \(Limits.default.maxDecisionBytes)).",
            valueName: "bytes"))
    var maxDecisionBytes: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Deepest expression nesting accepted (default \(Limits.default.maxNesting)).", valueName: "n"))
    var maxNesting: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Largest policy source accepted, in bytes (default \(Limits.default.maxSourceBytes)).", valueName: "bytes"))
    var maxSourceBytes: Int?

    func validate() throws {
        let given: [(String, Int?)] = [
            ("--max-steps", maxSteps), ("--max-string-bytes", maxStringBytes), ("--max-list-length", maxListLength),
            ("--max-nesting", maxNesting), ("--max-source-bytes", maxSourceBytes),
            ("--max-decision-steps", maxDecisionSteps), ("--max-decision-bytes", maxDecisionBytes),
        ]
        for case (let name, let value?) in given where value < 1 {
            throw ValidationError("\(name) takes a positive number, not \(value)")
        }
    }

    /// The limits: the defaults with the given options applied.
    var limits: Limits {
        var l = Limits()
        if let maxSteps { l.maxSteps = maxSteps }
        if let maxStringBytes { l.maxStringBytes = maxStringBytes }
        if let maxListLength { l.maxListLength = maxListLength }
        if let maxDecisionSteps { l.maxDecisionSteps = maxDecisionSteps }
        if let maxDecisionBytes { l.maxDecisionBytes = maxDecisionBytes }
        if let maxNesting { l.maxNesting = maxNesting }
        if let maxSourceBytes { l.maxSourceBytes = maxSourceBytes }
        return l
    }

    /// An engine with the built-in schema and these limits.
    var engine: Engine { Engine(limits: limits) }
}
