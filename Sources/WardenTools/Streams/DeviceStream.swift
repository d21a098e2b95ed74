import Warden

// Streaming device facts (JSON Lines) in, decision lines out — the hot path of `warden eval`.
// The library never reads files: the host feeds byte chunks and receives devices line by line.

/// One line of a JSON Lines facts stream: a device or the reason the line is not one.
public enum DeviceLine: Sendable {
    case device(JSONDevice)
    case invalid(FactsError)
}

/// Splits JSON Lines facts fed in chunks into devices, in a single pass; memory stays flat however
/// many devices stream through. Blank lines are skipped; a line that is not a JSON object yields
/// `.invalid` for that line number and the stream goes on.
public struct DeviceStream {
    let program: Program
    var splitter: LineSplitter

    /// Creates a stream for a program's schema. Lines longer than `maxLineBytes` are reported invalid.
    public init(program: Program, maxLineBytes: Int = 16 << 20) {
        self.program = program
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes)
    }

    /// Feeds a chunk of bytes; `body(lineNumber, line)` is called for every complete non-blank line.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (Int, DeviceLine) -> Void) {
        let program = self.program
        splitter.feed(chunk) { n, line in DeviceStream.handle(program, n, line, body) }
    }

    /// Ends the stream: a last line without a final newline is still evaluated.
    public mutating func finish(_ body: (Int, DeviceLine) -> Void) {
        let program = self.program
        splitter.finish { n, line in DeviceStream.handle(program, n, line, body) }
    }

    static func handle(_ program: Program, _ n: Int, _ line: LineSplitter.Line, _ body: (Int, DeviceLine) -> Void) {
        switch line {
        case .tooLong(let length):
            body(n, .invalid(FactsError(message: "line is \(length) bytes, over the limit")))
        case .bytes(let b):
            if isBlank(b) { return }
            switch program.device(json: b) {
            case .success(let d): body(n, .device(d))
            case .failure(let e): body(n, .invalid(e))
            }
        }
    }

    static func isBlank(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in b where c != 0x20 && c != 0x09 && c != 0x0D { return false }
        return true
    }
}

extension Program {
    /// Reads a whole JSON document of facts: one object (one device) or an array of objects.
    public func devices(jsonDocument bytes: [UInt8]) -> Result<[DeviceLine], FactsError> {
        switch JSONParser.parse(bytes) {
        case .failure(let e):
            return .failure(FactsError(message: "invalid JSON: \(e.message) at byte \(e.offset + 1)"))
        case .success(.array(let items)):
            return .success(
                items.map { item in
                    switch device(json: item) {
                    case .success(let d): .device(d)
                    case .failure(let e): .invalid(e)
                    }
                })
        case .success(let v):
            switch device(json: v) {
            case .success(let d): return .success([.device(d)])
            case .failure(let e): return .failure(e)
            }
        }
    }
}

/// Writes decisions as the JSON lines of `warden eval --format json` (CLI.md).
public struct DecisionWriter {
    var w = JSONWriter(capacity: 1 << 16)

    /// The file of each rule, for a policy set of several files (`Program.ruleFiles`): fired
    /// rules and rule errors then carry `"file"`.
    public var ruleFiles: [String: String] = [:]
    /// Whether each line also says where its configuration values came from (`eval --format json
    /// --explain`): `"configFrom":{"vpn":"config \"Web\" (line 3)",...}`, keys not at their default.
    public var explainConfig = false

    /// Creates a writer with an empty buffer.
    public init() {}

    /// The bytes written so far.
    public var bytes: [UInt8] { w.bytes }
    /// How many bytes are buffered.
    public var count: Int { w.bytes.count }
    /// Empties the buffer (after the host has written it out).
    public mutating func reset() { w.reset() }

    /// Appends one decision line (with a trailing newline).
    public mutating func write(_ d: Decision, id: String?) {
        w.raw("{")
        if let id {
            w.raw("\"id\":")
            w.raw(text: id)
            w.raw(",")
        }
        w.raw("\"action\":")
        w.string(d.action.rawValue)
        w.raw(",\"fired\":[")
        for (i, f) in d.fired.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"rule\":")
            w.string(f.name)
            w.raw(",\"action\":")
            w.string(f.action.rawValue)
            w.raw(",\"message\":")
            if let m = f.message { w.string(m) } else { w.null() }
            w.raw(",\"line\":")
            w.int(Int64(f.line))
            if let file = f.file {
                w.raw(",\"file\":")
                w.string(file)
            }
            w.raw("}")
        }
        w.raw("],\"errors\":[")
        for (i, e) in d.errors.enumerated() {
            if i > 0 { w.raw(",") }
            switch e {
            case .rule(let name, let message, let line, let action, let kind):
                w.raw("{\"rule\":")
                w.string(name)
                w.raw(",\"code\":")
                w.string(ErrorCode(kind).rawValue)
                w.raw(",\"message\":")
                w.string(message)
                w.raw(",\"line\":")
                w.int(Int64(line))
                if let file = ruleFiles[name] {
                    w.raw(",\"file\":")
                    w.string(file)
                }
                w.raw(",\"action\":")
                w.string(action.rawValue)
                w.raw("}")
            case .fact(let name, let message):
                w.raw("{\"fact\":")
                w.string(name)
                w.raw(",\"code\":")
                w.string(e.code.rawValue)
                w.raw(",\"message\":")
                w.string(message)
                w.raw("}")
            }
        }
        w.raw("],\"warnings\":[")
        for (i, m) in d.warnings.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(m)
        }
        w.raw("],\"config\":{")
        for (i, c) in d.config.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(c.key)
            w.raw(":")
            w.raw(text: c.jsonText)
        }
        w.raw("}")
        if explainConfig {
            w.raw(",\"configFrom\":{")
            var first = true
            for c in d.config where c.origin != .schemaDefault {
                if !first { w.raw(",") }
                first = false
                w.string(c.key)
                w.raw(":")
                w.string(c.origin.text)
            }
            w.raw("}")
        }
        w.raw("}\n")
    }

    /// Appends the line for input that is not a device: `{"line":N,"error":"...","action":"..."}`.
    public mutating func writeInvalid(line: Int, message: String, action: Action) {
        w.raw("{\"line\":")
        w.int(Int64(line))
        w.raw(",\"error\":")
        w.string(message)
        w.raw(",\"action\":")
        w.string(action.rawValue)
        w.raw("}\n")
    }
}
