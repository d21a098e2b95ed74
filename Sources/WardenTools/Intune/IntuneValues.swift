import Warden

// Values in Graph's types, checked in both directions (import reads them, export writes them).
//
// Decisions (README, "Intune"):
// - Durations are ISO 8601 (`[-]P[nW][nD][T[nH][nM][n[.f]S]]`). Warden's `offlineMinutes` counts
//   whole minutes, so a duration is kept to the whole minute: seconds (fractional or not) are
//   truncated, and the import says so. Years and months have no fixed length and are refused.
//   A negative duration (the documentation's own examples have `-PT17.1357909S`) is a period that
//   is already over: Warden reads it as zero minutes (the check is due at once) and says so.
// - Versions are dotted numbers (`11`, `13.0.2`, `5.0.6000`): what Warden's `version` compares.
//   `null` and `""` mean "not configured".
// - Patch versions are `YYYY-MM-DD` dates; `null`, `""` and Intune's `"0000-00-00"` mean "not configured".
// - Manufacturers are one `;`-separated string, case-insensitive: read split on `;`, trimmed,
//   lower-cased (Warden's `manufacturer` fact is lower case), empty items and repeats dropped.
// - Integer ranges: `maximumPinRetries` 1–65535, the Company Portal age settings 0–365 (0 is
//   Intune's "not configured").

/// A value that Graph (or Warden) would refuse.
package struct IntuneValueError: Error, Sendable, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
}

/// An ISO 8601 duration, as Graph's `Edm.Duration` writes it.
package struct IntuneDuration: Sendable, Equatable {
    /// `-P…`.
    package var negative: Bool
    /// The whole seconds (weeks, days, hours, minutes and seconds added up).
    package var seconds: Int64
    /// Whether the seconds had a fraction (`35.0018757S`).
    package var hasFraction: Bool

    /// The largest component value accepted (far above any real period; keeps the sums in range).
    static let maxComponent: Int64 = 1_000_000_000

    /// Parses `[-]P[nW][nD][T[nH][nM][n[.f]S]]`; years and months are refused.
    package static func parse(_ text: String) -> Result<IntuneDuration, IntuneValueError> {
        let bad = IntuneValueError("`\(text)` is not an ISO 8601 duration such as `PT12H` or `P90D`")
        var u = Array(text.utf8)[...]
        var negative = false
        if u.first == UInt8(ascii: "-") {
            negative = true
            u = u.dropFirst()
        } else if u.first == UInt8(ascii: "+") {
            u = u.dropFirst()
        }
        guard u.first == UInt8(ascii: "P") else { return .failure(bad) }
        u = u.dropFirst()
        var inTime = false
        var total: Int64 = 0
        var hasFraction = false
        var components = 0
        var lastRank = -1
        while let c = u.first {
            if c == UInt8(ascii: "T") {
                guard !inTime else { return .failure(bad) }
                inTime = true
                lastRank = 2
                u = u.dropFirst()
                guard !u.isEmpty else { return .failure(bad) }
                continue
            }
            var n: Int64 = 0
            var digits = 0
            while let d = u.first, d >= 0x30 && d <= 0x39 {
                n = n * 10 + Int64(d - 0x30)
                digits += 1
                guard n <= maxComponent else {
                    return .failure(IntuneValueError("`\(text)` is a duration too long to be a real period"))
                }
                u = u.dropFirst()
            }
            var fraction = false
            if let dot = u.first, dot == UInt8(ascii: ".") || dot == UInt8(ascii: ",") {
                u = u.dropFirst()
                var fd = 0
                while let d = u.first, d >= 0x30 && d <= 0x39 {
                    fd += 1
                    u = u.dropFirst()
                }
                guard fd > 0 else { return .failure(bad) }
                fraction = true
            }
            guard digits > 0, let unit = u.first else { return .failure(bad) }
            u = u.dropFirst()
            let rank: Int
            let scale: Int64
            switch (inTime, unit) {
            case (false, UInt8(ascii: "Y")), (false, UInt8(ascii: "M")):
                return .failure(
                    IntuneValueError("`\(text)`: years and months have no fixed length; write the period in days"))
            case (false, UInt8(ascii: "W")): (rank, scale) = (0, 604_800)
            case (false, UInt8(ascii: "D")): (rank, scale) = (1, 86_400)
            case (true, UInt8(ascii: "H")): (rank, scale) = (3, 3_600)
            case (true, UInt8(ascii: "M")): (rank, scale) = (4, 60)
            case (true, UInt8(ascii: "S")): (rank, scale) = (5, 1)
            default: return .failure(bad)
            }
            // Components in order, each once; only the seconds may have a fraction.
            guard rank > lastRank, !fraction || rank == 5 else { return .failure(bad) }
            lastRank = rank
            total += n * scale
            hasFraction = hasFraction || fraction
            components += 1
        }
        guard components > 0 else { return .failure(bad) }
        return .success(IntuneDuration(negative: negative, seconds: total, hasFraction: hasFraction))
    }

    /// Whole minutes as Warden's `offlineMinutes` counts them, and what was lost on the way.
    package var minutes: (minutes: Int64, note: String?) {
        if negative && (seconds > 0 || hasFraction) {
            return (0, "a negative period is already over: read as zero minutes")
        }
        let m = seconds / 60
        if seconds % 60 != 0 || hasFraction { return (m, "kept to the whole minute (seconds dropped)") }
        return (m, nil)
    }

    /// The canonical spelling of a number of minutes: `PT0S`, `PT30M`, `PT12H`, `P90D`, `P1DT2H30M`.
    package static func text(minutes: Int64) -> String {
        guard minutes > 0 else { return "PT0S" }
        let d = minutes / 1440
        let h = (minutes % 1440) / 60
        let m = minutes % 60
        var out = "P"
        if d > 0 { out += "\(d)D" }
        if h > 0 || m > 0 {
            out += "T"
            if h > 0 { out += "\(h)H" }
            if m > 0 { out += "\(m)M" }
        }
        return out
    }
}

/// The value checks, one per Graph value kind.
package enum IntuneValues {
    /// A version string Warden can compare (`null`/`""` are handled by the caller as "not configured").
    package static func version(_ s: String) -> Result<String, IntuneValueError> {
        let t = trimmed(s)
        guard Version(t) != nil else {
            return .failure(IntuneValueError("`\(s)` is not a version (digits separated by dots, such as `11.0`)"))
        }
        return .success(t)
    }

    /// A patch level `YYYY-MM-DD`; `nil` for Intune's "not configured" `0000-00-00`.
    package static func patchDate(_ s: String) -> Result<String?, IntuneValueError> {
        let t = trimmed(s)
        if t.isEmpty || t == "0000-00-00" { return .success(nil) }
        guard Day(t) != nil else {
            return .failure(IntuneValueError("`\(s)` is not a patch level (a date `YYYY-MM-DD`)"))
        }
        return .success(t)
    }

    /// An integer within Graph's range for the property.
    package static func integer(_ i: Int64, in range: ClosedRange<Int64>, property: String) -> Result<
        Int64, IntuneValueError
    > {
        guard range.contains(i) else {
            return .failure(
                IntuneValueError(
                    "`\(property)` takes \(range.lowerBound) to \(range.upperBound), not \(i)"))
        }
        return .success(i)
    }

    /// A `;`-separated manufacturer list: trimmed, lower-cased, empty items and repeats dropped,
    /// order kept.
    package static func manufacturers(_ s: String) -> [String] {
        var out: [String] = []
        for part in s.split(separator: ";", omittingEmptySubsequences: false) {
            let t = trimmed(String(part)).lowercased()
            if !t.isEmpty && !out.contains(t) { out.append(t) }
        }
        return out
    }

    /// The `;`-separated string Graph stores.
    package static func manufacturersText(_ list: [String]) -> String { list.joined(separator: ";") }

    /// An enum member, exactly as Graph spells it.
    package static func member(_ s: String, of members: [String], property: String) -> Result<
        String, IntuneValueError
    > {
        guard members.contains(s) else {
            return .failure(
                IntuneValueError(
                    "`\(s)` is not a value of `\(property)` (\(members.map { "`\($0)`" }.joined(separator: ", ")))"))
        }
        return .success(s)
    }

    static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f == " " || f == "\t" { sub = sub.dropFirst() }
        while let l = sub.last, l == " " || l == "\t" { sub = sub.dropLast() }
        return String(sub)
    }
}
