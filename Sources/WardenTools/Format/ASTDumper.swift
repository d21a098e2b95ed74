import Warden

// S-expression dumps of the AST for tests and debugging, without positions or ids:
// `(|| (> threatLevel medium) rooted)`.
//
//   literal      5  5u  1.5  "text"  b"\x01"  true  null
//   ident        name  (a leading-dot name keeps its dot: `.name`)
//   select       (. operand field)
//   call         (f args...)          method call: (.f target args...)
//   index        ([] operand index)
//   list / map   [a b]                {(k v) (k v)}
//   unary        (! x)  (- x)  (not x)
//   chains       (+ (+ a b) c)        left-folded; `&&`/`||` flat: (&& a b c)
//   conditional  (?: c a b)

/// Prints expressions and files as S-expressions.
enum ASTDumper {
    /// The S-expression of an expression.
    static func dump(_ e: Expr) -> String {
        var out = ""
        write(e, to: &out)
        return out
    }

    /// One line per header and statement.
    static func dump(_ f: PolicyFile) -> String {
        var lines: [String] = []
        if let h = f.header {
            var line = "(policy \(quote(h.name.value))"
            if let a = h.onError { line += " onError \(a.value.rawValue)" }
            lines.append(line + ")")
        }
        for s in f.statements { lines.append(dump(s)) }
        return lines.joined(separator: "\n")
    }

    /// The S-expression of one statement.
    static func dump(_ s: Statement) -> String {
        switch s {
        case .let(let d):
            return "(let \(d.name.value) \(dump(d.value)))"
        case .rule(let r):
            var out = "(rule \(r.name.map { quote($0.value) } ?? "_") \(dump(r.condition))"
            for a in r.actions {
                switch a {
                case .severity(let sev, let message):
                    out += " (\(sev.value.rawValue)" + (message.map { " " + quote($0.value) } ?? "") + ")"
                case .set(let key, let value, _):
                    out += " (set \(key.value) \(dump(value)))"
                }
            }
            return out + ")"
        case .config(let c):
            var out = "(config \(quote(c.name.value))"
            if let r = c.route { out += " route \(r.value.rawValue)" }
            if let apps = c.apps { out += " apps [" + apps.map { quote($0.value) }.joined(separator: " ") + "]" }
            if let groups = c.groups {
                out += " groups [" + groups.map { quote($0.value) }.joined(separator: " ") + "]"
            }
            if c.override != nil { out += " override" }
            for e in c.entries { out += " (\(e.key.value) \(dump(e.value)))" }
            return out + ")"
        case .test(let t):
            var out = "(test \(quote(t.name.value)) (given"
            for g in t.given { out += " (\(g.fact.value) \(dump(g.value)))" }
            out += ") (expect \(t.expect.value.rawValue))"
            if let fired = t.fired { out += " (fired" + fired.map { " " + quote($0.value) }.joined() + ")" }
            if !t.config.isEmpty {
                out += " (config" + t.config.map { " (\($0.key.value) \(dump($0.value)))" }.joined() + ")"
            }
            return out + ")"
        }
    }

    // MARK: - Expressions

    /// Recursive, which is safe because the parser bounds the tree's depth; chains are loops.
    /// Each case is a separate function so that this recursive frame stays small.
    private static func write(_ e: Expr, to out: inout String) {
        switch e.kind {
        case .literal(let l): out += literal(l)
        case .ident(let name): out += name
        case .select: writeSelect(e, to: &out)
        case .call: writeCall(e, to: &out)
        case .index: writeIndex(e, to: &out)
        case .list: writeList(e, to: &out)
        case .map: writeMap(e, to: &out)
        case .unary: writeUnary(e, to: &out)
        case .binary: writeBinary(e, to: &out)
        case .and, .or: writeLogical(e, to: &out)
        case .conditional: writeConditional(e, to: &out)
        }
    }

    private static func writeSelect(_ e: Expr, to out: inout String) {
        guard case .select(let operand, let field, _) = e.kind else { return }
        out += "(. "
        write(operand, to: &out)
        out += " \(field))"
    }

    private static func writeCall(_ e: Expr, to out: inout String) {
        guard case .call(let name, let target, let args, _) = e.kind else { return }
        out += target == nil ? "(\(name)" : "(.\(name)"
        if let target {
            out += " "
            write(target, to: &out)
        }
        for a in args {
            out += " "
            write(a, to: &out)
        }
        out += ")"
    }

    private static func writeIndex(_ e: Expr, to out: inout String) {
        guard case .index(let operand, let index) = e.kind else { return }
        out += "([] "
        write(operand, to: &out)
        out += " "
        write(index, to: &out)
        out += ")"
    }

    private static func writeList(_ e: Expr, to out: inout String) {
        guard case .list(let elements) = e.kind else { return }
        out += "["
        for (i, x) in elements.enumerated() {
            if i > 0 { out += " " }
            write(x, to: &out)
        }
        out += "]"
    }

    private static func writeMap(_ e: Expr, to out: inout String) {
        guard case .map(let entries) = e.kind else { return }
        out += "{"
        for (i, entry) in entries.enumerated() {
            out += i > 0 ? " (" : "("
            write(entry.key, to: &out)
            out += " "
            write(entry.value, to: &out)
            out += ")"
        }
        out += "}"
    }

    private static func writeUnary(_ e: Expr, to out: inout String) {
        guard case .unary(let op, let operand) = e.kind else { return }
        out += "(\(op.rawValue) "
        write(operand, to: &out)
        out += ")"
    }

    private static func writeBinary(_ e: Expr, to out: inout String) {
        guard case .binary(let first, let links) = e.kind else { return }
        for link in links.reversed() { out += "(\(link.op.rawValue) " }
        write(first, to: &out)
        for link in links {
            out += " "
            write(link.rhs, to: &out)
            out += ")"
        }
    }

    private static func writeLogical(_ e: Expr, to out: inout String) {
        let operands: [Expr]
        switch e.kind {
        case .and(let xs):
            out += "(&&"
            operands = xs
        case .or(let xs):
            out += "(||"
            operands = xs
        default: return
        }
        for x in operands {
            out += " "
            write(x, to: &out)
        }
        out += ")"
    }

    private static func writeConditional(_ e: Expr, to out: inout String) {
        guard case .conditional(let c, let a, let b) = e.kind else { return }
        out += "(?: "
        write(c, to: &out)
        out += " "
        write(a, to: &out)
        out += " "
        write(b, to: &out)
        out += ")"
    }

    private static func literal(_ l: Literal) -> String {
        switch l {
        case .int(let v): return String(v)
        case .uint(let v): return "\(v)u"
        case .double(let d): return "\(d)"
        case .string(let s): return quote(s)
        case .bytes(let b):
            return "b\""
                + b.map { byte in
                    byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C
                        ? String(Character(Unicode.Scalar(byte)))
                        : "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
                }.joined() + "\""
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// A double-quoted string with `"`, `\` and control characters escaped.
    static func quote(_ s: String) -> String { ValuePrinter.quote(s) }
}
