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
        ("comprehensions", String(repeating: "[1].all(x, ", count: Limits.maxComprehensionNesting) + "rooted"
            + String(repeating: ")", count: Limits.maxComprehensionNesting)),
        ("negations", "pinAttempts > " + String(repeating: "-(", count: depth / 2) + "1" + String(repeating: ")", count: depth / 2)),
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
        for text in [String(repeating: "(", count: n) + "rooted" + String(repeating: ")", count: n),
                     String(repeating: "!", count: n) + "rooted",
                     String(repeating: "[", count: n / 2) + String(repeating: "]", count: n / 2)] {
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
                let program = try Engine().compile("rule \"or\" when \(ors) then warn\nrule \"sum\" when \(sum) == 20000 then blockAccess")
                let d = program.evaluate(program.input(["rooted": .bool(true), "pinAttempts": .int(0)]))
                #expect(d.fired.map(\.name) == ["or", "sum"])
            } catch {
                Issue.record(Comment(rawValue: error.rendered()))
            }
        }
    }
}
