// The abstract syntax tree: value types with node ids. Facts about nodes (types, resolved
// names, converted constants) live in side tables keyed by `Expr.id`, never in a rebuilt tree.
//
// INVARIANT: no tree is deeper than `Limits.maxNesting` (the parser enforces it), so the
// recursive checker, evaluator and the enum's own deallocation stay within the stack.
// Long chains of one operator (`a || b || ...`, `a + b - c ...`) are flat arrays, not deep trees.

/// A literal value as written in the source.
enum Literal: Sendable, Hashable {
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case bool(Bool)
    case null
}

/// Prefix operators.
enum UnaryOp: String, Sendable, Hashable {
    /// `!x` (CEL's logical not, binds tightly).
    case bang = "!"
    /// `-x`.
    case negate = "-"
    /// `not x` (the word form; binds looser than comparisons).
    case not = "not"
}

/// Left-associative binary operators (everything but `&&`, `||` and `?:`).
enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in` = "in"
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"

    var isRelation: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in: true
        default: false
        }
    }
}

/// One step of a left-associative chain: `op rhs`.
struct ChainLink: Sendable {
    var op: BinaryOp
    var opSpan: SourceSpan
    var rhs: Expr
}

/// A map literal entry.
struct MapEntry: Sendable {
    var key: Expr
    var value: Expr
}

/// An expression node.
struct Expr: Sendable {
    /// Unique within one parsed source; keys the checker's side tables.
    var id: Int
    /// The whole expression's source range.
    var span: SourceSpan
    var kind: ExprKind
}

indirect enum ExprKind: Sendable {
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

/// The severity actions, in increasing order of severity.
public enum Action: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case allow, warn, blockAccess, wipeData
    var rank: Int {
        switch self {
        case .allow: 0
        case .warn: 1
        case .blockAccess: 2
        case .wipeData: 3
        }
    }
    public static func < (a: Action, b: Action) -> Bool { a.rank < b.rank }
}

/// A string with the span it was written at.
struct Located<T: Sendable>: Sendable {
    var value: T
    var span: SourceSpan
}

/// `policy "name" [onError severity]`
struct PolicyHeader: Sendable {
    var name: Located<String>
    var onError: Located<Action>?
    var span: SourceSpan
}

/// `let name = expr`
struct LetDecl: Sendable {
    var name: Located<String>
    var value: Expr
    var span: SourceSpan
}

/// One action after `then`.
enum RuleAction: Sendable {
    /// `severity ["message"]`
    case severity(Located<Action>, message: Located<String>?)
    /// `set KEY = literal`
    case set(key: Located<String>, value: Expr, span: SourceSpan)
}

/// `[rule "name"] when expr then actions`
struct RuleDecl: Sendable {
    var name: Located<String>?
    var condition: Expr
    var actions: [RuleAction]
    /// From the first keyword to the end of the last action.
    var span: SourceSpan
}

/// `KEY = literal` inside a config block or a test's expected configuration.
struct Assignment: Sendable {
    var key: Located<String>
    var value: Expr
    var span: SourceSpan
}

/// The route of a config block.
enum Route: String, Sendable, Hashable, CaseIterable {
    case managedApps, managedDevices
}

/// `config "name" [route R] [for apps [...] groups [...]] [override] { KEY = literal ... }`
struct ConfigDecl: Sendable {
    var name: Located<String>
    var route: Located<Route>?
    /// `nil` means all apps; several `apps` lists are concatenated.
    var apps: [Located<String>]?
    /// `nil` means all groups.
    var groups: [Located<String>]?
    var override: SourceSpan?
    var entries: [Assignment]
    var span: SourceSpan
    /// `apps []` / `groups []` as written (the word: "apps" or "groups", at its span): they target nothing.
    var emptyLists: [Located<String>] = []
}

/// `FACT: constExpr` inside a test's `given` map.
struct GivenFact: Sendable {
    var fact: Located<String>
    var value: Expr
}

/// `test "name" { given {...} expect severity [fired [...]] [config {...}] }`
struct TestDecl: Sendable {
    var name: Located<String>
    var given: [GivenFact]
    var givenSpan: SourceSpan
    var expect: Located<Action>
    var fired: [Located<String>]?
    var config: [Assignment]
    var span: SourceSpan
}

enum Statement: Sendable {
    case `let`(LetDecl)
    case rule(RuleDecl)
    case config(ConfigDecl)
    case test(TestDecl)
}

/// A parsed policy file.
struct PolicyFile: Sendable {
    var header: PolicyHeader?
    var statements: [Statement]
}
