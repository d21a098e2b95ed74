// The checker's answers about names, consumed by the evaluator (side tables keyed by Expr.id).

/// What a name, a selection or a call resolved to.
package enum Resolution: Sendable {
    /// A fact, by its slot in the schema's fact table (`Schema.facts[slot]`).
    case fact(Int)
    /// A `let` constant, by its index in `CheckedPolicy.lets`.
    case letValue(Int)
    /// A constant known at compile time: an enum member (`medium`, `ThreatLevel.medium`), a string
    /// literal converted to a version, date or enum member, a type name used as a value (`int`).
    case constant(Value)
    /// A variable looked up by name at run time: a comprehension variable, or (in CEL mode) a binding,
    /// including qualified names such as `a.b.c` bound as one name.
    case variable(String)
    /// `has(fact)`: whether the fact at this slot is present.
    case hasFact(Int)
    /// A host-registered function, by index in the engine's function table.
    case hostFunction(Int)
}

/// Side tables produced by the checker.
package struct Resolutions: Sendable {
    /// Keyed by `Expr.id` of ident, select, call or literal nodes.
    package var byID = IDTable<Resolution>()
    /// The static type of the nodes of tests' given values (typed mode only; see `Checker.recordType`).
    var types = IDTable<WardenType>()
    /// The built-in every call node (`Expr.id`) resolved to: the checker (or, in CEL mode,
    /// `CELResolver`) records one for each call of a built-in function or macro, so the evaluator
    /// dispatches on the ID, never on the name. A call to a host function is in `byID` instead.
    package var calls = CallTable()

    package subscript(id: Int) -> Resolution? {
        get { byID[id] }
        set { byID[id] = newValue }
    }
}
