// Facts given by name from Swift: enum members by their names (not ordinals), and a strict mode in
// which an unknown fact or a value of the wrong type is an error for the host instead of being
// recorded and ignored (README "Host facts by name").

extension Value {
    /// The member of `type` named `member` (`.enumMember(.threatLevel, named: "high")`); throws a
    /// ``Input/Error`` listing the members when `member` is not one of them.
    public static func enumMember(_ type: EnumType, named member: String) throws(Input.Error) -> Value {
        guard let ordinal = type.ordinal(of: member) else {
            throw FactsError(message: Value.notAMember(member, of: type))
        }
        return .enumMember(type, ordinal)
    }

    static func notAMember(_ member: String, of type: EnumType) -> String {
        "`\(member)` is not a member of `\(type.name)` (\(type.members.joined(separator: ", ")))"
    }
}

extension Schema {
    /// `value` as a value of the fact's `type`: the value itself when it has the type, or for an
    /// enum fact a string naming a member (`"medium"`), element by element in lists; otherwise
    /// the reason it is not.
    func factValue(_ value: Value, as type: WardenType) -> Result<Value, FactsError> {
        if value.conforms(to: type) { return .success(value) }
        switch (type, value) {
        case (.enumeration(let e), .string(let name)):
            guard let ordinal = e.ordinal(of: name) else {
                return .failure(FactsError(message: Value.notAMember(name, of: e)))
            }
            return .success(.enumMember(e, ordinal))
        case (.list(let element), .list(let items)):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items {
                switch factValue(item, as: element) {
                case .success(let v): out.append(v)
                case .failure(let e): return .failure(e)
                }
            }
            return .success(.list(out))
        default:
            return .failure(FactsError(message: "expected `\(type)`, got `\(value.type)`"))
        }
    }
}

extension Input {
    /// Sets the fact `name` (strict): an enum fact takes its member's name as a string
    /// (`input.set("threatLevel", "medium", in: program.schema)`); throws an ``Input/Error`` for a
    /// name the schema does not declare, a member that is not one, or a value of another type, and
    /// leaves the input unchanged.
    public mutating func set(_ name: String, _ value: Value, in schema: Schema) throws(Input.Error) {
        guard let slot = schema.slot(ofFact: name), slot < facts.count else {
            var message = "unknown fact `\(name)`"
            if let near = nearest(name, in: schema.facts.map(\.name)) { message += "; did you mean `\(near)`?" }
            throw FactsError(message: message)
        }
        let type = schema.facts[slot].type
        switch schema.factValue(value, as: type) {
        case .success(let v):
            if malformed[slot] != nil {
                fast.factErrors.removeAll { if case .fact(name, _) = $0 { true } else { false } }
            }
            set(slot: slot, v, encoding: FastEncoding(type, slot: slot))
        case .failure(let e):
            throw FactsError(message: "fact `\(name)`: \(e.message)")
        }
    }

    /// Sets the fact `name` to the string `value` (`input.set("threatLevel", "medium", in:
    /// schema)`): an enum member's name, or a string fact's text; throws as the `Value` form does.
    public mutating func set(_ name: String, _ value: String, in schema: Schema) throws(Input.Error) {
        try set(name, Value.string(value), in: schema)
    }
}

extension Program {
    /// Builds an input from named values, strictly: a name that is not a fact, an unknown enum
    /// member or a value of another type throws an ``Input/Error`` (``input(_:)`` records them and
    /// goes on). Enum facts take a member (`.enumMember(.threatLevel, named: "high")`) or its name
    /// as a string (`"high"`).
    public func input(strict facts: [String: Value]) throws(Input.Error) -> Input {
        var input = Input(slots: schema.facts.count)
        for (name, value) in facts.sorted(by: { $0.key < $1.key }) {
            try input.set(name, value, in: schema)
        }
        input.encodeAll(encodings)
        return input
    }
}
