// Enum members by name for hosts: `Value(enum: "ThreatLevel", "high")` for the built-in enums,
// `schema.value(enum: "Tier", "gold")` for a schema's own (README "Host enums").

extension Schema {
    /// The member `member` of the schema's enum named `type` (`schema.value(enum: "Tier",
    /// "gold")`); throws a ``Input/Error`` for an unknown enum or member, naming the candidates.
    public func value(enum type: String, _ member: String) throws(Input.Error) -> Value {
        guard let e = self.enum(named: type) else {
            var message = "unknown enum `\(type)`"
            if let near = nearest(type, in: enums.map(\.name)) { message += "; did you mean `\(near)`?" }
            throw FactsError(message: message)
        }
        return try Value.enumMember(e, named: member)
    }
}

extension Value {
    /// The member `member` of the built-in enum named `type` (`Value(enum: "ThreatLevel",
    /// "high")`); throws a ``Input/Error`` for an unknown enum or member. A host enum's members:
    /// ``Schema/value(enum:_:)`` or ``enumMember(_:named:)``.
    public init(enum type: String, _ member: String) throws(Input.Error) {
        self = try Schema.builtIn.value(enum: type, member)
    }
}
