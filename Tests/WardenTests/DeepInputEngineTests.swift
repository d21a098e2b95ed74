import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// Deep and long input through the whole pipeline (parse, check, evaluate, deallocate) on a
/// 512 KiB thread stack, as a host might give a worker thread. Nesting at the limit must work;
/// past it, a clear diagnostic; chains are not nesting.
@Suite struct DeepInputEngineTests {
    /// Runs `body` on a thread with a 512 KiB stack and waits for it.
    static func onSmallStack(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let t = Thread {
            body()
            done.signal()
        }
        t.stackSize = 512 * 1024
        t.start()
        done.wait()
    }

    static let depth = SyntaxOptions().maxNesting - 2

    static let shapes: [(String, String)] = [
        ("parentheses", String(repeating: "(", count: depth) + "rooted" + String(repeating: ")", count: depth)),
        ("bangs", String(repeating: "!", count: depth) + "rooted"),
        ("lists", "size(" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ") == 1"),
        ("conditionals", String(repeating: "!rooted ? false : ", count: depth / 2) + "true"),
        (
            "comprehensions",
            String(repeating: "[1].all(x, ", count: Limits.maxComprehensionNesting) + "rooted"
                + String(repeating: ")", count: Limits.maxComprehensionNesting)
        ),
        (
            "negations",
            "pinAttempts > " + String(repeating: "-(", count: depth / 2) + "1"
                + String(repeating: ")", count: depth / 2)
        ),
    ]

    @Test(arguments: shapes.map(\.0))
    func nestingAtTheLimitCompilesAndEvaluatesOnASmallStack(_ shape: String) {
        let expr = Self.shapes.first { $0.0 == shape }?.1 ?? ""
        Self.onSmallStack {
            do throws(CompileError) {
                let program = try Engine().compile("rule \"deep\" when \(expr) then warn")
                let d = program.evaluate(program.input(["rooted": .bool(true), "pinAttempts": .int(3)]))
                #expect(d.errors.isEmpty, "\(shape): \(d.errors)")
            } catch {
                Issue.record("\(shape): \(error.rendered())")
            }
        }
    }

    @Test func nestingPastTheLimitIsADiagnosticNotACrash() {
        let n = 100_000
        for text in [
            String(repeating: "(", count: n) + "rooted" + String(repeating: ")", count: n),
            String(repeating: "!", count: n) + "rooted",
            String(repeating: "[", count: n / 2) + String(repeating: "]", count: n / 2),
        ] {
            Self.onSmallStack {
                do throws(CompileError) {
                    _ = try Engine().compile("when \(text) then warn")
                    Issue.record("expected a nesting diagnostic")
                } catch {
                    #expect(error.diagnostics.contains { $0.message.contains("nested too deeply") })
                }
            }
        }
    }

    @Test func comprehensionsPastTheirLimitAreACompileError() {
        let n = Limits.maxComprehensionNesting + 1
        let text = String(repeating: "[1].all(x, ", count: n) + "rooted" + String(repeating: ")", count: n)
        Self.onSmallStack {
            do throws(CompileError) {
                _ = try Engine().compile("when \(text) then warn")
                Issue.record("expected a nesting diagnostic")
            } catch {
                #expect(error.diagnostics.contains { $0.message.contains("comprehension macros nested too deeply") })
            }
        }
    }

    @Test func longChainsAreNotNesting() {
        Self.onSmallStack {
            do throws(CompileError) {
                let ors = Array(repeating: "pinAttempts == 99", count: 20_000).joined(separator: " || ") + " || rooted"
                let sum = Array(repeating: "1", count: 20_000).joined(separator: " + ")
                let program = try Engine().compile(
                    "rule \"or\" when \(ors) then warn\nrule \"sum\" when \(sum) == 20000 then blockAccess")
                let d = program.evaluate(program.input(["rooted": .bool(true), "pinAttempts": .int(0)]))
                #expect(d.fired.map(\.name) == ["or", "sum"])
            } catch {
                Issue.record(Comment(rawValue: error.rendered()))
            }
        }
    }

    // MARK: - Let chains (hole 1 of "Trust, round 2")

    /// The shapes of dependency chain through `let`s: each let's body for let `i` (> 0).
    static let letChainShapes: [(String, @Sendable (Int) -> String)] = [
        ("or", { "L\($0 - 1) || rooted" }),
        ("macro", { "[1].all(x, x == 1) && L\($0 - 1)" }),
        ("macro body", { "[1].all(x, L\($0 - 1))" }),
        ("conditional", { "pinAttempts > 3 ? L\($0 - 1) : rooted" }),
    ]

    /// `n` lets chained in `shape`, a rule on the last, and a test block.
    static func letChain(_ shape: String, _ n: Int) -> String {
        let body = letChainShapes.first { $0.0 == shape }?.1 ?? { "L\($0 - 1)" }
        var text = "let L0 = rooted\n"
        text.reserveCapacity(n * 40)
        for i in 1..<max(1, n) { text += "let L\(i) = \(body(i))\n" }
        text += "rule \"chain\" when L\(max(1, n) - 1) then wipeData\n"
        text += "test \"t\" {\n  given { rooted: true, pinAttempts: 5 }\n  expect wipeData\n}\n"
        return text
    }

    @Test(arguments: letChainShapes.map(\.0))
    func aLetChainTenTimesTheOneThatCrashedIsOneDiagnostic(_ shape: String) {
        // 4,000 chained lets overflowed the stack in `eval`, `test` and the REPL; 40,000 here.
        let text = Self.letChain(shape, 40_000)
        Self.onSmallStack {
            do throws(CompileError) {
                _ = try Engine().compile(text)
                Issue.record("\(shape): expected a let-chain diagnostic")
            } catch {
                let chain = error.diagnostics.filter { $0.message.hasPrefix("`let` chain too deep") }
                #expect(chain.count == 1, "\(shape): \(error.diagnostics.prefix(3).map(\.message))")
                #expect(error.diagnostics.filter { $0.severity == .error }.count == 1)
            }
        }
    }

    @Test(arguments: letChainShapes.map(\.0))
    func theLongestAcceptedLetChainEvaluatesOnASmallStack(_ shape: String) {
        // The longest chain the checker accepts, through every path that evaluates: the compiled
        // decision, the reference decision, the test runner and the REPL.
        var longest = 1
        while longest < 500, (try? Engine().compile(Self.letChain(shape, longest + 1))) != nil { longest += 1 }
        let n = longest
        #expect(n > 5 && n < 500, "\(shape): \(n)")
        let text = Self.letChain(shape, n)
        Self.onSmallStack {
            do throws(CompileError) {
                let program = try Engine().compile(text)
                let input = program.input(["rooted": .bool(true), "pinAttempts": .int(5)])
                let d = program.evaluate(input)
                #expect(d.errors.isEmpty && d.action == .wipeData, "\(shape) (\(n) lets): \(d.errors)")
                #expect(program.referenceEvaluate(input).action == .wipeData)
                #expect(program.runTests().allSatisfy { $0.passed() })
                var session = Session()
                for line in text.split(separator: "\n") where line.hasPrefix("let ") || line.hasPrefix("rule ") {
                    let r = session.handle(String(line))
                    #expect(!r.failed, "\(r.errors)")
                }
                _ = session.handle(":set rooted = true")
                _ = session.handle(":set pinAttempts = 5")
                let r = session.handle("L\(n - 1)")
                #expect(r.output == "true : bool\n", "\(shape): \(r.errors)")
                // In the REPL, nesting around the deepest let is counted too.
                let deep = session.handle(String(repeating: "!", count: 90) + "L\(n - 1)")
                #expect(deep.failed && deep.errors.contains("`let` chain too deep"), "\(shape): \(deep)")
            } catch {
                Issue.record(Comment(rawValue: error.rendered()))
            }
        }
    }
}
