extension Schema {
    /// Why ``Schema/adding(facts:)`` rejected the host's facts.
    public struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong with the fact.
        public enum Reason: Sendable, Hashable {
            /// The schema already declares a fact of this name (a built-in, or one added before).
            case alreadyDeclared
            /// The list being added names the fact twice.
            case declaredTwice
            /// The name is not an identifier (a letter or `_`, then letters, digits or `_`), so no
            /// policy could read the fact.
            case notAnIdentifier
            /// The name is a reserved word of the language (`when`, `true`, `allow`, ...), so no policy
            /// could read the fact.
            case reservedWord
            /// The type is ``WardenType/error``, which no value has.
            case invalidType
        }

        /// What is wrong.
        public let reason: Reason
        /// The name of the fact that was rejected.
        public let fact: String

        /// Creates the error for `fact`.
        public init(_ reason: Reason, fact: String) {
            self.reason = reason
            self.fact = fact
        }

        /// The reason as a sentence, the fact's name in backticks.
        public var description: String {
            switch reason {
            case .alreadyDeclared: "the schema already declares a fact `\(fact)`"
            case .declaredTwice: "the fact `\(fact)` is given twice"
            case .notAnIdentifier:
                "the fact name `\(fact)` is not an identifier (a letter or `_`, then letters, digits or `_`)"
            case .reservedWord: "the fact name `\(fact)` is a reserved word"
            case .invalidType: "the fact `\(fact)` has the type `error`, which no value has"
            }
        }
    }
}

extension Schema {
    /// Whether `name` is an identifier a policy can write: ASCII letters, digits and `_`, not
    /// starting with a digit.
    static func isIdentifier(_ name: String) -> Bool {
        var first = true
        for b in name.utf8 {
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            if !(letter || (digit && !first)) { return false }
            first = false
        }
        return !first
    }
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias SchemaError = Schema.Error
