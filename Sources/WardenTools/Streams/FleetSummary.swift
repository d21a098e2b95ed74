import Warden

// The summary at the end of `warden eval` over a fleet: decisions per action, devices with fact
// errors and with rule errors, bad lines, and the most frequent errors with their counts.
// Counting a device costs a few integer additions; only an error touches the table of messages,
// and that table only grows for a message not seen before (it is capped).

/// Counts of a run of decisions, for the fleet summary of `warden eval` (`--summary text|json`).
/// Parts counted apart (`eval --jobs N`) add up with `merge`.
public struct FleetSummary: Sendable {
    /// Devices decided (lines that were devices).
    public private(set) var devices = 0
    /// Lines that were not devices (not JSON, not an object, over the length limit).
    public private(set) var badLines = 0
    /// Devices with at least one malformed fact (a missing fact is not malformed).
    public private(set) var devicesWithFactErrors = 0
    /// Devices for which at least one rule erred.
    public private(set) var devicesWithRuleErrors = 0
    /// Decisions per action, by severity (allow, warn, blockAccess, wipeData).
    var actionCounts: [Int] = Array(repeating: 0, count: Action.allCases.count)
    /// How often each error was seen: at most `maxDistinctErrors` messages, the rest in `otherErrors`.
    var errorCounts: [ErrorKey: Int] = [:]
    /// Errors whose message came after the table was full.
    public private(set) var otherErrors = 0

    /// The most distinct error messages counted one by one.
    public static let maxDistinctErrors = 1000

    /// One kind of error: a fact's, a rule's, or a bad line's, with its message.
    struct ErrorKey: Hashable, Sendable {
        /// 0 a fact error, 1 a rule error, 2 a bad line.
        var kind: UInt8
        var name: String
        var message: String

        var text: String {
            switch kind {
            case 0: message
            case 1: "rule `\(name)`: \(message)"
            default: "bad line: \(message)"
            }
        }
    }

    /// An empty summary.
    public init() {}

    /// Whether the run was over more than one device or line (the summary is then printed).
    public var isFleet: Bool { devices + badLines > 1 }

    /// Decisions with this action.
    public func count(_ action: Action) -> Int {
        let i = action.rank
        return i < actionCounts.count ? actionCounts[i] : 0
    }

    /// Counts one device's decision.
    public mutating func add(_ d: Decision) {
        devices += 1
        let i = d.action.rank
        if i < actionCounts.count { actionCounts[i] += 1 }
        if d.errors.isEmpty { return }
        var factError = false
        var ruleError = false
        for e in d.errors {
            switch e {
            case .fact(let name, let message):
                factError = true
                note(ErrorKey(kind: 0, name: name, message: message))
            case .rule(let name, let message, _, _, _):
                ruleError = true
                note(ErrorKey(kind: 1, name: name, message: message))
            }
        }
        if factError { devicesWithFactErrors += 1 }
        if ruleError { devicesWithRuleErrors += 1 }
    }

    /// Counts a line that was not a device.
    public mutating func addBadLine(message: String) {
        badLines += 1
        note(ErrorKey(kind: 2, name: "", message: message))
    }

    mutating func note(_ key: ErrorKey) {
        if let n = errorCounts[key] {
            errorCounts[key] = n + 1
        } else if errorCounts.count < FleetSummary.maxDistinctErrors {
            errorCounts[key] = 1
        } else {
            otherErrors += 1
        }
    }

    /// Adds the counts of another part of the same run.
    public mutating func merge(_ other: FleetSummary) {
        devices += other.devices
        badLines += other.badLines
        devicesWithFactErrors += other.devicesWithFactErrors
        devicesWithRuleErrors += other.devicesWithRuleErrors
        for (i, n) in other.actionCounts.enumerated() where i < actionCounts.count { actionCounts[i] += n }
        otherErrors += other.otherErrors
        // In a stable order, so that which messages fit under the cap does not depend on hashing.
        for (key, n) in other.errorCounts.sorted(by: { FleetSummary.before($0.key, $1.key) }) {
            if let m = errorCounts[key] {
                errorCounts[key] = m + n
            } else if errorCounts.count < FleetSummary.maxDistinctErrors {
                errorCounts[key] = n
            } else {
                otherErrors += n
            }
        }
    }

    static func before(_ a: ErrorKey, _ b: ErrorKey) -> Bool {
        if a.kind != b.kind { return a.kind < b.kind }
        if a.name != b.name { return a.name < b.name }
        return a.message < b.message
    }

    /// The `limit` most frequent errors, most frequent first (ties in text order).
    public func topErrors(_ limit: Int = 5) -> [(error: String, count: Int)] {
        let all = errorCounts.map { (error: $0.key.text, count: $0.value) }
        let sorted = all.sorted { $0.count != $1.count ? $0.count > $1.count : $0.error < $1.error }
        return Array(sorted.prefix(max(0, limit)))
    }

    /// Distinct error messages counted.
    public var distinctErrors: Int { errorCounts.count }

    /// The summary for people (standard error of `warden eval`), several lines.
    public func text(onError: Action, topErrors limit: Int = 5) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var s = "summary: \(plural(devices, "device"))"
        if badLines > 0 { s += ", \(plural(badLines, "bad line")) (\(onError.rawValue))" }
        s += "\n  decisions:"
        s += Action.allCases.map { " \($0.rawValue) \(count($0))" }.joined(separator: ",")
        s += "\n  devices with fact errors: \(devicesWithFactErrors), with rule errors: \(devicesWithRuleErrors)\n"
        let top = topErrors(limit)
        if !top.isEmpty {
            s += "  most frequent errors:\n"
            let width = String(top.map(\.count).max() ?? 0).count
            for t in top {
                let n = String(t.count)
                s += "    " + String(repeating: " ", count: max(0, width - n.count)) + n + "  " + t.error + "\n"
            }
            let more = errorCounts.count - top.count
            if more > 0 || otherErrors > 0 {
                var rest = "    (\(plural(more, "other message"))"
                if otherErrors > 0 {
                    rest += "; \(plural(otherErrors, "error")) past \(FleetSummary.maxDistinctErrors) messages"
                }
                s += rest + ")\n"
            }
        }
        return s
    }

    /// The summary as one JSON object (one line, with a trailing newline):
    /// `{"devices":N,"badLines":N,"actions":{"allow":N,...},"devicesWithFactErrors":N,
    /// "devicesWithRuleErrors":N,"topErrors":[{"error":"...","count":N}],"distinctErrors":N,"otherErrors":N}`.
    public func json(topErrors limit: Int = 5) -> String {
        var w = JSONWriter(capacity: 512)
        w.raw("{\"devices\":")
        w.raw(text: String(devices))
        w.raw(",\"badLines\":")
        w.raw(text: String(badLines))
        w.raw(",\"actions\":{")
        for (i, a) in Action.allCases.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(a.rawValue)
            w.raw(":")
            w.raw(text: String(count(a)))
        }
        w.raw("},\"devicesWithFactErrors\":")
        w.raw(text: String(devicesWithFactErrors))
        w.raw(",\"devicesWithRuleErrors\":")
        w.raw(text: String(devicesWithRuleErrors))
        w.raw(",\"topErrors\":[")
        for (i, t) in topErrors(limit).enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"error\":")
            w.string(t.error)
            w.raw(",\"count\":")
            w.raw(text: String(t.count))
            w.raw("}")
        }
        w.raw("],\"distinctErrors\":")
        w.raw(text: String(errorCounts.count))
        w.raw(",\"otherErrors\":")
        w.raw(text: String(otherErrors))
        w.raw("}\n")
        return w.text
    }
}
