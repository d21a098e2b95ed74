// When a long run reports its progress (`warden eval` on a terminal): not before `delay` seconds
// (a short run shows nothing), then at most once per `interval`. Times are seconds on any
// monotonic clock; the host reads the clock, so the logic is testable without waiting.

/// Rate-limits progress reports: the first after `delay` seconds, then one per `interval`.
public struct ProgressThrottle: Sendable {
    /// Seconds from the start before the first report.
    public let delay: Double
    /// Least seconds between two reports.
    public let interval: Double
    /// When the run started.
    public let start: Double
    /// When the last report was made, if any.
    public private(set) var last: Double?

    /// A throttle for a run that started at `start`.
    public init(start: Double, delay: Double = 1, interval: Double = 0.25) {
        self.start = start
        self.delay = delay
        self.interval = interval
    }

    /// Whether to report at `now`; a `true` counts as the report.
    public mutating func shouldReport(at now: Double) -> Bool {
        guard now - start >= delay else { return false }
        if let last, now - last < interval { return false }
        last = now
        return true
    }

    /// Whether a report was made (a progress line may be on the screen).
    public var reported: Bool { last != nil }

    /// The progress line: `eval: 120,000 devices, 60,000/s`.
    public func line(count: Int, at now: Double) -> String {
        let elapsed = now - start
        var s = "eval: \(ProgressThrottle.grouped(count)) device\(count == 1 ? "" : "s")"
        if elapsed > 0 {
            let rate = Double(count) / elapsed
            if rate.isFinite && rate < 1e15 { s += ", \(ProgressThrottle.grouped(Int(rate)))/s" }
        }
        return s
    }

    /// `1234567` as `1,234,567`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }
}
