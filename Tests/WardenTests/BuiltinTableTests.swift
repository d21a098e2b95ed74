import Testing

@testable import Warden
@testable import WardenTools

/// The table of built-ins (BuiltinTable) is the one list of names: the checker knows exactly its
/// names, the evaluator (CEL mode) exactly its CEL names, and `warden schema --functions` and REPL
/// completion list every entry.
@Suite struct BuiltinTableTests {
    static func diagnostics(_ source: String) -> [Diagnostic] {
        do {
            _ = try Engine().compile(source)
            return []
        } catch { return error.diagnostics }
    }

    @Test func theCheckerKnowsEveryEntryAndNothingElse() {
        #expect(Set(BuiltinTable.names).count == BuiltinTable.entries.count, "a name is listed twice")
        for name in BuiltinTable.names {
            let d = Self.diagnostics("when \(name)() then warn")
            #expect(!d.contains { $0.code == .unknownFunction }, "\(name): \(d.map(\.message))")
        }
        let d = Self.diagnostics("when sizes(tags) > 1 then warn")
        #expect(d.map(\.code) == [.unknownFunction])
        #expect(d.first?.fixIt == "size")
    }

    @Test func celModeKnowsExactlyTheCELEntries() {
        func unbound(_ expr: String) -> Bool {
            if case .failure(let e) = CELMode.evaluate(expr, bindings: [:]) {
                return e.message.hasPrefix("unbound function")
            }
            return false
        }
        for e in BuiltinTable.entries where e.form != .macro {
            #expect(unbound("\(e.name)(1, 2, 3)") == !e.inCEL, "\(e.name)")
        }
        #expect(unbound("nosuch(1)"))
    }

    @Test func theMacrosAreTheComprehensions() {
        #expect(BuiltinTable.macroNames == ["all", "exists", "exists_one", "map", "filter"])
        #expect(Checker.macroNames == BuiltinTable.macroNames)
        #expect(Set(BuiltinID.allCases.filter(\.isComprehension).map(\.name)) == BuiltinTable.macroNames)
    }

    @Test func schemaFunctionsAndCompletionListEveryEntry() {
        let text = SchemaText.functions()
        for e in BuiltinTable.entries {
            #expect(text.contains("  \(e.name)  ("), "\(e.name)")
            for o in e.overloads { #expect(text.contains(o)) }
        }
        #expect(text.contains("has  (macro)"))
        #expect(text.contains("compiled path: native"))
        let completions = Session().completions(for: "daysB", lineBefore: "when ")
        #expect(completions.contains("daysBetween"), "\(completions)")
    }
}
