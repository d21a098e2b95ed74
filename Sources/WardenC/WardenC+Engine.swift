// The C API's engines (warden.h, "Engines"): a host declares its enums and facts, and in strict
// mode the built-in facts it supplies, then compiles policies against that schema. Everything a C
// host passes is data (names, type text, member lists); no callback crosses the boundary.
import Glibc
import Synchronization
import Warden

let wardenErrSchema: Int32 = 7

/// A schema under construction and the strict-mode fact list. The engine handle may be shared by
/// threads: every change and every compile takes the lock, so a compile sees one consistent schema.
final class EngineBox: @unchecked Sendable {
    struct State {
        var schema: Schema = .builtIn
        var suppliedFacts: Set<String>? = nil
    }
    let state = Mutex(State())
}

/// The type a C host names, in the language's own spelling: `bool`, `int`, `uint`, `double`,
/// `string`, `bytes`, `version`, `date`, `dyn`, an enum of the schema (`ThreatLevel`, a host enum),
/// `list(T)` and `map(K, V)`. Spaces around names and commas are allowed. Nil with a reason when
/// the text names no type.
func parseFactType(_ text: String, in schema: Schema) -> Result<WardenType, FactFieldError> {
    var p = TypeTextParser(Array(text.utf8), schema: schema)
    return p.parse()
}

struct TypeTextParser {
    let bytes: [UInt8]
    let schema: Schema
    var at = 0
    var depth = 0

    init(_ bytes: [UInt8], schema: Schema) {
        self.bytes = bytes
        self.schema = schema
    }

    mutating func parse() -> Result<WardenType, FactFieldError> {
        switch type() {
        case .failure(let e): return .failure(e)
        case .success(let t):
            skipSpaces()
            guard at == bytes.count else { return .failure(FactFieldError("unexpected text after the type")) }
            return .success(t)
        }
    }

    private mutating func skipSpaces() {
        while at < bytes.count, bytes[at] == 32 { at += 1 }
    }

    private mutating func name() -> String {
        skipSpaces()
        let start = at
        while at < bytes.count {
            let b = bytes[at]
            let letter = (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
            let digit = b >= 48 && b <= 57
            guard letter || (digit && at > start) else { break }
            at += 1
        }
        return String(decoding: bytes[start..<at], as: UTF8.self)
    }

    private mutating func expect(_ byte: UInt8, _ what: String) -> FactFieldError? {
        skipSpaces()
        guard at < bytes.count, bytes[at] == byte else { return FactFieldError("expected \(what)") }
        at += 1
        return nil
    }

    private mutating func type() -> Result<WardenType, FactFieldError> {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 16 else { return .failure(FactFieldError("type nested too deeply")) }
        let n = name()
        switch n {
        case "": return .failure(FactFieldError("expected a type name"))
        case "bool": return .success(.bool)
        case "int": return .success(.int)
        case "uint": return .success(.uint)
        case "double": return .success(.double)
        case "string": return .success(.string)
        case "bytes": return .success(.bytes)
        case "version": return .success(.version)
        case "date": return .success(.date)
        case "dyn": return .success(.dyn)
        case "list":
            if let e = expect(40, "`(` after `list`") { return .failure(e) }
            let element = type()
            guard case .success(let t) = element else { return element }
            if let e = expect(41, "`)` closing `list(`") { return .failure(e) }
            return .success(.list(t))
        case "map":
            if let e = expect(40, "`(` after `map`") { return .failure(e) }
            let key = type()
            guard case .success(let k) = key else { return key }
            if let e = expect(44, "`,` between the key and value types of `map(`") { return .failure(e) }
            let value = type()
            guard case .success(let v) = value else { return value }
            if let e = expect(41, "`)` closing `map(`") { return .failure(e) }
            return .success(.map(k, v))
        default:
            if let e = schema.enum(named: n) { return .success(.enumeration(e)) }
            return .failure(
                FactFieldError("unknown type `\(n)` (declare a host enum first with warden_engine_add_enum)"))
        }
    }
}

@_cdecl("warden_engine_new")
public func wardenEngineNew() -> OpaquePointer? { register(EngineBox()) }

@_cdecl("warden_engine_free")
public func wardenEngineFree(_ engine: OpaquePointer?) { release(engine, as: EngineBox.self) }

@_cdecl("warden_engine_add_enum")
public func wardenEngineAddEnum(
    _ engine: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ members: UnsafePointer<UnsafePointer<CChar>?>?,
    _ count: Int, _ ordered: Int32, _ outError: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    outError?.pointee = nil
    guard let engine, let name else { return wardenErrNull }
    guard let box = lookup(engine, as: EngineBox.self) else { return wardenErrInvalidHandle }
    guard let enumName = cText(name) else { return wardenErrUTF8 }
    let names: [String]
    switch cStrings(members, count, limit: 1 << 16, what: "member") {
    case .failure(let e):
        setError(outError, e.message)
        return count > 0 && members == nil ? wardenErrNull : wardenErrUTF8
    case .success(let m): names = m
    }
    return box.state.withLock { state in
        do {
            state.schema = try state.schema.adding(enums: [EnumType(enumName, members: names, ordered: ordered != 0)])
            return wardenOK
        } catch {
            setError(outError, "\(error)")
            return wardenErrSchema
        }
    }
}

@_cdecl("warden_engine_add_fact")
public func wardenEngineAddFact(
    _ engine: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ type: UnsafePointer<CChar>?,
    _ doc: UnsafePointer<CChar>?, _ outError: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    outError?.pointee = nil
    guard let engine, let name, let type else { return wardenErrNull }
    guard let box = lookup(engine, as: EngineBox.self) else { return wardenErrInvalidHandle }
    guard let factName = cText(name), let typeText = cText(type) else { return wardenErrUTF8 }
    var description = ""
    if doc != nil {
        guard let d = cText(doc) else { return wardenErrUTF8 }
        description = d
    }
    return box.state.withLock { state in
        switch parseFactType(typeText, in: state.schema) {
        case .failure(let e):
            setError(outError, "fact `\(factName)`: \(e.message)")
            return wardenErrSchema
        case .success(let t):
            do {
                state.schema = try state.schema.adding(facts: [Schema.FactDefinition(factName, t, description)])
                return wardenOK
            } catch {
                setError(outError, "\(error)")
                return wardenErrSchema
            }
        }
    }
}

@_cdecl("warden_engine_supply_facts")
public func wardenEngineSupplyFacts(
    _ engine: OpaquePointer?, _ names: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int,
    _ outError: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    outError?.pointee = nil
    guard let engine else { return wardenErrNull }
    guard let box = lookup(engine, as: EngineBox.self) else { return wardenErrInvalidHandle }
    switch cStrings(names, count, limit: 1 << 16, what: "fact name") {
    case .failure(let e):
        setError(outError, e.message)
        return count > 0 && names == nil ? wardenErrNull : wardenErrUTF8
    case .success(let list):
        box.state.withLock { $0.suppliedFacts = Set(list) }
        return wardenOK
    }
}

@_cdecl("warden_engine_compile")
public func wardenEngineCompile(
    _ engine: OpaquePointer?, _ source: UnsafePointer<CChar>?, _ length: Int, _ name: UnsafePointer<CChar>?,
    _ outProgram: UnsafeMutablePointer<OpaquePointer?>?, _ outDiagnostics: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    outDiagnostics?.pointee = nil
    guard let outProgram else { return wardenErrNull }
    outProgram.pointee = nil
    guard let engine else { return wardenErrNull }
    guard let box = lookup(engine, as: EngineBox.self) else { return wardenErrInvalidHandle }
    let state = box.state.withLock { $0 }
    return compileC(
        Engine(schema: state.schema, suppliedFacts: state.suppliedFacts), source, length, name, outProgram,
        outDiagnostics)
}
