// A calendar date (`Value.Day`), stored as days since 1970-01-01.

extension Value {
    /// A calendar date (`YYYY-MM-DD`), stored as days since 1970-01-01.
    public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// Days since 1970-01-01 (negative before).
        public let daysSinceEpoch: Int

        /// A date from its day number, clamped to 0001-01-01 ... 9999-12-31 (so that calendar
        /// arithmetic on it can never overflow).
        public init(daysSinceEpoch: Int) {
            self.daysSinceEpoch = min(max(daysSinceEpoch, Day.minDays), Day.maxDays)
        }

        /// 0001-01-01 and 9999-12-31 as day numbers.
        static let minDays = -719_162
        static let maxDays = 2_932_896

        /// Parses `YYYY-MM-DD` (a real calendar date, year 0001–9999); nil otherwise.
        public init?(_ text: String) {
            let u = Array(text.utf8)
            guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
            func num(_ r: Range<Int>) -> Int? {
                var n = 0
                for i in r {
                    guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                    n = n * 10 + Int(u[i] - 0x30)
                }
                return n
            }
            guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
            self.init(year: y, month: m, day: d)
        }

        /// A date from its parts; nil when it is not a real calendar date.
        public init?(year y: Int, month m: Int, day d: Int) {
            guard y >= 1 && y <= 9999, m >= 1 && m <= 12, d >= 1 && d <= Day.daysInMonth(y, m) else { return nil }
            // Days from civil (Howard Hinnant's algorithm).
            let yy = m <= 2 ? y - 1 : y
            let era = (yy >= 0 ? yy : yy - 399) / 400
            let yoe = yy - era * 400
            let mp = (m + 9) % 12
            let doy = (153 * mp + 2) / 5 + d - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            self.daysSinceEpoch = era * 146097 + doe - 719468
        }

        static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        static func daysInMonth(_ y: Int, _ m: Int) -> Int {
            switch m {
            case 2: isLeap(y) ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }

        /// Year, month and day.
        public var parts: (year: Int, month: Int, day: Int) {
            let z = daysSinceEpoch + 719468
            let era = (z >= 0 ? z : z - 146096) / 146097
            let doe = z - era * 146097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let d = doy - (153 * mp + 2) / 5 + 1
            let m = mp < 10 ? mp + 3 : mp - 9
            return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
        }

        /// Earlier days first.
        public static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

        /// `YYYY-MM-DD`.
        public var description: String {
            let p = parts
            func pad(_ n: Int, _ w: Int) -> String {
                let s = String(n)
                return String(repeating: "0", count: max(0, w - s.count)) + s
            }
            return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))"
        }
    }
}

/// The package's short name for ``Value/Day``.
package typealias Day = Value.Day
