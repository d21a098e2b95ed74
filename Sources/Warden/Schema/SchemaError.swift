extension Schema {
    /// Why ``Schema/adding(facts:)`` or ``Schema/adding(enums:)`` rejected the host's facts or enums.
    public struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong with the fact or enum.
        public enum Reason: Sendable, Hashable {
            /// The schema already declares a fact of this name (a built-in, or one added before).
            case alreadyDeclared
            /// The list being added names the fact twice (or an enum names a member twice).
            case declaredTwice
            /// The name (of the fact, the enum or the member) is not an identifier (a letter or `_`,
            /// then letters, digits or `_`), so no policy could write it.
            case notAnIdentifier
            /// The name is a reserved word of the language (`when`, `true`, `allow`, ...), so no policy
            /// could write it.
            case reservedWord
            /// The type is ``WardenType/error``, which no value has.
            case invalidType
            /// An enum's name is already the name of another enum, a type (`int`, `version`, ...) or a
            /// fact; or a member is named like a type or an enum, or a fact like an enum.
            case nameTaken
            /// An enum with no members.
            case noMembers
            /// A fact and an enum member have one name, so a bare name in a policy would be ambiguous.
            case memberNamedLikeFact
        }

        /// What is wrong.
        public let reason: Reason
        /// The name of the fact that was rejected; empty when an enum was.
        public let fact: String
        /// The enum that was rejected, or whose member clashes with the fact.
        public let enumName: String?
        /// The member at fault, when one is.
        public let member: String?

        /// Creates the error for `fact`.
        public init(_ reason: Reason, fact: String) {
            self.init(reason, fact: fact, enumName: nil, member: nil)
        }

        /// Creates the error for the enum `enumName` (and its member `member`, if one is at fault).
        public init(_ reason: Reason, enumName: String, member: String? = nil) {
            self.init(reason, fact: "", enumName: enumName, member: member)
        }

        init(_ reason: Reason, fact: String, enumName: String?, member: String?) {
            self.reason = reason
            self.fact = fact
            self.enumName = enumName
            self.member = member
        }

        /// The reason as a sentence, the fact's name in backticks.
        public var description: String {
            if let e = enumName, reason != .memberNamedLikeFact { return enumDescription(e) }
            return switch reason {
            case .alreadyDeclared: "the schema already declares a fact `\(fact)`"
            case .declaredTwice: "the fact `\(fact)` is given twice"
            case .notAnIdentifier:
                "the fact name `\(fact)` is not an identifier (a letter or `_`, then letters, digits or `_`)"
            case .reservedWord: "the fact name `\(fact)` is a reserved word"
            case .invalidType: "the fact `\(fact)` has the type `error`, which no value has"
            case .nameTaken: "the fact name `\(fact)` is the name of an enum"
            case .noMembers: "the fact `\(fact)` has an enum with no members"
            case .memberNamedLikeFact:
                "the fact `\(fact)` and a member of the enum `\(enumName ?? "?")` have one name: a bare `\(fact)` would be ambiguous"
            }
        }

        private func enumDescription(_ e: String) -> String {
            if let m = member {
                return switch reason {
                case .declaredTwice: "the enum `\(e)` gives the member `\(m)` twice"
                case .notAnIdentifier:
                    "the member `\(m)` of the enum `\(e)` is not an identifier (a letter or `_`, then letters, digits or `_`)"
                case .reservedWord: "the member `\(m)` of the enum `\(e)` is a reserved word"
                case .nameTaken: "the member `\(m)` of the enum `\(e)` is the name of a type or an enum"
                default: "the member `\(m)` of the enum `\(e)` cannot be added"
                }
            }
            return switch reason {
            case .nameTaken: "the enum name `\(e)` is already the name of another enum, a type or a fact"
            case .notAnIdentifier:
                "the enum name `\(e)` is not an identifier (a letter or `_`, then letters, digits or `_`)"
            case .reservedWord: "the enum name `\(e)` is a reserved word"
            case .noMembers: "the enum `\(e)` has no members"
            default: "the enum `\(e)` cannot be added"
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
