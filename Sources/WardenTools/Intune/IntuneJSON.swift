import Warden

// Small JSON helpers for the Graph bodies: member lookup, building, and the indented text the
// export writes (2 spaces, members in the order given, as Graph's own examples are laid out).

extension JSONValue {
    /// The value of the first member named `key`, when this is an object that has one.
    package func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for m in members where m.key == key { return m.value }
        return nil
    }

    /// The members, when this is an object.
    package var members: [(key: String, value: JSONValue)]? {
        if case .object(let m) = self { return m }
        return nil
    }

    /// The string, when this is one.
    package var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The JSON kind, for messages.
    package var kindText: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Indented JSON text (2 spaces), ending without a newline.
    package var prettyText: String {
        var out = ""
        IntuneJSON.write(self, indent: 0, into: &out)
        return out
    }

    /// Compact JSON text.
    package var compactText: String {
        var w = JSONWriter(capacity: 256)
        w.value(self)
        return w.text
    }
}

package enum IntuneJSON {
    static func write(_ v: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent + 2)
        let end = String(repeating: " ", count: indent)
        switch v {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (k, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 2, into: &out)
                out += k + 1 < items.count ? ",\n" : "\n"
            }
            out += end + "]"
        case .object(let members) where !members.isEmpty:
            out += "{\n"
            for (k, m) in members.enumerated() {
                out += pad + JSONWriter.quoted(m.key) + ": "
                write(m.value, indent: indent + 2, into: &out)
                out += k + 1 < members.count ? ",\n" : "\n"
            }
            out += end + "}"
        default:
            out += v.compactText
        }
    }

    /// A JSON path step for an object member: `.name`, or `["odd name"]`.
    package static func step(_ key: String) -> String {
        let plain =
            !key.isEmpty
            && key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
        return plain ? "." + key : "[" + JSONWriter.quoted(key) + "]"
    }

    /// The 1-based line and column of a byte offset in `bytes`.
    package static func lineColumn(_ bytes: [UInt8], _ offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var col = 1
        for b in bytes.prefix(max(0, offset)) {
            if b == 0x0A {
                line += 1
                col = 1
            } else if b & 0xC0 != 0x80 {
                col += 1
            }
        }
        return (line, col)
    }
}
