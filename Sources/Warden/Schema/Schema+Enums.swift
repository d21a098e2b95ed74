// Host enums: a host declares an enum (its name, members and whether it is ordered) and uses it as
// the type of its facts. Policies name its members bare (`tier == gold`) or qualified
// (`Tier.gold`); the checker resolves them against `Schema.enums` (README "Host enums").

extension Schema {
    /// A copy with extra host enums (enums the schema already has, equal ones, are skipped).
    ///
    /// Throws a ``Schema/Error`` naming the first enum that cannot be added and why: its name is
    /// not an identifier, is a reserved word, a type name (`int`, `version`, ...), a fact's name,
    /// or the name of another enum; it has no members; a member is not an identifier, is a
    /// reserved word, is given twice, or is named like a fact or a type (a bare name would be
    /// ambiguous). A member another enum also has is allowed: the context decides (`tier ==
    /// low`), else the order of ``enums``.
    public func adding(enums extra: [EnumType]) throws(Schema.Error) -> Schema {
        var all = enums
        var index = enumIndex
        for e in extra {
            if let i = index[e.name], i < all.count {
                if all[i] == e { continue }
                throw SchemaError(.nameTaken, enumName: e.name)
            }
            if !Schema.isIdentifier(e.name) { throw SchemaError(.notAnIdentifier, enumName: e.name) }
            if Keyword(rawValue: e.name) != nil { throw SchemaError(.reservedWord, enumName: e.name) }
            if Schema.typeNames.contains(e.name) || factSlots[e.name] != nil {
                throw SchemaError(.nameTaken, enumName: e.name)
            }
            if e.members.isEmpty { throw SchemaError(.noMembers, enumName: e.name) }
            var seen: Set<String> = []
            for m in e.members {
                if !Schema.isIdentifier(m) { throw SchemaError(.notAnIdentifier, enumName: e.name, member: m) }
                if Keyword(rawValue: m) != nil { throw SchemaError(.reservedWord, enumName: e.name, member: m) }
                if !seen.insert(m).inserted { throw SchemaError(.declaredTwice, enumName: e.name, member: m) }
                if factSlots[m] != nil {
                    throw SchemaError(.memberNamedLikeFact, fact: m, enumName: e.name, member: m)
                }
                if Schema.typeNames.contains(m) || index[m] != nil || m == e.name {
                    throw SchemaError(.nameTaken, enumName: e.name, member: m)
                }
            }
            index[e.name] = all.count
            all.append(e)
        }
        if all.count == enums.count { return self }
        return Schema(facts: facts, keys: keys, enums: all)
    }

    /// The schema's enum of this name (built-in or the host's), if there is one.
    public func `enum`(named name: String) -> EnumType? {
        guard let i = enumIndex[name], i >= 0, i < enums.count else { return nil }
        return enums[i]
    }

    /// Every enum with a member of this name, in resolution order.
    func enums(withMember name: String) -> [EnumType] { memberOwners[name] ?? [] }

    /// The type names policies can write (the checker's `Checker.typeNames`): an enum or a member
    /// of this name would hide one.
    static let typeNames: Set<String> = [
        "int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type", "dyn", "version",
        "date",
    ]

    /// The enums a type names, in order, each once.
    static func collectEnums(_ type: WardenType, into out: inout [EnumType]) {
        switch type {
        case .enumeration(let e): if !out.contains(e) { out.append(e) }
        case .list(let t): collectEnums(t, into: &out)
        case .map(let k, let v):
            collectEnums(k, into: &out)
            collectEnums(v, into: &out)
        default: break
        }
    }
}
