import Testing

@testable import Warden
@testable import WardenTools

/// `BuiltinID` has exactly one case per `BuiltinTable` entry, in the table's order, and each case
/// finds its entry; the checker (and in CEL mode `CELResolver`) resolves every call to one, so the
/// evaluator never dispatches on a name.
@Suite struct BuiltinIDTests {
    @Test func everyTableEntryHasOneIDInTheTablesOrder() {
        #expect(BuiltinID.allCases.map(\.name) == BuiltinTable.names)
        #expect(BuiltinID.allCases.count == BuiltinTable.entries.count)
        for id in BuiltinID.allCases {
            #expect(id.entry.name == id.name, "\(id)")
            #expect(id.entry == BuiltinTable.entries[id.rawValue])
            #expect(BuiltinID(name: id.name) == id)
        }
    }

    @Test func theCallTableStoresByNodeIDAndKeepsTheFirstResolution() {
        var t = CallTable()
        #expect(t[0] == nil && t[-1] == nil && t[Int.max] == nil)
        t[5] = .size
        t[2] = .lower
        t[-3] = .upper  // ignored, never a trap
        t[Int.max] = .upper  // past the largest id: ignored
        #expect(t[5] == .size && t[2] == .lower && t[3] == nil && t[6] == nil)
        var u = CallTable()
        u[5] = .matches
        u[7] = .daysBetween
        t.merge(u)
        #expect(t[5] == .size && t[7] == .daysBetween)
        #expect(t.entries.map(\.id) == [2, 5, 7])
        t[5] = nil
        #expect(t[5] == nil)
    }

    @Test func aNameThatIsNoBuiltinHasNoID() {
        #expect(BuiltinID(name: "sizes") == nil)
        #expect(BuiltinID(name: "") == nil)
        #expect(BuiltinID(name: "Size") == nil)
        #expect(BuiltinID(name: "existsOne") == nil)
    }

    /// Every call node of `e`, with its name.
    static func calls(_ e: Expr) -> [(id: Int, name: String)] {
        var out: [(id: Int, name: String)] = []
        func visit(_ e: Expr) {
            switch e.kind {
            case .literal, .ident: break
            case .select(let x, _, _), .unary(_, let x): visit(x)
            case .call(let name, let target, let args, _):
                out.append((e.id, name))
                if let t = target { visit(t) }
                args.forEach(visit)
            case .index(let a, let b):
                visit(a)
                visit(b)
            case .list(let xs), .and(let xs), .or(let xs): xs.forEach(visit)
            case .map(let entries):
                for entry in entries {
                    visit(entry.key)
                    visit(entry.value)
                }
            case .binary(let first, let links):
                visit(first)
                for l in links { visit(l.rhs) }
            case .conditional(let a, let b, let c):
                visit(a)
                visit(b)
                visit(c)
            }
        }
        visit(e)
        return out
    }

    static let everyBuiltin = """
        let long = tags.exists(t, t.startsWith("Fin")) or tags.all(t, size(t) > 3)
        rule "strings" when manufacturer.contains("x") or manufacturer.endsWith("y") or manufacturer.matches("^g")
            or lower(manufacturer) == "g" or manufacturer.upper() == "G" then warn
        rule "conversions" when int("1") + int(uint(2)) > 0 and double(1) > 0.5 and string(pinAttempts) == "3"
            and bytes("a") == b"a" and bool("true") and dyn(1) == 1 and type(1) == int then warn
        rule "macros" when long or tags.exists_one(t, t == "BYOD") or size(tags.map(t, t + "x")) > 5
            or size(tags.filter(t, t != "")) > 5 or size(tags.map(t, t != "", t)) > 5 then warn
        rule "has" when has(osVersion) and has({"a": 1}.a) then warn
        rule "domain" when osVersion < version("13.0") or osVersion < version(manufacturer)
            or patchLevel < date("2024-01-01") or daysBetween(patchLevel, today) > 90
            or patchLevel < date(manufacturer) then warn
        rule "host" when score(manufacturer) > 3 then warn
        """

    static let score = HostFunction(name: "score", parameters: [.string], result: .int) { args in
        guard case .string(let s)? = args.first else { return .failure(EvalError(.custom, "score needs a string")) }
        return .success(.int(Int64(s.utf8.count)))
    }

    @Test func theCheckerResolvesEveryCallOfACheckedPolicy() throws {
        let program = try Engine(functions: [Self.score]).compile(Self.everyBuiltin)
        let policy = program.policy
        let exprs = policy.rules.map(\.condition) + policy.lets.map(\.expr)
        let calls = exprs.flatMap(Self.calls)
        var seen: Set<BuiltinID> = []
        for call in calls {
            if let id = policy.resolutions.calls[call.id] {
                #expect(id.name == call.name)
                seen.insert(id)
                continue
            }
            // Otherwise the call is a host function, a constant (`version("13.0")`) or `has(fact)`.
            switch policy.resolutions[call.id] {
            case .hostFunction?, .constant?, .hasFact?: break
            default: Issue.record("`\(call.name)` (node \(call.id)) was not resolved")
            }
        }
        #expect(seen == Set(BuiltinID.allCases), "unused: \(Set(BuiltinID.allCases).subtracting(seen))")
        // Evaluated (both paths), no rule errs: nothing reaches the evaluator unresolved.
        let device = try program.device(
            json: Array(
                #"{"manufacturer": "google", "tags": ["BYOD"], "osVersion": "12", "patchLevel": "2024-02-01", "pinAttempts": 3}"#
                    .utf8)
        ).get()
        let decision = program.evaluate(device.input)
        #expect(decision.errors.isEmpty, "\(decision.errors.map(\.message))")
        #expect(program.referenceEvaluate(device.input).errors.isEmpty)
    }

    @Test func celModeResolvesEveryCELCallAndNoOther() {
        let text = """
            size("ab") + int("1") + int(uint(1)) + int(double(1)) > 0 && "ab".contains("a") && "ab".startsWith("a")
            && "ab".endsWith("b") && "ab".matches("a") && string(1) == "1" && bytes("a") == b"a" && bool("true")
            && dyn(1) == 1 && type(1) == int && has({"a": 1}.a) && [1].all(x, x > 0) && [1].exists(x, x > 0)
            && [1].exists_one(x, x > 0) && [1].map(x, x)[0] == 1 && [1].filter(x, x > 0)[0] == 1
            || version("1.0") || lower("A") || nosuch(1)
            """
        let parsed = Parser.parseExpression(
            SourceFile(name: "<cel>", text: text), options: SyntaxOptions(celMode: true))
        guard let e = parsed.expr else {
            Issue.record("\(parsed.diagnostics.map(\.message))")
            return
        }
        let r = CELResolver.resolve(e, bindingNames: [])
        for call in Self.calls(e) {
            let id = BuiltinID(name: call.name)
            if let id, id.entry.inCEL {
                #expect(r.calls[call.id] == id, "\(call.name)")
            } else {
                #expect(r.calls[call.id] == nil, "\(call.name) is not CEL's")
            }
        }
        #expect(Set(r.calls.entries.map(\.builtin)) == Set(BuiltinID.allCases.filter(\.entry.inCEL)))
    }
}
