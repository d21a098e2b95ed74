// Checked arithmetic, CEL's heterogeneous numeric comparison, and the conversions of
// `int() uint() double() string() bytes() bool()`. Nothing here traps: every operation that
// can overflow reports it, every conversion is range-checked.

// MARK: - Error wording (cel-spec's where the conformance suite has one)

extension EvalError {
    static func noOverload(_ op: String, _ args: [Value]) -> EvalError {
        let types = args.map { $0.type.typeName }.joined(separator: ", ")
        return EvalError(.noSuchOverload, "no such overload: '\(op)' applied to '(\(types))'")
    }
    static let overflow = EvalError(.overflow, "return error for overflow")
    static let divideByZero = EvalError(.divisionByZero, "divide by zero")
    static let modulusByZero = EvalError(.divisionByZero, "modulus by zero")
    static func rangeError(_ what: String) -> EvalError {
        EvalError(.conversion, "range error: \(what) out of range")
    }
    static func conversion(_ message: String) -> EvalError {
        EvalError(.conversion, "type conversion error: \(message)")
    }
    static func undeclared(_ name: String) -> EvalError {
        EvalError(.noSuchVariable, "undeclared reference to '\(name)' (in container '')")
    }
    static func noSuchKey(_ key: Value) -> EvalError {
        switch key {
        case .string(let s): EvalError(.noSuchKey, "no such key: '\(s)'")
        default: EvalError(.noSuchKey, "no such key: \(key)")
        }
    }
    static func limit(_ steps: Int) -> EvalError {
        EvalError(.limitExceeded, "evaluation cost limit exceeded (\(steps) steps)", data: ErrorData(limit: steps))
    }
}

enum Arithmetic {
    // MARK: - Checked integer operations

    static func add(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw .overflow }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw .overflow }
            return .uint(r)
        case (.double(let x), .double(let y)):
            return .double(x + y)
        default:
            throw .noOverload("_+_", [a, b])
        }
    }

    static func subtract(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw .overflow }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw .overflow }
            return .uint(r)
        case (.double(let x), .double(let y)):
            return .double(x - y)
        default:
            throw .noOverload("_-_", [a, b])
        }
    }

    static func multiply(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw .overflow }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw .overflow }
            return .uint(r)
        case (.double(let x), .double(let y)):
            return .double(x * y)
        default:
            throw .noOverload("_*_", [a, b])
        }
    }

    static func divide(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { throw .divideByZero }
            let (r, o) = x.dividedReportingOverflow(by: y)
            if o { throw .overflow }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { throw .divideByZero }
            return .uint(x / y)
        case (.double(let x), .double(let y)):
            return .double(x / y)
        default:
            throw .noOverload("_/_", [a, b])
        }
    }

    static func remainder(_ a: Value, _ b: Value) throws(EvalError) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { throw .modulusByZero }
            let (r, o) = x.remainderReportingOverflow(dividingBy: y)
            if o { throw .overflow }
            return .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { throw .modulusByZero }
            return .uint(x % y)
        default:
            throw .noOverload("_%_", [a, b])
        }
    }

    static func negate(_ a: Value) throws(EvalError) -> Value {
        switch a {
        case .int(let x):
            let (r, o) = Int64(0).subtractingReportingOverflow(x)
            if o { throw .overflow }
            return .int(r)
        case .double(let x):
            return .double(-x)
        default:
            throw .noOverload("-_", [a])
        }
    }

    // MARK: - Numeric comparison (across int, uint and double, as cel-go)

    /// -1, 0 or 1 comparing two numbers by value (int and uint exactly, against doubles as cel-go);
    /// nil when either is NaN or not a number.
    static func compareNumbers(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return cmp(x, y)
        case (.uint(let x), .uint(let y)): return cmp(x, y)
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.int(let x), .uint(let y)): return x < 0 ? -1 : cmp(UInt64(x.magnitude), y)
        case (.uint(let x), .int(let y)): return y < 0 ? 1 : cmp(x, UInt64(y.magnitude))
        case (.int(let x), .double(let y)): return compareInt(x, y)
        case (.double(let x), .int(let y)): return compareInt(y, x).map { -$0 }
        case (.uint(let x), .double(let y)): return compareUInt(x, y)
        case (.double(let x), .uint(let y)): return compareUInt(y, x).map { -$0 }
        default: return nil
        }
    }

    static func isNumber(_ v: Value) -> Bool {
        switch v {
        case .int, .uint, .double: true
        default: false
        }
    }

    static func cmp<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }

    /// Compares an int with a double as cel-go does: out-of-range doubles are beyond every
    /// int, otherwise the int is converted to double (so `9223372036854775807 == 2.0^63`, as
    /// the conformance suite expects).
    static func compareInt(_ i: Int64, _ d: Double) -> Int? {
        if d.isNaN { return nil }
        if d < -9_223_372_036_854_775_808.0 { return 1 }
        if d > 9_223_372_036_854_775_808.0 { return -1 }
        let x = Double(i)
        return x < d ? -1 : (x > d ? 1 : 0)
    }

    /// Compares a uint with a double, the same way.
    static func compareUInt(_ u: UInt64, _ d: Double) -> Int? {
        if d.isNaN { return nil }
        if d < 0 { return 1 }
        if d > 18_446_744_073_709_551_616.0 { return -1 }
        let x = Double(u)
        return x < d ? -1 : (x > d ? 1 : 0)
    }

    // MARK: - Conversions

    static func toInt(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .int: return v
        case .uint(let u):
            guard let i = Int64(exactly: u) else { throw .rangeError("uint") }
            return .int(i)
        case .double(let d):
            guard d.isFinite, d > -9_223_372_036_854_775_808.0, d < 9_223_372_036_854_775_808.0,
                let i = Int64(exactly: d.rounded(.towardZero))
            else { throw .rangeError("double") }
            return .int(i)
        case .string(let s):
            guard let i = parseInt(s) else { throw .conversion("cannot convert '\(s)' to int") }
            return .int(i)
        case .enumMember(_, let o):
            return .int(Int64(o))
        default:
            throw .noOverload("int", [v])
        }
    }

    static func toUInt(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .uint: return v
        case .int(let i):
            guard let u = UInt64(exactly: i) else { throw .rangeError("int") }
            return .uint(u)
        case .double(let d):
            guard d.isFinite, d > -1, d < 18_446_744_073_709_551_616.0,
                let u = UInt64(exactly: d.rounded(.towardZero))
            else { throw .rangeError("double") }
            return .uint(u)
        case .string(let s):
            guard let u = parseUInt(s) else { throw .conversion("cannot convert '\(s)' to uint") }
            return .uint(u)
        default:
            throw .noOverload("uint", [v])
        }
    }

    static func toDouble(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .double: return v
        case .int(let i): return .double(Double(i))
        case .uint(let u): return .double(Double(u))
        case .string(let s):
            guard let d = parseDouble(s) else { throw .conversion("cannot convert '\(s)' to double") }
            return .double(d)
        default:
            throw .noOverload("double", [v])
        }
    }

    static func toStringValue(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .string: return v
        case .int(let i): return .string(String(i))
        case .uint(let u): return .string(String(u))
        case .double(let d): return .string(formatDouble(d))
        case .bool(let b): return .string(b ? "true" : "false")
        case .bytes(let b):
            guard let s = decodeUTF8(b) else { throw EvalError(.conversion, "invalid UTF-8 in bytes") }
            return .string(s)
        case .version(let ver): return .string(ver.text)
        case .date(let d): return .string(d.description)
        case .enumMember(let e, let o): return .string(e.member(at: o))
        case .type(let t): return .string(t.typeName)
        default:
            throw .noOverload("string", [v])
        }
    }

    static func toBytes(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .bytes: return v
        case .string(let s): return .bytes(Array(s.utf8))
        default: throw .noOverload("bytes", [v])
        }
    }

    static func toBool(_ v: Value) throws(EvalError) -> Value {
        switch v {
        case .bool: return v
        case .string(let s):
            switch s {
            case "1", "t", "true", "TRUE", "True": return .bool(true)
            case "0", "f", "false", "FALSE", "False": return .bool(false)
            default: throw .conversion("cannot convert '\(s)' to bool")
            }
        default: throw .noOverload("bool", [v])
        }
    }

    // MARK: - Strict parsing

    /// Decimal digits with an optional sign, as Go's `strconv.ParseInt(s, 10, 64)`.
    static func parseInt(_ s: String) -> Int64? {
        var u = Substring(s).utf8[...]
        var negative = false
        if let f = u.first, f == 0x2B || f == 0x2D {
            negative = f == 0x2D
            u = u.dropFirst()
        }
        guard !u.isEmpty else { return nil }
        var mag: UInt64 = 0
        for c in u {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            let (m, o1) = mag.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
            if o1 || o2 { return nil }
            mag = a
        }
        if negative {
            if mag == UInt64(Int64.max) + 1 { return Int64.min }
            guard let i = Int64(exactly: mag) else { return nil }
            return -i
        }
        return Int64(exactly: mag)
    }

    static func parseUInt(_ s: String) -> UInt64? {
        var u = Substring(s).utf8[...]
        if let f = u.first, f == 0x2B { u = u.dropFirst() }
        guard !u.isEmpty else { return nil }
        var mag: UInt64 = 0
        for c in u {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            let (m, o1) = mag.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
            if o1 || o2 { return nil }
            mag = a
        }
        return mag
    }

    /// A decimal floating-point number, `inf`/`infinity`/`nan` in any case (as Go's ParseFloat).
    static func parseDouble(_ s: String) -> Double? {
        guard !s.isEmpty, s.utf8.count < 1000 else { return nil }
        for c in s.utf8 {
            let ok =
                (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2B || c == 0x2D || c == 0x65 || c == 0x45
                || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A)
            if !ok { return nil }
        }
        let lower = s.lowercased()
        var body = Substring(lower)
        var sign = 1.0
        if let f = body.first, f == "+" || f == "-" {
            sign = f == "-" ? -1 : 1
            body = body.dropFirst()
        }
        if body == "inf" || body == "infinity" { return sign * Double.infinity }
        if body == "nan" { return Double.nan }
        // Only digits, one dot, and an exponent: no hex floats or other spellings.
        for c in body.utf8 where !((c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2B || c == 0x2D || c == 0x65) {
            return nil
        }
        return Double(lower)
    }

    static func decodeUTF8(_ b: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        var it = b.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s): scalars.append(s)
            case .emptyInput: return String(scalars)
            case .error: return nil
            }
        }
    }

    // MARK: - Double formatting (Go's `%g`, as cel-go's `string(double)`)

    static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        // Swift prints the shortest round-tripping digits; take them apart.
        let text = String(d.magnitude)
        var mantissa = Substring(text)
        var exp10 = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[text.startIndex..<e]
            exp10 = Int(text[text.index(after: e)...]) ?? 0
        }
        var intPart = mantissa
        var fracPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = mantissa[mantissa.startIndex..<dot]
            fracPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = Array((intPart + fracPart).utf8)
        var dp = intPart.utf8.count + exp10  // decimal point position within digits
        while let f = digits.first, f == 0x30, digits.count > 1 {
            digits.removeFirst()
            dp -= 1
        }
        while let l = digits.last, l == 0x30, digits.count > 1 { digits.removeLast() }
        let nd = digits.count
        let x = dp - 1
        var out = d < 0 ? "-" : ""
        if x < -4 || x >= 6 {
            // %e form: d.ddde±XX
            out.unicodeScalars.append(Unicode.Scalar(digits[0]))
            if nd > 1 {
                out += "."
                for c in digits[1...] { out.unicodeScalars.append(Unicode.Scalar(c)) }
            }
            out += x < 0 ? "e-" : "e+"
            let ax = x.magnitude
            out += ax < 10 ? "0\(ax)" : "\(ax)"
            return out
        }
        if dp <= 0 {
            out += "0." + String(repeating: "0", count: -dp)
            for c in digits { out.unicodeScalars.append(Unicode.Scalar(c)) }
        } else if dp >= nd {
            for c in digits { out.unicodeScalars.append(Unicode.Scalar(c)) }
            out += String(repeating: "0", count: dp - nd)
        } else {
            for c in digits[0..<dp] { out.unicodeScalars.append(Unicode.Scalar(c)) }
            out += "."
            for c in digits[dp...] { out.unicodeScalars.append(Unicode.Scalar(c)) }
        }
        return out
    }
}
