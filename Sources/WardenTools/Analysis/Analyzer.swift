import Warden

// `warden analyze`: per rule, never fires / always fires / shadowed / duplicate; per set,
// unreachable actions, config keys set to their default, unused `let`s. Each answer comes from
// the rule outcomes on the cells of the fact domains (AnalysisCore.swift), with an example device
// or a proof sketch; a rule with a construct the analysis cannot split gets "may" answers.

/// One finding of `warden analyze`.
package struct AnalysisFinding: Sendable {
    /// What was found.
    package enum Kind: String, Sendable, CaseIterable {
        case neverFires = "never-fires"
        case alwaysFires = "always-fires"
        case shadowed
        case duplicate
        case unreachableAction = "unreachable-action"
        case defaultConfig = "default-config"
        case unusedLet = "unused-let"
    }

    package var kind: Kind
    /// False: "may" (the rule has a construct the analysis cannot split, named in `notExact`).
    package var exact: Bool
    /// `rule "x"`, `action warn`, `config "Baseline"`, `let x`.
    package var subject: String
    /// `line 3`, `a.warden:3`, or nil (an action).
    package var location: String?
    /// One line: what it means.
    package var message: String
    /// A device (facts JSON) that shows it.
    package var example: String?
    /// Why no device can show it.
    package var proof: String?
    /// The constructs that make it a "may".
    package var notExact: [String] = []
    /// The rule it is about and the rule it names (indices).
    package var rule: Int?
    package var other: Int?
    /// The action it is about (unreachable actions).
    package var action: Action?
}

/// The result of `warden analyze`.
package struct AnalysisReport: Sendable {
    package var findings: [AnalysisFinding] = []
    package var rules = 0
    /// Cells evaluated (rule outcomes computed by the evaluator).
    package var cells = 0
    /// Questions left unanswered (a grid or a search over its limit).
    package var unanswered: [String] = []
}

/// The analysis of one policy (set).
package struct PolicyAnalyzer {
    /// The context: rules, domains, outcome vectors.
    package let context: AnalysisContext
    /// Evaluations one reachability search may spend.
    package var searchBudget = 200_000

    /// Classifies the program's rules and evaluates each on its cells.
    package init(program: Program, cellLimit: Int = 1 << 16) {
        let classified = AnalysisContext.classify(program)
        let domains = AnalysisContext.partition([(program, classified)])
        context = AnalysisContext(program: program, domains: domains, classified: classified, cellLimit: cellLimit)
    }

    var program: Program { context.program }

    /// Runs every question.
    package func run() -> AnalysisReport {
        var report = AnalysisReport()
        report.rules = context.rules.count
        report.cells = context.vectors.reduce(0) { $0 + ($1?.count ?? 0) }
        var never = Set<Int>()
        for r in context.rules {
            guard let vector = context.vectors.dropFirst(r.index).first ?? nil else {
                report.unanswered.append(
                    "\(context.ruleName(r.index)) (\(context.location(r.index))): its facts have more than \(context.cellLimit) cells"
                )
                continue
            }
            if let f = neverFires(r, vector) {
                never.insert(r.index)
                report.findings.append(f)
            } else if let f = alwaysFires(r, vector) {
                report.findings.append(f)
            }
        }
        for r in context.rules where !never.contains(r.index) {
            if let f = shadow(r, never: never) { report.findings.append(f) }
        }
        // Rule findings in source order (a rule has at most one), then the set's.
        report.findings.sort { ($0.rule ?? 0) < ($1.rule ?? 0) }
        report.findings += unreachableActions(&report, never: never)
        report.findings += defaultConfig()
        report.findings += unusedLets()
        return report
    }

    // MARK: - Rules

    func conditionText(_ ri: Int) -> String {
        guard let r = program.policy.rules.dropFirst(ri).first else { return "" }
        let bytes = program.source.bytes
        let lo = max(0, min(r.condition.span.start, bytes.count))
        let hi = max(lo, min(r.condition.span.end, bytes.count))
        let text = String(decoding: bytes[lo..<hi], as: UTF8.self)
        let squeezed = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == " " || $0 == "\t" })
            .joined(separator: " ")
        return squeezed.count > 100 ? String(squeezed.prefix(97)) + "..." : squeezed
    }

    /// `threatLevel (secured, low, medium, high, missing)`: the cells of a rule's facts.
    func cellsText(_ slots: [Int]) -> String {
        slots.compactMap { slot -> String? in
            guard let d = context.domains.domain(slot) else { return nil }
            let shown = d.cells.prefix(8).map { c -> String in
                if c.value == nil { return "missing" }
                if let p = c.point { return p }
                return c.condition
            }
            return "\(d.name) (\(shown.joined(separator: "; "))\(d.cells.count > 8 ? "; ..." : ""))"
        }.joined(separator: " × ")
    }

    func cellMap(_ slots: [Int], _ cells: [Int]) -> [Int: Int] {
        var m: [Int: Int] = [:]
        for (i, s) in slots.enumerated() { m[s] = cells.dropFirst(i).first ?? 0 }
        return m
    }

    func neverFires(_ r: AnalyzedRule, _ vector: [RuleOutcome]) -> AnalysisFinding? {
        guard !vector.contains(.fire) else { return nil }
        let n = vector.count
        let proof =
            r.slots.isEmpty
            ? "`\(conditionText(r.index))` reads no fact and is not true"
            : "`\(conditionText(r.index))` is false or errs on each of the \(n) cell\(n == 1 ? "" : "s") of \(cellsText(r.slots))"
        return AnalysisFinding(
            kind: .neverFires, exact: r.isExact, subject: context.ruleName(r.index),
            location: context.location(r.index),
            message: r.isExact ? "never fires" : "may never fire (no representative device fires it)",
            proof: proof, notExact: notExact(r), rule: r.index)
    }

    func notExact(_ r: AnalyzedRule) -> [String] {
        var out = r.facts.inexact
        for s in r.slots where !(context.domains.domain(s)?.isExact ?? false) {
            let name = context.domains.domain(s)?.name ?? "#\(s)"
            out.append("the fact `\(name)` (its values are not split exactly)")
        }
        return out
    }

    func alwaysFires(_ r: AnalyzedRule, _ vector: [RuleOutcome]) -> AnalysisFinding? {
        let grid = CellGrid(slots: r.slots, domains: context.domains, limit: context.cellLimit)
        var example: [Int]?
        var missingAlsoFires = true
        for (k, o) in vector.enumerated() {
            let cells = grid.cell(k)
            let hasMissing = zip(r.slots, cells).contains { slot, ci in
                ci == context.domains.domain(slot)?.missingIndex
            }
            if hasMissing {
                if o != .fire { missingAlsoFires = false }
                continue
            }
            if o != .fire { return nil }
            if example == nil { example = cells }
        }
        guard let ex = example else { return nil }
        let names = r.slots.compactMap { context.domains.domain($0)?.name }
        let when =
            missingAlsoFires || names.isEmpty
            ? ""
            : " on every device that gives \(names.map { "`\($0)`" }.joined(separator: ", "))"
        return AnalysisFinding(
            kind: .alwaysFires, exact: r.isExact, subject: context.ruleName(r.index),
            location: context.location(r.index),
            message: (r.isExact ? "always fires" : "may always fire (every representative device fires it)") + when,
            example: context.deviceJSON(cellMap(r.slots, ex)), notExact: notExact(r), rule: r.index)
    }

    /// Whether `s` fires whenever `r` fires: over `r`'s firing cells, times the cells of the facts
    /// only `s` reads. The first cell where both fire is the example. Nil when over the limit.
    func covers(_ s: AnalyzedRule, _ r: AnalyzedRule, _ fires: [Int]) -> (Bool, [Int: Int]?)? {
        let rSlots = Set(r.slots)
        let extra = s.slots.filter { !rSlots.contains($0) }
        let extraGrid = CellGrid(slots: extra, domains: context.domains, limit: context.cellLimit)
        guard let m = extraGrid.count else { return nil }
        let (total, over) = fires.count.multipliedReportingOverflow(by: m)
        guard !over, total <= context.cellLimit * 4 else { return nil }
        let grid = CellGrid(slots: r.slots, domains: context.domains, limit: context.cellLimit)
        var cellOf = [Int](repeating: -1, count: program.schema.facts.count)
        var example: [Int: Int]?
        for k in fires {
            let cells = grid.cell(k)
            for (i, slot) in r.slots.enumerated() where slot >= 0 && slot < cellOf.count {
                cellOf[slot] = cells.dropFirst(i).first ?? -1
            }
            for x in 0..<m {
                let ex = extraGrid.cell(x)
                for (i, slot) in extra.enumerated() where slot >= 0 && slot < cellOf.count {
                    cellOf[slot] = ex.dropFirst(i).first ?? -1
                }
                guard context.lookup(s.index, cellOf) == .fire else { return (false, nil) }
                if example == nil { example = cellMap(r.slots + extra, cells + ex) }
            }
        }
        return (true, example)
    }

    /// A quick test before `covers`: at a few of `r`'s firing cells (other facts missing), `s` fires.
    func mayCover(_ s: AnalyzedRule, _ samples: [[Int]]) -> Bool {
        samples.allSatisfy { context.lookup(s.index, $0) == .fire }
    }

    func shadow(_ r: AnalyzedRule, never: Set<Int>) -> AnalysisFinding? {
        let rules = program.policy.rules
        guard let rr = rules.dropFirst(r.index).first, let vector = context.vectors.dropFirst(r.index).first ?? nil
        else { return nil }
        let fires = vector.indices.filter { vector[$0] == .fire }
        guard let firstK = fires.first, let lastK = fires.last else { return nil }
        let grid = CellGrid(slots: r.slots, domains: context.domains, limit: context.cellLimit)
        var samples: [[Int]] = []
        for k in Set([firstK, fires[fires.count / 2], lastK]).sorted() {
            var cellOf = [Int](repeating: -1, count: program.schema.facts.count)
            for (slot, ci) in zip(r.slots, grid.cell(k)) where slot >= 0 && slot < cellOf.count { cellOf[slot] = ci }
            samples.append(cellOf)
        }
        // An exact shadowing rule is preferred; the first "may" one is kept in case there is none.
        var fallback: AnalysisFinding?
        for s in context.rules where s.index != r.index && !never.contains(s.index) && s.action >= r.action {
            if fallback != nil && !s.isExact { continue }
            guard let sr = rules.dropFirst(s.index).first else { continue }
            let sameSets = sr.sets.map { "\($0.key)=\($0.value)" } == rr.sets.map { "\($0.key)=\($0.value)" }
            // A rule whose `set`s differ changes the configuration: never redundant for that.
            guard rr.sets.isEmpty || sameSets else { continue }
            guard mayCover(s, samples), let (covered, example) = covers(s, r, fires), covered else { continue }
            let exact = r.isExact && s.isExact
            let duplicate: Bool
            if s.action == r.action && sameSets, let sv = context.vectors.dropFirst(s.index).first ?? nil,
                let (back, _) = covers(r, s, sv.indices.filter { sv[$0] == .fire }), back
            {
                // Equivalent rules: the later is the duplicate of the earlier.
                if s.index > r.index { continue }
                duplicate = true
            } else {
                duplicate = false
            }
            let other = "\(context.ruleName(s.index)) (\(context.location(s.index)))"
            let message =
                duplicate
                ? "\(exact ? "" : "may be a ")duplicate of \(other): it fires on the same devices with the same action"
                : "\(exact ? "" : "may be ")shadowed by \(other): whenever it fires, \(context.ruleName(s.index)) fires too with \(s.action)\(s.action == r.action ? "" : ", above its \(r.action)")"
            let finding = AnalysisFinding(
                kind: duplicate ? .duplicate : .shadowed, exact: exact, subject: context.ruleName(r.index),
                location: context.location(r.index), message: message,
                example: example.map { context.deviceJSON($0) },
                notExact: notExact(r) + (s.isExact ? [] : notExact(s)), rule: r.index, other: s.index)
            if exact || !r.isExact { return finding }
            if fallback == nil { fallback = finding }
        }
        return fallback
    }

    // MARK: - The set

    /// The actions some rule or `onError` names (and `allow`) that no device's decision reaches.
    func unreachableActions(_ report: inout AnalysisReport, never: Set<Int>) -> [AnalysisFinding] {
        var named: Set<Action> = [.allow]
        for r in context.rules {
            named.insert(r.action)
            named.insert(r.onError)
        }
        var out: [AnalysisFinding] = []
        for a in Action.allCases where named.contains(a) {
            // Rules that must not push the decision above `a`.
            var base: [WitnessSearch.Constraint] = []
            var involved: [AnalyzedRule] = []
            for r in context.rules {
                var allowed: UInt8 = RuleOutcome.no.bit
                if r.action <= a { allowed |= RuleOutcome.fire.bit }
                if r.onError <= a { allowed |= RuleOutcome.error.bit }
                if allowed != 0b111 {
                    base.append(.init(rule: r.index, allowed: allowed))
                    involved.append(r)
                }
            }
            var search = WitnessSearch(contexts: [context], budget: searchBudget)
            var answer = WitnessSearch.Result.none
            if a == .allow {
                answer = search.find(preset: [:], base)
            } else {
                // Some rule must decide `a`: fire with it, or err with it as `onError`.
                var candidates: [WitnessSearch.Constraint] = []
                for r in context.rules {
                    if r.action == a { candidates.append(.init(rule: r.index, allowed: RuleOutcome.fire.bit)) }
                    if r.onError == a { candidates.append(.init(rule: r.index, allowed: RuleOutcome.error.bit)) }
                }
                var unknown = false
                for c in candidates {
                    let result = search.find(preset: [:], base + [c])
                    if case .found = result {
                        answer = result
                        break
                    }
                    if case .unknown = result { unknown = true }
                }
                if case .none = answer, unknown { answer = .unknown }
            }
            switch answer {
            case .found: continue
            case .unknown:
                report.unanswered.append("whether a device can reach \(a): the search ran over its budget")
            case .none:
                let notExact = involved.filter { !$0.isExact }.flatMap(notExact)
                let exact = notExact.isEmpty
                let why: String
                if a == .allow {
                    why = "every device gets a stronger action: some rule above allow fires or errs on every cell"
                } else if !context.rules.contains(where: { $0.action == a || $0.onError == a }) {
                    why = "no rule decides it"
                } else if !context.rules.contains(where: { $0.onError == a }),
                    case let deciding = context.rules.filter({ $0.action == a }),
                    deciding.allSatisfy({ never.contains($0.index) })
                {
                    why =
                        "the rules that decide it never fire: \(deciding.map { context.ruleName($0.index) }.joined(separator: ", "))"
                } else {
                    why =
                        "whenever a rule decides \(a), a rule with a stronger action fires or errs too (searched every cell of the facts involved)"
                }
                out.append(
                    AnalysisFinding(
                        kind: .unreachableAction, exact: exact, subject: "action \(a)", location: nil,
                        message: exact ? "no device can reach it" : "no representative device reaches it",
                        proof: why, notExact: Array(Set(notExact)).sorted(), action: a))
            }
        }
        return out
    }

    /// Config entries (and rule `set`s) that write a key's default while nothing sets it otherwise.
    func defaultConfig() -> [AnalysisFinding] {
        let keys = program.schema.keys
        var values: [Int: Set<ConfigValue>] = [:]
        for c in program.policy.configs {
            for s in c.settings { values[s.key, default: []].insert(s.value) }
        }
        for r in program.policy.rules {
            for s in r.sets { values[s.key, default: []].insert(s.value) }
        }
        var out: [AnalysisFinding] = []
        func check(_ s: KeySetting, subject: String, location: String) {
            guard let k = keys.dropFirst(s.key).first, let d = k.defaultValue, d == s.value,
                values[s.key]?.count == 1
            else { return }
            out.append(
                AnalysisFinding(
                    kind: .defaultConfig, exact: true, subject: subject, location: location,
                    message: "sets `\(k.name) = \(k.displayText(s.value))`, its default, and nothing sets it otherwise",
                    proof: "the schema default of `\(k.name)` is \(k.displayText(d))"))
        }
        for c in program.policy.configs {
            for s in c.settings { check(s, subject: "config \(ValuePrinter.quote(c.name))", location: c.location) }
        }
        for (i, r) in program.policy.rules.enumerated() {
            for s in r.sets { check(s, subject: context.ruleName(i), location: context.location(i)) }
        }
        return out
    }

    /// `let`s no rule uses (directly or through other `let`s).
    func unusedLets() -> [AnalysisFinding] {
        let lets = program.policy.lets
        var used = Set<Int>()
        var work: [Int] = program.policy.rules.flatMap(\.lets)
        while let i = work.popLast() {
            guard used.insert(i).inserted, let l = lets.dropFirst(i).first else { continue }
            work += l.uses
        }
        var out: [AnalysisFinding] = []
        for (i, l) in lets.enumerated() where !used.contains(i) {
            let loc = program.source.location(of: l.span.start)
            let file = program.source.files.count > 1 ? program.source.fileName(at: l.span.start) + ":" : "line "
            out.append(
                AnalysisFinding(
                    kind: .unusedLet, exact: true, subject: "let \(l.name)", location: "\(file)\(loc.line)",
                    message: "is never used by a rule", proof: "no rule condition reads it, directly or through a `let`"
                ))
        }
        return out
    }
}
