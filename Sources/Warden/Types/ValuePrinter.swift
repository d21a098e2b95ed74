/// Prints values as Warden source text (what the REPL shows: `[1, 2u, "a"]`, `ThreatLevel.medium`).
package enum ValuePrinter {
    package static func display(_ v: Value) -> String {
        var out = ""
        write(v, into: &out, depth: 0)
        return out
    }

    static func write(_ v: Value, into out: inout String, depth: Int) {
        guard depth < 64 else {
            out += "…"
            return
        }
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += "\(u)u"
        case .double(let d): out += formatDouble(d)
        case .string(let s): out += quote(s)
        case .bytes(let b): out += "b" + quoteBytes(b)
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                write(item, into: &out, depth: depth + 1)
            }
            out += "]"
        case .map(let m):
            out += "{"
            for i in 0..<m.count {
                if i > 0 { out += ", " }
                write(m.keys[i], into: &out, depth: depth + 1)
                out += ": "
                write(m.values[i], into: &out, depth: depth + 1)
            }
            out += "}"
        case .type(let t): out += t.typeName
        case .enumMember(let e, let o): out += "\(e.name).\(e.member(at: o))"
        case .version(let v): out += "version(\(quote(v.text)))"
        case .date(let d): out += "date(\"\(d)\")"
        }
    }

    /// Doubles always show a decimal point or exponent so they read back as doubles.
    static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        let s = String(d)
        if s.contains(".") || s.contains("e") || s.contains("n") { return s }
        return s + ".0"
    }

    package static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    out += "\\x" + hex2(UInt8(u.value))
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func quoteBytes(_ b: [UInt8]) -> String {
        var out = "\""
        for c in b {
            switch c {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(c))
            default: out += "\\x" + hex2(c)
            }
        }
        return out + "\""
    }

    static func hex2(_ c: UInt8) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var s = ""
        s.unicodeScalars.append(digits[Int(c >> 4)])
        s.unicodeScalars.append(digits[Int(c & 15)])
        return s
    }
}
