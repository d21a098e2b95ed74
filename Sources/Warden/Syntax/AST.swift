// The abstract syntax tree: value types with node ids. Facts about nodes (types, resolved
// names, converted constants) live in side tables keyed by `Expr.id`, never in a rebuilt tree.
//
// INVARIANT: no tree is deeper than `Limits.maxNesting` (the parser enforces it), so the
// recursive checker, evaluator and the enum's own deallocation stay within the stack.
// Long chains of one operator (`a || b || ...`, `a + b - c ...`) are flat arrays, not deep trees.

/// A literal value as written in the source.
package enum Literal: Sendable, Hashable {
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case bool(Bool)
    case null
}

/// Prefix operators.
package enum UnaryOp: String, Sendable, Hashable {
    /// `!x` (CEL's logical not, binds tightly).
    case bang = "!"
    /// `-x`.
    case negate = "-"
    /// `not x` (the word form; binds looser than comparisons).
    case not = "not"
}

/// Left-associative binary operators (everything but `&&`, `||` and `?:`).
package enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case `in` = "in"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"

    package var isRelation: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in: true
        default: false
        }
    }
}

/// One step of a left-associative chain: `op rhs`.
package struct ChainLink: Sendable {
    package var op: BinaryOp
    package var opSpan: SourceSpan
    package var rhs: Expr
}

/// A map literal entry.
package struct MapEntry: Sendable {
    package var key: Expr
    package var value: Expr
}

/// An expression node.
package struct Expr: Sendable {
    /// Unique within one parsed source; keys the checker's side tables.
    package var id: Int
    /// The whole expression's source range.
    package var span: SourceSpan
    package var kind: ExprKind
}

package indirect enum ExprKind: Sendable {
    case literal(Literal)
    /// A bare name: a fact, a `let`, an enum member, a comprehension variable or a binding.
    case ident(String)
    /// `operand.field` (any word may follow the dot; backquoted names allowed).
    case select(Expr, field: String, fieldSpan: SourceSpan)
    /// `name(args)` or `target.name(args)`; macros (`has`, `all`, `exists`, ...) are calls too.
    case call(String, target: Expr?, args: [Expr], nameSpan: SourceSpan)
    /// `operand[index]`.
    case index(Expr, Expr)
    case list([Expr])
    case map([MapEntry])
    case unary(UnaryOp, Expr)
    /// `first op1 e1 op2 e2 ...`, folded from the left: `((first op1 e1) op2 e2) ...`.
    case binary(Expr, [ChainLink])
    /// `a && b && c ...` (also `and`), at least two operands.
    case and([Expr])
    /// `a || b || c ...` (also `or`), at least two operands.
    case or([Expr])
    /// `cond ? a : b`.
    case conditional(Expr, Expr, Expr)
}

/// A string with the span it was written at.
package struct Located<T: Sendable>: Sendable {
    package var value: T
    package var span: SourceSpan
}

/// `policy "name" [onError severity]`
package struct PolicyHeader: Sendable {
    package var name: Located<String>
    package var onError: Located<Action>?
    package var span: SourceSpan
}

/// `let name = expr`
package struct LetDecl: Sendable {
    package var name: Located<String>
    package var value: Expr
    package var span: SourceSpan
}

/// One action after `then`.
package enum RuleAction: Sendable {
    /// `severity ["message"]`
    case severity(Located<Action>, message: Located<String>?)
    /// `set KEY = literal`
    case set(key: Located<String>, value: Expr, span: SourceSpan)
}

/// `[rule "name"] when expr then actions`
package struct RuleDecl: Sendable {
    package var name: Located<String>?
    package var condition: Expr
    package var actions: [RuleAction]
    /// From the first keyword to the end of the last action.
    package var span: SourceSpan
}

/// `KEY = literal` inside a config block or a test's expected configuration.
package struct Assignment: Sendable {
    package var key: Located<String>
    package var value: Expr
    package var span: SourceSpan
}

/// The route of a config block.
package enum Route: String, Sendable, Hashable, CaseIterable {
    case managedApps, managedDevices
}

/// `config "name" [route R] [for apps [...] groups [...]] [override] { KEY = literal ... }`
package struct ConfigDecl: Sendable {
    package var name: Located<String>
    package var route: Located<Route>?
    /// `nil` means all apps; several `apps` lists are concatenated.
    package var apps: [Located<String>]?
    /// `nil` means all groups.
    package var groups: [Located<String>]?
    package var override: SourceSpan?
    package var entries: [Assignment]
    package var span: SourceSpan
    /// `apps []` / `groups []` as written (the word: "apps" or "groups", at its span): they target nothing.
    package var emptyLists: [Located<String>] = []
}

/// `FACT: constExpr` inside a test's `given` map.
package struct GivenFact: Sendable {
    package var fact: Located<String>
    package var value: Expr
}

/// `test "name" { given {...} expect severity [fired [...]] [config {...}] }`
package struct TestDecl: Sendable {
    package var name: Located<String>
    package var given: [GivenFact]
    package var givenSpan: SourceSpan
    package var expect: Located<Action>
    package var fired: [Located<String>]?
    package var config: [Assignment]
    package var span: SourceSpan
}

package enum Statement: Sendable {
    case `let`(LetDecl)
    case rule(RuleDecl)
    case config(ConfigDecl)
    case test(TestDecl)
}

/// A parsed policy file.
package struct PolicyFile: Sendable {
    package var header: PolicyHeader?
    package var statements: [Statement]
}
