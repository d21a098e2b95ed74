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
    public let implementation: @Sendable ([Value]) -> Result<Value, Value.Error>

    /// Declares a host function.
    public init(
        name: String, parameters: [WardenType], result: WardenType,
        implementation: @escaping @Sendable ([Value]) -> Result<Value, Value.Error>
    ) {
        self.name = name
        self.parameters = parameters
        self.result = result
        self.implementation = implementation
    }
}

/// One `KEY = value` after normalisation.
package struct KeySetting: Sendable {
    package var key: Int
    package var value: ConfigValue
    package var span: SourceSpan
}

package struct CheckedLet: Sendable {
    package var name: String
    package var expr: Expr
    package var type: WardenType
    package var span: SourceSpan
    /// The `let`s its value uses directly (not through other `let`s: a closure would be quadratic
    /// in a chain of lets).
    package var uses: Set<Int> = []
}

package struct CheckedRule: Sendable {
    package var name: String
    package var isNamed: Bool
    package var condition: Expr
    /// The severity action; `nil` when the rule only sets keys (counts as `allow`).
    package var action: Action?
    package var message: String?
    package var sets: [KeySetting]
    package var line: Int
    package var span: SourceSpan
    /// Indices of the `let`s the condition uses directly.
    package var lets: [Int]
    /// In a policy set of several files: the rule's file, and its file's `onError` action.
    package var file: String? = nil
    package var onError: Action? = nil
}

package struct CheckedConfig: Sendable {
    package var name: String
    package var route: Route
    package var apps: Set<String>?
    package var groups: Set<String>?
    package var isOverride: Bool
    package var settings: [KeySetting]
    package var span: SourceSpan
    package var line: Int
    /// The file it is in, when the policy is one file of a set (for locations in messages).
    package var file: String? = nil

    /// `line 3`, or `teamA.warden:3` in a policy set.
    package var location: String { file.map { "\($0):\(line)" } ?? "line \(line)" }
}

package struct CheckedGiven: Sendable {
    package var slot: Int
    package var expr: Expr
}

package struct CheckedTest: Sendable {
    package var name: String
    package var given: [CheckedGiven]
    package var expect: Action
    package var fired: [String]?
    package var config: [KeySetting]
    package var line: Int
    package var span: SourceSpan
}

/// A checked policy, ready to compile.
package struct CheckedPolicy: Sendable {
    package var name: String?
    package var onError: Action
    package var lets: [CheckedLet] = []
    package var rules: [CheckedRule] = []
    package var configs: [CheckedConfig] = []
    package var tests: [CheckedTest] = []
    package var resolutions = Resolutions()
    /// The first node id not used by the policy (expressions compiled in its context start here).
    package var nextID = 0
}

extension CheckedPolicy {
    /// An empty policy (the REPL's fallback before anything compiled).
    package init(name: String?, onError: Action) {
        self.name = name
        self.onError = onError
    }
}
