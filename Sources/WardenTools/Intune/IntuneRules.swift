import Warden

// Reading a rule's condition as one row of the mapping (IntuneMapping.swift), and writing a row
// back as a rule. Only conditions with an exact Graph equivalent are read; anything else gets a
// reason, which the export report shows.

/// A compile-time constant in a rule condition (literals, `let`s, enum members, `version(...)`, `date(...)`).
enum IntuneConstant: Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case member(String)
    case version(String)
    case date(String)
    case list([IntuneConstant])

    var text: String? {
        switch self {
        case .string(let s), .member(let s), .version(let s), .date(let s): s
        default: nil
        }
    }
}

/// The apps and groups a rule's own conditions restrict it to (`nil`: all).
package struct IntuneScope: Sendable, Hashable {
    package var apps: [String]?
    package var groups: [String]?

    package init(apps: [String]? = nil, groups: [String]? = nil) {
        self.apps = apps
        self.groups = groups
    }

    var text: String {
        let a = apps.map { "apps " + $0.map { ValuePrinter.quote($0) }.joined(separator: ", ") } ?? "every app"
        let g = groups.map { "groups " + $0.map { ValuePrinter.quote($0) }.joined(separator: ", ") } ?? "every group"
        return "\(a); \(g)"
    }
}

/// Why a rule does not export, or the value Graph would refuse (an error at `span`).
enum IntuneRuleProblem: Error {
    case omitted(String)
    case refused(String, SourceSpan)
}

/// Reads the rules of one parsed file.
struct IntuneRuleReader {
    let schema: Schema
    let lets: [String: Expr]

    init(file: PolicyFile, schema: Schema) {
        self.schema = schema
        var lets: [String: Expr] = [:]
        for case .let(let l) in file.statements where lets[l.name.value] == nil { lets[l.name.value] = l.value }
        self.lets = lets
    }

    /// The fact a bare name is (not shadowed by a `let`).
    func fact(_ e: Expr) -> String? {
        guard case .ident(let n) = e.kind, lets[n] == nil, schema.fact(named: n) != nil else { return nil }
        return n
    }

    func constant(_ e: Expr, depth: Int = 0) -> IntuneConstant? {
        guard depth < 32 else { return nil }
        switch e.kind {
        case .literal(.string(let s)): return .string(s)
        case .literal(.int(let i)): return .int(i)
        case .literal(.uint(let u)): return u <= UInt64(Int64.max) ? .int(Int64(u)) : nil
        case .literal(.bool(let b)): return .bool(b)
        case .unary(.negate, let inner):
            guard case .int(let i)? = constant(inner, depth: depth + 1), i != Int64.min else { return nil }
            return .int(-i)
        case .ident(let n):
            if let l = lets[n] { return constant(l, depth: depth + 1) }
            return schema.fact(named: n) == nil ? .member(n) : nil
        case .select(let base, let field, _):
            guard case .ident(let t) = base.kind, EnumType.builtin(named: t) != nil, lets[t] == nil else { return nil }
            return .member(field)
        case .call(let name, nil, let args, _) where args.count == 1 && (name == "version" || name == "date"):
            guard let a = args.first, case .string(let s)? = constant(a, depth: depth + 1) else { return nil }
            return name == "version" ? .version(s) : .date(s)
        case .list(let items):
            var out: [IntuneConstant] = []
            for i in items {
                guard let c = constant(i, depth: depth + 1) else { return nil }
                out.append(c)
            }
            return .list(out)
        default: return nil
        }
    }

    func strings(_ c: IntuneConstant?) -> [String]? {
        guard case .list(let items)? = c else { return nil }
        var out: [String] = []
        for i in items {
            guard case .string(let s) = i else { return nil }
            out.append(s)
        }
        return out
    }

    static func conjuncts(_ e: Expr) -> [Expr] {
        if case .and(let xs) = e.kind { return xs.flatMap { conjuncts($0) } }
        return [e]
    }

    /// `appId in [...]`, `appId == "x"`: the apps.
    func apps(_ e: Expr) -> [String]? {
        guard case .binary(let lhs, let links) = e.kind, links.count == 1, let link = links.first,
            fact(lhs) == "appId"
        else { return nil }
        if link.op == .in { return strings(constant(link.rhs)) }
        if link.op == .equal, case .string(let s)? = constant(link.rhs) { return [s] }
        return nil
    }

    /// `"G" in groups`, or several of them joined by `||`: the groups.
    func groups(_ e: Expr) -> [String]? {
        if case .or(let xs) = e.kind {
            var out: [String] = []
            for x in xs {
                guard let g = groups(x) else { return nil }
                out += g
            }
            return out
        }
        guard case .binary(let lhs, let links) = e.kind, links.count == 1, let link = links.first, link.op == .in,
            fact(link.rhs) == "groups", case .string(let g)? = constant(lhs)
        else { return nil }
        return [g]
    }

    /// The rule as a mapping row, its value and action, and its scope.
    func read(_ rule: RuleDecl) -> Result<(LaunchRule, IntuneScope), IntuneRuleProblem> {
        var severity: Action?
        for a in rule.actions {
            switch a {
            case .set(let key, _, _):
                return .failure(
                    .omitted(
                        "`set \(key.value)` changes app configuration for one decision; Intune has no such action"))
            case .severity(let s, _): severity = s.value
            }
        }
        guard let action = severity, action != .allow else {
            return .failure(.omitted("the rule has no warn, blockAccess or wipeData action"))
        }
        var scope = IntuneScope()
        var rest: [Expr] = []
        for c in Self.conjuncts(rule.condition) {
            if scope.apps == nil, let a = apps(c) {
                scope.apps = a
            } else if scope.groups == nil, let g = groups(c) {
                scope.groups = g
            } else {
                rest.append(c)
            }
        }
        guard rest.count == 1, let cond = rest.first else {
            return .failure(
                .omitted(
                    rest.isEmpty
                        ? "the condition names only apps or groups; an Intune setting needs a device condition"
                        : "a condition over several facts (\(rest.count) conditions joined by `&&`) has no single Intune setting"
                ))
        }
        return setting(cond, action: action).map { ($0, scope) }
    }

    /// The row for one comparison.
    func setting(_ cond: Expr, action: Action) -> Result<LaunchRule, IntuneRuleProblem> {
        let shapes = "no Intune setting has this condition (see `warden export --help` for the ones that do)"
        var f: String
        var op: BinaryOp
        var value: IntuneConstant?
        switch cond.kind {
        case .ident:
            guard let name = fact(cond) else { return .failure(.omitted(shapes)) }
            (f, op, value) = (name, .equal, .bool(true))
        case .unary(let u, let inner) where u == .bang || u == .not:
            if let name = fact(inner) {
                (f, op, value) = (name, .equal, .bool(false))
            } else if case .binary(let lhs, let links) = inner.kind, links.count == 1, let link = links.first,
                link.op == .in, let name = fact(lhs), let list = strings(constant(link.rhs))
            {
                return notIn(name, list, action: action, span: cond.span)
            } else {
                return .failure(.omitted(shapes))
            }
        case .binary(let lhs, let links):
            guard links.count == 1, let link = links.first, link.op.isRelation, link.op != .in else {
                return .failure(.omitted("arithmetic or a chain of comparisons has no Intune setting"))
            }
            if let name = fact(lhs), let c = constant(link.rhs) {
                (f, op, value) = (name, link.op, c)
            } else if let name = fact(link.rhs), let c = constant(lhs) {
                let flipped: [BinaryOp: BinaryOp] = [
                    .less: .greater, .greater: .less, .lessEqual: .greaterEqual, .greaterEqual: .lessEqual,
                ]
                (f, op, value) = (name, flipped[link.op] ?? link.op, c)
            } else {
                return .failure(.omitted("a comparison between two facts or computed values has no Intune setting"))
            }
        case .call(let name, _, _, _):
            return .failure(.omitted("`\(name)(...)`: functions and macros have no Intune setting"))
        default:
            return .failure(.omitted(shapes))
        }
        return compare(f, op, value, action: action, span: cond.span)
    }

    private func row(_ f: String, _ cond: LaunchCondition, _ action: Action) -> Int? {
        IntuneMapping.rows(forFact: f).first {
            IntuneMapping.launchSettings[$0].condition == cond
                && IntuneMapping.launchSettings[$0].actions.contains(action)
        }
    }

    private func forms(_ f: String) -> String {
        IntuneMapping.rows(forFact: f).map { i in
            let r = IntuneMapping.launchSettings[i]
            return
                "`\(IntuneRuleWriter.conditionText(r, value: "V"))` \(r.fixedAction.map(\.rawValue) ?? "any action") (\(r.name))"
        }.joined(separator: ", ")
    }

    private func actionProblem(_ f: String, _ cond: LaunchCondition, _ action: Action) -> IntuneRuleProblem {
        if f == "threatLevel" && action == .warn {
            return .omitted(
                "`mobileThreatDefenseRemediationAction` does not accept warn (Graph: \"Warn isn't a supported value\")")
        }
        if f == "offlineMinutes" && action == .warn {
            return .omitted("Intune's offline periods block or wipe; there is no warning tier")
        }
        let sameShape = IntuneMapping.rows(forFact: f).contains { IntuneMapping.launchSettings[$0].condition == cond }
        return .omitted(
            sameShape
                ? "with \(action.rawValue) this has no Intune setting; the settings for `\(f)` are \(forms(f))"
                : "no Intune setting has this comparison; the settings for `\(f)` are \(forms(f))")
    }

    private func notIn(_ f: String, _ list: [String], action: Action, span: SourceSpan) -> Result<
        LaunchRule, IntuneRuleProblem
    > {
        guard let r = row(f, .notIn, action) else { return .failure(actionProblem(f, .notIn, action)) }
        if list.isEmpty {
            return .failure(.omitted("an empty allow-list blocks every device; Intune reads it as not configured"))
        }
        if f == "manufacturer" {
            if list.contains(where: { $0.contains(";") }) {
                return .failure(.refused("a manufacturer cannot contain `;` (Graph separates them with it)", span))
            }
            if list.contains(where: { $0 != $0.lowercased() || IntuneValues.trimmed($0) != $0 }) {
                return .failure(
                    .omitted(
                        "Intune compares manufacturers ignoring case, but Warden's `manufacturer` is lower case: write the list in lower case, without spaces around names"
                    ))
            }
        }
        return .success(LaunchRule(setting: r, value: .list(list), action: action))
    }

    private func compare(_ f: String, _ op0: BinaryOp, _ value: IntuneConstant?, action: Action, span: SourceSpan)
        -> Result<LaunchRule, IntuneRuleProblem>
    {
        var op = op0
        guard let value else { return .failure(.omitted("no Intune setting has this condition")) }
        switch (f, value) {
        case (_, .bool(let b)) where op == .equal:
            guard let r = row(f, b ? .isTrue : .isFalse, action) else {
                return .failure(
                    IntuneMapping.rows(forFact: f).isEmpty
                        ? .omitted("the fact `\(f)` has no Intune setting") : actionProblem(f, .isTrue, action))
            }
            return .success(LaunchRule(setting: r, value: .none, action: action))
        case ("threatLevel", _) where action == .warn:
            return .failure(actionProblem(f, .compare(.greater), action))
        case ("threatLevel", _):
            let levels = ["secured", "low", "medium", "high"]
            guard let t = value.text, let ord = levels.firstIndex(of: t) else { break }
            var k: Int
            switch op {
            case .greater: k = ord
            case .greaterEqual: k = ord - 1
            case .equal where t == "high": k = 2
            default:
                return .failure(
                    .omitted("Intune blocks threat levels above a maximum; this condition fires for other levels"))
            }
            if k < 0 {
                return .failure(
                    .omitted("fires at every threat level: Intune's maximum allowed level is at least `secured`"))
            }
            guard k < 3, let r = row(f, .compare(.greater), action) else {
                return .failure(
                    k >= 3
                        ? .omitted("never fires (no level is above high)")
                        : actionProblem(f, .compare(.greater), action))
            }
            return .success(LaunchRule(setting: r, value: .text(levels[k]), action: action))
        case ("playIntegrity", _), ("deviceLock", _):
            let members = f == "playIntegrity" ? EnumType.playIntegrity.members : EnumType.deviceLock.members
            guard let t = value.text, let ord = members.firstIndex(of: t) else { break }
            // Normalise to "below level L": `== lowest` is `< second`, `<= m` is `< next(m)`.
            var below: Int
            switch op {
            case .less: below = ord
            case .lessEqual: below = ord + 1
            case .equal where ord == 0: below = 1
            default:
                return .failure(
                    .omitted("Intune acts on devices below a required level; this condition is not of that form"))
            }
            guard below > 0, below < members.count else {
                return .failure(.omitted(below <= 0 ? "never fires" : "fires for every device"))
            }
            let level = members[below]
            if f == "playIntegrity" {
                guard let r = row(f, .compare(.less), action) else {
                    return .failure(actionProblem(f, .compare(.less), action))
                }
                return .success(LaunchRule(setting: r, value: .text(level), action: action))
            }
            // `deviceLock == none` has its own property (device lock not set).
            let cond: LaunchCondition = (op0 == .equal) ? .fixed(.equal, "none") : .fixed(.less, level)
            guard let r = row(f, cond, action) else { return .failure(actionProblem(f, cond, action)) }
            return .success(LaunchRule(setting: r, value: .none, action: action))
        case ("offlineMinutes", .int(var n)), ("companyPortalAgeDays", .int(var n)), ("pinAttempts", .int(var n)):
            // `>= N` is `> N-1`; `> N` is `>= N+1` (pin retries count attempts).
            if f == "pinAttempts" {
                if op == .greater {
                    guard n < Int64.max else { break }
                    (op, n) = (.greaterEqual, n + 1)
                }
            } else if op == .greaterEqual {
                guard n > Int64.min else { break }
                (op, n) = (.greater, n - 1)
            }
            guard let r = row(f, .compare(op), action) else { return .failure(actionProblem(f, .compare(op), action)) }
            let setting = IntuneMapping.launchSettings[r]
            switch setting.value {
            case .integer(let range):
                if case .failure(let e) = IntuneValues.integer(n, in: range, property: setting.name) {
                    return .failure(.refused(e.message, span))
                }
                if n == 0 && f == "companyPortalAgeDays" {
                    return .failure(.omitted("0 days is Intune's \"not configured\"; the exportable ages are 1 to 365"))
                }
            case .duration:
                if n < 0 { return .failure(.refused("an offline period cannot be negative (\(n) minutes)", span)) }
                if n > IntuneDuration.maxComponent {
                    return .failure(.refused("an offline period of \(n) minutes is too long to be a real period", span))
                }
            default: break
            }
            return .success(LaunchRule(setting: r, value: .int(n), action: action))
        case ("osVersion", _), ("appVersion", _), ("companyPortalVersion", _), ("patchLevel", _):
            guard let t = value.text else { break }
            let isDate = f == "patchLevel"
            if isDate ? Day(t) == nil : Version(t) == nil {
                return .failure(.refused("`\(t)` is not a \(isDate ? "date" : "version")", span))
            }
            guard let r = row(f, .compare(op), action) else { return .failure(actionProblem(f, .compare(op), action)) }
            return .success(LaunchRule(setting: r, value: .text(t), action: action))
        default: break
        }
        return .failure(
            .omitted(
                IntuneMapping.rows(forFact: f).isEmpty
                    ? "the fact `\(f)` has no Intune setting"
                    : "no Intune setting has this comparison; the settings for `\(f)` are \(forms(f))"))
    }
}

/// Writes a row as Warden source.
enum IntuneRuleWriter {
    /// The condition of a row with a value spelled `value`.
    static func conditionText(_ r: LaunchSetting, value: String) -> String {
        switch r.condition {
        case .compare(let op): "\(r.fact) \(op.rawValue) \(value)"
        case .isTrue: r.fact
        case .isFalse: "!\(r.fact)"
        case .notIn: "!(\(r.fact) in \(value))"
        case .fixed(let op, let m): "\(r.fact) \(op.rawValue) \(m)"
        }
    }

    /// The Warden spelling of a row's value.
    static func valueText(_ r: LaunchSetting, _ v: LaunchValue) -> String {
        switch (r.value, v) {
        case (.version, .text(let s)): "version(\(ValuePrinter.quote(s)))"
        case (.patchDate, .text(let s)): "date(\(ValuePrinter.quote(s)))"
        case (_, .text(let s)): s
        case (_, .int(let i)): String(i)
        case (_, .list(let l)): "[" + l.map { ValuePrinter.quote($0) }.joined(separator: ", ") + "]"
        case (_, .none): ""
        }
    }

    /// The whole condition, scope first.
    /// `appsName`: a `let` holding the app list, written in its place.
    static func condition(_ rule: LaunchRule, scope: IntuneScope, appsName: String? = nil) -> String {
        guard IntuneMapping.launchSettings.indices.contains(rule.setting) else { return "false" }
        let r = IntuneMapping.launchSettings[rule.setting]
        var parts: [String] = []
        if let appsName {
            parts.append("appId in \(appsName)")
        } else if let apps = scope.apps {
            parts.append("appId in [" + apps.map { ValuePrinter.quote($0) }.joined(separator: ", ") + "]")
        }
        if let groups = scope.groups, !groups.isEmpty {
            let g = groups.map { "\(ValuePrinter.quote($0)) in groups" }
            parts.append(g.count == 1 ? g.joined() : "(" + g.joined(separator: " || ") + ")")
        }
        parts.append(conditionText(r, value: valueText(r, rule.value)))
        return parts.joined(separator: " && ")
    }
}
