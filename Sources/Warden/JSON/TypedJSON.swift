/// The typed-value JSON of `conformance/cel/README.md` plus Warden's domain types (CLI.md):
/// every value is an object with exactly one key naming its kind, e.g. `{"int":"7"}`,
/// `{"double":1.5}`, `{"list":[...]}`, `{"map":[[k,v],...]}`, `{"enum":"ThreatLevel.medium"}`.
package enum TypedJSON {
    /// How deep typed values may nest when decoding (each level is two JSON levels).
    static let maxDepth = 200

    // MARK: encoding

    package static func encode(_ v: Value) -> String {
        var w = JSONWriter()
        write(v, into: &w)
        return w.text
    }

    /// Appends the typed encoding of `v`.
    static func write(_ v: Value, into w: inout JSONWriter) {
        switch v {
        case .null: w.raw("{\"null\":true}")
        case .bool(let b): w.raw(b ? "{\"bool\":true}" : "{\"bool\":false}")
        case .int(let i):
            w.raw("{\"int\":\"")
            w.int(i)
            w.raw("\"}")
        case .uint(let u):
            w.raw("{\"uint\":\"")
            w.uint(u)
            w.raw("\"}")
        case .double(let d):
            w.raw("{\"double\":")
            if d.isNaN {
                w.raw("\"NaN\"")
            } else if d.isInfinite {
                w.raw(d < 0 ? "\"-Infinity\"" : "\"Infinity\"")
            } else {
                w.double(d)
            }
            w.raw("}")
        case .string(let s):
            w.raw("{\"string\":")
            w.string(s)
            w.raw("}")
        case .bytes(let b):
            w.raw("{\"bytes\":\"")
            w.raw(text: Base64.encode(b))
            w.raw("\"}")
        case .list(let items):
            w.raw("{\"list\":[")
            for (k, item) in items.enumerated() {
                if k > 0 { w.raw(",") }
                write(item, into: &w)
            }
            w.raw("]}")
        case .map(let m):
            w.raw("{\"map\":[")
            for k in 0..<m.count {
                if k > 0 { w.raw(",") }
                w.raw("[")
                write(m.keys[k], into: &w)
                w.raw(",")
                write(m.values[k], into: &w)
                w.raw("]")
            }
            w.raw("]}")
        case .type(let t):
            w.raw("{\"type\":")
            w.string(t.typeName)
            w.raw("}")
        case .enumMember(let e, let o):
            w.raw("{\"enum\":")
            w.string("\(e.name).\(e.member(at: o))")
            w.raw("}")
        case .version(let version):
            w.raw("{\"version\":")
            w.string(version.text)
            w.raw("}")
        case .date(let d):
            w.raw("{\"date\":")
            w.string(d.description)
            w.raw("}")
        }
    }

    /// `{"error":"message"}`.
    package static func error(_ message: String) -> String {
        var w = JSONWriter()
        w.raw("{\"error\":")
        w.string(message)
        w.raw("}")
        return w.text
    }

    // MARK: decoding

    /// Decodes one typed value. Errors carry offset 0 (the JSON is already parsed).
    static func decode(_ j: JSONValue) -> Result<Value, JSONError> {
        do {
            return .success(try value(j, depth: 0))
        } catch {
            return .failure(error)
        }
    }

    /// Decodes a bindings object `{"x": {"int":"5"}, ...}`; names must be distinct.
    package static func decodeBindings(_ j: JSONValue) -> Result<[String: Value], JSONError> {
        guard case .object(let members) = j else {
            return .failure(JSONError("bindings must be a JSON object, not \(article(j.kindName))", at: 0))
        }
        var out: [String: Value] = [:]
        out.reserveCapacity(members.count)
        for m in members {
            guard out[m.key] == nil else { return .failure(JSONError("duplicate binding `\(m.key)`", at: 0)) }
            switch decode(m.value) {
            case .success(let v): out[m.key] = v
            case .failure(let e): return .failure(JSONError("binding `\(m.key)`: \(e.message)", at: 0))
            }
        }
        return .success(out)
    }

    private static func fail(_ message: String) -> JSONError { JSONError(message: message, offset: 0) }

    private static func article(_ kind: String) -> String {
        kind == "array" || kind == "object" ? "an \(kind)" : "a \(kind)"
    }

    private static func value(_ j: JSONValue, depth: Int) throws(JSONError) -> Value {
        guard depth < maxDepth else { throw fail("typed value nested deeper than \(maxDepth) levels") }
        guard case .object(let members) = j else {
            throw fail("a typed value must be an object with one key, not \(article(j.kindName))")
        }
        guard members.count == 1, let kind = members.first?.key, let body = members.first?.value else {
            throw fail("a typed value must be an object with exactly one key, not \(members.count)")
        }
        func expectString() throws(JSONError) -> String {
            guard case .string(let s) = body else {
                throw fail("`\(kind)` must be a JSON string, not \(article(body.kindName))")
            }
            return s
        }
        switch kind {
        case "null":
            guard body == .bool(true) else { throw fail("`null` must be `true`") }
            return .null
        case "bool":
            guard case .bool(let b) = body else {
                throw fail("`bool` must be a JSON boolean, not \(article(body.kindName))")
            }
            return .bool(b)
        case "int":
            let s = try expectString()
            guard isDecimal(s, allowMinus: true), let i = Int64(s) else { throw fail("invalid int `\(s)`") }
            return .int(i)
        case "uint":
            let s = try expectString()
            guard isDecimal(s, allowMinus: false), let u = UInt64(s) else { throw fail("invalid uint `\(s)`") }
            return .uint(u)
        case "double":
            switch body {
            case .int(let i): return .double(Double(i))
            case .double(let d): return .double(d)
            case .string("NaN"): return .double(.nan)
            case .string("Infinity"): return .double(.infinity)
            case .string("-Infinity"): return .double(-.infinity)
            case .string(let s): throw fail("invalid double `\(s)`")
            default: throw fail("`double` must be a JSON number or string, not \(article(body.kindName))")
            }
        case "string":
            return .string(try expectString())
        case "bytes":
            let s = try expectString()
            guard let b = Base64.decode(s) else { throw fail("invalid base64 in `bytes`") }
            return .bytes(b)
        case "list":
            guard case .array(let items) = body else {
                throw fail("`list` must be a JSON array, not \(article(body.kindName))")
            }
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try value(item, depth: depth + 1)) }
            return .list(out)
        case "map":
            guard case .array(let entries) = body else {
                throw fail("`map` must be a JSON array of pairs, not \(article(body.kindName))")
            }
            var pairs: [(Value, Value)] = []
            pairs.reserveCapacity(entries.count)
            for entry in entries {
                guard case .array(let pair) = entry, pair.count == 2 else {
                    throw fail("a `map` entry must be a `[key, value]` array")
                }
                let k = try value(pair[0], depth: depth + 1)
                switch k {
                case .bool, .int, .uint, .string: break
                default: throw fail("a map key must be a bool, int, uint or string, not \(k.type.typeName)")
                }
                pairs.append((k, try value(pair[1], depth: depth + 1)))
            }
            return .map(MapValue(pairs))
        case "type":
            let s = try expectString()
            guard let t = typeNamed(s) else { throw fail("unknown type `\(s)`") }
            return .type(t)
        case "enum":
            let s = try expectString()
            guard let m = enumMember(s) else { throw fail("unknown enum member `\(s)`") }
            return m
        case "version":
            let s = try expectString()
            guard let version = Version(s) else { throw fail("invalid version `\(s)`") }
            return .version(version)
        case "date":
            let s = try expectString()
            guard let d = Day(s) else { throw fail("invalid date `\(s)`") }
            return .date(d)
        default:
            throw fail("unknown typed value kind `\(kind)`")
        }
    }

    /// `-?[0-9]+` (Int64/UInt64 init would also take a leading `+`).
    private static func isDecimal(_ s: String, allowMinus: Bool) -> Bool {
        var digits = 0
        for (k, c) in s.utf8.enumerated() {
            if c == 0x2D && k == 0 && allowMinus { continue }
            guard c >= 0x30 && c <= 0x39 else { return false }
            digits += 1
        }
        return digits > 0
    }

    /// The type value a `{"type": name}` names (the names `type()` values print as).
    static func typeNamed(_ name: String) -> WardenType? {
        switch name {
        case "bool": .bool
        case "int": .int
        case "uint": .uint
        case "double": .double
        case "string": .string
        case "bytes": .bytes
        case "null_type": .null
        case "type": .type
        case "list": .list(.dyn)
        case "map": .map(.dyn, .dyn)
        case "version": .version
        case "date": .date
        default: EnumType.builtin(named: name).map { .enumeration($0) }
        }
    }

    /// `ThreatLevel.medium` → the member.
    static func enumMember(_ text: String) -> Value? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let e = EnumType.builtin(named: String(parts[0])),
            let o = e.ordinal(of: String(parts[1]))
        else { return nil }
        return .enumMember(e, o)
    }
}
