import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// The error index (Sources/Warden/Warden.docc/ErrorCodes.md) and the `ErrorCode` enum agree:
/// every code is documented once, every documented code exists, and each section's example,
/// compiled (and for an evaluation code, evaluated with the section's facts), produces its code.
@Suite struct ErrorCodeIndexTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Section {
        var code: String
        var body: String
        /// The first fenced block of the given language, if any.
        func block(_ language: String) -> String? {
            guard let start = body.range(of: "```\(language)\n") else { return nil }
            guard let end = body.range(of: "```", range: start.upperBound..<body.endIndex) else { return nil }
            return String(body[start.upperBound..<end.lowerBound])
        }
    }

    static func sections() throws -> [Section] {
        let path = root.appendingPathComponent("Sources/Warden/Warden.docc/ErrorCodes.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [Section] = []
        for part in text.components(separatedBy: "\n### ").dropFirst() {
            let code = String(part.prefix(5))
            out.append(Section(code: code, body: String(part.dropFirst(5))))
        }
        return out
    }

    /// The host of the examples: `riskScore(string) -> int` fails for an empty string,
    /// `brokenScore() -> int` returns a string.
    static let functions = [
        HostFunction(name: "riskScore", parameters: [.string], result: .int) { args in
            guard case .string(let s)? = args.first, !s.isEmpty else {
                return .failure(EvalError(.custom, "riskScore needs a model"))
            }
            return .success(.int(Int64(s.utf8.count)))
        },
        HostFunction(name: "brokenScore", parameters: [], result: .int) { _ in .success(.string("seventy")) },
    ]

    /// The limits a section's text says its example runs with.
    static func limits(for code: ErrorCode) -> Limits {
        var l = Limits()
        switch code {
        case .sourceTooLarge: l.maxSourceBytes = 16
        case .nestingTooDeep: l.maxNesting = 2
        case .tooManyDiagnostics: l.maxDiagnostics = 1
        case .limitExceeded: l.maxSteps = 5
        default: break
        }
        return l
    }

    /// The codes an example produces: its diagnostics' codes, or when it compiles, its warnings'
    /// codes and the codes of the decision for the section's facts (both paths).
    static func produced(_ section: Section, code: ErrorCode) throws -> Set<ErrorCode> {
        if let cel = section.block("cel") {
            let parsed = Parser.parseExpression(
                SourceFile(name: "<cel>", text: cel), options: SyntaxOptions(celMode: true))
            if !parsed.diagnostics.isEmpty { return Set(parsed.diagnostics.map(\.code)) }
            switch CELMode.evaluate(cel, bindings: [:]) {
            case .failure(let e): return [e.code]
            case .success: return []
            }
        }
        guard let policy = section.block("warden") else { return [] }
        // W0308's host supplies only two built-in facts (strict mode).
        let engine = Engine(
            functions: functions, limits: limits(for: code),
            suppliedFacts: code == .unsuppliedFact ? ["threatLevel", "rooted"] : nil)
        let program: Program
        do {
            program = try engine.compile(policy, name: "example.warden")
        } catch {
            return Set(error.diagnostics.map(\.code))
        }
        var codes = Set(program.warnings.map(\.code))
        if let facts = section.block("json") {
            let device = try program.device(json: Array(facts.utf8)).get()
            let decision = program.evaluate(device.input)
            let reference = program.referenceEvaluate(device.input)
            #expect(decision.errors == reference.errors, "\(section.code): the compiled path and the reference agree")
            codes.formUnion(decision.errors.map(\.code))
        }
        return codes
    }

    @Test func everyCodeIsDocumentedOnceAndEveryDocumentedCodeExists() throws {
        let documented = try Self.sections().map(\.code)
        #expect(documented.count == Set(documented).count, "a code is documented twice")
        #expect(Set(documented) == Set(ErrorCode.allCases.map(\.rawValue)))
        #expect(documented == documented.sorted(), "the index is in code order")
    }

    @Test func everySectionHasAFix() throws {
        for s in try Self.sections() {
            #expect(s.body.contains("\nFix: "), "\(s.code) has no fix")
        }
    }

    @Test func everyExampleProducesItsCode() throws {
        // The codes no example can produce by compiling a policy, tested below.
        let special: Set<ErrorCode> = [.emptyPolicySet, .internalError, .refusedByPlatform]
        for s in try Self.sections() {
            guard let code = ErrorCode(rawValue: s.code) else {
                Issue.record("\(s.code) is not a code")
                continue
            }
            if special.contains(code) { continue }
            let codes = try Self.produced(s, code: code)
            #expect(codes.contains(code), "\(s.code)'s example produced \(codes.map(\.rawValue).sorted())")
        }
    }

    @Test func anEmptyPolicySetIsW0704() {
        do {
            _ = try Engine().compile([SourceFile]())
            Issue.record("an empty policy set compiled")
        } catch {
            #expect(error.diagnostics.map(\.code) == [.emptyPolicySet])
        }
    }

    @Test func theFormattersInternalErrorHasItsOwnCode() {
        // Not reproducible from a policy (the formatter would have to be wrong): the code and its
        // group are pinned, and the formatter's source uses it.
        #expect(ErrorCode.internalError.rawValue == "W0801")
        #expect(ErrorCode.internalError.group == .internal)
        let path = Self.root.appendingPathComponent("Sources/WardenTools/Format/PolicyFormatter.swift").path
        #expect((try? String(contentsOfFile: path, encoding: .utf8))?.contains(".internalError") == true)
    }

    @Test func everyEvaluationKindHasAnEvaluationCode() {
        let kinds: [EvalError.Kind] = [
            .missingFact, .malformedFact, .noSuchOverload, .overflow, .divisionByZero, .conversion, .noSuchKey,
            .indexOutOfRange, .invalidArgument, .limitExceeded, .noSuchVariable, .noSuchField, .custom, .hostResultType,
        ]
        let codes = kinds.map { ErrorCode($0) }
        #expect(Set(codes).count == kinds.count)
        #expect(codes.allSatisfy { $0.group == .evaluation })
        #expect(Set(codes) == Set(ErrorCode.allCases.filter { $0.group == .evaluation }))
    }

    @Test func textDiagnosticsShowTheCode() {
        do {
            _ = try Engine().compile("when rootd then blockAccess", name: "p.warden")
            Issue.record("compiled")
        } catch {
            #expect(error.rendered().hasPrefix("p.warden:1:6: error[W0301]: unknown fact `rootd`"))
            #expect(error.diagnostics.first?.data.fact == "rootd")
        }
    }

    @Test func errorDataNamesTheKeyTheFunctionAndTheLimit() throws {
        func firstData(_ source: String, limits: Limits = Limits()) -> ErrorData? {
            do {
                _ = try Engine(limits: limits).compile(source)
                return nil
            } catch { return error.diagnostics.first?.data }
        }
        #expect(firstData("config \"c\" route managedApps {\n DefenderMAMConfigs = 1\n vpnn = 1\n}")?.key == "vpnn")
        #expect(firstData("when isRooted() then warn")?.function == "isRooted")
        #expect(firstData("when threatLevel > critical then warn")?.member == "critical")
        var small = Limits()
        small.maxNesting = 2
        #expect(firstData("when (((rooted))) then warn", limits: small)?.limit == 2)
        let program = try Engine().compile("when threatLevel > low then warn")
        let d = program.evaluate(program.input([:]))
        #expect(d.errors.first?.kind == .missingFact)
        #expect(d.errors.first?.code == .missingFact)
    }
}
