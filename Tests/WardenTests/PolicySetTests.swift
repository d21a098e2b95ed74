import Testing

@testable import Warden
@testable import WardenTools

/// Policy sets in the library (`Engine.compile(_: [SourceFile])`) and where configuration values
/// come from (`ConfigEntry.origin`, shown by `eval --explain`).
@Suite struct PolicySetTests {
    @Test func aSetReportsACrossFileConflictInEachFileWithItsOwnLines() throws {
        let a = SourceFile(name: "teamA.warden", text: "config \"A\" {\n  DefenderMAMConfigs = 1\n  vpn = 1\n}\n")
        let b = SourceFile(name: "teamB.warden", text: "# B\nconfig \"B\" {\n  DefenderMAMConfigs = 1\n  vpn = 0\n}\n")
        #expect(throws: CompileError.self) { try Engine().compile([a, b]) }
        do {
            _ = try Engine().compile([a, b])
        } catch {
            let text = error.rendered()
            #expect(
                text.contains("teamA.warden:3:3: error[W0503]: conflict: `vpn` is 1 here but 0 in config `B`"),
                "\(text)")
            #expect(
                text.contains("teamB.warden:4:3: error[W0503]: conflict: `vpn` is 0 here but 1 in config `A`"),
                "\(text)")
            #expect(text.contains("teamB.warden:4:3: note: config `B` sets it here\n  vpn = 0\n  ^~~~~~~"), "\(text)")
        }
        // Alone, each file compiles.
        _ = try Engine().compile(a)
        _ = try Engine().compile(b)
    }

    @Test func everyErrorOfEveryFileIsReportedOnce() {
        let a = SourceFile(
            name: "a.warden", text: "config \"A\" {\n  DefenderMAMConfigs = 1\n  vpn = yes\n  antiphishing = 7\n}\n")
        let b = SourceFile(name: "b.warden", text: "when rootd then warn\n")
        do {
            _ = try Engine().compile([a, b])
            Issue.record("expected errors")
        } catch {
            let located = error.diagnostics.filter { $0.severity == .error }.map {
                "\(error.source.fileName(at: $0.span.start)):\(error.source.location(of: $0.span.start))"
            }
            #expect(located == ["a.warden:3:9", "a.warden:4:18", "b.warden:1:6"], "\(error.rendered())")
        }
    }

    @Test func configOriginsNameTheBlockTheRuleOrTheDefault() throws {
        let program = try Engine().compile(
            """
            config "Web" {
              DefenderMAMConfigs = 1
              vpn = 0
            }
            rule "open" when openNetwork then warn, set DefenderOpenNetworkDetection = 2
            """)
        let d = program.evaluate(program.input(["openNetwork": .bool(true)]))
        let origin = Dictionary(uniqueKeysWithValues: d.config.map { ($0.key, $0.origin) })
        #expect(origin["vpn"] == .block(name: "Web", file: nil, line: 1))
        #expect(origin["DefenderOpenNetworkDetection"] == .rule(name: "open", file: nil, line: 5))
        #expect(origin["antiphishing"] == .schemaDefault)
        let text = DecisionText.explanation(d, program: program, showConfig: true)
        #expect(
            text.contains(
                """
                  config: 3 keys set, 11 at their schema defaults
                    DefenderMAMConfigs = 1            ← config "Web" (line 1)
                    vpn = 0                           ← config "Web" (line 1)
                    DefenderOpenNetworkDetection = 2  ← rule "open" (set, line 5)

                """), "\(text)")
    }

    @Test func inASetTheOriginNamesTheFile() throws {
        let a = SourceFile(name: "base.warden", text: "config \"Base\" {\n  DefenderMAMConfigs = 1\n  vpn = 0\n}\n")
        let b = SourceFile(
            name: "kiosk.warden",
            text: "config \"Kiosk\" for groups [\"Kiosk\"] override {\n  DefenderMAMConfigs = 1\n  vpn = 1\n}\n")
        let program = try Engine().compile([a, b])
        let d = program.evaluate(try program.device(json: Array(#"{"groups": ["Kiosk"]}"#.utf8)).get().input)
        #expect(d.config.first { $0.key == "vpn" }?.origin == .block(name: "Kiosk", file: "kiosk.warden", line: 1))
        #expect(program.files == ["base.warden", "kiosk.warden"])
    }
}
