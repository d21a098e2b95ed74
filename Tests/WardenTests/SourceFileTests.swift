import Testing
@testable import Warden
@testable import WardenTools

@Suite struct SourceFileTests {
    @Test func locationCountsColumnsInUnicodeScalars() {
        let src = SourceFile(name: "t", text: "ab\né x")
        #expect(src.location(of: 0) == SourceLocation(line: 1, column: 1))
        #expect(src.location(of: 3) == SourceLocation(line: 2, column: 1))
        #expect(src.location(of: 6) == SourceLocation(line: 2, column: 3))
    }

    @Test func versionsCompareComponentWiseWithMissingZeros() throws {
        let a = try #require(Version("13"))
        let b = try #require(Version("13.0.0"))
        #expect(a == b)
        #expect(try #require(Version("10.0")) > #require(Version("9.1")))
        #expect(Version("1..2") == nil)
        #expect(Version("4294967296") == nil)
    }

    @Test func datesRoundTripAndRejectImpossibleDays() throws {
        let d = try #require(Day("2024-02-29"))
        #expect(d.description == "2024-02-29")
        #expect(Day("2023-02-29") == nil)
        #expect(Day("1970-01-01")?.daysSinceEpoch == 0)
    }
}

@Suite struct DayRangeTests {
    @Test func dayNumbersAreClampedToTheCalendarRange() throws {
        #expect(Day(daysSinceEpoch: Int.max).description == "9999-12-31")
        #expect(Day(daysSinceEpoch: Int.min).description == "0001-01-01")
        #expect(try #require(Day("9999-12-31")).daysSinceEpoch == Day(daysSinceEpoch: .max).daysSinceEpoch)
        #expect(try #require(Day("0001-01-01")).daysSinceEpoch == Day(daysSinceEpoch: .min).daysSinceEpoch)
    }
}
