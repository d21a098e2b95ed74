import Foundation
import Testing

@testable import Warden

/// `Input.pack` gives each input fresh storage in array order: facts, errors and decisions stay the
/// same, packed inputs stay independent values, and (with the system allocator) the storages follow
/// one another in memory.
@Suite struct InputPackTests {
    static func devices(_ program: Program, count: Int) -> [Input.JSONDevice] {
        var rng = SplitMix(seed: 4_242)
        var out: [Input.JSONDevice] = []
        for _ in 0..<count {
            // Interleaved allocations, as a reader makes them: the inputs end up apart.
            let scratch = [UInt8](repeating: 1, count: 200 + rng.int(400))
            if case .success(let d) = program.device(json: Array(Generator.device(&rng).utf8)) { out.append(d) }
            _ = scratch.count
        }
        return out
    }

    static func address(_ input: Input) -> UInt { UInt(bitPattern: ObjectIdentifier(input.fast.buffer)) }

    @Test func packingKeepsEveryFactErrorAndDecision() throws {
        let program = try ColumnarBatchTests.cl10()
        let devices = InputPackTests.devices(program, count: 2_000)
        var packed = devices
        Input.pack(&packed)
        #expect(packed.count == devices.count)
        var decision = Decision()
        for (a, b) in zip(devices, packed) {
            #expect(InputPackTests.address(a.input) != InputPackTests.address(b.input))
            #expect("\(a.input.facts)" == "\(b.input.facts)" && a.input.factErrors == b.input.factErrors)
            #expect(a.input.unknownNames == b.input.unknownNames && a.idJSON == b.idJSON)
            program.evaluate(b.input, into: &decision)
            #expect(decision == program.evaluate(a.input))
            #expect(decision == program.referenceEvaluate(a.input))
        }
        // A packed input is its own value: changing it leaves the original alone.
        var inputs = devices.map(\.input)
        Input.pack(&inputs)
        let original = "\(devices[0].input.facts)"
        inputs[0].facts[0] = .int(12_345)
        #expect("\(devices[0].input.facts)" == original && "\(inputs[0].facts)" != original)
        #expect(program.evaluate(inputs[0]) == program.referenceEvaluate(inputs[0]))
    }

    #if os(Linux)
        @Test func packedStoragesFollowOneAnotherInMemory() throws {
            let program = try ColumnarBatchTests.cl10()
            // The inputs hold the only references to their storage, as in a host's array.
            var inputs = InputPackTests.devices(program, count: 2_000).map(\.input)
            func ascending(_ xs: [Input]) -> Int {
                zip(xs, xs.dropFirst()).filter { a, b in
                    let (x, y) = (InputPackTests.address(a), InputPackTests.address(b))
                    return y > x && y - x <= 1_024
                }.count
            }
            let before = ascending(inputs)
            Input.pack(&inputs)
            let after = ascending(inputs)
            // glibc hands out consecutive blocks for a burst of equal-sized allocations.
            #expect(after >= inputs.count * 9 / 10, "\(after) of \(inputs.count - 1) consecutive (before: \(before))")
        }
    #endif
}
