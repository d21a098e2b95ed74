extension Decision {
    /// A rule whose condition was true.
    public struct FiredRule: Sendable, Hashable {
        /// The fields, in one immutable object built once per rule of a program and shared by every
        /// decision that fires the rule: copying a fired rule retains one reference, not three strings.
        final class Fields: Sendable {
            let name: String
            let action: Action
            let message: String?
            let line: Int
            let file: String?

            init(name: String, action: Action, message: String?, line: Int, file: String?) {
                self.name = name
                self.action = action
                self.message = message
                self.line = line
                self.file = file
            }
        }

        var fields: Fields

        init(name: String, action: Action, message: String?, line: Int, file: String? = nil) {
            fields = Fields(name: name, action: action, message: message, line: line, file: file)
        }

        /// The rule's name (`rule#N` for an unnamed rule).
        public var name: String { fields.name }
        /// Its severity action (`allow` for a rule that only sets keys).
        public var action: Action { fields.action }
        /// Its message, if any.
        public var message: String? { fields.message }
        /// The 1-based source line of the rule.
        public var line: Int { fields.line }
        /// The rule's file, when the policy is a set of several files.
        public var file: String? {
            get { fields.file }
            set { fields = Fields(name: name, action: action, message: message, line: line, file: newValue) }
        }

        /// Equal fields (two fired rules of different programs with the same fields are equal).
        public static func == (a: FiredRule, b: FiredRule) -> Bool {
            a.fields === b.fields
                || (a.name == b.name && a.action == b.action && a.message == b.message && a.line == b.line
                    && a.file == b.file)
        }

        /// Hashes the fields.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(action)
            hasher.combine(message)
            hasher.combine(line)
            hasher.combine(file)
        }
    }
}

extension Decision {
    /// Something that went wrong while deciding: a rule whose condition ended in an error, or a fact
    /// that was given badly (it is then malformed, not missing: a rule that reads it errs).
    public enum Error: Sendable, Hashable {
        /// A rule's condition failed; `action` is the `onError` action applied, `kind` what failed
        /// (the ``Value/Error/Kind`` of the evaluation error).
        case rule(name: String, message: String, line: Int, action: Action, kind: Value.Error.Kind)
        /// A fact was given malformed: the wrong type, a bad version or date, an unknown member, an
        /// integer out of range, `null`, or twice.
        case fact(name: String, message: String)

        /// The message.
        public var message: String {
            switch self {
            case .rule(_, let m, _, _, _), .fact(_, let m): m
            }
        }

        /// What failed: the rule's evaluation error kind, or ``Value/Error/Kind/malformedFact`` for a fact.
        public var kind: Value.Error.Kind {
            switch self {
            case .rule(_, _, _, _, let k): k
            case .fact: .malformedFact
            }
        }

        /// The stable code of ``kind`` (`W0901`...).
        public var code: Diagnostic.Code { Diagnostic.Code(kind) }
    }
}

extension Decision {
    /// A configuration key with its effective value.
    public struct ConfigEntry: Sendable, Hashable {
        /// The key's name.
        public let key: String
        /// The normalised value.
        public let value: Schema.ConfigValue
        /// The value as JSON text of the key's type (`1`, `"true"`, `0`, `"text"`).
        public let jsonText: String
        /// Where the value came from: the schema default, a config block or a rule's `set`.
        public var origin: Decision.ConfigOrigin = .schemaDefault

        package init(key: String, value: ConfigValue, jsonText: String, origin: ConfigOrigin = .schemaDefault) {
            self.key = key
            self.value = value
            self.jsonText = jsonText
            self.origin = origin
        }
    }
}

extension Decision {
    /// Where a configuration value came from (`eval --explain` shows it for each key).
    public enum ConfigOrigin: Sendable, Hashable {
        /// The schema's default value.
        case schemaDefault
        /// A config block: its name, its file in a policy set, and the line of its `config` keyword.
        case block(name: String, file: String?, line: Int)
        /// A fired rule's `set`: the rule's name, file in a policy set, and line.
        case rule(name: String, file: String?, line: Int)

        /// `config "Baseline" (line 9)`, `rule "open network" (a.warden:4)`, `the schema default`.
        public var text: String {
            switch self {
            case .schemaDefault: return "the schema default"
            case .block(let n, let f, let l):
                return "config \(ValuePrinter.quote(n)) (\(f.map { "\($0):" } ?? "line ")\(l))"
            case .rule(let n, let f, let l):
                return "rule \(ValuePrinter.quote(n)) (\(f.map { "\($0):" } ?? "line ")\(l))"
            }
        }
    }
}

/// The outcome of evaluating a policy for one device.
public struct Decision: Sendable, Hashable {
    /// The most severe of the fired rules' actions and the `onError` actions of erroring rules.
    public var action: Action
    /// Fired rules, in source order.
    public var fired: [Decision.FiredRule]
    /// Rule errors and fact errors.
    public var errors: [Decision.Error]
    /// Warnings, such as two fired rules setting one key differently.
    public var warnings: [String]
    /// The effective configuration: schema defaults, then the config blocks that apply, then fired `set`s.
    public var config: [Decision.ConfigEntry]
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias FiredRule = Decision.FiredRule
package typealias DecisionError = Decision.Error
package typealias ConfigEntry = Decision.ConfigEntry
package typealias ConfigOrigin = Decision.ConfigOrigin
