// Device facts from JSON (CLI.md "Facts JSON"): JSON types taken strictly. A fact given badly
// (wrong JSON type, out of its domain, `null`, or twice) is malformed, not missing: it is listed as
// a fact error, and a rule that reads it, `has()` included, errs (Input, Evaluator).

extension Input {
    /// One device read from JSON: its input, its `id` as JSON text (if any).
    public struct JSONDevice: Sendable {
        /// The facts.
        public var input: Input
        /// The device's `id` field, re-encoded as JSON text, when it has one.
        public var idJSON: String?

        package init(input: Input, idJSON: String?) {
            self.input = input
            self.idJSON = idJSON
        }
    }
}

extension Input {
    /// Why a JSON line or document could not be read as a device.
    public struct Error: Swift.Error, Sendable, Hashable {
        /// Lowercase message.
        public var message: String

        package init(message: String) { self.message = message }
    }
}

extension Program {
    /// Reads one device from the bytes of a JSON object (one JSON Lines line).
    public func device(json bytes: UnsafeBufferPointer<UInt8>) -> Result<Input.JSONDevice, Input.Error> {
        switch JSONParser.parse(bytes) {
        case .failure(let e): return .failure(FactsError(message: "invalid JSON: \(e.message) at byte \(e.offset + 1)"))
        case .success(let v): return device(json: v)
        }
    }

    /// Reads one device from the bytes of a JSON object.
    public func device(json bytes: [UInt8]) -> Result<Input.JSONDevice, Input.Error> {
        bytes.withUnsafeBufferPointer { device(json: $0) }
    }

    /// Converts a parsed JSON object into a device.
    package func device(json value: JSONValue) -> Result<JSONDevice, FactsError> { schema.device(json: value) }
}

extension Schema {
    /// Reads one device from the bytes of a JSON object, against this schema.
    public func device(json bytes: [UInt8]) -> Result<Input.JSONDevice, Input.Error> {
        switch JSONParser.parse(bytes) {
        case .failure(let e): return .failure(FactsError(message: "invalid JSON: \(e.message) at byte \(e.offset + 1)"))
        case .success(let v): return device(json: v)
        }
    }

    /// Converts a parsed JSON object into a device.
    package func device(json value: JSONValue) -> Result<JSONDevice, FactsError> {
        let schema = self
        guard case .object(let fields) = value else {
            return .failure(FactsError(message: "a device must be a JSON object, not a JSON \(value.kindName)"))
        }
        var input = Input(slots: schema.facts.count)
        var id: String?
        var seen = Set<Int>()
        var unknown = Set<String>()  // not `unknownNames.contains`: quadratic on 100,000 keys
        for (key, v) in fields {
            if key == "id" {
                id = v.text
                continue
            }
            guard let slot = schema.slot(ofFact: key) else {
                if unknown.insert(key).inserted { input.fast.unknownNames.append(key) }
                continue
            }
            if !seen.insert(slot).inserted {
                input.setMalformed(slot: slot, name: key, message: malformedFactMessage(key, "it is given twice"))
                continue
            }
            switch Schema.convert(v, to: schema.facts[slot].type) {
            case .success(let value): input.facts[slot] = value
            case .failure(let why):
                input.setMalformed(slot: slot, name: key, message: malformedFactMessage(key, why.message))
            }
        }
        return .success(JSONDevice(input: input, idJSON: id))
    }

    /// Converts a JSON value to a fact of the given type, strictly; the failure says why not
    /// (the part of the malformed fact's message after the name).
    static func convert(_ v: JSONValue, to type: WardenType) -> Result<Value, FactsError> {
        func wrong() -> Result<Value, FactsError> {
            .failure(FactsError(message: "expected \(type.jsonDescription), got \(Schema.excerpt(v))"))
        }
        switch (type, v) {
        case (.bool, .bool(let b)): return .success(.bool(b))
        case (.int, .int(let i)): return .success(.int(i))
        case (.int, .double(let d)) where d >= 0x1p63 || d < -0x1p63:  // integer syntax past Int64 (or an exponent)
            return .failure(
                FactsError(message: "expected an integer, got \(Schema.excerpt(v)), out of the 64-bit range"))
        case (.double, .double(let d)): return .success(.double(d))
        case (.double, .int(let i)): return .success(.double(Double(i)))
        case (.string, .string(let s)): return .success(.string(s))
        case (.version, .string(let s)):
            guard let ver = Version(s) else {
                return .failure(FactsError(message: "\(Schema.quoted(s)) is not a version (such as \"13.0.2\")"))
            }
            return .success(.version(ver))
        case (.date, .string(let s)):
            guard let d = Day(s) else {
                return .failure(FactsError(message: "\(Schema.quoted(s)) is not a calendar date (YYYY-MM-DD)"))
            }
            return .success(.date(d))
        case (.enumeration(let en), .string(let s)):
            guard let o = en.ordinal(of: s) else {
                return .failure(
                    FactsError(
                        message:
                            "\(Schema.quoted(s)) is not a member of \(en.name) (\(en.members.joined(separator: ", ")))"
                    ))
            }
            return .success(.enumMember(en, o))
        case (.list(let el), .array(let items)):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for (k, item) in items.enumerated() {
                switch convert(item, to: el) {
                case .success(let x): out.append(x)
                case .failure(let why):
                    return .failure(
                        FactsError(message: "expected \(type.jsonDescription), got element \(k + 1): \(why.message)"))
                }
            }
            return .success(.list(out))
        default:
            return wrong()
        }
    }

    /// A JSON value in a message: its kind and, for a scalar, its text (a long string shortened).
    static func excerpt(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "boolean true" : "boolean false"
        case .int, .double: return "number \(v.text)"
        case .string(let s): return "string \(quoted(s))"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// A string as JSON text, shortened past 64 scalars (a megabyte of garbage makes a short message).
    static func quoted(_ s: String) -> String {
        var w = JSONWriter()
        let limit = 64
        var scalars = s.unicodeScalars.makeIterator()
        var head = String.UnicodeScalarView()
        var taken = 0
        var longer = false
        while let c = scalars.next() {
            if taken == limit {
                longer = true
                break
            }
            head.append(c)
            taken += 1
        }
        w.string(longer ? String(head) + "…" : s)
        return w.text
    }
}

extension WardenType {
    /// How a fact of this type is written in JSON, for messages.
    var jsonDescription: String {
        switch self {
        case .bool: "true or false"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .version: "a version string"
        case .date: "a date string"
        case .enumeration(let e): "one of \(e.members.map { "\"\($0)\"" }.joined(separator: ", "))"
        case .list(let el): el == .string ? "an array of strings" : "an array of `\(el)` values"
        default: "`\(self)`"
        }
    }
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias JSONDevice = Input.JSONDevice
package typealias FactsError = Input.Error
