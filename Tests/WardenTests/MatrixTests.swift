import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// `warden matrix`: axes split at the rules' constants, the grid of real decisions, its text and SVG.
@Suite struct MatrixTests {
    static let today = Day("2025-01-15") ?? Day(daysSinceEpoch: 0)

    static func program(_ source: String, schema: Schema = .builtIn) throws -> Program {
        try Engine(schema: schema).compile(source)
    }

    static func axis(_ source: String, _ fact: String, missing: Bool = false) throws -> MatrixAxis {
        try MatrixAxis.make(fact: fact, programs: [program(source)], missing: missing, anyDate: today).get()
    }

    static func labels(_ source: String, _ fact: String) throws -> [String] {
        try axis(source, fact).bands.map(\.label)
    }

    static func values(_ source: String, _ fact: String) throws -> [String] {
        try axis(source, fact).bands.map { $0.value.map(MatrixFacts.json) ?? "missing" }
    }

    // MARK: - Bands

    @Test func splitsAnIntegerBelowAConstantComparedWithGreaterOrEqual() throws {
        let src = "when pinAttempts >= 5 then wipeData"
        #expect(try Self.labels(src, "pinAttempts") == ["< 5", ">= 5"])
        #expect(try Self.values(src, "pinAttempts") == ["4", "5"])
    }

    @Test func splitsAnIntegerAboveAConstantComparedWithGreater() throws {
        let src = "when offlineMinutes > 720 then blockAccess"
        #expect(try Self.labels(src, "offlineMinutes") == ["<= 720", "> 720"])
        #expect(try Self.values(src, "offlineMinutes") == ["720", "721"])
    }

    @Test func isolatesAConstantComparedForEquality() throws {
        let src = "when pinAttempts == 3 then warn"
        #expect(try Self.labels(src, "pinAttempts") == ["< 3", "= 3", "> 3"])
        #expect(try Self.values(src, "pinAttempts") == ["2", "3", "4"])
    }

    @Test func namesABandBetweenTwoConstantsByItsEnds() throws {
        let src = "rule \"a\" when pinAttempts >= 5 then warn\nrule \"b\" when pinAttempts > 10 then wipeData"
        #expect(try Self.labels(src, "pinAttempts") == ["< 5", "5 – 10", "> 10"])
        #expect(try Self.values(src, "pinAttempts") == ["4", "5", "11"])
    }

    @Test func mergesCutsThatAreOneOnTheIntegers() throws {
        let src = "rule \"a\" when offlineMinutes > 720 then warn\nrule \"b\" when offlineMinutes >= 721 then warn"
        #expect(try Self.labels(src, "offlineMinutes") == ["<= 720", "> 720"])
    }

    @Test func readsAConstantOnTheLeftAsTheMirroredComparison() throws {
        #expect(try Self.labels("when 5 <= pinAttempts then wipeData", "pinAttempts") == ["< 5", ">= 5"])
    }

    @Test func splitsVersionsAtConvertedStringsAndVersionCalls() throws {
        let src = """
            rule "a" when osVersion < "11.0" then blockAccess
            rule "b" when osVersion >= version("12") then warn
            """
        #expect(try Self.labels(src, "osVersion") == ["< 11.0", "11.0 – 12", ">= 12"])
        #expect(try Self.values(src, "osVersion") == ["\"10\"", "\"11.0\"", "\"12\""])
    }

    @Test func putsAVersionJustAboveAConstantBelowEveryGreaterConstant() throws {
        let src = """
            rule "a" when osVersion == "13" then warn
            rule "b" when osVersion < "13.0.2" then blockAccess
            """
        #expect(try Self.labels(src, "osVersion") == ["< 13", "= 13", "> 13, < 13.0.2", ">= 13.0.2"])
        #expect(try Self.values(src, "osVersion") == ["\"12\"", "\"13\"", "\"13.0.0.1\"", "\"13.0.2\""])
    }

    @Test func inlinesLetsWhenLookingForConstants() throws {
        let src = """
            let cutoff = date("2024-01-01")
            let stale = patchLevel < cutoff
            when stale then warn
            """
        #expect(try Self.labels(src, "patchLevel") == ["< 2024-01-01", ">= 2024-01-01"])
        #expect(try Self.values(src, "patchLevel") == ["\"2023-12-31\"", "\"2024-01-01\""])
    }

    @Test func givesStringsABandPerConstantAndOther() throws {
        let src = """
            rule "a" when manufacturer in ["acme", "unknown"] then blockAccess
            rule "b" when lower(model).startsWith("pixel") then warn
            """
        #expect(try Self.labels(src, "manufacturer") == ["\"acme\"", "\"unknown\"", "other"])
        #expect(try Self.labels(src, "model") == ["\"pixel\"", "other"])
    }

    @Test func givesListsOfStringsTheEmptyListAndOneListPerConstant() throws {
        let src = """
            rule "a" when "BYOD" in tags then warn
            rule "b" when tags.exists(t, t == "Kiosk") then blockAccess
            """
        #expect(try Self.labels(src, "tags") == ["[]", "[\"BYOD\"]", "[\"Kiosk\"]"])
    }

    @Test func enumeratesEnumsAndBooleansAndAddsAMissingBand() throws {
        #expect(
            try Self.axis("when rooted then wipeData", "threatLevel", missing: true).bands.map(\.label) == [
                "secured", "low", "medium", "high", "missing",
            ])
        #expect(try Self.labels("when rooted then wipeData", "rooted") == ["false", "true"])
    }

    @Test func leavesAFactComparedWithNoConstantInOneBand() throws {
        #expect(try Self.labels("when pinAttempts > offlineMinutes then warn", "pinAttempts") == ["any"])
        #expect(try Self.labels("when rooted then warn", "manufacturer") == ["any"])
    }

    @Test func splitsAtTheValueOfAGivenFactOrTodayFixedInEveryCell() throws {
        let src = """
            rule "pins"      when pinAttempts > offlineMinutes then blockAccess
            rule "patch age" when daysBetween(patchLevel, today) > 90 then warn
            """
        let p = try Self.program(src)
        let given = p.input(["offlineMinutes": .int(3), "today": .date(Self.today)])
        func axis(_ fact: String, _ other: String) throws -> [String] {
            try MatrixAxis.make(fact: fact, programs: [p], anyDate: Self.today, given: given, other: other).get()
                .bands.map(\.label)
        }
        #expect(try axis("pinAttempts", "rooted") == ["<= 3", "> 3"])
        // 90 days before 2025-01-15: a patch older than that is warned about.
        #expect(try axis("patchLevel", "rooted") == ["< 2024-10-17", ">= 2024-10-17"])
        // The other axis varies across the grid: it is no constant.
        #expect(try axis("pinAttempts", "offlineMinutes") == ["any"])
        let g = try DecisionGrid.make(
            program: p, rows: "patchLevel", columns: "pinAttempts", given: given, today: Self.today
        ).get()
        #expect(g.cells.map { $0.map(\.verdict.action) } == [[.warn, .blockAccess], [.allow, .blockAccess]])
    }

    @Test func rejectsUnknownFactsWithASuggestionAndFactsItCannotDraw() throws {
        let p = try Self.program("when rooted then wipeData")
        #expect(
            MatrixAxis.make(fact: "threatLevl", programs: [p], anyDate: Self.today).failure?.message
                == "unknown fact `threatLevl`; did you mean `threatLevel`?")
        let schema = try Schema.builtIn.adding(facts: [FactDefinition("score", .double, "a host's score")])
        let q = try Self.program("when score > 0.5 then warn", schema: schema)
        #expect(
            MatrixAxis.make(fact: "score", programs: [q], anyDate: Self.today).failure?.message
                == "cannot draw `score` (of type `double`) as an axis")
    }

    @Test func refusesAnAxisOfMoreBandsThanAPictureCanShow() throws {
        let src = (0..<40).map { "rule \"r\($0)\" when pinAttempts == \($0 * 2) then warn" }.joined(separator: "\n")
        let p = try Self.program(src)
        #expect(
            MatrixAxis.make(fact: "pinAttempts", programs: [p], anyDate: Self.today).failure?.message
                == "`pinAttempts` splits into 81 bands; a grid axis has at most 64")
    }

    /// For random policies of integer comparisons, every integer decides as its band's
    /// representative does: the bands never hide a change of decision.
    @Test func everyIntegerDecidesAsItsBandsRepresentative() throws {
        var rng = SplitMix(seed: 15)
        let ops = ["<", "<=", ">", ">=", "==", "!="]
        let actions = ["warn", "blockAccess", "wipeData"]
        for _ in 0..<200 {
            var src = ""
            for r in 0..<(1 + rng.int(4)) {
                let op = ops[rng.int(ops.count)]
                let c = rng.int(20) - 2
                src += "rule \"r\(r)\" when pinAttempts \(op) \(c) then \(actions[rng.int(actions.count)])\n"
            }
            let p = try Self.program(src)
            let a = try MatrixAxis.make(fact: "pinAttempts", programs: [p], anyDate: Self.today).get()
            let reps = a.bands.compactMap { b -> Int64? in
                if case .int(let i)? = b.value { return i }
                return nil
            }
            #expect(reps.count == a.bands.count && reps == reps.sorted(), "\(src)")
            func fired(_ v: Int64) -> [String] { p.evaluate(p.input(["pinAttempts": .int(v)])).fired.map(\.name) }
            for v in Int64(-6)...24 {
                // Every band but the first starts at its representative; the first holds all below.
                let band = reps.indices.dropFirst().last(where: { reps[$0] <= v }) ?? 0
                #expect(fired(v) == fired(reps[band]), "\(src) at \(v): band \(a.bands[band].label)")
            }
        }
    }

    /// The same for versions (dense: a band just above a constant starts at a representative with
    /// one more component) and for dates compared through `daysBetween` with `today`.
    @Test func everyVersionAndDateDecidesAsItsBandsRepresentative() throws {
        var rng = SplitMix(seed: 1515)
        let ops = ["<", "<=", ">", ">=", "==", "!="]
        var versions: [Version] = []
        for a in 8...13 {
            versions += Version("\(a)").map { [$0] } ?? []
            for b in 0...3 { for c in 0...1 { versions += Version("\(a).\(b).\(c)").map { [$0] } ?? [] } }
        }
        let base = Day("2024-01-01") ?? Self.today
        for _ in 0..<100 {
            var src = ""
            for r in 0..<(1 + rng.int(4)) {
                let v = "\(9 + rng.int(4))" + (rng.int(2) == 0 ? "" : ".\(rng.int(3))")
                src += "rule \"v\(r)\" when osVersion \(ops[rng.int(ops.count)]) \"\(v)\" then warn\n"
                let n = rng.int(30)
                src += "rule \"d\(r)\" when daysBetween(patchLevel, today) \(ops[rng.int(ops.count)]) \(n) then warn\n"
            }
            let p = try Self.program(src)
            let today = Day(daysSinceEpoch: base.daysSinceEpoch + 20)
            let given = p.input(["today": .date(today)])
            func reps(_ fact: String) throws -> [Value] {
                try MatrixAxis.make(fact: fact, programs: [p], anyDate: today, given: given, other: "rooted").get()
                    .bands.compactMap(\.value)
            }
            func fired(_ fact: String, _ v: Value) -> [String] {
                p.evaluate(p.input(["today": .date(today), fact: v])).fired.map(\.name).filter {
                    $0.hasPrefix(fact == "osVersion" ? "v" : "d")
                }
            }
            // A value's band is the number of cuts below it (a cut just above `c` is below `v` when `c < v`).
            func cuts(_ fact: String, _ type: WardenType) -> [AxisCut] {
                let raw = SplitCollector.collect(p, fact: fact, type: type, known: given.facts, other: "rooted").cuts
                return MatrixAxis.sortedCuts(raw, discrete: type != .version)
            }
            let versionCuts = cuts("osVersion", .version)
            let dateCuts = cuts("patchLevel", .date)
            func band(_ fact: String, _ type: WardenType, _ v: Value) -> Int {
                (type == .version ? versionCuts : dateCuts).filter {
                    let k = MatrixAxis.compare($0.value, v)
                    return k < 0 || (k == 0 && !$0.after)
                }.count
            }
            let vr = try reps("osVersion")
            for v in versions {
                let b = band("osVersion", .version, .version(v))
                #expect(b < vr.count && fired("osVersion", .version(v)) == fired("osVersion", vr[b]), "\(src) at \(v)")
            }
            let dr = try reps("patchLevel")
            for offset in -15...25 {
                let d = Value.date(Day(daysSinceEpoch: base.daysSinceEpoch + offset))
                let b = band("patchLevel", .date, d)
                #expect(b < dr.count && fired("patchLevel", d) == fired("patchLevel", dr[b]), "\(src) at \(d)")
            }
        }
    }

    // MARK: - The grid

    static let policy = """
        policy "Grid" onError blockAccess
        rule "high threat"   when threatLevel > medium then blockAccess
        rule "medium threat" when threatLevel == medium then warn
        rule "integrity"     when playIntegrity < basic then blockAccess
        rule "pin"           when pinAttempts >= 5 then wipeData
        """

    static func grid(_ src: String = policy, old: String? = nil, rows: String, cols: String, given: [String: Value])
        throws -> DecisionGrid
    {
        let p = try program(src)
        return try DecisionGrid.make(
            program: p, old: try old.map { try program($0) }, rows: rows, columns: cols, given: p.input(given),
            today: today
        ).get()
    }

    @Test func drawsTheRealDecisionOfEveryCellAsText() throws {
        let g = try Self.grid(rows: "threatLevel", cols: "playIntegrity", given: ["pinAttempts": .int(0)])
        #expect(
            MatrixText.render(g, color: false) == """
                decision grid: threatLevel (rows) × playIntegrity (columns)

                threatLevel \\ playIntegrity | none          | basic           | device          | strong
                ----------------------------+---------------+-----------------+-----------------+----------------
                secured                     | B integrity   | A               | A               | A
                low                         | B integrity   | A               | A               | A
                medium                      | B integrity   | W medium threat | W medium threat | W medium threat
                high                        | B high threat | B high threat   | B high threat   | B high threat

                A allow  W warn  B blockAccess  X wipeData; ! = decided by the rule's error (onError)

                """)
        // Every cell is the engine's decision for its device.
        let p = try Self.program(Self.policy)
        for (r, line) in g.cells.enumerated() {
            for (c, cell) in line.enumerated() {
                let d = p.evaluate(
                    p.input([
                        "pinAttempts": .int(0), "threatLevel": .enumMember(.threatLevel, r),
                        "playIntegrity": .enumMember(.playIntegrity, c),
                    ]))
                #expect(cell.verdict.action == d.action)
                #expect(cell.verdict.fired == d.fired.map(\.name))
            }
        }
    }

    @Test func marksARuleThatDecidedThroughItsError() throws {
        // `pinAttempts` is not given: the rule `pin` errs, and onError blockAccess decides.
        let g = try Self.grid(rows: "threatLevel", cols: "playIntegrity", given: [:])
        let cell = try #require(g.cells.first?.last)
        #expect(cell.verdict.action == .blockAccess && cell.verdict.rule == "pin" && cell.verdict.byError)
        #expect(cell.verdict.fired.isEmpty)
        #expect(MatrixText.cellText(cell) == "B! pin")
    }

    @Test func colorsCellsByActionOnlyWhenAsked() throws {
        let g = try Self.grid(rows: "threatLevel", cols: "playIntegrity", given: ["pinAttempts": .int(0)])
        #expect(MatrixText.render(g, color: true).contains("\u{1B}[41;97mB integrity"))
        #expect(MatrixText.render(g, color: true).contains("\u{1B}[42;97mA"))
        #expect(!MatrixText.render(g, color: false).contains("\u{1B}"))
    }

    @Test func marksTheCellsWhoseActionChangesFromTheOldPolicy() throws {
        let old = Self.policy.replacingOccurrences(of: "threatLevel > medium", with: "threatLevel > low")
        let g = try Self.grid(
            old: old, rows: "threatLevel", cols: "pinAttempts", given: ["playIntegrity": .enumMember(.playIntegrity, 3)]
        )
        #expect(g.isDiff && g.changedCount == 1)
        let changedCells = g.cells.flatMap { $0 }.filter { $0.changed }
        let changed = try #require(changedCells.first)
        #expect(MatrixText.cellText(changed) == "B→W medium threat")
        #expect(MatrixText.render(g, color: false).contains("1 of 8 cells change"))
    }

    @Test func rejectsTheSameFactOnBothAxes() throws {
        let p = try Self.program(Self.policy)
        #expect(
            DecisionGrid.make(program: p, rows: "rooted", columns: "rooted", today: Self.today).failure?.message
                == "the rows and the columns are both `rooted`; choose two different facts")
    }

    @Test func writesEachCellsDeviceAndBandsAsJSON() throws {
        let g = try Self.grid(rows: "pinAttempts", cols: "rooted", given: ["threatLevel": .enumMember(.threatLevel, 0)])
        let json = MatrixText.json(g)
        #expect(json.contains("{\"label\": \"< 5\", \"value\": 4}"))
        #expect(
            json.contains(
                "\"device\": {\"threatLevel\": \"secured\", \"rooted\": false, \"pinAttempts\": 4, \"today\": \"2025-01-15\"}"
            ))
    }

    // MARK: - SVG

    @Test func paintsEachCellRectangleWithItsActionsPaletteColour() throws {
        let g = try Self.grid(rows: "threatLevel", cols: "playIntegrity", given: ["pinAttempts": .int(0)])
        let svg = MatrixSVG.render(g)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""))
        for (r, line) in g.cells.enumerated() {
            for (c, cell) in line.enumerated() {
                let a = cell.verdict.action
                #expect(
                    svg.contains(
                        "fill=\"\(MatrixPalette.hex(a))\" stroke=\"#ffffff\" stroke-width=\"2\" data-row=\"\(r)\" data-col=\"\(c)\" data-action=\"\(a.rawValue)\""
                    ))
            }
        }
        #expect(MatrixPalette.hex(.allow) == "#2e7d32" && MatrixPalette.hex(.wipeData) == "#6a1b9a")
        #expect(!svg.contains("<script"))
    }

    @Test func escapesLabelsInTheSVG() throws {
        let g = try Self.grid(
            "rule \"a<b & c\" when manufacturer == \"x<y\" then warn", rows: "manufacturer", cols: "rooted", given: [:])
        let svg = MatrixSVG.render(g)
        #expect(svg.contains("&quot;x&lt;y&quot;") && svg.contains("a&lt;b &amp; c"))
        #expect(!svg.contains("\"x<y\""))
    }

    @Test func outlinesChangedCellsAndShowsTheOldActionInTheirCorner() throws {
        let old = Self.policy.replacingOccurrences(of: "threatLevel > medium", with: "threatLevel > low")
        let g = try Self.grid(
            old: old, rows: "threatLevel", cols: "pinAttempts", given: ["playIntegrity": .enumMember(.playIntegrity, 3)]
        )
        let svg = MatrixSVG.render(g)
        #expect(svg.components(separatedBy: "stroke-dasharray").count == 1 + g.changedCount)
        #expect(svg.contains("data-action=\"warn\" data-old-action=\"blockAccess\""))
        #expect(svg.contains(">blockAccess → warn<"))
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
