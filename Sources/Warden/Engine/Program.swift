/// The facts of one device, in the schema's slot order. Build it with `Program.input(_:)` or
/// `Program.device(json:)`. A fact slot is in one of three states: absent (missing), present (a
/// value), or malformed: given, but with the wrong type, out of its domain (a bad version or date,
/// an unknown enum member, an integer out of range), `null`, or twice. A malformed fact is recorded
/// as a fact error and is not missing: reading it, `has()` included, is an error of the rule.
public struct Input: Sendable {
    /// Facts by slot; `nil` is missing. Writing here directly marks the typed slots stale.
    package var facts: [Value?] {
        get { fast.facts }
        _modify {
            fast.valid = false
            yield &fast.facts
        }
    }
    /// The facts' storage, with the typed slots for the compiled engine (FastFacts.swift), which
    /// are valid when `fastValid`, and the properties below: an input is one reference.
    package var fast: FastFacts
    /// Whether `fast` matches `facts` (every write through `facts` clears it; the setters below keep it).
    package var fastValid: Bool {
        get { fast.valid }
        set { fast.valid = newValue }
    }
    /// Facts that were given badly.
    public var factErrors: [Decision.Error] { fast.factErrors }
    /// Names that are not facts (`id` excluded).
    public var unknownNames: [String] { fast.unknownNames }
    // (The package writes both through `fast`, where they are kept: an input is one reference.)
    /// Malformed facts by slot, with the message of their fact error (which a rule reading them
    /// gets too). Their slots hold no value; the typed slots mark them malformed.
    package var malformed: [Int: String] {
        get { fast.malformedMessages }
        _modify { yield &fast.malformedMessages }
    }

    package init(slots: Int) {
        fast = FastFacts(slots: slots)
    }

    /// The value of a fact, if present (nil when it is absent or malformed).
    public func fact(_ name: String, in schema: Schema) -> Value? {
        schema.slot(ofFact: name).flatMap { facts[$0] }
    }

    /// Why a fact is malformed (its fact error's message), or nil when it is absent or present.
    public func malformation(of name: String, in schema: Schema) -> String? {
        schema.slot(ofFact: name).flatMap { malformed[$0] }
    }

    /// Whether a slot is absent: neither a value nor malformed.
    package func isAbsent(_ slot: Int) -> Bool {
        slot >= 0 && slot < facts.count && facts[slot] == nil && malformed[slot] == nil
    }

    /// Sets a fact by slot (no longer malformed); the typed slots are re-encoded before the next evaluation.
    package mutating func set(slot: Int, _ value: Value?) {
        if !malformed.isEmpty { malformed[slot] = nil }
        facts[slot] = value
    }

    /// Sets a fact by slot (host fast path), keeping the typed slot in step.
    mutating func set(slot: Int, _ value: Value?, encoding: FastEncoding?) {
        if !malformed.isEmpty { malformed[slot] = nil }
        fast.facts[slot] = value
        fast.encode(slot, value, encoding)
    }

    /// Marks a fact malformed: it holds no value, the decision lists `message` as its fact error,
    /// and a rule that reads it (or asks `has()` of it) errs with the same message.
    package mutating func setMalformed(slot: Int, name: String, message: String) {
        guard slot >= 0, slot < facts.count else { return }
        fast.facts[slot] = nil
        fast.setMalformed(slot)
        malformed[slot] = message
        fast.factErrors.append(.fact(name: name, message: message))
    }

    /// Sets a fact when it is absent (`--today` fills `today` only where the device does not give
    /// it). A malformed fact is not absent: it stays malformed.
    public mutating func setIfMissing(_ name: String, _ value: Value, in schema: Schema) {
        guard let slot = schema.slot(ofFact: name), isAbsent(slot) else { return }
        set(slot: slot, value, encoding: FastEncoding(schema.facts[slot].type, slot: slot))
    }
}

extension EvalState {
    /// The evaluator's state over a device's facts, malformed ones included.
    package init(input: Input, limits: EvalLimits) {
        self.init(facts: input.facts, limits: limits)
        malformed = input.malformed
    }
}

/// The message of a malformed fact (its fact error, and the error of any rule that reads it).
package func malformedFactMessage(_ name: String, _ why: String) -> String {
    "fact `\(name)` is malformed: \(why)"
}

/// A compiled policy: immutable, `Sendable`, stateless; evaluate it from any number of threads.
public struct Program: Sendable {
    package let policy: CheckedPolicy
    package let evaluator: Evaluator
    /// The rule conditions compiled over typed fact slots (Compiler.swift).
    let compiled: CompiledPolicy
    /// The rules a decision evaluates, for big policies (RuleIndex.swift); nil: every rule.
    let ruleIndex: RuleIndex?
    /// Each slot's typed encoding.
    let encodings: [FastEncoding?]
    /// The straight-line pre-check of a small policy (LeafPlan.swift); nil: the general loop only.
    let plan: LeafPlan?
    /// Owns the plan's buffers.
    let planStorage: LeafPlan.Storage?
    /// The identity of `constantConfig`'s storage (never dereferenced) and its count: a decision
    /// whose `config` has both already holds it, which is checked without retaining either array.
    let constantConfigBase: UInt
    let constantConfigCount: Int
    /// A fired-rule entry per rule, built once.
    let firedTemplates: [FiredRule]
    /// The `let`s ordered by where their value starts in the source, for the note on an error
    /// inside one (their spans never overlap, so at most one contains an error's span).
    let letsBySpan: [Int]
    /// The configuration of every decision when the policy has no config blocks and no `set`s.
    let constantConfig: [ConfigEntry]?
    /// Whether any rule has `set`s (else firing a rule never records setters).
    let hasSets: Bool
    /// The configuration of each set of applying config blocks, for decisions without a fired
    /// `set` (Program+ConfigTable.swift); nil: computed per decision.
    let configTable: ConfigTable?
    /// The engine that compiled it (schema, functions, limits).
    public let engine: Engine
    /// The source it was compiled from.
    public let source: SourceFile
    /// Non-fatal diagnostics (warnings) from compilation.
    public let warnings: [Diagnostic]

    package init(policy: CheckedPolicy, engine: Engine, source: SourceFile, warnings: [Diagnostic]) {
        self.policy = policy
        self.engine = engine
        self.source = source
        self.warnings = warnings
        self.evaluator = Evaluator(
            resolutions: policy.resolutions, lets: policy.lets.map(\.expr),
            hostFunctions: engine.functions.map(\.checkedImplementation), celMode: false)
        self.compiled = Compiler.compile(policy, schema: engine.schema, maxListLength: engine.limits.maxListLength)
        self.encodings = engine.schema.fastEncodings
        self.ruleIndex = RuleIndex.build(compiled, encodings: encodings, maxSteps: engine.limits.evalLimits.maxSteps)
        self.firedTemplates = policy.rules.map {
            FiredRule(name: $0.name, action: $0.action ?? .allow, message: $0.message, line: $0.line, file: $0.file)
        }
        self.letsBySpan = policy.lets.indices.sorted {
            policy.lets[$0].expr.span.start < policy.lets[$1].expr.span.start
        }
        var constant: [ConfigEntry]?
        self.hasSets = policy.rules.contains(where: { !$0.sets.isEmpty })
        if policy.configs.isEmpty && !hasSets {
            var ignored: [String] = []
            constant = Program.configuration(
                policy, engine.schema, Input(slots: engine.schema.facts.count), setters: [], warnings: &ignored)
        }
        self.constantConfig = constant
        self.configTable = constant == nil ? ConfigTable(policy, engine.schema) : nil
        // The straight-line plan, for a small policy whose decisions need nothing but the rules.
        let built =
            ruleIndex == nil && constant != nil ? LeafPlan.build(compiled, limits: engine.limits.evalLimits) : nil
        self.plan = built?.0
        self.planStorage = built?.1
        self.constantConfigBase = constant?.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } ?? 0
        self.constantConfigCount = constant?.count ?? -1
    }

    /// The policy's name from its header, if any.
    public var name: String? { policy.name }
    /// The action applied to rules whose condition ends in an error.
    public var onError: Action { policy.onError }
    /// The rule names, in source order.
    public var ruleNames: [String] { policy.rules.map(\.name) }
    /// The schema facts are checked against.
    public var schema: Schema { engine.schema }

    /// Builds an input from named values (an enum fact also takes its member's name as a string).
    /// Unknown names and badly typed values are recorded; ``input(strict:)`` throws for them.
    public func input(_ facts: [String: Value]) -> Input {
        var input = Input(slots: schema.facts.count)
        for (name, value) in facts.sorted(by: { $0.key < $1.key }) {
            guard let slot = schema.slot(ofFact: name) else {
                input.fast.unknownNames.append(name)
                continue
            }
            switch schema.factValue(value, as: schema.facts[slot].type) {  // enum members by name too
            case .success(let v): input.facts[slot] = v
            case .failure(let e):
                input.setMalformed(slot: slot, name: name, message: malformedFactMessage(name, e.message))
            }
        }
        input.encodeAll(encodings)
        return input
    }

    /// Evaluates the policy for one device. Never throws: errors become part of the decision,
    /// and fail closed through the policy's `onError` action.
    public func evaluate(_ input: Input) -> Decision {
        var d = Decision()
        evaluate(input, into: &d)
        return d
    }

    /// Evaluates the policy for one device into `decision`, reusing its arrays' capacity: for a
    /// policy of comparisons, constant lists and boolean logic (and no config blocks or `set`s), a
    /// decision then allocates nothing once the arrays have grown. Same result as `evaluate(_:)`.
    public func evaluate(_ input: borrowing Input, into decision: inout Decision) {
        guard input.fast.isValid(slots: compiled.slotCount) else {
            guard input.fast.slotCount == compiled.slotCount else {
                decision = referenceEvaluate(copy input)
                return
            }
            var encoded = copy input
            encoded.encodeAll(encodings)
            evaluate(encoded, into: &decision)
            return
        }
        // The words are read through `input.fast` itself (a borrow: no retain of its storage, which
        // would write to a cold object per device). The straight-line plan first: it needs no
        // pointer to the input (`withUnsafePointer(to:)` copies the input through its value witnesses).
        if let plan,
            input.fast.withWords({ header, words, pool in
                header.pointee.factErrors.isEmpty
                    && decidePlanned(
                        plan, present: header.pointee.present, fast: header.pointee.fast,
                        malformed: header.pointee.malformed, words: words, pool: pool, into: &decision)
            })
        {
            return
        }
        withUnsafePointer(to: input) { p in
            input.fast.withWords { header, words, pool in
                var run = CompiledRun(
                    present: header.pointee.present, fast: header.pointee.fast, malformed: header.pointee.malformed,
                    words: words, pool: pool, input: p, state: nil)
                decide(&run, factErrors: !header.pointee.factErrors.isEmpty, into: &decision)
            }
        }
    }

    /// The compiled decision over one device's typed words (from its `Input` or a `DeviceBatch` row).
    /// Reads `run.input` only when a rule, a fact error or a non-constant configuration needs it.
    @inline(__always)
    func decide(_ run: inout CompiledRun, factErrors: Bool, into decision: inout Decision) {
        if let plan, !factErrors,
            decidePlanned(
                plan, present: run.present, fast: run.fast, malformed: run.malformed, words: run.words, pool: run.pool,
                into: &decision)
        {
            return
        }
        if let index = ruleIndex, run.candidates == nil {
            decideIndexed(index, &run, factErrors: factErrors, into: &decision)  // sets run.candidates
            return
        }
        decision.action = .allow
        if !decision.fired.isEmpty { decision.fired.removeAll(keepingCapacity: true) }
        if !decision.errors.isEmpty { decision.errors.removeAll(keepingCapacity: true) }
        if factErrors { decision.errors.append(contentsOf: run.input.pointee.factErrors) }
        if !decision.warnings.isEmpty { decision.warnings.removeAll(keepingCapacity: true) }
        var setters: [(rule: Int, setting: KeySetting)] = []
        let compiled = self.compiled
        let limits = engine.limits.evalLimits
        // Limits agree with the reference (hole 3 of "Trust, round 2"): compiled nodes charge what the
        // reference would (or more, see `CompiledRun.steps`); a rule over `maxSteps` here is decided
        // by the reference, from the state as it was before the rule; and a decision whose count
        // reaches a decision budget is decided again, wholly, by the reference.
        var redo = false
        run.decisionSteps = 0
        // With a rule index, only the candidates are evaluated, and the skipped rules' static cost is
        // charged up front, so the decision budget is hit no later than the reference's (RuleIndex.swift).
        if let bits = run.candidates, let index = ruleIndex { run.decisionSteps = index.select(run, into: bits) }
        var rules = RuleCursor(count: compiled.roots.count, bits: run.candidates)  // after `select` filled the bits
        compiled.roots.withUnsafeBufferPointer { roots in
            while let ri = rules.nextRule() {
                if decideRule(ri, roots[ri], &run, &decision, &setters, limits) {
                    redo = true
                    break
                }
            }
            if run.decisionSteps > limits.maxDecisionSteps { redo = true }  // the skipped rules' cost alone
        }
        if redo {
            // This path's counts may exceed the reference's (inlined lets); the reference decides.
            run.state = nil  // free this attempt's values before the reference builds its own
            run.hasState = false
            decision = referenceEvaluate(run.input.pointee)
            return
        }
        if let constantConfig {
            // Assign only when it differs from the constant's storage: no retain/release per decision.
            if !Program.sameStorage(decision.config, constantConfig) { decision.config = constantConfig }
        } else {
            decision.config = effectiveConfiguration(
                run.input.pointee, setters: setters, warnings: &decision.warnings)
        }
    }

    /// Decides rule `ri` (root node `root`) on the compiled path; true when the reference must
    /// decide the whole decision again (a budget reached, a limit in a fallback). The common case (no
    /// fallback in the rule, none run earlier in the decision) touches no `EvalState`: the reference
    /// evaluator's state is created, copied and freed only on the out-of-line paths below.
    @inline(__always)
    func decideRule(
        _ ri: Int, _ root: Int32, _ run: inout CompiledRun, _ decision: inout Decision,
        _ setters: inout [(rule: Int, setting: KeySetting)], _ limits: EvalLimits
    ) -> Bool {
        if run.hasState || (compiled.hasFallbacks && compiled.mayFallBack(ri)) {
            return decideRuleWithState(ri, root, &run, &decision, &setters, limits)
        }
        run.steps = 0
        let outcome = compiled.evalRoot(root, &run, evaluator, limits)
        if outcome == .yes || outcome == .no {
            // Over the rule's budget by this path's count: the reference decides, from the start
            // (its `let` cache may hold what this path inlined, and so cost less).
            if run.steps > limits.maxSteps { return true }
            let (d, o) = run.decisionSteps.addingReportingOverflow(run.steps)
            run.decisionSteps = o ? Int.max : d
            if run.decisionSteps > limits.maxDecisionSteps { return true }
            if outcome == .yes { fire(ri, &decision, &setters) }
            return false
        }
        if outcome == .abort { return true }
        return referenceAfterUnknown(ri, saved: nil, &run, &decision, &setters, limits)
    }

    /// `decideRule` for a rule that may run a fallback, or after one ran: the state the rule
    /// starts from is kept, so that the reference decides an unknown rule from it.
    @inline(never)
    func decideRuleWithState(
        _ ri: Int, _ root: Int32, _ run: inout CompiledRun, _ decision: inout Decision,
        _ setters: inout [(rule: Int, setting: KeySetting)], _ limits: EvalLimits
    ) -> Bool {
        let saved = run.hasState ? run.state : nil  // nil unless a fallback ran
        run.steps = 0
        let outcome = compiled.evalRoot(root, &run, evaluator, limits)
        if outcome == .yes || outcome == .no {
            if run.steps > limits.maxSteps { return true }
            let (d, o) = run.decisionSteps.addingReportingOverflow(run.steps)
            run.decisionSteps = o ? Int.max : d
            if run.decisionSteps > limits.maxDecisionSteps
                || (run.hasState && (run.state?.decisionBytes ?? 0) > limits.maxDecisionBytes)
            {
                return true
            }
            if outcome == .yes { fire(ri, &decision, &setters) }
            return false
        }
        // A limit in a fallback: the reference decides, from the start.
        if outcome == .abort { return true }
        return referenceAfterUnknown(ri, saved: saved, &run, &decision, &setters, limits)
    }

    /// The reference evaluator decides rule `ri`, with the decision's shared state as it was
    /// before the rule (what the attempt cached would make the rule cheaper here). True when a
    /// limit was reached, which may be this path's doing (fewer cached lets): the reference then
    /// decides the whole decision.
    @inline(never)
    func referenceAfterUnknown(
        _ ri: Int, saved: EvalState?, _ run: inout CompiledRun, _ decision: inout Decision,
        _ setters: inout [(rule: Int, setting: KeySetting)], _ limits: EvalLimits
    ) -> Bool {
        var state = saved ?? EvalState(input: run.input.pointee, limits: limits)
        run.state = nil
        state.steps = 0
        state.decisionSteps = run.decisionSteps
        let hitLimit = referenceRule(ri, &state, &decision, &setters)
        run.decisionSteps = state.decisionSteps
        let over =
            hitLimit || state.decisionSteps > limits.maxDecisionSteps
            || state.decisionBytes > limits.maxDecisionBytes
        run.state = state
        run.hasState = true
        return over
    }

    /// Whether two arrays are equal because they share storage (or are both empty).
    @inline(__always)
    static func sameStorage<T>(_ a: [T], _ b: [T]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }

    @inline(__always)
    func fire(_ ri: Int, _ decision: inout Decision, _ setters: inout [(rule: Int, setting: KeySetting)]) {
        let f = firedTemplates[ri]
        decision.fired.append(f)
        if f.action > decision.action { decision.action = f.action }
        if hasSets {
            let sets = policy.rules[ri].sets
            for s in sets { setters.append((ri, s)) }
        }
    }

    /// One rule through the reference evaluator (the tree-walking interpreter). Returns whether
    /// the rule ended in a limit error.
    @discardableResult
    func referenceRule(
        _ ri: Int, _ state: inout EvalState, _ decision: inout Decision,
        _ setters: inout [(rule: Int, setting: KeySetting)]
    ) -> Bool {
        let rule = policy.rules[ri]
        switch evaluator.evaluate(rule.condition, &state) {
        case .success(.bool(true)):
            fire(ri, &decision, &setters)
        case .success(.bool(false)):
            break
        case .success(let other):
            decision.errors.append(
                .rule(
                    name: rule.name, message: "the condition gave `\(other.type)`, not `bool`", line: rule.line,
                    action: rule.onError ?? policy.onError, kind: .noSuchOverload))
            if (rule.onError ?? policy.onError) > decision.action { decision.action = rule.onError ?? policy.onError }
        case .failure(let err):
            decision.errors.append(
                .rule(
                    name: rule.name, message: message(for: err, in: rule), line: rule.line,
                    action: rule.onError ?? policy.onError, kind: err.kind))
            if (rule.onError ?? policy.onError) > decision.action { decision.action = rule.onError ?? policy.onError }
            return err.kind == .limitExceeded
        }
        return false
    }

    /// The decision of the straightforward interpretation: every rule through the reference
    /// evaluator (what the compiled path must equal; used for inputs of another schema and in tests).
    func referenceEvaluate(_ input: Input) -> Decision {
        var decision = Decision()
        decision.errors = input.factErrors
        var state = EvalState(input: input, limits: engine.limits.evalLimits)
        var setters: [(rule: Int, setting: KeySetting)] = []
        for ri in policy.rules.indices {
            state.steps = 0
            referenceRule(ri, &state, &decision, &setters)
        }
        decision.config = effectiveConfiguration(input, setters: setters, warnings: &decision.warnings)
        return decision
    }

    /// The error's message, with a note when it arose inside a `let` (found by binary search over
    /// the lets' spans, so a chain of any length costs a logarithm per error).
    func message(for err: EvalError, in rule: CheckedRule) -> String {
        guard let span = err.span, !letsBySpan.isEmpty else { return err.message }
        // The last let whose value starts at or before the error.
        var lo = 0
        var hi = letsBySpan.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let i = letsBySpan[mid]
            if i >= 0, i < policy.lets.count, policy.lets[i].expr.span.start <= span.start {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        guard lo > 0 else { return err.message }
        let i = letsBySpan[lo - 1]
        guard i >= 0, i < policy.lets.count else { return err.message }
        let l = policy.lets[i]
        guard span.end <= l.expr.span.end else { return err.message }
        let place = source.files.count > 1 ? source.fileName(at: l.span.start) + ":" : "line "
        return "\(err.message) (in `let \(l.name)`, \(place)\(source.location(of: l.span.start).line))"
    }

    /// Whether a config block applies to this device (Assignment.swift): the managedApps route
    /// reaches every device, the managedDevices route enrolled ones (`management` is not
    /// `unmanaged`); the block must target the Defender app, and the device's `groups` must meet
    /// the block's groups.
    func applies(_ c: CheckedConfig, to input: Input) -> Bool { Program.applies(c, schema, input) }

    static func applies(_ c: CheckedConfig, _ schema: Schema, _ input: Input) -> Bool {
        guard c.isLive else { return false }
        if c.route == .managedDevices {
            guard let slot = schema.slot(ofFact: "management"), case .enumMember(_, let o)? = input.facts[slot],
                o != 0
            else { return false }
        }
        if let groups = c.groups {
            guard let slot = schema.slot(ofFact: "groups"), case .list(let gs)? = input.facts[slot] else {
                return false
            }
            let met = gs.contains { if case .string(let g) = $0 { return groups.contains(g) } else { return false } }
            if !met { return false }
        }
        return true
    }

    func effectiveConfiguration(_ input: Input, setters: [(rule: Int, setting: KeySetting)], warnings: inout [String])
        -> [ConfigEntry]
    {
        // The table's entry for the blocks that apply, and the fired `set`s over it (Program+ConfigTable.swift).
        if let table = configTable, let config = table.configuration(input, policy, schema.keys, setters, &warnings) {
            return config
        }
        return Program.configuration(policy, schema, input, setters: setters, warnings: &warnings)
    }

    package static func configuration(
        _ policy: CheckedPolicy, _ schema: Schema, _ input: Input, setters: [(rule: Int, setting: KeySetting)],
        warnings: inout [String]
    ) -> [ConfigEntry] {
        let applying = policy.configs.indices.filter { applies(policy.configs[$0], schema, input) }
        return configuration(policy, schema, applying: applying, setters: setters, warnings: &warnings)
    }

    /// Applies fired rules' `set`s in order (the later rule wins), with a warning where two rules
    /// set one key to different values; `apply` records each key's new value and origin.
    static func applySetters(
        _ policy: CheckedPolicy, _ keys: [KeyDefinition], _ setters: [(rule: Int, setting: KeySetting)],
        warnings: inout [String], _ apply: (_ key: Int, ConfigValue, ConfigOrigin) -> Void
    ) {
        var setBy: [Int: (rule: Int, value: ConfigValue)] = [:]
        for (ri, s) in setters where s.key >= 0 && s.key < keys.count && ri >= 0 && ri < policy.rules.count {
            if let prev = setBy[s.key], prev.value != s.value, prev.rule >= 0, prev.rule < policy.rules.count {
                let k = keys[s.key]
                warnings.append(
                    "rules `\(policy.rules[prev.rule].name)` and `\(policy.rules[ri].name)` both set `\(k.name)`: \(k.displayText(prev.value)) and \(k.displayText(s.value)); the later rule wins"
                )
            }
            setBy[s.key] = (ri, s.value)
            let r = policy.rules[ri]
            apply(s.key, s.value, .rule(name: r.name, file: r.file, line: r.line))
        }
    }

    /// The configuration when the blocks `applying` (indices into `policy.configs`, ascending) apply.
    static func configuration(
        _ policy: CheckedPolicy, _ schema: Schema, applying: [Int], setters: [(rule: Int, setting: KeySetting)],
        warnings: inout [String]
    ) -> [ConfigEntry] {
        let keys = schema.keys
        var values: [ConfigValue?] = keys.map(\.defaultValue)
        // Override blocks last so they win; then managedApps before managedDevices, then source order.
        let order = applying.sorted {
            policy.configs[$0].applicationOrder($0) < policy.configs[$1].applicationOrder($1)
        }
        var origins = [ConfigOrigin](repeating: .schemaDefault, count: keys.count)
        for ci in order {
            let c = policy.configs[ci]
            for s in c.settings where s.key < keys.count {
                values[s.key] = s.value
                origins[s.key] = .block(name: c.name, file: c.file, line: c.line)
            }
        }
        if order.count > 1 {
            warnings += unresolvedConflicts(policy, schema, order)
        }
        applySetters(policy, keys, setters, warnings: &warnings) { key, value, origin in
            values[key] = value
            origins[key] = origin
        }
        var out: [ConfigEntry] = []
        for (i, k) in keys.enumerated() {
            guard let v = values[i] else { continue }
            out.append(ConfigEntry(key: k.name, value: v, jsonText: k.jsonText(v), origin: origins[i]))
        }
        return out
    }
}
