// `WardenAllocProbe POLICY FACTS DECISIONS`: counts the heap allocations of DECISIONS decisions of
// POLICY over the devices of FACTS (JSON Lines), once through `Program.evaluate(_:at:into:)` on a
// `DeviceBatch` and once through `Program.evaluate(_:into:)` on each device's `Input`.
//
// The counting is done by an interposer preloaded with LD_PRELOAD (AllocationCountTests builds it
// from C): it exports `warden_alloc_count_begin()` / `warden_alloc_count_end()` and counts the
// calling thread's malloc/calloc/realloc/memalign calls in between. Without it the probe exits 2
// (a measurement that cannot count must not read as "0 allocations").
//
// Prints one line: `batch=N input=M columnar=C columnar10=C10 decisions=D devices=K` (C, C10: the
// allocations of one columnar `evaluate(_:range:_:)` and one `actions(_:)` call over the batch and
// over ten copies of its devices). Not part of the product.
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func fail(_ message: String) -> Never {
    let text = Array("WardenAllocProbe: \(message)\n".utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

func readFile(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "rb") else { fail("cannot open \(path)") }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
        if n <= 0 { break }
        out.append(contentsOf: buffer[0..<n])
    }
    return out
}

typealias Begin = @convention(c) () -> Void
typealias End = @convention(c) () -> Int

let args = CommandLine.arguments
guard args.count == 4, let decisions = Int(args[3]), decisions > 0 else {
    fail("usage: WardenAllocProbe POLICY FACTS DECISIONS")
}
guard let beginSym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "warden_alloc_count_begin"),
    let endSym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "warden_alloc_count_end")
else { fail("no allocation counter: run with LD_PRELOAD=<the counting interposer>") }
let begin = unsafeBitCast(beginSym, to: Begin.self)
let end = unsafeBitCast(endSym, to: End.self)

let policyBytes = readFile(args[1])
let program: Program
do {
    program = try Engine().compile(String(decoding: policyBytes, as: UTF8.self), name: args[1])
} catch {
    fail(error.rendered())
}

nonisolated(unsafe) var inputs: [Input] = []
var stream = FastDeviceStream(program: program)
stream.setDefault("today", .date(Day(daysSinceEpoch: 19_900)))
let facts = readFile(args[2])
func keep(_ n: Int, _ line: DeviceLine) {
    switch line {
    case .device(let d): inputs.append(d.input)
    case .invalid(let e): fail("\(args[2]):\(n): \(e.message)")
    }
}
facts.withUnsafeBytes { stream.feed($0, keep) }
stream.finish(keep)
if inputs.isEmpty { fail("\(args[2]): no devices") }

var batch = DeviceBatch(program: program)
for input in inputs { batch.append(input) }

@inline(never)
func batchPass(_ program: Program, _ batch: DeviceBatch, _ count: Int, _ decision: inout Decision) -> Int {
    var fired = 0
    var i = 0
    for _ in 0..<count {
        program.evaluate(batch, at: i, into: &decision)
        fired &+= decision.fired.count
        i += 1
        if i == batch.count { i = 0 }
    }
    return fired
}

@inline(never)
func inputPass(_ program: Program, _ inputs: [Input], _ count: Int, _ decision: inout Decision) -> Int {
    var fired = 0
    var i = 0
    for _ in 0..<count {
        program.evaluate(inputs[i], into: &decision)
        fired &+= decision.fired.count
        i += 1
        if i == inputs.count { i = 0 }
    }
    return fired
}

// Warm-up: one pass over every device grows the decision's arrays to their largest.
var decision = Decision()
var sink = batchPass(program, batch, batch.count, &decision)
begin()
sink &+= batchPass(program, batch, decisions, &decision)
let batchCount = end()

var decision2 = Decision()
sink &+= inputPass(program, inputs, inputs.count, &decision2)
begin()
sink &+= inputPass(program, inputs, decisions, &decision2)
let inputCount = end()

// The columnar path: one `evaluate(_:range:_:)` and one `actions(_:)` call over a whole batch, on
// the batch and on one of ten times its devices: allocations per call and per block of 64 devices
// (the rules' bit sets, the kernel's tables, the result, the decision's arrays), not per device.
nonisolated(unsafe) var columnarSink = 0
@inline(never)
func columnarPass(_ program: Program, _ batch: DeviceBatch) {
    program.evaluate(batch) { _, d in columnarSink &+= d.fired.count }
    let actions = program.actions(batch)
    for k in actions.indices {
        switch actions[k] {  // a switch, not `!=` (generic over the raw value in a debug build)
        case .allow: break
        default: columnarSink &+= 1
        }
    }
}
var big = DeviceBatch(program: program)
for _ in 0..<10 { for input in inputs { big.append(input) } }
columnarPass(program, batch)
columnarPass(program, big)
begin()
columnarPass(program, batch)
let columnarCount = end()
begin()
columnarPass(program, big)
let columnarBigCount = end()

print(
    "batch=\(batchCount) input=\(inputCount) columnar=\(columnarCount) columnar10=\(columnarBigCount) "
        + "decisions=\(decisions) devices=\(inputs.count) fired=\(sink &+ columnarSink)")
