// The C API (include/warden.h): `@_cdecl` functions over the core. Handles are retained Swift
// objects passed as opaque pointers; a registry of live handles makes a freed or foreign handle an
// error code instead of a crash. Nothing here traps on caller data.
import Glibc
import Synchronization
import Warden

// MARK: Status codes (warden.h)

let wardenOK: Int32 = 0
let wardenErrNull: Int32 = 1
let wardenErrUTF8: Int32 = 2
let wardenErrTooLarge: Int32 = 3
let wardenErrCompile: Int32 = 4
let wardenErrFacts: Int32 = 5
let wardenErrInvalidHandle: Int32 = 6

/// The largest facts JSON accepted, in bytes.
let maxFactsBytes = 16 << 20

// MARK: Handles

final class ProgramBox: @unchecked Sendable {
    let program: Program
    init(_ program: Program) { self.program = program }
}

/// C strings owned by a handle: malloc'd once, freed with the handle.
final class CStrings: @unchecked Sendable {
    private(set) var pointers: [UnsafeMutablePointer<CChar>?] = []
    func add(_ s: String?) -> Int {
        pointers.append(s.flatMap { strdup($0) })
        return pointers.count - 1
    }
    func get(_ i: Int) -> UnsafePointer<CChar>? {
        guard i >= 0, i < pointers.count, let p = pointers[i] else { return nil }
        return UnsafePointer(p)
    }
    deinit { for p in pointers { free(p) } }
}

final class DecisionBox: @unchecked Sendable {
    let action: Action
    let strings = CStrings()
    let json: Int
    /// The decision and its id, for the JSON with every config key (`warden_decision_json_full`).
    let decision: Decision
    let idJSON: String?
    /// That JSON, built on first use (most hosts never ask for it) and freed with the handle.
    private let fullJSONText = Mutex<UnsafeMutablePointer<CChar>?>(nil)
    let firedRules: [Int]
    let firedMessages: [Int]
    let errors: [Int]
    let errorCodes: [Int]
    let id: Int
    init(_ d: Decision, idJSON: String? = nil) {
        action = d.action
        json = strings.add(decisionJSON(d, idJSON: idJSON))
        decision = d
        self.idJSON = idJSON
        id = strings.add(idJSON)
        firedRules = d.fired.map { [strings] in strings.add($0.name) }
        firedMessages = d.fired.map { [strings] in strings.add($0.message) }
        errors = d.errors.map { [strings] in strings.add($0.message) }
        errorCodes = d.errors.map { [strings] in strings.add($0.code.rawValue) }
    }

    /// The JSON with every config key, built once under a lock (a decision may be read from
    /// several threads).
    func fullJSON() -> UnsafePointer<CChar>? {
        fullJSONText.withLock { text in
            if text == nil { text = strdup(decisionJSON(decision, idJSON: idJSON, fullConfig: true)) }
            return text.map { UnsafePointer($0) }
        }
    }

    deinit { fullJSONText.withLock { free($0) } }
}

final class DiagnosticsBox: @unchecked Sendable {
    let strings = CStrings()
    let json: Int
    let text: Int
    let severities: [Int]
    let codes: [Int]
    let messages: [Int]
    let lines: [Int32]
    let columns: [Int32]
    init(_ diagnostics: [Diagnostic], source: SourceFile) {
        var json = "["
        var sev: [Int] = []
        var code: [Int] = []
        var msg: [Int] = []
        var ls: [Int32] = []
        var cs: [Int32] = []
        for (i, d) in diagnostics.enumerated() {
            let loc = source.location(of: d.span.start)
            let line = Int32(clamping: loc.line)
            let column = Int32(clamping: loc.column)
            if i > 0 { json += "," }
            json +=
                "{\"severity\":\(jsonString(d.severity.rawValue)),\"code\":\(jsonString(d.code.rawValue)),\"message\":\(jsonString(d.message)),"
            json += "\"line\":\(line),\"column\":\(column)}"
            sev.append(strings.add(d.severity.rawValue))
            code.append(strings.add(d.code.rawValue))
            msg.append(strings.add(d.message))
            ls.append(line)
            cs.append(column)
        }
        json += "]"
        self.json = strings.add(json)
        self.text = strings.add(diagnostics.map { $0.rendered(in: source) }.joined())
        severities = sev
        codes = code
        messages = msg
        lines = ls
        columns = cs
    }
}

/// The live handles, by address: a pointer not in here is refused (freed, foreign or forged).
let liveHandles = Mutex<Set<UInt>>([])

func register(_ object: AnyObject) -> OpaquePointer {
    let raw = Unmanaged.passRetained(object).toOpaque()
    _ = liveHandles.withLock { $0.insert(UInt(bitPattern: raw)) }
    return OpaquePointer(raw)
}

/// The object behind a live handle of type `T`, retained for the caller's use; nil for NULL, a
/// handle that is not live, or one of another type.
func lookup<T: AnyObject & Sendable>(_ handle: OpaquePointer?, as: T.Type) -> T? {
    guard let handle else { return nil }
    let raw = UnsafeMutableRawPointer(handle)
    return liveHandles.withLock { live -> T? in
        guard live.contains(UInt(bitPattern: raw)) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? T
    }
}

/// Unregisters and releases a live handle of type `T`; does nothing for NULL or a handle that is not live.
func release<T: AnyObject>(_ handle: OpaquePointer?, as: T.Type) {
    guard let handle else { return }
    let raw = UnsafeMutableRawPointer(handle)
    let removed: Bool = liveHandles.withLock { live in
        guard live.contains(UInt(bitPattern: raw)),
            Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() is T
        else { return false }
        live.remove(UInt(bitPattern: raw))
        return true
    }
    if removed { Unmanaged<AnyObject>.fromOpaque(raw).release() }
}

// MARK: Text helpers

/// Valid UTF-8 text from (pointer, length), or nil.
func utf8Text(_ p: UnsafePointer<CChar>, _ length: Int) -> String? {
    p.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(validating: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
}

/// Valid UTF-8 from a NUL-terminated C string, or nil.
func cText(_ p: UnsafePointer<CChar>?) -> String? {
    guard let p else { return nil }
    return utf8Text(p, strlen(p))
}

/// A JSON string literal (the core's one JSON quoting).
func jsonString(_ s: String) -> String { JSONWriter.quoted(s) }

/// The decision as JSON. `"config"` lists only the keys a config block or a rule's `set` gave a value,
/// as `warden eval` does; `fullConfig` lists every key (`warden eval --config full`).
func decisionJSON(_ d: Decision, idJSON: String?, fullConfig: Bool = false) -> String {
    var s = "{"
    if let idJSON { s += "\"id\":\(idJSON)," }
    s += "\"action\":\(jsonString(d.action.rawValue)),\"fired\":["
    s += d.fired.map { f in
        var r = "{\"rule\":\(jsonString(f.name)),\"action\":\(jsonString(f.action.rawValue))"
        if let m = f.message { r += ",\"message\":\(jsonString(m))" }
        return r + ",\"line\":\(f.line)}"
    }.joined(separator: ",")
    s += "],\"errors\":[" + d.errors.map { jsonString($0.message) }.joined(separator: ",")
    s += "],\"warnings\":[" + d.warnings.map { jsonString($0) }.joined(separator: ",")
    let config = fullConfig ? d.config : d.config.filter { $0.origin != .schemaDefault }
    s += "],\"config\":{" + config.map { "\(jsonString($0.key)):\($0.jsonText)" }.joined(separator: ",")
    return s + "}}"
}

func setError(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ message: String) {
    out?.pointee = strdup(message)
}

// MARK: Typed slots (warden_fact)

/// `sizeof(warden_fact)` on LP64: name 0, kind 8, bool_value 12, int_value 16, double_value 24,
/// string_value 32, string_values 40, string_count 48.
let factStride = 56

/// One `warden_fact` read as the JSON field it stands for (same meaning as in a facts object).
func factField(_ p: UnsafeRawPointer) -> Result<(key: String, value: JSONValue), FactFieldError> {
    let namePointer = p.loadUnaligned(fromByteOffset: 0, as: UnsafePointer<CChar>?.self)
    guard namePointer != nil else { return .failure(FactFieldError("null name")) }
    guard let name = cText(namePointer) else { return .failure(FactFieldError("name is not valid UTF-8")) }
    let kind = p.loadUnaligned(fromByteOffset: 8, as: Int32.self)
    switch kind {
    case 0: return .success((name, .bool(p.loadUnaligned(fromByteOffset: 12, as: Int32.self) != 0)))
    case 1: return .success((name, .int(p.loadUnaligned(fromByteOffset: 16, as: Int64.self))))
    case 2: return .success((name, .double(p.loadUnaligned(fromByteOffset: 24, as: Double.self))))
    case 3:
        let s = p.loadUnaligned(fromByteOffset: 32, as: UnsafePointer<CChar>?.self)
        guard s != nil else { return .failure(FactFieldError("`\(name)`: null string_value")) }
        guard let text = cText(s) else { return .failure(FactFieldError("`\(name)`: string is not valid UTF-8")) }
        return .success((name, .string(text)))
    case 4:
        let list = p.loadUnaligned(fromByteOffset: 40, as: UnsafePointer<UnsafePointer<CChar>?>?.self)
        let n = p.loadUnaligned(fromByteOffset: 48, as: Int.self)
        return cStrings(list, n, limit: 1 << 20, what: "`\(name)`: string_values").map { items in
            (key: name, value: JSONValue.array(items.map { JSONValue.string($0) }))
        }
    default: return .failure(FactFieldError("`\(name)`: unknown kind \(kind)"))
    }
}

/// `count` NUL-terminated UTF-8 strings (at most `limit`), or why not.
func cStrings(_ list: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, limit: Int, what: String) -> Result<
    [String], FactFieldError
> {
    guard count >= 0, count <= limit else { return .failure(FactFieldError("\(what): count out of range")) }
    if count > 0 && list == nil { return .failure(FactFieldError("\(what): null list")) }
    var out: [String] = []
    for i in 0..<count {
        guard let list, let text = cText(list[i]) else {
            return .failure(FactFieldError("\(what) \(i): null or not valid UTF-8"))
        }
        out.append(text)
    }
    return .success(out)
}

struct FactFieldError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

// MARK: Exported functions

@_cdecl("warden_status_message")
public func wardenStatusMessage(_ status: Int32) -> UnsafePointer<CChar> {
    let text: StaticString
    switch status {
    case wardenOK: text = "ok"
    case wardenErrNull: text = "null pointer argument"
    case wardenErrUTF8: text = "text is not valid UTF-8"
    case wardenErrTooLarge: text = "input too large"
    case wardenErrCompile: text = "the policy has errors"
    case wardenErrFacts: text = "the facts are not a device"
    case wardenErrInvalidHandle: text = "invalid or freed handle"
    case wardenErrSchema: text = "the schema refuses the declaration"
    default: text = "unknown status"
    }
    return UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("warden_action_name")
public func wardenActionName(_ action: Int32) -> UnsafePointer<CChar>? {
    let text: StaticString
    switch action {
    case 0: text = "allow"
    case 1: text = "warn"
    case 2: text = "blockAccess"
    case 3: text = "wipeData"
    default: return nil
    }
    return UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

@_cdecl("warden_compile")
public func wardenCompile(
    _ source: UnsafePointer<CChar>?, _ length: Int, _ name: UnsafePointer<CChar>?,
    _ outProgram: UnsafeMutablePointer<OpaquePointer?>?, _ outDiagnostics: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    outDiagnostics?.pointee = nil
    guard let outProgram else { return wardenErrNull }
    outProgram.pointee = nil
    return compileC(Engine(), source, length, name, outProgram, outDiagnostics)
}

/// `warden_compile` and `warden_engine_compile` with `engine`: the checks of the source and name,
/// then the program or the diagnostics.
func compileC(
    _ engine: Engine, _ source: UnsafePointer<CChar>?, _ length: Int, _ name: UnsafePointer<CChar>?,
    _ outProgram: UnsafeMutablePointer<OpaquePointer?>, _ outDiagnostics: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    guard let source else { return wardenErrNull }
    guard length >= 0, length <= engine.limits.maxSourceBytes else { return wardenErrTooLarge }
    guard let text = utf8Text(source, length) else { return wardenErrUTF8 }
    var fileName = "<input>"
    if name != nil {
        guard let n = cText(name) else { return wardenErrUTF8 }
        fileName = n
    }
    let file = SourceFile(name: fileName, text: text)
    do {
        let program = try engine.compile(file)
        outDiagnostics?.pointee = register(DiagnosticsBox(program.warnings, source: program.source))
        outProgram.pointee = register(ProgramBox(program))
        return wardenOK
    } catch {
        outDiagnostics?.pointee = register(DiagnosticsBox(error.diagnostics, source: error.source))
        return wardenErrCompile
    }
}

@_cdecl("warden_program_free")
public func wardenProgramFree(_ program: OpaquePointer?) { release(program, as: ProgramBox.self) }

@_cdecl("warden_diagnostics_count")
public func wardenDiagnosticsCount(_ d: OpaquePointer?) -> Int {
    lookup(d, as: DiagnosticsBox.self)?.messages.count ?? 0
}

@_cdecl("warden_diagnostic_severity")
public func wardenDiagnosticSeverity(_ d: OpaquePointer?, _ i: Int) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DiagnosticsBox.self), i >= 0, i < box.severities.count else { return nil }
    return box.strings.get(box.severities[i])
}

@_cdecl("warden_diagnostic_code")
public func wardenDiagnosticCode(_ d: OpaquePointer?, _ i: Int) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DiagnosticsBox.self), i >= 0, i < box.codes.count else { return nil }
    return box.strings.get(box.codes[i])
}

@_cdecl("warden_diagnostic_message")
public func wardenDiagnosticMessage(_ d: OpaquePointer?, _ i: Int) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DiagnosticsBox.self), i >= 0, i < box.messages.count else { return nil }
    return box.strings.get(box.messages[i])
}

@_cdecl("warden_diagnostic_line")
public func wardenDiagnosticLine(_ d: OpaquePointer?, _ i: Int) -> Int32 {
    guard let box = lookup(d, as: DiagnosticsBox.self), i >= 0, i < box.lines.count else { return 0 }
    return box.lines[i]
}

@_cdecl("warden_diagnostic_column")
public func wardenDiagnosticColumn(_ d: OpaquePointer?, _ i: Int) -> Int32 {
    guard let box = lookup(d, as: DiagnosticsBox.self), i >= 0, i < box.columns.count else { return 0 }
    return box.columns[i]
}

@_cdecl("warden_diagnostics_json")
public func wardenDiagnosticsJson(_ d: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DiagnosticsBox.self) else { return nil }
    return box.strings.get(box.json)
}

@_cdecl("warden_diagnostics_text")
public func wardenDiagnosticsText(_ d: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DiagnosticsBox.self) else { return nil }
    return box.strings.get(box.text)
}

@_cdecl("warden_diagnostics_free")
public func wardenDiagnosticsFree(_ d: OpaquePointer?) { release(d, as: DiagnosticsBox.self) }

@_cdecl("warden_eval_json")
public func wardenEvalJson(
    _ program: OpaquePointer?, _ json: UnsafePointer<CChar>?, _ length: Int,
    _ outDecision: UnsafeMutablePointer<OpaquePointer?>?,
    _ outError: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    outError?.pointee = nil
    guard let outDecision else { return wardenErrNull }
    outDecision.pointee = nil
    guard let program, let json else { return wardenErrNull }
    guard let box = lookup(program, as: ProgramBox.self) else { return wardenErrInvalidHandle }
    guard length >= 0, length <= maxFactsBytes else { return wardenErrTooLarge }
    guard utf8Text(json, length) != nil else { return wardenErrUTF8 }
    let result = json.withMemoryRebound(to: UInt8.self, capacity: length) {
        box.program.device(json: UnsafeBufferPointer(start: $0, count: length))
    }
    switch result {
    case .failure(let e):
        setError(outError, e.message)
        return wardenErrFacts
    case .success(let device):
        outDecision.pointee = register(DecisionBox(box.program.evaluate(device.input), idJSON: device.idJSON))
        return wardenOK
    }
}

@_cdecl("warden_eval_facts")
public func wardenEvalFacts(
    _ program: OpaquePointer?, _ facts: UnsafeRawPointer?, _ count: Int,
    _ outDecision: UnsafeMutablePointer<OpaquePointer?>?,
    _ outError: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    outError?.pointee = nil
    guard let outDecision else { return wardenErrNull }
    outDecision.pointee = nil
    guard let program else { return wardenErrNull }
    guard let box = lookup(program, as: ProgramBox.self) else { return wardenErrInvalidHandle }
    guard count >= 0, count <= box.program.schema.facts.count + 1024 else { return wardenErrTooLarge }
    if count > 0 && facts == nil { return wardenErrNull }
    var fields: [(key: String, value: JSONValue)] = []
    for i in 0..<count {
        guard let base = facts else { return wardenErrNull }
        switch factField(base.advanced(by: i * factStride)) {
        case .failure(let e):
            setError(outError, "fact \(i + 1): \(e.message)")
            return wardenErrFacts
        case .success(let field):
            fields.append(field)
        }
    }
    switch box.program.device(json: .object(fields)) {
    case .failure(let e):
        setError(outError, e.message)
        return wardenErrFacts
    case .success(let device):
        outDecision.pointee = register(DecisionBox(box.program.evaluate(device.input), idJSON: device.idJSON))
        return wardenOK
    }
}

@_cdecl("warden_decision_action")
public func wardenDecisionAction(_ d: OpaquePointer?) -> Int32 {
    guard let box = lookup(d, as: DecisionBox.self) else { return -1 }
    switch box.action {
    case .allow: return 0
    case .warn: return 1
    case .blockAccess: return 2
    case .wipeData: return 3
    }
}

@_cdecl("warden_decision_json")
public func wardenDecisionJson(_ d: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DecisionBox.self) else { return nil }
    return box.strings.get(box.json)
}

@_cdecl("warden_decision_id")
public func wardenDecisionId(_ d: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DecisionBox.self) else { return nil }
    return box.strings.get(box.id)
}

@_cdecl("warden_decision_fired_count")
public func wardenDecisionFiredCount(_ d: OpaquePointer?) -> Int {
    lookup(d, as: DecisionBox.self)?.firedRules.count ?? 0
}

@_cdecl("warden_decision_fired_rule")
public func wardenDecisionFiredRule(_ d: OpaquePointer?, _ i: Int) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DecisionBox.self), i >= 0, i < box.firedRules.count else { return nil }
    return box.strings.get(box.firedRules[i])
}

@_cdecl("warden_decision_fired_message")
public func wardenDecisionFiredMessage(_ d: OpaquePointer?, _ i: Int) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DecisionBox.self), i >= 0, i < box.firedMessages.count else { return nil }
    return box.strings.get(box.firedMessages[i])
}

@_cdecl("warden_decision_error_count")
public func wardenDecisionErrorCount(_ d: OpaquePointer?) -> Int {
    lookup(d, as: DecisionBox.self)?.errors.count ?? 0
}

@_cdecl("warden_decision_error")
public func wardenDecisionError(_ d: OpaquePointer?, _ i: Int) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DecisionBox.self), i >= 0, i < box.errors.count else { return nil }
    return box.strings.get(box.errors[i])
}

@_cdecl("warden_decision_error_code")
public func wardenDecisionErrorCode(_ d: OpaquePointer?, _ i: Int) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DecisionBox.self), i >= 0, i < box.errorCodes.count else { return nil }
    return box.strings.get(box.errorCodes[i])
}

@_cdecl("warden_decision_free")
public func wardenDecisionFree(_ d: OpaquePointer?) { release(d, as: DecisionBox.self) }

@_cdecl("warden_string_free")
public func wardenStringFree(_ s: UnsafeMutablePointer<CChar>?) { free(s) }
