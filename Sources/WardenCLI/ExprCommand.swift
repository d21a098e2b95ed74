import ArgumentParser
import Warden
import WardenTools

/// `warden expr`: evaluate one expression (or a batch of them).
struct ExprCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expr",
        abstract: "Evaluate one expression against facts, or as plain CEL with --cel.",
        discussion: """
            The expression is checked against the built-in schema and evaluated with the facts of \
            --facts (one result per device of a JSON Lines file); facts not given are missing. Put the \
            expression after `--` when it starts with `-`. Exit status: 0 a value; 1 an error of the \
            expression or the facts; 2 a usage error or a file that cannot be read.

            EXAMPLES:
              warden expr -- 'medium < high'
              warden expr --facts devices.jsonl -- 'osVersion < "11"'
              warden expr --today 2025-01-31 -- 'daysBetween(date("2024-12-25"), today)'
              warden expr --cel --bindings '{"x":{"int":"5"}}' -- 'x * 2'
              warden expr -- '-1 + 2'
            """)

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    @Flag(help: "Print the result as typed-value JSON ({\"int\":\"7\"}), or {\"error\":...}.")
    var json = false

    @Flag(help: "Evaluate plain CEL: no facts or domain types; names come from --bindings.")
    var cel = false

    @Option(help: "Variables as a JSON object of typed values, e.g. '{\"x\":{\"int\":\"5\"}}'.")
    var bindings: String?

    @Option(help: "Evaluate each {\"expr\",\"bindings\"} JSON line of FILE; one output line per input line.")
    var batch: String?

    @Option(help: "Facts of devices (a .json object, or JSON Lines: one result per line; `-` reads standard input).")
    var facts: String?

    @Option(
        name: .long,
        help: "The `today` fact where the facts do not give it (YYYY-MM-DD; default: the current UTC date).")
    var today: String?

    @Argument(parsing: .remaining, help: "The expression (put it after `--` when it starts with `-`).")
    var expression: [String] = []

    @OptionGroup var colorOption: ColorOption

    func run() throws {
        colorOption.apply()
        if let path = batch {
            try runBatch(path)
            return
        }
        guard !expression.isEmpty else {
            throw ValidationError("missing expression")
        }
        let source = expression.joined(separator: " ")
        if !cel {
            try runTyped(source: source, facts: facts, bindings: bindings, json: json)
            return
        }
        let result = CELMode.run(expression: source, bindingsJSON: bindings.map { Array($0.utf8) }, json: json)
        Output.line(result.line)
        if !result.isValue { throw ExitCode(1) }
    }

    func runBatch(_ path: String) throws {
        guard cel else {
            try runTyped(source: nil, facts: facts, bindings: bindings, json: json)
            return
        }
        let bytes: [UInt8]
        switch Files.readAll(path) {
        case .success(let b): bytes = b
        case .failure(let err):
            // An unreadable batch file is a usage error (exit 2), like an unreadable facts file.
            Output.error(err)
            throw ExitCode(2)
        }
        var start = 0
        var lines: [ArraySlice<UInt8>] = []
        for i in bytes.indices where bytes[i] == 0x0A {
            lines.append(bytes[start..<i])
            start = i + 1
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        for var line in lines {
            if line.last == 0x0D { line = line.dropLast() }
            Output.line(CELMode.runBatchLine(Array(line)))
        }
    }

    /// Typed mode: the schema's facts (from `--facts`: a `.json` object, or the first line of a JSON Lines file).
    func runTyped(source: String?, facts: String?, bindings: String?, json: Bool) throws {
        guard let source else {
            throw ValidationError("--batch needs --cel")
        }
        if bindings != nil {
            Output.error("error: --bindings needs --cel (typed mode reads facts with --facts)")
            throw ExitCode(2)
        }
        if let today, Day(today) == nil {
            throw ValidationError("--today takes a calendar date YYYY-MM-DD, not `\(today)`")
        }
        let engine = limitOptions.engine
        let todayValue = Value.date(today.flatMap(Day.init) ?? EvalCommand.currentUTCDate())
        // One input per device: a `.json` document is one device, JSON Lines one per non-blank line.
        var inputs: [(label: String?, input: Input)] = []
        if let facts {
            let bytes: [UInt8]
            switch Files.readAll(facts) {
            case .success(let b): bytes = b
            case .failure(let e):
                // An unreadable facts file is a usage error (exit 2), like eval's.
                Output.error(e)
                throw ExitCode(2)
            }
            var documents: [(Int, [UInt8])] = []
            if facts.hasSuffix(".json") {
                documents = [(1, bytes)]
            } else {
                // A JSON array or a pretty-printed document given as JSON Lines: one clear error.
                var shape = FactsShape()
                if let hint = bytes.withUnsafeBytes({ shape.sniff($0) }) ?? shape.finish() {
                    Output.error("error: \(facts): \(hint)")
                    throw ExitCode(1)
                }
                var start = 0
                var n = 0
                for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
                    n += 1
                    var line = Array(bytes[start..<i])
                    if line.last == 0x0D { line.removeLast() }
                    start = i + 1
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                    documents.append((n, line))
                }
            }
            if documents.isEmpty {
                Output.error("error: \(facts): no device: the facts file is empty")
                throw ExitCode(1)
            }
            for (n, document) in documents {
                let label = documents.count > 1 ? "\(facts):\(n)" : nil
                switch engine.schema.device(json: document) {
                case .success(let d):
                    var input = d.input
                    for e in input.factErrors { Output.error("warning: \(label ?? facts): \(e.message)") }
                    input.setIfMissing("today", todayValue, in: engine.schema)
                    inputs.append((label, input))
                case .failure(let e):
                    Output.error("error: \(label ?? facts): \(e.message)")
                    throw ExitCode(1)
                }
            }
        } else {
            var input = engine.schema.emptyInput()
            input.setIfMissing("today", todayValue, in: engine.schema)
            inputs = [(nil, input)]
        }
        let compiled: CompiledExpression
        do {
            compiled = try engine.compileExpression(source)
        } catch {
            if json {
                Output.line(error.typedJSON)
            }
            Output.error(error.rendered())
            throw ExitCode(1)
        }
        var failed = false
        for (label, input) in inputs {
            // Several devices: each result line names its device's line (`file:N: `) in text.
            let prefix = json ? "" : label.map { "\($0): " } ?? ""
            switch compiled.evaluate(input) {
            case .success(let v):
                Output.line(prefix + (json ? v.typedJSON : "\(v.display) : \(compiled.type)"))
            case .failure(let e):
                Output.line(prefix + (json ? e.typedJSON : "error: \(e.message)"))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
