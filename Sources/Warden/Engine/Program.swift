/// The facts of one device, in the schema's slot order. Build it with `Program.input(_:)` or
/// `Program.input(json:)`; facts given badly are recorded as fact errors and count as missing.
public struct Input: Sendable {
    /// Facts by slot; `nil` is missing.
    var facts: [Value?]
    /// Facts that were given badly.
    public internal(set) var factErrors: [DecisionError] = []
    /// Names that are not facts (`id` excluded).
    public internal(set) var unknownNames: [String] = []

    init(slots: Int) { facts = Array(repeating: nil, count: slots) }

    /// The value of a fact, if present.
    public func fact(_ name: String, in schema: Schema) -> Value? {
        schema.slot(ofFact: name).flatMap { facts[$0] }
    }

    /// Sets a fact by slot (host fast path).
    mutating func set(slot: Int, _ value: Value?) { facts[slot] = value }

    /// Sets a fact when it is absent (`--today` fills `today` only where the device does not).
    public mutating func setIfMissing(_ name: String, _ value: Value, in schema: Schema) {
        guard let slot = schema.slot(ofFact: name), facts[slot] == nil else { return }
        facts[slot] = value
    }
}

/// A compiled policy: immutable, `Sendable`, stateless; evaluate it from any number of threads.
public struct Program: Sendable {
    let policy: CheckedPolicy
    let evaluator: Evaluator
    /// The engine that compiled it (schema, functions, limits).
    public let engine: Engine
    /// The source it was compiled from.
    public let source: SourceFile
    /// Non-fatal diagnostics (warnings) from compilation.
    public let warnings: [Diagnostic]

    init(policy: CheckedPolicy, engine: Engine, source: SourceFile, warnings: [Diagnostic]) {
        self.policy = policy
        self.engine = engine
        self.source = source
        self.warnings = warnings
        self.evaluator = Evaluator(
            resolutions: policy.resolutions, lets: policy.lets.map(\.expr),
            hostFunctions: engine.functions.map(\.implementation), celMode: false)
    }

    /// The policy's name from its header, if any.
    public var name: String? { policy.name }
    /// The action applied to rules whose condition ends in an error.
    public var onError: Action { policy.onError }
    /// The rule names, in source order.
    public var ruleNames: [String] { policy.rules.map(\.name) }
    /// The schema facts are checked against.
    public var schema: Schema { engine.schema }

    /// Builds an input from named values. Unknown names and badly typed values are recorded.
    public func input(_ facts: [String: Value]) -> Input {
        var input = Input(slots: schema.facts.count)
        for (name, value) in facts.sorted(by: { $0.key < $1.key }) {
            guard let slot = schema.slot(ofFact: name) else {
                input.unknownNames.append(name)
                continue
            }
            let type = schema.facts[slot].type
            if value.conforms(to: type) {
                input.facts[slot] = value
            } else {
                input.factErrors.append(.fact(name: name, message: "fact `\(name)` must be `\(type)`, not `\(value.type)`"))
            }
        }
        return input
    }

    /// Evaluates the policy for one device. Never throws: errors become part of the decision,
    /// and fail closed through the policy's `onError` action.
    public func evaluate(_ input: Input) -> Decision {
        var fired: [FiredRule] = []
        var errors: [DecisionError] = input.factErrors
        var warnings: [String] = []
        var action = Action.allow
        var state = EvalState(facts: input.facts, limits: engine.limits.evalLimits)
        var setters: [(rule: Int, setting: KeySetting)] = []
        for (ri, rule) in policy.rules.enumerated() {
            state.steps = 0
            switch evaluator.evaluate(rule.condition, &state) {
            case .success(.bool(true)):
                let a = rule.action ?? .allow
                fired.append(FiredRule(name: rule.name, action: a, message: rule.message, line: rule.line))
                if a > action { action = a }
                for s in rule.sets { setters.append((ri, s)) }
            case .success(.bool(false)):
                break
            case .success(let other):
                errors.append(
                    .rule(
                        name: rule.name, message: "the condition gave `\(other.type)`, not `bool`", line: rule.line,
                        action: policy.onError))
                if policy.onError > action { action = policy.onError }
            case .failure(let err):
                errors.append(
                    .rule(name: rule.name, message: message(for: err, in: rule), line: rule.line, action: policy.onError))
                if policy.onError > action { action = policy.onError }
            }
        }
        let config = effectiveConfiguration(input, setters: setters, warnings: &warnings)
        return Decision(action: action, fired: fired, errors: errors, warnings: warnings, config: config)
    }

    /// The error's message, with a note when it arose inside a `let` the rule uses.
    func message(for err: EvalError, in rule: CheckedRule) -> String {
        guard let span = err.span, !rule.lets.isEmpty else { return err.message }
        for i in rule.lets where i < policy.lets.count {
            let l = policy.lets[i]
            if span.start >= l.expr.span.start && span.end <= l.expr.span.end {
                return "\(err.message) (in `let \(l.name)`, line \(source.location(of: l.span.start).line))"
            }
        }
        return err.message
    }

    /// Whether a config block applies to this device (LANGUAGE.md §6): the managedApps route applies
    /// to every device, the managedDevices route to enrolled ones (`management` is not `unmanaged`);
    /// the device's `appId` must be in the block's apps and its `groups` must meet the block's groups.
    func applies(_ c: CheckedConfig, to input: Input) -> Bool {
        let schema = self.schema
        if c.route == .managedDevices {
            guard let slot = schema.slot(ofFact: "management"), case .enumMember(_, let o)? = input.facts[slot],
                o != 0
            else { return false }
        }
        if let apps = c.apps {
            guard let slot = schema.slot(ofFact: "appId"), case .string(let app)? = input.facts[slot],
                apps.contains(app)
            else { return false }
        }
        if let groups = c.groups {
            guard let slot = schema.slot(ofFact: "groups"), case .list(let gs)? = input.facts[slot] else { return false }
            let met = gs.contains { if case .string(let g) = $0 { return groups.contains(g) } else { return false } }
            if !met { return false }
        }
        return true
    }

    func effectiveConfiguration(_ input: Input, setters: [(rule: Int, setting: KeySetting)], warnings: inout [String])
        -> [ConfigEntry]
    {
        let keys = schema.keys
        var values: [ConfigValue?] = keys.map(\.defaultValue)
        // managedApps blocks first, then managedDevices; within a route, override blocks last so they win.
        let order = policy.configs.enumerated().sorted {
            ($0.element.route == .managedDevices ? 1 : 0, $0.element.isOverride ? 1 : 0, $0.offset)
                < ($1.element.route == .managedDevices ? 1 : 0, $1.element.isOverride ? 1 : 0, $1.offset)
        }
        for (_, c) in order where applies(c, to: input) {
            for s in c.settings { values[s.key] = s.value }
        }
        var setBy: [Int: (rule: Int, value: ConfigValue)] = [:]
        for (ri, s) in setters {
            if let prev = setBy[s.key], prev.value != s.value {
                let k = keys[s.key]
                warnings.append(
                    "rules `\(policy.rules[prev.rule].name)` and `\(policy.rules[ri].name)` both set `\(k.name)`: \(k.displayText(prev.value)) and \(k.displayText(s.value)); the later rule wins")
            }
            setBy[s.key] = (ri, s.value)
            values[s.key] = s.value
        }
        var out: [ConfigEntry] = []
        for (i, k) in keys.enumerated() {
            guard let v = values[i] else { continue }
            out.append(ConfigEntry(key: k.name, value: v, jsonText: k.jsonText(v)))
        }
        return out
    }
}

extension Value {
    /// Whether the value has the given static type (lists element by element).
    func conforms(to t: WardenType) -> Bool {
        switch (self, t) {
        case (_, .dyn): return true
        case (.bool, .bool), (.int, .int), (.uint, .uint), (.double, .double), (.string, .string), (.bytes, .bytes),
            (.null, .null), (.type, .type), (.version, .version), (.date, .date):
            return true
        case (.enumMember(let e, _), .enumeration(let f)): return e == f
        case (.list(let items), .list(let el)): return items.allSatisfy { $0.conforms(to: el) }
        case (.map(let m), .map(let k, let v)):
            return m.keys.allSatisfy { $0.conforms(to: k) } && m.values.allSatisfy { $0.conforms(to: v) }
        default: return false
        }
    }
}
