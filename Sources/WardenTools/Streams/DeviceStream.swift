import Warden

// Streaming device facts (JSON Lines) in, decision lines out — the hot path of `warden eval`.
// The library never reads files: the host feeds byte chunks and receives devices line by line.

/// One line of a JSON Lines facts stream: a device or the reason the line is not one.
public enum DeviceLine: Sendable {
    case device(Input.JSONDevice)
    case invalid(Input.Error)
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
    public func devices(jsonDocument bytes: [UInt8]) -> Result<[DeviceLine], Input.Error> {
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
    /// Whether `"config"` lists every key (`eval --config full`); by default it lists only the keys
    /// a config block or a rule's `set` gave a value (the others have their schema default).
    public var fullConfig = false

    /// Creates a writer with an empty buffer.
    public init() {}

    /// The bytes written so far.
    public var bytes: [UInt8] { w.bytes }
    /// How many bytes are buffered.
    public var count: Int { w.bytes.count }
    /// Empties the buffer (after the host has written it out).
    public mutating func reset() { w.reset() }

    /// Each fired rule's JSON object, rendered once: by source line (below `fragmentLines`), the
    /// rule and its bytes (`{"rule":..,"action":..,"message":..,"line":..}`).
    var fragments: [[(rule: FiredRule, bytes: [UInt8])]] = []
    static let fragmentLines = 1 << 16
    /// The last configuration written and its JSON text (a policy without config blocks or `set`s
    /// gives every decision the same array: rendered once).
    var lastConfig: [ConfigEntry] = []
    var lastConfigBytes: [UInt8] = Array("{}".utf8)

    /// Appends one decision line (with a trailing newline).
    public mutating func write(_ d: Decision, id: String?) { write(d, id: id, explanation: nil) }

    /// Appends one decision line with its evidence (`eval --format json --explain`): each fired
    /// rule and rule error gets `"evidence"`, and the line gets `"configSkipped"`.
    public mutating func write(_ x: Decision.Explanation, id: String?) { write(x.decision, id: id, explanation: x) }

    mutating func write(_ d: Decision, id: String?, explanation x: Explanation?) {
        w.raw("{")
        if let id {
            w.raw("\"id\":")
            w.raw(text: id)
            w.raw(",")
        }
        w.raw("\"action\":")
        w.raw(DecisionWriter.quotedAction(d.action))
        w.raw(",\"fired\":[")
        for (i, f) in d.fired.enumerated() {
            if i > 0 { w.raw(",") }
            if let x, i < x.fired.count {
                // With evidence the object is not the shared fragment: written in full.
                firedRuleFields(f)
                writeEvidence(x.fired[i])
                w.raw("}")
            } else {
                firedRule(f)
            }
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
                if let x, i < x.errors.count, let ev = x.errors[i] { writeEvidence(ev) }
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
        w.raw("],\"config\":")
        config(d.config)
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
        if let x {
            w.raw(",\"configSkipped\":[")
            for (i, c) in x.skippedConfigs.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"config\":")
                w.string(c.name)
                w.raw(",\"line\":")
                w.int(Int64(c.line))
                if let file = c.file {
                    w.raw(",\"file\":")
                    w.string(file)
                }
                w.raw(",\"reason\":")
                w.string(c.reason)
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw("}\n")
    }

    /// `,"evidence":{"lines":[17,18],"facts":[...],"conditions":[...],"complete":true}`.
    mutating func writeEvidence(_ ev: Evidence) {
        w.raw(",\"evidence\":{\"lines\":[")
        w.int(Int64(ev.firstLine))
        w.raw(",")
        w.int(Int64(ev.lastLine))
        w.raw("],\"facts\":[")
        for (i, f) in ev.facts.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"fact\":")
            w.string(f.name)
            if let v = f.value {
                w.raw(",\"value\":")
                w.string(v)
            } else if let m = f.malformation {
                w.raw(",\"malformed\":")
                w.string(m)
            } else {
                w.raw(",\"missing\":true")
            }
            w.raw("}")
        }
        w.raw("],\"conditions\":[")
        for (i, c) in ev.conditions.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"text\":")
            w.string(c.text)
            w.raw(",\"source\":")
            w.string(c.source)
            w.raw(",\"left\":")
            w.string(c.left)
            if let op = c.op, let right = c.right {
                w.raw(",\"op\":")
                w.string(op)
                w.raw(",\"right\":")
                w.string(right)
            }
            w.raw(",\"result\":")
            switch c.result {
            case true?: w.raw("true")
            case false?: w.raw("false")
            case nil: w.null()
            }
            if let e = c.error {
                w.raw(",\"error\":")
                w.string(e)
            }
            w.raw("}")
        }
        w.raw("],\"complete\":")
        w.raw(ev.isComplete ? "true" : "false")
        w.raw("}")
    }

    /// `"allow"`, `"warn"`, ... with their quotes.
    static func quotedAction(_ a: Action) -> StaticString {
        switch a {
        case .allow: "\"allow\""
        case .warn: "\"warn\""
        case .blockAccess: "\"blockAccess\""
        case .wipeData: "\"wipeData\""
        }
    }

    /// A fired rule's object without its closing brace: `{"rule":..,"action":..,"message":..,"line":..`.
    mutating func firedRuleFields(_ f: FiredRule) {
        w.raw("{\"rule\":")
        w.string(f.name)
        w.raw(",\"action\":")
        w.raw(DecisionWriter.quotedAction(f.action))
        w.raw(",\"message\":")
        if let m = f.message { w.string(m) } else { w.null() }
        w.raw(",\"line\":")
        w.int(Int64(f.line))
        if let file = f.file {
            w.raw(",\"file\":")
            w.string(file)
        }
    }

    /// A fired rule's object, from the fragments rendered before when the same rule fired before.
    mutating func firedRule(_ f: FiredRule) {
        let line = f.line
        if line >= 0 && line < fragments.count {
            for entry in fragments[line] where entry.rule == f {
                w.bytes.append(contentsOf: entry.bytes)
                return
            }
        }
        let start = w.bytes.count
        firedRuleFields(f)
        w.raw("}")
        // Remembered for the next decisions (a few rules per line at most: the memory stays bounded).
        guard line >= 0 && line < DecisionWriter.fragmentLines else { return }
        if line >= fragments.count { fragments += Array(repeating: [], count: line + 1 - fragments.count) }
        if fragments[line].count < 4 { fragments[line].append((f, Array(w.bytes[start...]))) }
    }

    /// The configuration object, from the last one's text when the array is the same storage
    /// (an array this writer holds cannot change under it).
    mutating func config(_ config: [ConfigEntry]) {
        if DecisionWriter.sameStorage(config, lastConfig) {
            w.bytes.append(contentsOf: lastConfigBytes)
            return
        }
        let start = w.bytes.count
        w.raw("{")
        var firstKey = true
        for c in config {
            // Compact by default: only the keys a block or a rule set (`--config full`: every key).
            if !fullConfig, case .schemaDefault = c.origin { continue }
            if !firstKey { w.raw(",") }
            firstKey = false
            w.string(c.key)
            w.raw(":")
            w.raw(text: c.jsonText)
        }
        w.raw("}")
        lastConfig = config
        lastConfigBytes = Array(w.bytes[start...])
    }

    /// Whether two arrays are one storage (or both empty).
    static func sameStorage(_ a: [ConfigEntry], _ b: [ConfigEntry]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }

    /// Appends the line `warden eval --format text` prints for a decision without `--explain`:
    /// `device ID: ACTION` (`device line N: ACTION` for a device without an `id`), as
    /// `DecisionText.render(_:program:device:explain:false:showConfig:)` writes it.
    public mutating func writeText(_ d: Decision, id: String?, line: Int) {
        w.raw("device ")
        if let id {
            w.raw(text: id)
        } else {
            w.raw("line ")
            w.int(Int64(line))
        }
        w.raw(": ")
        w.raw(text: d.action.rawValue)
        w.raw("\n")
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
