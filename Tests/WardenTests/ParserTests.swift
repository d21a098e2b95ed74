import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// Parses an expression and dumps it, or returns the rendered diagnostics.
func dumpExpr(_ text: String, cel: Bool = false) -> String {
    let src = SourceFile(name: "t", text: text)
    let r = Parser.parseExpression(src, options: SyntaxOptions(celMode: cel))
    if !r.diagnostics.isEmpty { return "error: " + r.diagnostics.map(\.message).joined(separator: " | ") }
    return r.expr.map(ASTDumper.dump) ?? "nil"
}

func dumpFile(_ text: String) -> String {
    let src = SourceFile(name: "t", text: text)
    let r = Parser.parseFile(src)
    if !r.diagnostics.isEmpty { return "error: " + r.diagnostics.map(\.message).joined(separator: " | ") }
    return ASTDumper.dump(r.file)
}

func diagnostics(_ text: String, file: Bool = true, cel: Bool = false) -> [Diagnostic] {
    let src = SourceFile(name: "t", text: text)
    return file
        ? Parser.parseFile(src, options: SyntaxOptions(celMode: cel)).diagnostics
        : Parser.parseExpression(src, options: SyntaxOptions(celMode: cel)).diagnostics
}

@Suite struct ParserTests {
    @Test(arguments: [
        ("threatLevel > medium || rooted", "(|| (> threatLevel medium) rooted)"),
        ("a || b or c", "(|| a b c)"),
        ("a && b and c || d", "(|| (&& a b c) d)"),
        ("a || b && c", "(|| a (&& b c))"),
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 + 2 - 3", "(- (+ 1 2) 3)"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("a < b == c", "(== (< a b) c)"),
        ("not a == b", "(not (== a b))"),
        ("not x in y", "(not (in x y))"),
        ("not a and b", "(&& (not a) b)"),
        ("not not a", "(not (not a))"),
        ("a or not b && c", "(|| a (&& (not b) c))"),
        ("!a", "(! a)"),
        ("!!a", "(! (! a))"),
        ("-x", "(- x)"),
        ("-5", "-5"),
        ("- 5", "-5"),
        ("--5", "(- -5)"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775807", "9223372036854775807"),
        ("18446744073709551615u", "18446744073709551615u"),
        ("-5u", "(- 5u)"),
        ("-1.5", "-1.5"),
        ("a - -1", "(- a -1)"),
        ("a ? b : c", "(?: a b c)"),
        ("a ? b : c ? d : e", "(?: a b (?: c d e))"),
        ("a || b ? c : d", "(?: (|| a b) c d)"),
        ("x.y.z", "(. (. x y) z)"),
        ("x.size()", "(.size x)"),
        ("s.startsWith(\"a\", 1)", "(.startsWith s \"a\" 1)"),
        ("size(x)", "(size x)"),
        ("f()", "(f)"),
        ("x[0][1]", "([] ([] x 0) 1)"),
        ("[1, 2, 3,]", "[1 2 3]"),
        ("[]", "[]"),
        ("{\"a\": 1, \"b\": [2]}", "{(\"a\" 1) (\"b\" [2])}"),
        ("{}", "{}"),
        ("{\"let\": 1}.let", "(. {(\"let\" 1)} let)"),
        ("x.in", "(. x in)"),
        ("a.`b-c`", "(. a b-c)"),
        (".a.b", "(. .a b)"),
        (".f(1)", "(.f 1)"),
        ("-5.abs()", "(.abs -5)"),
        ("-x.y", "(- (. x y))"),
        ("true && false || null", "(|| (&& true false) null)"),
        ("b\"ab\"", "b\"ab\""),
        ("1.5e-3", "0.0015"),
        (".5", "0.5"),
        ("0x1F", "31"),
        ("0xffu", "255u"),
        ("x.all(y, y > 0)", "(.all x y (> y 0))"),
        ("a in [1, 2] && b", "(&& (in a [1 2]) b)"),
        ("a * b % c / d", "(/ (% (* a b) c) d)"),
        ("1 + 2 < 3 * 4", "(< (+ 1 2) (* 3 4))"),
        ("!a.b", "(! (. a b))"),
    ])
    func parsesExpressions(source: String, expected: String) {
        #expect(dumpExpr(source) == expected)
    }

    @Test func parsesThePolicyExample() {
        let text = """
            policy "Outlook on unmanaged Android" onError blockAccess

            rule "high threat" when threatLevel > medium then blockAccess "Device is at risk"
            rule "rooted"      when rooted then wipeData
            when pinAttempts >= 5 then wipeData
            when manufacturer in ["acme", "unknown"] and not ("Finance" in tags) then blockAccess, set vpn = 0
            let x = 1 + 2

            config "Web" route managedApps for apps ["a", "b"] groups ["g"] apps ["c"] override {
              DefenderMAMConfigs = 1
              vpn = -1
            }

            test "a rooted phone is wiped" {
              given { threatLevel: low, rooted: true, tags: [] }
              expect wipeData fired ["rooted"] config { vpn = 0 }
            }
            """
        let expected = """
            (policy "Outlook on unmanaged Android" onError blockAccess)
            (rule "high threat" (> threatLevel medium) (blockAccess "Device is at risk"))
            (rule "rooted" rooted (wipeData))
            (rule _ (>= pinAttempts 5) (wipeData))
            (rule _ (&& (in manufacturer ["acme" "unknown"]) (not (in "Finance" tags))) (blockAccess) (set vpn 0))
            (let x (+ 1 2))
            (config "Web" route managedApps apps ["a" "b" "c"] groups ["g"] override (DefenderMAMConfigs 1) (vpn -1))
            (test "a rooted phone is wiped" (given (threatLevel low) (rooted true) (tags [])) (expect wipeData) (fired "rooted") (config (vpn 0)))
            """
        #expect(dumpFile(text) == expected)
    }

    @Test func chainsAreFlat() {
        let or = Parser.parseExpression(SourceFile(name: "t", text: "a || b || c || d")).expr
        if case .or(let xs)? = or?.kind { #expect(xs.count == 4) } else { Issue.record("not flat") }
        let sum = Parser.parseExpression(SourceFile(name: "t", text: "a + b - c + d")).expr
        if case .binary(_, let links)? = sum?.kind { #expect(links.count == 3) } else { Issue.record("not flat") }
    }

    @Test func idsAreUniqueAndStartAtFirstID() {
        let r = Parser.parseExpression(SourceFile(name: "t", text: "a + b * c"), options: SyntaxOptions(firstID: 10))
        #expect(r.nextID == 15)
        #expect(r.expr?.id == 14)
    }

    @Test func spansAreExact() throws {
        let src = SourceFile(name: "t", text: "\"é\" + foo.bar")
        let e = try #require(Parser.parseExpression(src).expr)
        #expect(src.text(e.span) == "\"é\" + foo.bar")
        guard case .binary(let first, let links) = e.kind else {
            Issue.record("shape")
            return
        }
        #expect(src.text(first.span) == "\"é\"")
        #expect(src.text(links[0].rhs.span) == "foo.bar")
        #expect(src.text(links[0].opSpan) == "+")
        #expect(src.location(of: links[0].rhs.span.start) == SourceLocation(line: 1, column: 7))
    }

    // MARK: - Errors

    @Test(arguments: [
        ("x not in y", "`not in` is not an operator; write `not (x in y)`"),
        ("a == not b", "`not` applies to a whole comparison and cannot follow `==`; use `!` or parentheses"),
        ("Foo{a: 1}", "message construction `Name{...}` is not supported; use a map literal `{key: value}`"),
        ("a.B{}", "message construction `Name{...}` is not supported; use a map literal `{key: value}`"),
        ("9223372036854775808", "integer literal `9223372036854775808` is out of range for `int`"),
        ("-9223372036854775809", "integer literal `-9223372036854775809` is out of range for `int`"),
        ("18446744073709551616u", "integer literal `18446744073709551616u` is out of range for `uint`"),
        ("a )", "unexpected `)` after the expression"),
        ("`a`", "a backtick-quoted name may only follow `.`"),
        ("rule", "expected an expression, found the reserved word `rule`"),
        ("f(1,)", "expected an expression, found `)`"),
        ("a ? b", "unexpected end of input; expected `:` after the `?` branch of the conditional"),
    ])
    func reportsExpressionErrors(source: String, message: String) {
        #expect(dumpExpr(source) == "error: " + message)
    }

    @Test func notInHasAFixIt() throws {
        let d = try #require(diagnostics("a + b not in [1]", file: false).first)
        #expect(d.fixIt == "not (a + b in [1])")
        #expect(d.span == SourceSpan(start: 0, end: 16))
        #expect(!d.isIncomplete)
    }

    @Test func intLiteralErrorIsAtTheDigits() throws {
        let d = try #require(diagnostics("x == -99999999999999999999", file: false).first)
        #expect(d.span.start == 6)
    }

    @Test func recoversAtEachStatement() {
        let text = """
            rule "a" when x > then warn
            rule "b" when y then
            let = 3
            rule "ok" when z then allow
            config "c" { KEY 1 }
            when w then allow
            """
        let diags = diagnostics(text)
        #expect(
            diags.map(\.message) == [
                "expected an expression, found the reserved word `then`",
                "expected an action (`allow`, `warn`, `blockAccess`, `wipeData` or `set`) after `then`, found `let`",
                "expected a name after `let`, found `=`",
                "expected `=` after the key `KEY`, found the number `1`",
            ])
        #expect(diags.allSatisfy { !$0.isIncomplete })
        let r = Parser.parseFile(SourceFile(name: "t", text: text))
        // The config block survives its bad entry (error recovery inside config blocks).
        #expect(r.file.statements.count == 3)
    }

    @Test func threeBrokenStatementsGiveThreeDiagnostics() {
        let text = """
            when a b then warn
            rule "x" when (c then warn
            test "t" { given { x: 1 } expect maybe }
            when ok then allow
            """
        let diags = diagnostics(text)
        #expect(diags.count == 3)
        #expect(diags.last?.fixIt == nil)
        #expect(diags.last?.message.contains("`maybe`") == true)
    }

    @Test func severityTypoGetsASuggestion() throws {
        let d = try #require(diagnostics("when a then blockAcess").first)
        #expect(d.message.contains("did you mean `blockAccess`?") || d.message.contains("expected an action"))
        let t = try #require(diagnostics("test \"t\" { given {} expect wipedata }").first)
        #expect(t.fixIt == "wipeData")
    }

    @Test func atMostOneSeverityAction() throws {
        let diags = diagnostics("when a then warn, blockAccess")
        #expect(diags.count == 1)
        #expect(diags.first?.message == "a rule has at most one severity action")
        #expect(diags.first?.notes.count == 1)
    }

    @Test func unclosedOpenerOnAnotherLineGetsANote() throws {
        let d = try #require(diagnostics("when f(1,\n 2\n then warn").first)
        #expect(d.notes.first?.span == SourceSpan(start: 6, end: 7))
        let same = try #require(diagnostics("when f(1, 2 then warn").first)
        #expect(same.notes.isEmpty)
    }

    // MARK: - Incomplete input

    @Test(arguments: [
        "(1 + 2", "[1, 2", "{\"a\": 1", "f(1,", "1 +", "a ||", "x == \"abc", "x == '''abc\n", "a ?", "a ? b :",
        "not", "a.", "!",
    ])
    func incompleteExpressions(source: String) {
        let d = diagnostics(source, file: false)
        #expect(!d.isEmpty)
        #expect(d.allSatisfy { $0.isIncomplete }, "\(d)")
    }

    @Test(arguments: [
        "when x then", "when x", "rule", "rule \"a\"", "config \"c\" {", "config \"c\" { vpn =",
        "test \"t\" { given {", "test \"t\" { given { a: 1 } expect warn", "let x =", "policy",
        "when x then warn, ", "when x then set", "config \"c\" for apps [\"a\"",
        "when [1,\n2,\n", "when x # comment (\n",
    ])
    func incompleteStatements(source: String) {
        let d = diagnostics(source)
        #expect(!d.isEmpty)
        #expect(d.allSatisfy { $0.isIncomplete }, "\(d)")
    }

    @Test(arguments: [
        ("(1 + 2]", false), ("a b", false), ("1 +)", false), ("\"abc\nx", false), ("a @ b", false),
    ])
    func completeButWrongExpressions(source: String, _: Bool) {
        let d = diagnostics(source, file: false)
        #expect(!d.isEmpty)
        #expect(d.allSatisfy { !$0.isIncomplete }, "\(d)")
    }

    @Test(arguments: [
        "when x then warn )", "when ) then warn", "config \"c\" { vpn = 1 ] }", "when x then warn ]\nwhen y then",
    ])
    func notIncompleteWhenTheErrorIsElsewhere(source: String) {
        let d = diagnostics(source)
        #expect(!d.isEmpty)
        #expect(!d[0].isIncomplete, "\(d)")
    }

    // MARK: - CEL mode

    @Test func celModeTreatsWordOperatorsAsIdentifiers() {
        #expect(dumpExpr("and || or", cel: true) == "(|| and or)")
        #expect(dumpExpr("not(x)", cel: true) == "(not x)")
        #expect(dumpExpr("x in [1]", cel: true) == "(in x [1])")
        #expect(dumpExpr("rule && policy", cel: true) == "(&& rule policy)")
        #expect(dumpExpr("x.if", cel: true) == "(. x if)")
        #expect(dumpExpr("if", cel: true) == "error: `if` is a reserved word in CEL and cannot be used as a name")
        #expect(dumpExpr("let", cel: true) == "error: `let` is a reserved word in CEL and cannot be used as a name")
        #expect(dumpExpr("1 # c", cel: true).hasPrefix("error: `#` comments are not allowed in CEL"))
        #expect(dumpExpr("1 // c", cel: true) == "1")
        #expect(dumpExpr("1 # c") == "1")
        #expect(dumpExpr("a and b") == "(&& a b)")
    }
}

/// Runs `body` on a thread with a 512 KiB stack (smaller than the main thread's) and waits.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
    init() {}
}

func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = 512 * 1024
    thread.start()
    done.wait()
    guard let v = box.value else { fatalError("thread produced no value") }
    return v
}

/// A recursive walk like the checker's or the evaluator's: the tree's depth.
func treeDepth(_ e: Expr) -> Int {
    switch e.kind {
    case .literal, .ident: return 1
    case .select(let x, _, _), .unary(_, let x): return 1 + treeDepth(x)
    case .call(_, let target, let args, _):
        var m = target.map(treeDepth) ?? 0
        for a in args { m = max(m, treeDepth(a)) }
        return 1 + m
    case .index(let a, let b): return 1 + max(treeDepth(a), treeDepth(b))
    case .list(let xs), .and(let xs), .or(let xs): return 1 + (xs.map(treeDepth).max() ?? 0)
    case .map(let entries): return 1 + (entries.map { max(treeDepth($0.key), treeDepth($0.value)) }.max() ?? 0)
    case .binary(let first, let links): return 1 + max(treeDepth(first), links.map { treeDepth($0.rhs) }.max() ?? 0)
    case .conditional(let a, let b, let c): return 1 + max(treeDepth(a), treeDepth(b), treeDepth(c))
    }
}

@Suite struct ParserDepthTests {
    static let limit = SyntaxOptions().maxNesting

    /// Sources nested exactly `n` levels deep, by kind.
    static func nested(_ kind: String, _ n: Int) -> String {
        switch kind {
        case "parens": return String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
        case "lists": return String(repeating: "[", count: n) + String(repeating: "]", count: n)
        case "maps": return String(repeating: "{1: ", count: n) + "2" + String(repeating: "}", count: n)
        case "bangs": return String(repeating: "!", count: n) + "x"
        case "negations": return String(repeating: "-", count: n) + "x"
        case "calls": return String(repeating: "f(", count: n) + "1" + String(repeating: ")", count: n)
        case "members": return "a" + String(repeating: ".b", count: n)
        case "indexes": return "a" + String(repeating: "[0]", count: n)
        case "methods": return "a" + String(repeating: ".m()", count: n)
        case "conditionals": return String(repeating: "a ? b : ", count: n) + "c"
        case "nots": return String(repeating: "not ", count: n) + "x"
        default: return ""
        }
    }

    static let kinds = [
        "parens", "lists", "maps", "bangs", "negations", "calls", "members", "indexes", "methods",
        "conditionals", "nots",
    ]

    @Test(arguments: kinds)
    func parsesAndWalksAtExactlyTheLimitOnA512KiBStack(kind: String) {
        let text = Self.nested(kind, Self.limit)
        let result = onSmallStack { () -> String in
            let r = Parser.parseExpression(SourceFile(name: "t", text: text))
            guard r.diagnostics.isEmpty, let e = r.expr else { return "error: \(r.diagnostics)" }
            // The dump and three more recursive walks, as the checker, compiler and evaluator would.
            let dump = ASTDumper.dump(e)
            let depths = (0..<3).map { _ in treeDepth(e) }
            return "\(dump.count > 0) \(depths[0] <= Self.limit + 2)"
        }
        #expect(result == "true true")
    }

    @Test(arguments: kinds)
    func oneLevelPastTheLimitIsADiagnostic(kind: String) {
        let text = Self.nested(kind, Self.limit + 1)
        let r = Parser.parseExpression(SourceFile(name: "t", text: text))
        #expect(r.expr == nil)
        #expect(r.diagnostics.map(\.message) == ["expression is nested too deeply (limit \(Self.limit))"])
        #expect(r.diagnostics.allSatisfy { !$0.isIncomplete })
    }

    @Test(arguments: [
        ("parens", 100_000), ("bangs", 100_000), ("lists", 50_000), ("maps", 50_000),
        ("calls", 50_000), ("members", 100_000), ("conditionals", 50_000), ("nots", 100_000),
    ])
    func veryDeepInputIsADiagnosticNotACrash(kind: String, n: Int) {
        let text = Self.nested(kind, n)
        let messages = onSmallStack { () -> [String] in
            let r = Parser.parseExpression(SourceFile(name: "t", text: text))
            return r.diagnostics.map(\.message)
        }
        #expect(messages == ["expression is nested too deeply (limit \(Self.limit))"])
    }

    @Test func mixedOperatorsCountTowardTheLimit() {
        let text =
            String(repeating: "a || b && not c == d + e * -f(", count: 1000) + "1" + String(repeating: ")", count: 1000)
        let messages = onSmallStack {
            Parser.parseExpression(SourceFile(name: "t", text: text)).diagnostics.map(\.message)
        }
        #expect(messages == ["expression is nested too deeply (limit \(Self.limit))"])
    }

    @Test func deepStatementsRecoverAndReportOnce() {
        let text = "when " + Self.nested("parens", 5000) + " then warn\nwhen x then allow\n"
        let r = onSmallStack { () -> (Int, [String]) in
            let r = Parser.parseFile(SourceFile(name: "t", text: text))
            return (r.file.statements.count, r.diagnostics.map(\.message))
        }
        #expect(r.0 == 1)
        #expect(r.1 == ["expression is nested too deeply (limit \(Self.limit))"])
    }

    @Test(arguments: ["||", "or", "&&", "+", "-", "*", "==", "in"])
    func longChainsAreFlatAndParseOnASmallStack(op: String) {
        let terms = 20_000
        let text = (0..<terms).map { "x\($0)" }.joined(separator: " \(op) ")
        let result = onSmallStack { () -> String in
            let r = Parser.parseExpression(SourceFile(name: "t", text: text))
            guard r.diagnostics.isEmpty, let e = r.expr else { return "error: \(r.diagnostics.first?.message ?? "")" }
            let count: Int
            switch e.kind {
            case .or(let xs), .and(let xs): count = xs.count
            case .binary(_, let links): count = links.count + 1
            default: count = 0
            }
            let dump = ASTDumper.dump(e)
            return "\(count) \(treeDepth(e)) \(dump.hasSuffix("x19999)") || dump.hasSuffix("x19999)"))"
        }
        #expect(result == "\(terms) 2 true")
    }

    @Test func customLimitIsHonoured() {
        let r = Parser.parseExpression(SourceFile(name: "t", text: "((((1))))"), options: SyntaxOptions(maxNesting: 3))
        #expect(r.diagnostics.first?.message == "expression is nested too deeply (limit 3)")
    }
}
