// What the checker produces: the policy with names resolved, constants converted and
// configuration normalised. Everything the evaluator and the engine need, nothing they must re-derive.

/// A host-registered function: name, signature and implementation.
public struct HostFunction: Sendable {
    /// The name used in expressions (`f(x)`).
    public let name: String
    /// Parameter types (`.dyn` accepts anything).
    public let parameters: [WardenType]
    /// The result type.
    public let result: WardenType
    /// The implementation; it must not trap and should be fast and pure.
    public let implementation: @Sendable ([Value]) -> Result<Value, EvalError>

    /// Declares a host function.
    public init(
        name: String, parameters: [WardenType], result: WardenType,
        implementation: @escaping @Sendable ([Value]) -> Result<Value, EvalError>
    ) {
        self.name = name
        self.parameters = parameters
        self.result = result
        self.implementation = implementation
    }
}

/// One `KEY = value` after normalisation.
struct KeySetting: Sendable {
    var key: Int
    var value: ConfigValue
    var span: SourceSpan
}

struct CheckedLet: Sendable {
    var name: String
    var expr: Expr
    var type: WardenType
    var span: SourceSpan
    /// The `let`s its value uses, directly or through other `let`s.
    var uses: Set<Int> = []
}

struct CheckedRule: Sendable {
    var name: String
    var isNamed: Bool
    var condition: Expr
    /// The severity action; `nil` when the rule only sets keys (counts as `allow`).
    var action: Action?
    var message: String?
    var sets: [KeySetting]
    var line: Int
    var span: SourceSpan
    /// Indices of the `let`s the condition uses (for notes on errors).
    var lets: [Int]
    /// In a policy set of several files: the rule's file, and its file's `onError` action.
    var file: String? = nil
    var onError: Action? = nil
}

struct CheckedConfig: Sendable {
    var name: String
    var route: Route
    var apps: Set<String>?
    var groups: Set<String>?
    var isOverride: Bool
    var settings: [KeySetting]
    var span: SourceSpan
    var line: Int
    /// The file it is in, when the policy is one file of a set (for locations in messages).
    var file: String? = nil

    /// `line 3`, or `teamA.warden:3` in a policy set.
    var location: String { file.map { "\($0):\(line)" } ?? "line \(line)" }
}

struct CheckedGiven: Sendable {
    var slot: Int
    var expr: Expr
}

struct CheckedTest: Sendable {
    var name: String
    var given: [CheckedGiven]
    var expect: Action
    var fired: [String]?
    var config: [KeySetting]
    var line: Int
    var span: SourceSpan
}

/// A checked policy, ready to compile.
struct CheckedPolicy: Sendable {
    var name: String?
    var onError: Action
    var lets: [CheckedLet] = []
    var rules: [CheckedRule] = []
    var configs: [CheckedConfig] = []
    var tests: [CheckedTest] = []
    var resolutions = Resolutions()
    /// The first node id not used by the policy (expressions compiled in its context start here).
    var nextID = 0
}
