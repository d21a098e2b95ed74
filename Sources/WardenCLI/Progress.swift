import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Progress of `warden eval` on standard error, when standard output or standard error is a
/// terminal and the run takes more than a second: on a terminal, one line rewritten in place
/// (cleared before decisions are printed and at the end); otherwise a plain line every few seconds.
/// `WARDEN_PROGRESS_DELAY` (seconds) changes the first delay, for tests.
struct ProgressReporter {
    var throttle: ProgressThrottle
    /// Whether standard error is a terminal (the line is then rewritten in place).
    let inPlace: Bool

    /// A reporter when standard output or standard error is a terminal; nil when both are piped.
    static func forTerminal() -> ProgressReporter? {
        let errTTY = isatty(2) != 0
        guard errTTY || isatty(1) != 0 else { return nil }
        var delay = 1.0
        if let p = getenv("WARDEN_PROGRESS_DELAY"), let d = Double(String(cString: p)), d >= 0, d.isFinite {
            delay = d
        }
        return ProgressReporter(
            throttle: ProgressThrottle(start: now(), delay: delay, interval: errTTY ? 0.25 : 5), inPlace: errTTY)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Called once per line of input with the lines so far; looks at the clock every 1,024 lines.
    mutating func tick(_ count: Int) {
        guard count & 1023 == 0 else { return }
        let t = ProgressReporter.now()
        guard throttle.shouldReport(at: t) else { return }
        let line = throttle.line(count: count, at: t)
        Output.flush()
        if inPlace {
            Output.writeAll(2, Array("\r\u{1B}[K\(line)".utf8))
            Output.progressShown = true
        } else {
            Output.writeAll(2, Array("\(line)\n".utf8))
        }
    }

    /// Removes the progress line from the terminal.
    mutating func clear() {
        Output.flush()
        Output.clearProgress()
    }
}
