/// A parsed JSON value. Objects keep their members in input order, duplicates included.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written in integer syntax (no fraction, no exponent) that fits in `Int64`.
    case int(Int64)
    /// Any other number: with a fraction or exponent, or an integer too large for `Int64`.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    package static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            for k in 0..<x.count where x[k].key != y[k].key || x[k].value != y[k].value { return false }
            return true
        default: return false
        }
    }

    /// The JSON kind, for messages: `null`, `boolean`, `number`, `string`, `array`, `object`.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The value of the first member named `key`, when this is an object that has one.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for m in members where m.key == key { return m.value }
        return nil
    }

    /// The compact JSON text of this value.
    var text: String {
        var w = JSONWriter()
        w.value(self)
        return w.text
    }
}

/// A JSON syntax or decoding error: a lowercase message and the byte offset where it was found.
package struct JSONError: Error, Sendable, Equatable {
    package var message: String
    /// Byte offset into the input (0 for errors about an already-parsed value, such as typed-value decoding).
    package var offset: Int
}

extension JSONError {
    init(_ message: String, at offset: Int) {
        self.init(message: message, offset: offset)
    }
}
