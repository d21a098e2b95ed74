// Explanations with evidence (`Program.explain(_:)`, `warden eval --explain`): for each fired and
// each erroring rule, the facts its deciding conditions read and each deciding comparison with both
// sides, and for the configuration the config blocks that did not apply and why. Computed only on
// request, by walking the fired and erroring rules again (EvidenceRecorder.swift): the plain
// decision path does none of this work.

extension Decision {
    /// What a fired or erroring rule was decided on.
    public struct Evidence: Sendable, Hashable {
        /// One fact a deciding condition read.
        public struct Fact: Sendable, Hashable {
            /// The fact's name.
            public let name: String
            /// Its value as short text (`9.1`, `high`, `2024-03-01`, `"acme"`, `["Sales"]`); nil when
            /// the fact is missing or malformed.
            public let value: String?
            /// Why the fact is malformed, when it is.
            public let malformation: String?

            /// `osVersion = 9.1`, `osVersion missing`, `osVersion malformed: …`.
            public var text: String {
                if let value { return "\(name) = \(value)" }
                if let malformation { return "\(name) malformed (\(malformation))" }
                return "\(name) missing"
            }
        }

        /// One condition that decided the rule: a comparison with both sides, or another test.
        public struct Condition: Sendable, Hashable {
            /// The condition's source text (`osVersion < minimumOs`), capped.
            public let source: String
            /// The comparison operator (`<`, `==`, `in`, ...), nil for a test that is not a comparison.
            public let op: String?
            /// The left side with its value (`osVersion 9.1`, `daysBetween(patchLevel, today) = 412`),
            /// or for a test that is not a comparison, the test with its value (`has(defenderActive) = true`).
            public let left: String
            /// The right side with its value (`11.0 (minimumOs)`, `90`); nil for a test that is not a comparison.
            public let right: String?
            /// The condition's value: `true`, `false`, or nil when it ended in an error.
            public let result: Bool?
            /// The error it ended in, if any.
            public let error: String?

            /// `osVersion 9.1 < 11.0 (minimumOs)`, with ` → false` or ` → error: …` when it was not true.
            public var text: String {
                var t = left
                if let op, let right { t += " \(op) \(right)" }
                if let error { return t + " → error: \(error)" }
                if result == false { t += " → false" }
                return t
            }
        }

        /// The rule's name.
        public let rule: String
        /// The rule's file in a policy set of several files.
        public let file: String?
        /// The rule's first and last source lines (of its file).
        public let firstLine: Int
        /// The rule's last source line.
        public let lastLine: Int
        /// The facts the deciding conditions read, in the order first read (at most `Decision.Evidence.maxItems`).
        public var facts: [Fact] = []
        /// The conditions that decided the rule, in evaluation order (at most `Decision.Evidence.maxItems`):
        /// for `a && b` that is true both, for one that is false only the false operand; an erroring
        /// rule lists the condition that erred.
        public var conditions: [Condition] = []
        /// False when the explanation was cut short: by the evaluation limits, or after
        /// `Decision.Evidence.maxItems` facts or conditions.
        public var isComplete = true

        /// The most facts and the most conditions one evidence lists.
        public static let maxItems = 32
    }
}

extension Decision {
    /// A config block that did not apply to a device, and why.
    public struct SkippedConfig: Sendable, Hashable {
        /// The block's name.
        public let name: String
        /// Its file in a policy set of several files.
        public let file: String?
        /// The line of its `config` keyword.
        public let line: Int
        /// Why it did not apply (`route managedDevices, but the device is unmanaged`).
        public let reason: String

        /// `config "Finance" (line 20)`, `config "Finance" (b.warden:3)`.
        public var locationText: String {
            "config \(ValuePrinter.quote(name)) (\(file.map { "\($0):" } ?? "line ")\(line))"
        }
    }
}

extension Decision {
    /// A decision with its evidence (`Program.explain(_:)`).
    public struct Explanation: Sendable, Hashable {
        /// The decision, the same as `Program.evaluate(_:)` gives.
        public var decision: Decision
        /// The evidence of each fired rule, in the order of `decision.fired`.
        public var fired: [Decision.Evidence]
        /// The evidence of each error, in the order of `decision.errors`; nil for a fact error.
        public var errors: [Decision.Evidence?]
        /// The config blocks that did not apply to the device, in source order.
        public var skippedConfigs: [Decision.SkippedConfig]
    }
}

extension Program {
    /// Evaluates the policy for one device and explains the decision: for each fired and each
    /// erroring rule, the facts its deciding conditions read with their values and each deciding
    /// comparison with both sides; and the config blocks that did not apply, with why. The
    /// evidence is computed by evaluating those rules again, under the engine's limits: call it
    /// when a person asks why, not on the hot path (`evaluate(_:)` does none of this work).
    public func explain(_ input: Input) -> Decision.Explanation {
        explain(input, decision: evaluate(input))
    }

    /// Explains a decision already made for `input` (`decision` must be `evaluate(input)`).
    public func explain(_ input: Input, decision: Decision) -> Decision.Explanation {
        var recorder = EvidenceRecorder(program: self, input: input)
        let byName = Dictionary(grouping: policy.rules.indices, by: { policy.rules[$0].name })
        func ruleIndex(_ name: String, _ line: Int) -> Int? {
            let candidates = byName[name] ?? []
            return candidates.first(where: { policy.rules[$0].line == line }) ?? candidates.first
        }
        var fired: [Evidence] = []
        for f in decision.fired {
            if let ri = ruleIndex(f.name, f.line) {
                fired.append(recorder.evidence(rule: ri))
            } else {
                fired.append(Evidence(rule: f.name, file: f.file, firstLine: f.line, lastLine: f.line))
            }
        }
        var errors: [Evidence?] = []
        for e in decision.errors {
            switch e {
            case .rule(let name, _, let line, _, _):
                errors.append(ruleIndex(name, line).map { recorder.evidence(rule: $0) })
            case .fact:
                errors.append(nil)
            }
        }
        return Explanation(
            decision: decision, fired: fired, errors: errors, skippedConfigs: skippedConfigs(input))
    }

    /// The config blocks that do not apply to this device, with why (the reverse of `applies`).
    func skippedConfigs(_ input: Input) -> [SkippedConfig] {
        var out: [SkippedConfig] = []
        for c in policy.configs {
            guard let reason = Program.whyNotApplied(c, schema, input) else { continue }
            out.append(SkippedConfig(name: c.name, file: c.file, line: c.line, reason: reason))
        }
        return out
    }

    /// Why a config block does not apply to a device, or nil when it does (agrees with `applies`).
    static func whyNotApplied(_ c: CheckedConfig, _ schema: Schema, _ input: Input) -> String? {
        if !c.targetsDefender {
            let apps = (c.apps ?? []).sorted().prefix(5).map(ValuePrinter.quote).joined(separator: ", ")
            return "for apps [\(apps)] does not name the Defender app \(ValuePrinter.quote(defenderAppID))"
        }
        if c.targetsNothing { return "its `for apps` or `for groups` list is empty" }
        if c.route == .managedDevices {
            let slot = schema.slot(ofFact: "management")
            let value = slot.flatMap { $0 < input.facts.count ? input.facts[$0] : nil }
            switch value {
            case .enumMember(let e, let o)?:
                if o == 0 {
                    return "route managedDevices, but the device's `management` is `\(e.member(at: o))` (not enrolled)"
                }
            default:
                if let slot, input.malformed[slot] != nil {
                    return "route managedDevices, but the device's `management` is malformed"
                }
                return "route managedDevices, but the device has no `management` (not known to be enrolled)"
            }
        }
        if let groups = c.groups {
            let wanted = groups.sorted().prefix(5).map(ValuePrinter.quote).joined(separator: ", ")
            let more = groups.count > 5 ? ", …" : ""
            let slot = schema.slot(ofFact: "groups")
            guard let slot, slot < input.facts.count, case .list(let gs)? = input.facts[slot] else {
                return "for groups [\(wanted)\(more)], but the device has no `groups`"
            }
            let met = gs.contains { if case .string(let g) = $0 { return groups.contains(g) } else { return false } }
            if !met {
                let have = gs.prefix(5).map { EvidenceRecorder.shortText($0) }.joined(separator: ", ")
                let haveMore = gs.count > 5 ? ", …" : ""
                return gs.isEmpty
                    ? "for groups [\(wanted)\(more)], but the device is in no group"
                    : "for groups [\(wanted)\(more)], but the device is in [\(have)\(haveMore)]"
            }
        }
        return nil
    }
}

// The names the package used before these types were nested (issue 12); public code uses the
// nested names.
package typealias Evidence = Decision.Evidence
package typealias SkippedConfig = Decision.SkippedConfig
package typealias Explanation = Decision.Explanation
