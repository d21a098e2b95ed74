import ArgumentParser
import Warden
import WardenTools

/// `warden expr`: evaluate one expression (or a batch of them).
struct ExprCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expr",
        abstract: "Evaluate one expression against facts, or as plain CEL with --cel.")

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    @Flag(help: "Print the result as typed-value JSON ({\"int\":\"7\"}), or {\"error\":...}.")
    var json = false

    @Flag(help: "Evaluate plain CEL: no facts or domain types; names come from --bindings.")
    var cel = false

    @Option(help: "Variables as a JSON object of typed values, e.g. '{\"x\":{\"int\":\"5\"}}'.")
    var bindings: String?

    @Option(help: "Evaluate each {\"expr\",\"bindings\"} JSON line of FILE; one output line per input line.")
    var batch: String?

    @Option(help: "Facts of one device (JSON or JSON Lines; `-` reads standard input).")
    var facts: String?

    @Argument(parsing: .remaining, help: "The expression (put it after `--` when it starts with `-`).")
    var expression: [String] = []

    func run() throws {
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
            Output.error("error: \(err.description)")
            throw ExitCode(1)
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
            Output.error("error: --batch needs --cel")
            throw ValidationError("--batch needs --cel")
        }
        if bindings != nil {
            Output.error("error: --bindings needs --cel (typed mode reads facts with --facts)")
            throw ExitCode(2)
        }
        let engine = limitOptions.engine
        var input = engine.schema.emptyInput()
        if let facts {
            let bytes: [UInt8]
            switch Files.readAll(facts) {
            case .success(let b): bytes = b
            case .failure(let e):
                Output.error("error: \(e)")
                throw ExitCode(1)
            }
            let firstLine = facts.hasSuffix(".json") ? bytes : Array(bytes.prefix { $0 != 0x0A })
            switch engine.schema.device(json: firstLine) {
            case .success(let d):
                input = d.input
                for e in d.input.factErrors { Output.error("warning: \(facts): \(e.message)") }
            case .failure(let e):
                Output.error("error: \(facts): \(e.message)")
                throw ExitCode(1)
            }
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
        switch compiled.evaluate(input) {
        case .success(let v):
            Output.line(json ? v.typedJSON : "\(v.display) : \(compiled.type)")
        case .failure(let e):
            Output.line(json ? e.typedJSON : "error: \(e.message)")
            throw ExitCode(1)
        }
    }
}
