import ArgumentParser
import Warden
import WardenTools

/// How much of each decision's configuration `eval` prints (`--config`).
enum ConfigDetail: String, ExpressibleByArgument, CaseIterable {
    /// Only the keys a config block or a rule's `set` gave a value (the default).
    case set
    /// Every key, those at their schema default too.
    case full
}

extension DecisionPrinter {
    /// Evaluates one device and prints its decision; with `--explain`, its explanation with
    /// evidence (`Program.explain`), which only then costs a second walk of the fired and
    /// erroring rules.
    mutating func decide(_ input: Input, into decision: inout Decision, id: String?, line: Int) {
        program.evaluate(input, into: &decision)
        guard explain else {
            self.decision(decision, id: id, line: line)
            return
        }
        let x = program.explain(input, decision: decision)
        switch format {
        case .json:
            writer.write(x, id: id)
            if writer.count >= 1 << 16 { flushWriter() }
        case .text:
            Output.write(
                Output.outputStyle.decisionText(
                    DecisionText.render(
                        x, program: program, device: id ?? "line \(line)", showConfig: showConfig,
                        fullConfig: writer.fullConfig)))
        }
    }
}
