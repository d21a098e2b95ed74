import Testing

@testable import Warden
@testable import WardenTools

/// Every evaluation error path: the decision is never `allow` because of the error unless the
/// policy says `onError allow`, and the decision lists the error.
@Suite struct FailClosedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// A rule condition that errs on `facts`.
        var condition: String
        /// Facts JSON of the device.
        var facts: String
        /// Text the rule error's message contains.
        var message: String
        /// Whether a fact error is listed too.
        var factError: Bool = false
        var limits: Limits = .default
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "missing fact", condition: "threatLevel > medium", facts: "{}",
            message: "fact `threatLevel` is missing"),
        Case(
            name: "missing fact under negation", condition: "not (osVersion >= \"11\")", facts: #"{"rooted":false}"#,
            message: "fact `osVersion` is missing"),
        Case(
            name: "missing fact under !", condition: "!defenderActive", facts: "{}",
            message: "fact `defenderActive` is missing"),
        Case(
            name: "wrong-typed fact", condition: "pinAttempts >= 5", facts: #"{"pinAttempts":"five"}"#,
            message: "fact `pinAttempts` is malformed: expected an integer, got string \"five\"", factError: true),
        Case(
            name: "malformed version", condition: "osVersion < \"11\"", facts: #"{"osVersion":"eleven"}"#,
            message: "fact `osVersion` is malformed: \"eleven\" is not a version", factError: true),
        Case(
            name: "unknown enum member", condition: "threatLevel == secured", facts: #"{"threatLevel":"fine"}"#,
            message: "fact `threatLevel` is malformed: \"fine\" is not a member of ThreatLevel", factError: true),
        Case(
            name: "null fact", condition: "!rooted", facts: #"{"rooted":null}"#,
            message: "fact `rooted` is malformed: expected true or false, got null",
            factError: true),
        // A malformed fact is not missing: `has()` of it errs too, so a `has(x) && ...` guard cannot skip it.
        Case(
            name: "has() of a wrong-typed fact", condition: "has(defenderActive) && !defenderActive",
            facts: #"{"defenderActive":"false"}"#,
            message: "fact `defenderActive` is malformed: expected true or false, got string \"false\"", factError: true
        ),
        Case(
            name: "has() of a null fact", condition: "has(rooted) && rooted", facts: #"{"rooted":null}"#,
            message: "fact `rooted` is malformed: expected true or false, got null", factError: true),
        Case(
            name: "has() of an unknown member", condition: "!has(threatLevel) || threatLevel > medium",
            facts: #"{"threatLevel":"critical"}"#,
            message: "fact `threatLevel` is malformed: \"critical\" is not a member",
            factError: true),
        Case(
            name: "malformed date", condition: "not date(\"2024-02-28\") > today", facts: #"{"today":"2024-00-10"}"#,
            message: "fact `today` is malformed: \"2024-00-10\" is not a calendar date (YYYY-MM-DD)", factError: true),
        Case(
            name: "out-of-range int", condition: "has(pinAttempts) && pinAttempts > 5",
            facts: #"{"pinAttempts":9223372036854775808}"#,
            message:
                "fact `pinAttempts` is malformed: expected an integer, got number 9.223372036854776e+18, out of the 64-bit range",
            factError: true),
        Case(
            name: "wrong element in a list", condition: "has(tags) && \"x\" in tags", facts: #"{"tags":["a",1]}"#,
            message:
                "fact `tags` is malformed: expected an array of strings, got element 2: expected a string, got number 1",
            factError: true),
        Case(
            name: "fact given twice", condition: "has(rooted) && rooted", facts: #"{"rooted":false,"rooted":false}"#,
            message: "fact `rooted` is malformed: it is given twice", factError: true),
        Case(
            name: "int overflow", condition: "pinAttempts * 9223372036854775807 < 5", facts: #"{"pinAttempts":2}"#,
            message: "overflow"),
        Case(
            name: "negation overflow", condition: "-pinAttempts > 0", facts: #"{"pinAttempts":-9223372036854775808}"#,
            message: "overflow"),
        Case(
            name: "division by zero", condition: "offlineMinutes / pinAttempts < 10",
            facts: #"{"offlineMinutes":5,"pinAttempts":0}"#,
            message: "divide by zero"),
        Case(
            name: "modulus by zero", condition: "offlineMinutes % pinAttempts == 0",
            facts: #"{"offlineMinutes":5,"pinAttempts":0}"#,
            message: "modulus by zero"),
        Case(
            name: "cost limit", condition: "!tags.all(a, tags.all(b, a != b + \"!\"))",
            facts: #"{"tags":["a","b","c","d","e","f","g","h","i","j","k","l"]}"#,
            message: "evaluation cost limit exceeded",
            limits: {
                var l = Limits()
                l.maxSteps = 100
                return l
            }()),
        Case(
            name: "regex cost limit", condition: "!model.matches(\"(a|b)*c\")",
            facts: "{\"model\":\"" + String(repeating: "ab", count: 5_000) + "\"}",
            message: "evaluation cost limit exceeded",
            limits: {
                var l = Limits()
                l.maxSteps = 1_000
                return l
            }()),
        Case(
            name: "bad regex at run time", condition: "!model.matches(manufacturer)",
            facts: #"{"model":"Pixel","manufacturer":"(unclosed"}"#, message: "invalid regular expression"),
        Case(
            name: "bad conversion", condition: "int(model) < 5", facts: #"{"model":"Pixel"}"#, message: "conversion"),
        Case(
            name: "index out of range", condition: "tags[3] != \"x\"", facts: #"{"tags":["a"]}"#, message: "index"),
        Case(
            name: "string limit", condition: "size(model + model) < 3", facts: #"{"model":"abcdef"}"#,
            message: "string longer than the limit",
            limits: {
                var l = Limits()
                l.maxStringBytes = 8
                return l
            }()),
    ]

    static func decide(_ c: Case, onError: String?) throws -> Decision {
        let header = onError.map { "policy \"p\" onError \($0)\n" } ?? ""
        let program = try Engine(limits: c.limits).compile(header + "rule \"r\" when \(c.condition) then warn\n")
        let device = try program.device(json: Array(c.facts.utf8)).get()
        return program.evaluate(device.input)
    }

    static func ruleErrors(_ d: Decision) -> [(message: String, action: Action)] {
        d.errors.compactMap { if case .rule(_, let m, _, let a, _) = $0 { (m, a) } else { nil } }
    }

    @Test(arguments: cases)
    func errorFailsClosedByDefault(_ c: Case) throws {
        let d = try Self.decide(c, onError: nil)
        #expect(d.action == .blockAccess)
        #expect(d.fired.isEmpty, "an erroring rule is never listed as fired")
        let errors = Self.ruleErrors(d)
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains(c.message) == true, "\(errors)")
        #expect(errors.first?.action == .blockAccess)
        let facts = d.errors.filter { if case .fact = $0 { true } else { false } }
        #expect(facts.count == (c.factError ? 1 : 0))
    }

    @Test(arguments: cases)
    func errorTakesThePolicysOnErrorAction(_ c: Case) throws {
        for action in [Action.warn, .blockAccess, .wipeData] {
            let d = try Self.decide(c, onError: action.rawValue)
            #expect(d.action == action)
            #expect(Self.ruleErrors(d).first?.action == action)
        }
    }

    @Test(arguments: cases)
    func onlyOnErrorAllowLetsTheErrorPass(_ c: Case) throws {
        let d = try Self.decide(c, onError: "allow")
        #expect(d.action == .allow)
        #expect(d.fired.isEmpty)
        let errors = Self.ruleErrors(d)
        #expect(errors.count == 1, "the error is still listed")
        #expect(errors.first?.action == .allow)
    }

    @Test(arguments: cases)
    func anErrorNeverLowersAnotherRulesAction(_ c: Case) throws {
        let program = try Engine(limits: c.limits).compile(
            "policy \"p\" onError allow\nrule \"wipe\" when true then wipeData\nrule \"r\" when \(c.condition) then warn\n"
        )
        let d = program.evaluate(try program.device(json: Array(c.facts.utf8)).get().input)
        #expect(d.action == .wipeData)
        #expect(d.fired.map(\.name) == ["wipe"])
    }

    // Regression ("Trust, round 2" #5): a malformed fact was treated as missing, so it failed open.
    @Test func theSampleDefenderRuleDoesNotAllowADeviceSendingAStringForABool() throws {
        let program = try Engine().compile(
            "rule \"defender missing\" when has(defenderActive) && !defenderActive then blockAccess\n")
        let d = program.evaluate(try program.device(json: Array(#"{"defenderActive":"false"}"#.utf8)).get().input)
        #expect(d.action == .blockAccess)
        let message = #"fact `defenderActive` is malformed: expected true or false, got string "false""#
        #expect(Self.ruleErrors(d).map(\.message) == [message])
        #expect(d.errors.first == .fact(name: "defenderActive", message: message), "the fact error stays listed")
    }

    @Test func aDefaultTodayNeverReplacesAMalformedToday() throws {
        let program = try Engine().compile(
            "policy \"p\" onError wipeData\nwhen not date(\"2024-02-28\") > today then allow\n")
        let today = try #require(Day("2024-01-01"))
        let line = Array(#"{"today":"2024-00-10"}"#.utf8)
        var input = try program.device(json: line).get().input
        input.setIfMissing("today", .date(today), in: program.schema)
        #expect(input.fact("today", in: program.schema) == nil)
        let message = #"fact `today` is malformed: "2024-00-10" is not a calendar date (YYYY-MM-DD)"#
        let d = program.evaluate(input)
        #expect(d.action == .wipeData)
        #expect(Self.ruleErrors(d).map(\.message) == [message])
        #expect(d.errors.first == .fact(name: "today", message: message))
        // The streaming reader's default (what `warden eval --today` uses) agrees.
        var stream = FastDeviceStream(program: program)
        stream.setDefault("today", .date(today))
        var streamed: [Decision] = []
        (line + [0x0A]).withUnsafeBytes {
            stream.feed($0) { _, l in if case .device(let x) = l { streamed.append(program.evaluate(x.input)) } }
        }
        #expect(streamed == [d])
        // An absent `today` is still filled: the rule then reads 2024-01-01 and does not fire.
        var absent = try program.device(json: Array("{}".utf8)).get().input
        absent.setIfMissing("today", .date(today), in: program.schema)
        #expect(program.evaluate(absent).action == .allow)
        #expect(program.evaluate(absent).errors.isEmpty)
    }

    @Test func aLineThatIsNotADeviceCarriesTheOnErrorAction() throws {
        let program = try Engine().compile("rule \"r\" when rooted then warn\n")
        var lines: [(Int, DeviceLine)] = []
        var stream = DeviceStream(program: program)
        let bytes = Array("not json\n{\"rooted\":false}\n[1]\n".utf8)
        bytes.withUnsafeBytes { stream.feed($0) { lines.append(($0, $1)) } }
        stream.finish { lines.append(($0, $1)) }
        #expect(lines.map(\.0) == [1, 2, 3])
        var writer = DecisionWriter()
        for (n, l) in lines {
            if case .invalid(let e) = l { writer.writeInvalid(line: n, message: e.message, action: program.onError) }
        }
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "\"action\":\"blockAccess\"").count == 3)
    }
}
