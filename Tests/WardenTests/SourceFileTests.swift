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

/// A line ends at LF, CR or CRLF, so line numbers and carets agree with what editors show.
@Suite struct SourceLineEndTests {
    static let lf = "policy \"p\"\n\nrule \"a\" when rooted then warn\n  # c\nrule \"b\" when rootd then wipeData\n"

    static func compileErrors(_ text: String) -> CompileError? {
        do {
            _ = try Engine().compile(text, name: "p.warden")
            return nil
        } catch {
            return error
        }
    }

    @Test func lfCrAndCrlfLinesHaveTheSameNumbersAndText() {
        for end in ["\n", "\r", "\r\n"] {
            let text = "ab\(end)\(end)é x\(end)last"
            let src = SourceFile(name: "t", text: text)
            #expect(src.lineCount == 4)
            #expect((1...4).map { src.lineText($0) } == ["ab", "", "é x", "last"])
            let e = text.utf8.count - 4  // the `l` of `last`
            #expect(src.location(of: e) == SourceLocation(line: 4, column: 1))
            let x = Array(text.utf8).lastIndex(of: UInt8(ascii: "x")) ?? 0
            #expect(src.location(of: x) == SourceLocation(line: 3, column: 3))
        }
        // CR CR LF is two line ends (a lone CR, then CRLF); LF CR is two as well.
        #expect(SourceFile(name: "t", text: "a\r\r\nb").lineCount == 3)
        #expect(SourceFile(name: "t", text: "a\n\rb").lineCount == 3)
        #expect(SourceFile(name: "t", text: "a\r").lineText(1) == "a")
        #expect(SourceFile(name: "t", text: "a\r").lineCount == 2)
    }

    @Test func crlfAndCrFilesGiveTheDiagnosticsOfTheLFFile() throws {
        let expected = try #require(Self.compileErrors(Self.lf))
        for end in ["\r\n", "\r"] {
            let text = Self.lf.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: end)
            let got = try #require(Self.compileErrors(text))
            let lines = got.diagnostics.map { got.source.location(of: $0.span.start) }
            #expect(lines == expected.diagnostics.map { expected.source.location(of: $0.span.start) })
            #expect(got.rendered() == expected.rendered())
        }
    }

    @Test func aCrlfFileRendersItsCaretLineWithoutAStrayCR() throws {
        let text = "rule \"a\" when rooted then warn\r\nrule \"b\" when rootd then wipeData\r\n"
        let e = try #require(Self.compileErrors(text))
        #expect(
            e.rendered() == """
                p.warden:2:15: error[W0301]: unknown fact `rootd`; did you mean `rooted`?
                rule "b" when rootd then wipeData
                              ^~~~~
                help: write `rooted`:
                rule "b" when rooted then wipeData

                """)
        #expect(!e.rendered().contains("\r"))
    }

    @Test func controlAndHiddenCharactersInAShownLineAreReplacementCharacters() throws {
        // The source line of a diagnostic cannot reorder, break or drive the terminal.
        let text = "when rooted then warn \"\u{1B}[2J\" # \u{202E}x\u{2028}y"
        let e = try #require(Self.compileErrors(text))
        #expect(
            e.rendered() == """
                p.warden:1:32: error[W0101]: U+202E RIGHT-TO-LEFT OVERRIDE is not allowed in a comment; a bidirectional \
                control character can make the code display differently from how it runs (and 1 more such character \
                in this comment)
                when rooted then warn "\u{FFFD}[2J" # \u{FFFD}x\u{FFFD}y
                \(String(repeating: " ", count: 31))^

                """)
    }
}
