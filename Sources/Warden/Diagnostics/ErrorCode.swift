extension Diagnostic {
    /// The stable code of a diagnostic or an evaluation error: `W` and four digits, the first two the
    /// group (``Diagnostic/Code/Group``). Codes never change meaning; the error index (the "Error codes"
    /// article) gives an example and a fix for each. Text output shows it as `error[W0301]: ...`.
    public enum Code: String, Sendable, Hashable, CaseIterable, Comparable {
        // W01: characters and tokens.
        /// A character that cannot start a token, an invalid byte, or a hidden character.
        case unexpectedCharacter = "W0101"
        /// A string, bytes literal or backtick-quoted name with no closing quote.
        case unterminatedLiteral = "W0102"
        /// A malformed number literal: `0x` with no digits, a bad suffix, a double out of range.
        case invalidNumber = "W0103"
        /// A bad escape sequence in a string or bytes literal.
        case invalidEscape = "W0104"
        /// An empty or malformed backtick-quoted name.
        case invalidQuotedName = "W0105"
        /// A `#` comment (CEL comments start with `//`).
        case hashComment = "W0106"

        // W02: grammar.
        /// A token where the grammar expects another.
        case unexpectedToken = "W0201"
        /// A `policy` header given twice or after another statement.
        case misplacedHeader = "W0202"
        /// A clause given twice where one is allowed (a second severity action, a second `for`).
        case repeatedClause = "W0203"
        /// An integer literal outside the range of `int` or `uint`.
        case integerOutOfRange = "W0204"
        /// A reserved word used as a name.
        case reservedName = "W0205"
        /// A construct Warden does not support (`not in`, message construction, `not` after an operator).
        case unsupportedSyntax = "W0206"
        /// A REPL `:` command given without its argument or in the wrong form (`:set threatLevel`,
        /// `:load` with no file).
        case commandUsage = "W0207"

        // W03: names.
        /// A name that is not a fact of the schema (nor a `let`).
        case unknownFact = "W0301"
        /// A call to a function that is neither built in nor declared by the host.
        case unknownFunction = "W0302"
        /// A configuration key the schema does not declare.
        case unknownKey = "W0303"
        /// A name that is not a member of the enum it is compared with.
        case unknownEnumMember = "W0304"
        /// A reference to a rule name that no rule has.
        case unknownRule = "W0305"
        /// A name declared twice (a rule, a `let`) or a `let` that hides a fact, function, member or type.
        case duplicateName = "W0306"
        /// Enum members that no single enum has all of.
        case ambiguousMember = "W0307"
        /// In strict mode (``Engine/suppliedFacts``), a built-in fact the host does not supply.
        case unsuppliedFact = "W0308"
        /// A REPL `:` command that does not exist (`:evl`).
        case unknownCommand = "W0309"
        /// A name given to the REPL's `:schema` (or `warden schema NAME`) that is no fact, key or enum.
        case unknownSchemaName = "W0310"

        // W04: types.
        /// An operand or argument of the wrong type.
        case typeMismatch = "W0401"
        /// A comparison between values that can never be compared.
        case cannotCompare = "W0402"
        /// A call with the wrong number of arguments.
        case wrongArgumentCount = "W0403"
        /// A literal that does not parse as its type: a version, a date, a regular expression.
        case invalidLiteral = "W0404"
        /// A test against `null` of a fact that is never null.
        case neverNull = "W0405"
        /// A field selection or index on a value that has no such field.
        case noSuchField = "W0406"

        // W05: configuration.
        /// A configuration value that is not a valid value of its key.
        case invalidConfigValue = "W0501"
        /// A key, a fact or a setting given twice in one place.
        case repeatedSetting = "W0502"
        /// Config blocks that reach the same devices and give a key different values.
        case configConflict = "W0503"
        /// A route's requirement broken (`DefenderMAMConfigs` on the wrong route, or missing).
        case routeRequirement = "W0504"
        /// An empty target list (`apps []`), which targets no device.
        case emptyTarget = "W0505"
        /// A `given` value that is not a constant.
        case nonConstantGiven = "W0506"
        /// A value Microsoft Intune (Graph) would refuse, found by `warden export --intune` or
        /// `warden import --intune` (a PIN retry count of 0, a Company Portal age over 365 days).
        case refusedByPlatform = "W0507"

        // W06: lints (warnings).
        /// A config block that configures nothing.
        case configTargetsNothing = "W0601"
        /// A setting that has no effect because of another setting.
        case ineffectiveSetting = "W0602"
        /// The overlap lint looked at only some combinations of groups.
        case lintCoverageLimited = "W0603"

        // W07: limits.
        /// A source or policy set over ``Limits/maxSourceBytes``.
        case sourceTooLarge = "W0701"
        /// Nesting past ``Limits/maxNesting``, ``Limits/maxComprehensionNesting`` or the `let` depth.
        case nestingTooDeep = "W0702"
        /// More diagnostics than ``Limits/maxDiagnostics``: the rest are counted, not shown.
        case tooManyDiagnostics = "W0703"
        /// A policy set with no file.
        case emptyPolicySet = "W0704"
        /// A file that cannot be read (missing, a directory, no file access), as the REPL's `:load`
        /// and every `warden` command that reads files report it.
        case unreadableFile = "W0705"

        // W08: internal.
        /// A tool's internal consistency check failed (the formatter's layout would change the
        /// tokens); the input is left as is. A bug to report, never the policy's fault.
        case internalError = "W0801"

        // W09: evaluation (a rule's condition failed; the rule's `onError` action applies).
        /// A fact the rule reads was not given.
        case missingFact = "W0901"
        /// A fact the rule reads was given badly (wrong type, bad version or date, unknown member).
        case malformedFact = "W0902"
        /// No overload of a function or operator takes the operands' runtime types.
        case noSuchOverload = "W0903"
        /// Integer overflow.
        case overflow = "W0904"
        /// Division or modulo by zero.
        case divisionByZero = "W0905"
        /// A failed conversion (`int("x")`).
        case conversion = "W0906"
        /// A map key that is not there.
        case noSuchKey = "W0907"
        /// A list index that is not there.
        case indexOutOfRange = "W0908"
        /// An argument out of a function's domain.
        case invalidArgument = "W0909"
        /// An evaluation limit (``Limits``) hit.
        case limitExceeded = "W0910"
        /// An unknown variable at run time (CEL mode).
        case noSuchVariable = "W0911"
        /// A field that is not there at run time.
        case noSuchFieldAtRunTime = "W0912"
        /// A failure reported by a host function.
        case hostFailure = "W0913"
        /// A host function returned a value that is not of its declared result type.
        case hostResultType = "W0914"

        /// The groups of codes, by their first two digits.
        public enum Group: String, Sendable, Hashable, CaseIterable {
            /// W01: characters and tokens; W02: grammar; W03: names; W04: types.
            case lexical, syntax, names, types
            /// W05: configuration; W06: lints; W07: limits; W08: internal; W09: evaluation.
            case configuration, lints, limits, `internal`, evaluation
        }

        /// The code's group.
        public var group: Group {
            switch rawValue.utf8.dropFirst(2).first {
            case UInt8(ascii: "1"): .lexical
            case UInt8(ascii: "2"): .syntax
            case UInt8(ascii: "3"): .names
            case UInt8(ascii: "4"): .types
            case UInt8(ascii: "5"): .configuration
            case UInt8(ascii: "6"): .lints
            case UInt8(ascii: "7"): .limits
            case UInt8(ascii: "8"): .internal
            default: .evaluation
            }
        }

        /// Orders by the code's text.
        public static func < (a: Diagnostic.Code, b: Diagnostic.Code) -> Bool { a.rawValue < b.rawValue }
    }
}

extension Diagnostic {
    /// What an error is about, where it is about something nameable: the fact, the key, the function,
    /// the enum member, the rule, the limit. Fields that do not apply are nil. (One reference wide:
    /// the fields live in a shared immutable box, so diagnostics and errors stay small.)
    public struct Data: Sendable, Hashable {
        struct Fields: Sendable, Hashable {
            var fact: String?
            var key: String?
            var function: String?
            var member: String?
            var rule: String?
            var limit: Int?
        }
        final class Box: Sendable {
            let fields: Fields
            init(_ fields: Fields) { self.fields = fields }
        }
        private var box: Box?

        var fields: Fields {
            get { box?.fields ?? Fields() }
            set { box = newValue == Fields() ? nil : Box(newValue) }
        }

        /// The fact the error is about.
        public var fact: String? {
            get { fields.fact }
            set { fields.fact = newValue }
        }
        /// The configuration key.
        public var key: String? {
            get { fields.key }
            set { fields.key = newValue }
        }
        /// The function.
        public var function: String? {
            get { fields.function }
            set { fields.function = newValue }
        }
        /// The enum member (as written).
        public var member: String? {
            get { fields.member }
            set { fields.member = newValue }
        }
        /// The rule.
        public var rule: String? {
            get { fields.rule }
            set { fields.rule = newValue }
        }
        /// The limit that was hit, in its unit (bytes, levels, steps, elements).
        public var limit: Int? {
            get { fields.limit }
            set { fields.limit = newValue }
        }

        /// Creates the data; every field defaults to nil.
        public init(
            fact: String? = nil, key: String? = nil, function: String? = nil, member: String? = nil,
            rule: String? = nil,
            limit: Int? = nil
        ) {
            fields = Fields(fact: fact, key: key, function: function, member: member, rule: rule, limit: limit)
        }

        /// No data.
        public static let none = Diagnostic.Data()

        /// Equal when every field is.
        public static func == (a: Diagnostic.Data, b: Diagnostic.Data) -> Bool { a.fields == b.fields }
        /// Hashes the fields.
        public func hash(into h: inout Hasher) { h.combine(fields) }
    }
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias ErrorCode = Diagnostic.Code
package typealias ErrorData = Diagnostic.Data
