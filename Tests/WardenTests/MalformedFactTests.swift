import Testing

@testable import Warden
@testable import WardenTools

/// A fact slot is absent (missing), present (a value) or malformed (given, but unusable). A
/// malformed fact is never missing: reading it, `has()` included, is an error of the rule, the
/// decision lists its fact error, and a default such as `--today` never replaces it. Every path
/// (JSON reader, fast reader, stream, batch, Swift values, reference and compiled evaluation)
/// agrees on it.
@Suite struct MalformedFactTests {
    struct Kind: Sendable, CustomTestStringConvertible {
        var name: String
        /// The fact and its JSON member text (nil: the fact is absent).
        var fact: String
        var json: String?
        /// What the fact error and the rule error say (nil: absent, no fact error).
        var message: String?
        var testDescription: String { name }
    }

    static let kinds: [Kind] = [
        Kind(name: "absent", fact: "defenderActive", json: nil, message: nil),
        Kind(
            name: "null", fact: "defenderActive", json: "null",
            message: "fact `defenderActive` is malformed: expected true or false, got null"),
        Kind(
            name: "wrong JSON type", fact: "defenderActive", json: #""false""#,
            message: #"fact `defenderActive` is malformed: expected true or false, got string "false""#),
        Kind(
            name: "malformed version", fact: "osVersion", json: #""14.x""#,
            message: #"fact `osVersion` is malformed: "14.x" is not a version (such as "13.0.2")"#),
        Kind(
            name: "malformed date", fact: "today", json: #""2024-00-10""#,
            message: #"fact `today` is malformed: "2024-00-10" is not a calendar date (YYYY-MM-DD)"#),
        Kind(
            name: "unknown enum member", fact: "threatLevel", json: #""critical""#,
            message:
                #"fact `threatLevel` is malformed: "critical" is not a member of ThreatLevel (secured, low, medium, high)"#
        ),
        Kind(
            name: "out-of-range int", fact: "pinAttempts", json: "18446744073709551616",
            message:
                "fact `pinAttempts` is malformed: expected an integer, got number 1.8446744073709552e+19, out of the 64-bit range"
        ),
        Kind(
            name: "huge negative int", fact: "pinAttempts", json: "-1e300",
            message: "fact `pinAttempts` is malformed: expected an integer, got number -1e+300, out of the 64-bit range"
        ),
        Kind(
            name: "fractional int", fact: "pinAttempts", json: "1.5",
            message: "fact `pinAttempts` is malformed: expected an integer, got number 1.5"),
        Kind(
            name: "wrong list element", fact: "tags", json: #"["a",{}]"#,
            message:
                "fact `tags` is malformed: expected an array of strings, got element 2: expected a string, got an object"
        ),
    ]

    /// A device line with the kind's fact (and a valid `rooted`, so the line is never empty).
    static func line(_ k: Kind) -> String {
        k.json.map { #"{"id":7,"rooted":false,""# + k.fact + #"":"# + $0 + "}" } ?? #"{"id":7,"rooted":false}"#
    }

    /// Rule shapes over the fact: the compiled nodes (`has`, fact reads, comparisons, `in`) and fallbacks.
    static func policy(_ fact: String) -> String {
        let read: String
        switch fact {
        case "defenderActive": read = "!defenderActive"
        case "osVersion": read = #"osVersion < "11""#
        case "today": read = #"not date("2024-02-28") > today"#
        case "threatLevel": read = "threatLevel > medium"
        case "pinAttempts": read = "pinAttempts >= 5"
        default: read = #""x" in tags"#
        }
        return """
            policy "p" onError wipeData
            let guard = has(\(fact)) || rooted
            rule "has" when has(\(fact)) then warn
            rule "not has" when !has(\(fact)) then warn
            rule "guarded" when has(\(fact)) && \(read) then blockAccess
            rule "read" when \(read) then blockAccess
            rule "absorbed" when false && has(\(fact)) then blockAccess
            rule "fallback" when has(\(fact)) ? size(string(1)) > 0 : true then warn
            rule "let" when guard then warn
            """
    }

    static func ruleErrors(_ d: Decision) -> [String: String] {
        var out: [String: String] = [:]
        for e in d.errors { if case .rule(let n, let m, _, _, _) = e { out[n] = m } }
        return out
    }

    static func factErrors(_ d: Decision) -> [String] {
        d.errors.compactMap { if case .fact(_, let m) = $0 { m } else { nil } }
    }

    @Test(arguments: kinds)
    func hasAndReadingAreErrorsOfTheRuleOnlyWhenMalformed(_ k: Kind) throws {
        let program = try Engine().compile(Self.policy(k.fact))
        let d = program.evaluate(try program.device(json: Array(Self.line(k).utf8)).get().input)
        let errors = Self.ruleErrors(d)
        if let message = k.message {
            // Malformed: every rule that reads it (has() included) errs with the malformation.
            for rule in ["has", "not has", "guarded", "read", "fallback"] {
                #expect(errors[rule] == message, "rule \(rule)")
            }
            #expect(errors["let"] == message + " (in `let guard`, line 2)")
            #expect(errors["absorbed"] == nil, "`false && …` absorbs the error, as any error")
            #expect(d.fired.isEmpty)
            #expect(d.action == .wipeData)
            #expect(Self.factErrors(d) == [message])
        } else {
            // Absent: has() is false and reading it is a missing-fact error, as before.
            #expect(d.fired.map(\.name) == ["not has", "fallback"])
            #expect(errors.keys.sorted() == ["read"])
            #expect(errors["read"] == "fact `\(k.fact)` is missing")
            #expect(Self.factErrors(d).isEmpty)
        }
    }

    @Test(arguments: kinds)
    func everyPathDecidesAsTheReference(_ k: Kind) throws {
        let program = try Engine().compile(Self.policy(k.fact))
        let bytes = Array(Self.line(k).utf8)
        let device = try program.device(json: bytes).get()
        let reference = program.referenceEvaluate(device.input)
        #expect(program.evaluate(device.input) == reference, "compiled")
        let fast = try bytes.withUnsafeBufferPointer { try program.fastDevice(json: $0).get() }
        #expect(program.evaluate(fast.input) == reference, "fast reader")
        #expect(CompiledEquivalenceTests.difference(program, Self.line(k)) == nil)
        var batch = DeviceBatch(program: program)
        batch.append(device.input)
        batch.append(fast.input)
        var d = Decision()
        for i in 0..<batch.count {
            program.evaluate(batch, at: i, into: &d)
            #expect(d == reference, "batch row \(i)")
        }
        // A stream with a default for the fact: the default fills it only when absent.
        var stream = FastDeviceStream(program: program)
        let fill = try #require(Self.defaultValue(k.fact))
        stream.setDefault(k.fact, fill)
        var streamed: [Decision] = []
        bytes.withUnsafeBytes {
            stream.feed($0) { _, l in if case .device(let x) = l { streamed.append(program.evaluate(x.input)) } }
        }
        stream.finish { _, l in if case .device(let x) = l { streamed.append(program.evaluate(x.input)) } }
        #expect(streamed.count == 1)
        var filled = device.input
        filled.setIfMissing(k.fact, fill, in: program.schema)
        #expect(streamed.first == program.referenceEvaluate(filled), "stream with a default")
        if k.message != nil {
            #expect(streamed.first == reference, "a default never replaces a malformed fact")
        } else {
            #expect(filled.fact(k.fact, in: program.schema) != nil, "a default fills an absent fact")
        }
    }

    static func defaultValue(_ fact: String) -> Value? {
        switch fact {
        case "defenderActive": .bool(true)
        case "osVersion": Version("14").map { .version($0) }
        case "today": Day("2024-01-01").map { .date($0) }
        case "threatLevel": .enumMember(.threatLevel, 0)
        case "pinAttempts": .int(0)
        default: .list([])
        }
    }

    @Test func aWrongTypedSwiftValueIsMalformedNotMissing() throws {
        let program = try Engine().compile(Self.policy("defenderActive"))
        var input = program.input(["defenderActive": .string("false"), "rooted": .bool(false)])
        let message = "fact `defenderActive` is malformed: expected `bool`, got `string`"
        #expect(input.malformation(of: "defenderActive", in: program.schema) == message)
        #expect(input.fact("defenderActive", in: program.schema) == nil)
        let d = program.evaluate(input)
        #expect(d == program.referenceEvaluate(input))
        #expect(Self.ruleErrors(d)["guarded"] == message)
        #expect(Self.factErrors(d) == [message])
        input.setIfMissing("defenderActive", .bool(true), in: program.schema)
        #expect(program.evaluate(input) == d, "setIfMissing leaves a malformed fact malformed")
        // Writing the typed slots directly (stale) and re-encoding keeps the malformed state.
        input.facts[program.schema.slot(ofFact: "rooted") ?? 0] = .bool(true)
        #expect(!input.fastValid)
        #expect(program.evaluate(input) == program.referenceEvaluate(input))
        #expect(Self.ruleErrors(program.evaluate(input))["guarded"] == message)
    }

    @Test func aFactGivenTwiceIsMalformed() throws {
        let program = try Engine().compile(Self.policy("defenderActive"))
        let input = try program.device(json: Array(#"{"defenderActive":false,"defenderActive":false}"#.utf8)).get()
            .input
        let d = program.evaluate(input)
        #expect(d == program.referenceEvaluate(input))
        #expect(Self.ruleErrors(d)["has"] == "fact `defenderActive` is malformed: it is given twice")
        #expect(d.action == .wipeData)
    }

    @Test func aMalformedMessageQuotesALongValueShortened() throws {
        let program = try Engine().compile(Self.policy("osVersion"))
        let long = String(repeating: "x", count: 100_000)
        let d = program.evaluate(try program.device(json: Array(("{\"osVersion\":\"" + long + "\"}").utf8)).get().input)
        let m = try #require(Self.factErrors(d).first)
        #expect(
            m == "fact `osVersion` is malformed: \"" + String(repeating: "x", count: 64)
                + "…\" is not a version (such as \"13.0.2\")")
    }

    @Test func expressionsReportTheMalformation() throws {
        let engine = Engine()
        let e = try engine.compileExpression("has(defenderActive)")
        let input = try engine.schema.device(json: Array(#"{"defenderActive":"yes"}"#.utf8)).get().input
        guard case .failure(let err) = e.evaluate(input) else {
            Issue.record("has() of a malformed fact must be an error")
            return
        }
        #expect(err.kind == .malformedFact)
        #expect(err.message == #"fact `defenderActive` is malformed: expected true or false, got string "yes""#)
    }

    @Test func theREPLRejectsABadValueAndKeepsTheFactAsItWas() {
        var session = Session()
        #expect(!session.handle(":set defenderActive = false").failed)
        let bad = session.handle(#":set defenderActive = dyn("false")"#)
        #expect(bad.failed)
        #expect(bad.errors.contains("fact `defenderActive` is `bool`"))
        #expect(session.handle(":facts").output.contains("defenderActive = false : bool"))
    }

    @Test func aTestsGivenListWithAWrongElementIsACompileError() {
        // The checker rejects it where it is written (issue 11, item 8); given values are constants,
        // so no wrong-typed value reaches a test's device.
        #expect(throws: CompileError.self) {
            try Engine().compile(
                """
                rule "guard" when has(tags) && !("Finance" in tags) then blockAccess
                test "bad" {
                  given { tags: ["a", 1] }
                  expect allow
                }
                """)
        }
    }
}
