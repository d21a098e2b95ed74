// Fix-its for a comparison of a typed value with a literal of the wrong type whose intended
// type is clear: `osVersion < 11` → `"11"`, `pinAttempts >= "5"` → `5`, `rooted == "true"` →
// `true`, `groups == "Sales"` → `"Sales" in groups` (and their mirror images). The fix-it
// replaces the text of the diagnostic's span, so the error points at what is to be replaced.

extension Checker {
    /// Reports a mismatch of `l op r` with a fix-it when one side is a literal whose intended
    /// type is clear from the other side; false when there is none (the caller reports the plain error).
    func reportLiteralMismatch(
        _ op: BinaryOp, _ l: Expr, _ r: Expr, _ lt: WardenType, _ rt: WardenType,
        span: SourceSpan, mismatched: Bool
    ) -> Bool {
        guard mismatched, op.isRelation, op != .in, lt != .error, rt != .error, !lt.isDynamic, !rt.isDynamic else {
            return false
        }
        for (lit, other, litType, otherType) in [(r, l, rt, lt), (l, r, lt, rt)] {
            guard case .literal(let value) = lit.kind else { continue }
            // `groups == "Sales"` → `"Sales" in groups`: membership in a list of that literal's type.
            if op == .equal || op == .notEqual, case .list(let el) = otherType, comparableForEquality(litType, el) {
                let litText = source.text(lit.span)
                let listText = source.text(other.span)
                let fix = op == .equal ? "\(litText) in \(listText)" : "!(\(litText) in \(listText))"
                error(
                    .cannotCompare,
                    "cannot compare `\(lt)` with `\(rt)`; to test membership, write `\(fix)`", span, fixIt: fix)
                return true
            }
            guard let fix = convertedLiteral(value, lit.span, to: otherType) else { continue }
            error(
                .cannotCompare,
                "cannot compare `\(lt)` with `\(rt)`\(op == .equal || op == .notEqual ? "" : " using `\(op.rawValue)`"); "
                    + "did you mean `\(fix)`?", lit.span, fixIt: fix)
            return true
        }
        return false
    }

    /// The literal written as the type `target` wants, when that reading is clear.
    func convertedLiteral(_ value: Literal, _ span: SourceSpan, to target: WardenType) -> String? {
        switch (value, target) {
        case (.int, .version), (.uint, .version), (.double, .version),
            (.int, .string), (.uint, .string), (.double, .string):
            let text = source.text(span).filter { $0 != "u" && $0 != "U" }
            return "\"\(text)\""
        case (.string(let s), .int):
            return Checker.integerValue(s) != nil ? s : nil
        case (.string(let s), .uint):
            guard let i = Checker.integerValue(s), i >= 0 else { return nil }
            return "\(s)u"
        case (.string(let s), .double):
            if Checker.integerValue(s) != nil { return s }
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let whole = parts.first, let fraction = parts.last, !fraction.isEmpty,
                Checker.integerValue(String(whole)) != nil, fraction.allSatisfy({ $0.isASCII && $0.isNumber })
            else { return nil }
            return s
        case (.string(let s), .bool):
            switch s.lowercased() {
            case "true": return "true"
            case "false": return "false"
            default: return nil
            }
        case (.bool(let b), .string):
            return "\"\(b)\""
        default:
            return nil
        }
    }
}

extension Checker {
    /// A string configuration value that the key accepts once unquoted (`"0"` → `0`, `"true"` →
    /// `true`), as text; nil when unquoting does not help.
    func unquotedConfigValue(_ lit: Literal, key: Int) -> String? {
        guard case .string(let s) = lit, key >= 0, key < schema.keys.count else { return nil }
        let candidates: [(Literal, String)]
        if let i = Checker.integerValue(s) {
            candidates = [(.int(i), String(i))]
        } else if s == "true" || s == "false" {
            candidates = [(.bool(s == "true"), s)]
        } else {
            return nil
        }
        for (l, text) in candidates {
            if case .success = schema.keys[key].normalize(l) { return text }
        }
        return nil
    }
}

extension Checker {
    /// The value of a decimal integer text (`-12`, `5`) that fits 64 bits; nil for anything else.
    static func integerValue(_ s: String) -> Int64? {
        var digits = Substring(s)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value: Int64 = 0
        for c in digits.unicodeScalars {
            guard c >= "0" && c <= "9" else { return nil }
            value = value &* 10 &+ Int64(truncatingIfNeeded: c.value &- 48)
        }
        return negative ? 0 &- value : value
    }
}
