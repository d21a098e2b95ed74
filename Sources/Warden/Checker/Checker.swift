// The checker: resolves names against the schema, types every expression, converts string
// literals compared with enums, versions and dates, checks configuration values, and lints.
// After a successful check the only errors left at run time are dynamic ones.

package final class Checker {
    let schema: Schema
    let source: SourceFile
    let hostFunctions: [HostFunction]
    /// Strict mode: the built-in facts the host supplies (`Engine.suppliedFacts`); nil: all.
    let suppliedFacts: Set<String>?
    package private(set) var diagnostics: [Diagnostic] = []
    package var resolutions = Resolutions()
    package var lets: [CheckedLet] = []
    package var letIndex: [String: Int] = [:]
    /// Comprehension variables, innermost last.
    var scopes: [(name: String, type: WardenType)] = []
    /// `let`s used by the expression being checked.
    var usedLets: Set<Int> = []
    /// Whether `check` records each node's type in `resolutions.types` (see `recordType`).
    var recordsTypes = false
    /// In a policy set: the named rules of the other files (tests may name them), and whether
    /// this file's config blocks are linted alone (the set lints all its blocks together).
    var otherRuleNames: [String] = []
    var lintsConfiguration = true

    package init(
        schema: Schema, source: SourceFile, hostFunctions: [HostFunction] = [], suppliedFacts: Set<String>? = nil
    ) {
        self.schema = schema
        self.source = source
        self.hostFunctions = hostFunctions
        self.suppliedFacts = suppliedFacts
    }

    func error(
        _ code: ErrorCode, _ message: String, _ span: SourceSpan, fixIt: String? = nil, notes: [Diagnostic.Note] = [],
        data: ErrorData = .none
    ) {
        diagnostics.append(.error(code, message, span, fixIt: fixIt, notes: notes, data: data))
    }

    func warning(
        _ code: ErrorCode, _ message: String, _ span: SourceSpan, notes: [Diagnostic.Note] = [], data: ErrorData = .none
    ) {
        diagnostics.append(.warning(code, message, span, notes: notes, data: data))
    }

    func line(_ span: SourceSpan) -> Int { source.location(of: span.start).line }

    /// Built-in function names (for suggestions and `let` shadowing).
    package static let builtinFunctions: [String] = BuiltinTable.names

    /// Every enum of the schema containing a member of this name, in resolution order.
    func enums(withMember name: String) -> [EnumType] { schema.enums(withMember: name) }

    package static let typeNames: [String: WardenType] = [
        "int": .int, "uint": .uint, "double": .double, "bool": .bool, "string": .string, "bytes": .bytes,
        "list": .list(.dyn), "map": .map(.dyn, .dyn), "null_type": .null, "type": .type, "dyn": .dyn,
        "version": .version, "date": .date,
    ]

    // MARK: - Policy

    func check(_ file: PolicyFile) -> CheckedPolicy {
        var policy = CheckedPolicy(name: file.header?.name.value, onError: file.header?.onError?.value ?? .blockAccess)
        var ruleNames: [String: SourceSpan] = [:]
        var ordinal = 0
        var tests: [TestDecl] = []
        for statement in file.statements {
            switch statement {
            case .let(let decl):
                checkLet(decl)
            case .rule(let decl):
                ordinal += 1
                if let rule = checkRule(decl, ordinal: ordinal) {
                    if let previous = ruleNames[rule.name] {
                        error(
                            .duplicateName,
                            "duplicate rule name `\(rule.name)`", decl.name?.span ?? decl.span,
                            notes: [.init("`\(rule.name)` is first declared here", span: previous)])
                    } else {
                        ruleNames[rule.name] = decl.name?.span ?? decl.span
                    }
                    policy.rules.append(rule)
                }
            case .config(let decl):
                policy.configs.append(checkConfig(decl))
            case .test(let decl):
                tests.append(decl)
            }
        }
        let named = policy.rules.filter(\.isNamed).map(\.name) + otherRuleNames
        for decl in tests { policy.tests.append(checkTest(decl, ruleNames: named)) }
        if lintsConfiguration {
            lintConfiguration(policy.configs)
            lintRuleSets(policy.rules, configs: policy.configs)
        }
        policy.lets = lets
        policy.resolutions = resolutions
        return policy
    }

    func checkLet(_ decl: LetDecl) {
        let name = decl.name.value
        var problem: String?
        if schema.slot(ofFact: name) != nil {
            problem = "`let \(name)` shadows the fact `\(name)`"
        } else if !enums(withMember: name).isEmpty {
            problem = "`let \(name)` shadows the enum member `\(name)`"
        } else if Checker.builtinFunctions.contains(name) || hostFunctions.contains(where: { $0.name == name }) {
            problem = "`let \(name)` shadows the function `\(name)`"
        } else if letIndex[name] != nil {
            problem = "`let \(name)` is already declared"
        } else if Checker.typeNames[name] != nil || schema.enum(named: name) != nil {
            problem = "`let \(name)` shadows the type `\(name)`"
        }
        usedLets = []
        let type = check(decl.value)
        if let problem {
            var notes: [Diagnostic.Note] = []
            if let i = letIndex[name] { notes.append(.init("first declared here", span: lets[i].span)) }
            error(.duplicateName, problem, decl.name.span, notes: notes)
            return
        }
        letIndex[name] = lets.count
        lets.append(CheckedLet(name: name, expr: decl.value, type: type, span: decl.name.span, uses: usedLets))
    }

    func checkRule(_ decl: RuleDecl, ordinal: Int) -> CheckedRule? {
        usedLets = []
        let type = check(decl.condition)
        if !type.isDynamic && type != .bool {
            error(.typeMismatch, "a rule's condition must be `bool`, not `\(type)`", decl.condition.span)
        }
        var action: Action?
        var message: String?
        var sets: [KeySetting] = []
        for a in decl.actions {
            switch a {
            case .severity(let sev, let msg):
                // The parser reports a second severity action; keep the first.
                if action == nil {
                    action = sev.value
                    message = msg?.value
                }
            case .set(let key, let value, _):
                if let s = checkAssignment(key: key, value: value) {
                    if let prev = sets.first(where: { $0.key == s.key }) {
                        error(
                            .repeatedSetting,
                            "`\(key.value)` is set twice in one rule", key.span,
                            notes: [.init("first set here", span: prev.span)])
                    } else {
                        sets.append(s)
                    }
                }
            }
        }
        let name = decl.name?.value ?? "rule#\(ordinal)"
        return CheckedRule(
            name: name, isNamed: decl.name != nil, condition: decl.condition, action: action, message: message,
            sets: sets, line: line(decl.span), span: decl.span, lets: usedLets.sorted())
    }

    /// `KEY = literal`: the key must exist and the literal fit its type and range.
    func checkAssignment(key: Located<String>, value: Expr) -> KeySetting? {
        guard let ki = schema.keyIndex(of: key.value) else {
            let s = nearest(key.value, in: schema.keys.map(\.name))
            error(
                .unknownKey,
                "unknown Defender key `\(key.value)`" + (s.map { "; did you mean `\($0)`?" } ?? ""), key.span, fixIt: s,
                data: ErrorData(key: key.value))
            return nil
        }
        guard let lit = constantLiteral(value) else {
            error(
                .invalidConfigValue, "a configuration value must be a literal (a number, `true`/`false` or a string)",
                value.span)
            return nil
        }
        switch schema.keys[ki].normalize(lit) {
        case .success(let v):
            return KeySetting(key: ki, value: v, span: key.span.union(value.span))
        case .failure(let m):
            // `vpn = "0"`: a value copied from Intune, where every value is a string.
            if let fix = unquotedConfigValue(lit, key: ki) {
                error(.invalidConfigValue, m.message + "; did you mean `\(fix)`?", value.span, fixIt: fix)
            } else {
                error(.invalidConfigValue, m.message, value.span)
            }
            return nil
        }
    }

    /// A literal, or `-` applied to a numeric literal.
    func constantLiteral(_ e: Expr) -> Literal? {
        switch e.kind {
        case .literal(let l): return l
        case .unary(.negate, let inner):
            if case .literal(.int(let i)) = inner.kind, i != Int64.min { return .int(-i) }
            if case .literal(.double(let d)) = inner.kind { return .double(-d) }
            return nil
        default: return nil
        }
    }

    func checkConfig(_ decl: ConfigDecl) -> CheckedConfig {
        var settings: [KeySetting] = []
        let route = decl.route?.value ?? .managedApps
        for empty in decl.emptyLists {
            let what = empty.value == "apps" ? "app" : "group"
            error(
                .emptyTarget,
                "an empty list targets no \(what): config `\(decl.name.value)` would apply to no device; name the \(empty.value), or drop `\(empty.value) []` to target every \(what)",
                empty.span)
        }
        for entry in decl.entries {
            guard let s = checkAssignment(key: entry.key, value: entry.value) else { continue }
            if let prev = settings.first(where: { $0.key == s.key }) {
                error(
                    .repeatedSetting,
                    "`\(entry.key.value)` is given twice in config `\(decl.name.value)`", entry.key.span,
                    notes: [.init("first given here", span: prev.span)])
                continue
            }
            if route == .managedDevices && schema.keys[s.key].name == "DefenderMAMConfigs" {
                error(
                    .routeRequirement, "`DefenderMAMConfigs` must be absent on the managedDevices route", entry.key.span
                )
            }
            settings.append(s)
        }
        return CheckedConfig(
            name: decl.name.value, route: route, apps: decl.apps.map { Set($0.map(\.value)) },
            groups: decl.groups.map { Set($0.map(\.value)) }, isOverride: decl.override != nil, settings: settings,
            span: decl.name.span, line: line(decl.span))
    }

    func checkTest(_ decl: TestDecl, ruleNames: [String]) -> CheckedTest {
        var given: [CheckedGiven] = []
        var seen: Set<String> = []
        for g in decl.given {
            guard let slot = schema.slot(ofFact: g.fact.value) else {
                let s = nearest(g.fact.value, in: schema.facts.map(\.name))
                error(
                    .unknownFact,
                    "unknown fact `\(g.fact.value)`" + (s.map { "; did you mean `\($0)`?" } ?? ""), g.fact.span,
                    fixIt: s, data: ErrorData(fact: g.fact.value))
                continue
            }
            if !seen.insert(g.fact.value).inserted {
                error(.repeatedSetting, "`\(g.fact.value)` is given twice", g.fact.span)
                continue
            }
            let expected = schema.facts[slot].type
            recordsTypes = true
            let t = check(g.value, expected: expected)
            recordsTypes = false
            if !isConstant(g.value) {
                error(.nonConstantGiven, "a given value must be a constant", g.value.span)
            } else if !assignable(t, to: expected) {
                error(.typeMismatch, "fact `\(g.fact.value)` is `\(expected)`, not `\(t)`", g.value.span)
            } else if let (bad, want, got) = givenMismatch(g.value, expected) {
                error(
                    .typeMismatch,
                    "fact `\(g.fact.value)` is `\(expected)`: this element must be `\(want)`, not `\(got)`", bad.span)
            } else {
                given.append(CheckedGiven(slot: slot, expr: g.value))
            }
        }
        if let fired = decl.fired {
            for f in fired where !ruleNames.contains(f.value) {
                let s = nearest(f.value, in: ruleNames)
                error(
                    .unknownRule,
                    "no named rule `\(f.value)`" + (s.map { "; did you mean `\($0)`?" } ?? ""), f.span, fixIt: s,
                    data: ErrorData(rule: f.value))
            }
        }
        var config: [KeySetting] = []
        for a in decl.config {
            if let s = checkAssignment(key: a.key, value: a.value) { config.append(s) }
        }
        return CheckedTest(
            name: decl.name.value, given: given, expect: decl.expect.value, fired: decl.fired?.map(\.value),
            config: config, line: line(decl.span), span: decl.span)
    }

    /// Whether an expression is made of literals, enum members, lists and maps only.
    func isConstant(_ e: Expr) -> Bool {
        switch e.kind {
        case .literal: return true
        case .ident, .select:
            if case .constant = resolutions[e.id] { return true }
            return false
        case .call:
            if case .constant = resolutions[e.id] { return true }
            return false
        case .unary(.negate, let inner): return isConstant(inner)
        case .list(let items): return items.allSatisfy(isConstant)
        case .map(let entries): return entries.allSatisfy { isConstant($0.key) && isConstant($0.value) }
        default: return false
        }
    }

    /// The first part of a given constant that `eval` would reject for a fact of this type (list
    /// elements and map entries one by one), with the type wanted there and the type found.
    func givenMismatch(_ e: Expr, _ target: WardenType) -> (Expr, WardenType, WardenType)? {
        if target.isDynamic { return nil }
        switch (target, e.kind) {
        case (.list(let el), .list(let items)):
            for item in items {
                if let bad = givenMismatch(item, el) { return bad }
            }
            return nil
        case (.map(let k, let v), .map(let entries)):
            for entry in entries {
                if let bad = givenMismatch(entry.key, k) ?? givenMismatch(entry.value, v) { return bad }
            }
            return nil
        default:
            guard let t = resolutions.types[e.id], t != .error else { return nil }
            if t == target { return nil }
            if case .list = t, case .list = target, case .list(let items) = e.kind, items.isEmpty { return nil }
            return (e, target, t)
        }
    }

    func assignable(_ t: WardenType, to target: WardenType) -> Bool {
        if t.isDynamic || target.isDynamic || t == target { return true }
        switch (t, target) {
        case (.list(let a), .list(let b)): return assignable(a, to: b)
        case (.map(let k1, let v1), .map(let k2, let v2)): return assignable(k1, to: k2) && assignable(v1, to: v2)
        default: return false
        }
    }
}
