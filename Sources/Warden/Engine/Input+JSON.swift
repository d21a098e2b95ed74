// Device facts from JSON (CLI.md "Facts JSON"): JSON types taken strictly, a badly given fact
// counts as missing and is listed as a fact error.

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

/// Why a JSON line or document could not be read as a device.
public struct FactsError: Error, Sendable, Hashable {
    /// Lowercase message.
    public var message: String

    package init(message: String) { self.message = message }
}

extension Program {
    /// Reads one device from the bytes of a JSON object (one JSON Lines line).
    public func device(json bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONDevice, FactsError> {
        switch JSONParser.parse(bytes) {
        case .failure(let e): return .failure(FactsError(message: "invalid JSON: \(e.message) at byte \(e.offset + 1)"))
        case .success(let v): return device(json: v)
        }
    }

    /// Reads one device from the bytes of a JSON object.
    public func device(json bytes: [UInt8]) -> Result<JSONDevice, FactsError> {
        bytes.withUnsafeBufferPointer { device(json: $0) }
    }

    /// Converts a parsed JSON object into a device.
    package func device(json value: JSONValue) -> Result<JSONDevice, FactsError> { schema.device(json: value) }
}

extension Schema {
    /// Reads one device from the bytes of a JSON object, against this schema.
    public func device(json bytes: [UInt8]) -> Result<JSONDevice, FactsError> {
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
                if unknown.insert(key).inserted { input.unknownNames.append(key) }
                continue
            }
            if !seen.insert(slot).inserted {
                input.factErrors.append(.fact(name: key, message: "fact `\(key)` is given twice"))
                input.facts[slot] = nil
                continue
            }
            switch Schema.convert(v, to: schema.facts[slot].type) {
            case .success(let value): input.facts[slot] = value
            case .failure(let why):
                input.factErrors.append(.fact(name: key, message: "fact `\(key)` \(why.message); it counts as missing"))
            }
        }
        return .success(JSONDevice(input: input, idJSON: id))
    }

    /// Converts a JSON value to a fact of the given type, strictly.
    static func convert(_ v: JSONValue, to type: WardenType) -> Result<Value, FactsError> {
        func wrong() -> Result<Value, FactsError> {
            .failure(FactsError(message: "must be \(type.jsonDescription), not a JSON \(v.kindName)"))
        }
        switch (type, v) {
        case (_, .null): return .failure(FactsError(message: "is null"))
        case (.bool, .bool(let b)): return .success(.bool(b))
        case (.int, .int(let i)): return .success(.int(i))
        case (.double, .double(let d)): return .success(.double(d))
        case (.double, .int(let i)): return .success(.double(Double(i)))
        case (.string, .string(let s)): return .success(.string(s))
        case (.version, .string(let s)):
            guard let ver = Version(s) else { return .failure(FactsError(message: "is not a version: \"\(s)\"")) }
            return .success(.version(ver))
        case (.date, .string(let s)):
            guard let d = Day(s) else { return .failure(FactsError(message: "is not a date (YYYY-MM-DD): \"\(s)\"")) }
            return .success(.date(d))
        case (.enumeration(let en), .string(let s)):
            guard let o = en.ordinal(of: s) else {
                return .failure(
                    FactsError(
                        message: "has no member \"\(s)\" (\(en.members.joined(separator: ", ")))"))
            }
            return .success(.enumMember(en, o))
        case (.list(let el), .array(let items)):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items {
                switch convert(item, to: el) {
                case .success(let x): out.append(x)
                case .failure: return wrong()
                }
            }
            return .success(.list(out))
        default:
            return wrong()
        }
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
