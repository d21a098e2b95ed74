// Many devices' typed fact words in one contiguous table, for evaluating a fleet. Each `Input`
// keeps its words in its own heap object (FastFacts.swift), so a pass over a fleet of inputs
// chases one pointer to a cold object per device and retains it when copied; a batch copies the
// words once, at `append`, into fixed-stride rows of one array:
//
//   row i:  [present, fast, flags, malformed, word 0, ..., word (w-1)]      (w = min(slots, 64))
//
// where a list-of-strings word is `offset << 32 | count` into ONE pool shared by the batch. The
// `Input` is kept beside the rows and read only when a decision needs the `Value`s: a fallback
// subtree, a long string to confirm, fact errors to report (`flags`), a configuration that depends
// on the device, or an input the rows cannot describe (`flags`: reference path).

/// Many devices' facts in one contiguous table, for evaluating a fleet: rows of fixed stride.
///
/// Build it once (`append` each device's `Input`), then call `Program.evaluate(_:at:into:)` for
/// each index: the same decision as `evaluate(batch[i])`, but the common path reads only the
/// device's row, with no reference counting and no allocation.
public struct DeviceBatch: Sendable {
    /// Row flag: the device has fact errors (the decision reports them from the stored `Input`).
    static let factErrorsFlag: Int64 = 1
    /// Row flag: the row does not describe the device; decide from the stored `Input` alone.
    static let referenceFlag: Int64 = 2
    /// Words before a row's slot words: present, fast, flags, malformed.
    static let headerWords = 4
    /// The row word holding the malformed slots' bits.
    static let malformedWord = 3

    /// Each slot's encoding (the schema's), shared with a program built on the same schema.
    let encodings: [FastEncoding?]
    /// The schema's fact count.
    let slotCount: Int
    /// Slot words per row (`min(slotCount, 64)`).
    let wordCount: Int
    /// Words per row.
    let stride: Int
    /// The rows, `stride` words each.
    var rows: [Int64] = []
    /// The element words of every list-of-strings fact of every row.
    var pool: [Int64] = []
    /// The devices, for the paths that need their values.
    var inputs: [Input] = []
    /// The same words by column block, for the columnar evaluation (DeviceBatch+Columns.swift).
    var columns: BatchColumns

    /// An empty batch for inputs of `schema`.
    public init(schema: Schema) {
        self.init(encodings: schema.fastEncodings)
    }

    /// An empty batch for inputs of `program`'s schema (shares the program's slot encodings).
    public init(program: Program) {
        self.init(encodings: program.encodings)
    }

    init(encodings: [FastEncoding?]) {
        self.encodings = encodings
        slotCount = encodings.count
        wordCount = min(encodings.count, FastEncoding.maxSlots)
        stride = DeviceBatch.headerWords + wordCount
        columns = BatchColumns(wordCount: wordCount)
    }

    /// The number of devices.
    public var count: Int { inputs.count }

    /// The input of device `i` (`0 ..< count`).
    public subscript(i: Int) -> Input { inputs[i] }

    /// Reserves room for `n` devices' rows.
    public mutating func reserveCapacity(_ n: Int) {
        let (words, overflow) = max(0, n).multipliedReportingOverflow(by: stride)
        guard !overflow else { return }
        rows.reserveCapacity(words)
        inputs.reserveCapacity(max(0, n))
        columns.reserveCapacity(n)
    }

    /// Appends a device: encodes its row from the input's typed words and keeps the input.
    public mutating func append(_ input: Input) {
        var input = input
        var row = [Int64](repeating: 0, count: stride)
        if input.fast.slotCount != slotCount || input.fast.wordCount != wordCount {
            row[2] = DeviceBatch.referenceFlag
        } else {
            if !input.fastValid { input.encodeAll(encodings) }
            if !input.factErrors.isEmpty { row[2] |= DeviceBatch.factErrorsFlag }
            var fast: UInt64 = 0
            input.fast.withWords { header, words, inputPool in
                row[0] = Int64(bitPattern: header.pointee.present)
                row[DeviceBatch.malformedWord] = Int64(bitPattern: header.pointee.malformed)
                fast = header.pointee.fast
                for s in 0..<min(words.count, wordCount) {
                    let bit: UInt64 = 1 << UInt64(s)
                    guard fast & bit != 0 else { continue }
                    var w = words[s]
                    if encodings[s] == .stringList {
                        // Move the elements into the shared pool; a list that does not fit stays slow.
                        let off = Int(truncatingIfNeeded: w >> 32)
                        let cnt = Int(truncatingIfNeeded: w & 0xFFFF_FFFF)
                        guard off >= 0, cnt >= 0, off <= inputPool.count - cnt, pool.count <= Int(Int32.max) - cnt
                        else {
                            fast &= ~bit
                            continue
                        }
                        let at = pool.count
                        pool.append(contentsOf: inputPool[off..<(off + cnt)])
                        w = Int64(at) << 32 | Int64(cnt)
                    }
                    row[DeviceBatch.headerWords + s] = w
                }
            }
            row[1] = Int64(bitPattern: fast)
        }
        rows.append(contentsOf: row)
        columns.append(row: row)
        inputs.append(input)
    }
}

extension Program {
    /// Evaluates device `index` (`0 ..< batch.count`) of a batch into `decision`: the same decision
    /// as `evaluate(batch[index], into:)`. For a policy of comparisons, constant lists and boolean
    /// logic (and no config blocks or `set`s), it reads only the device's row: no reference counting
    /// and, once the decision's arrays have grown, no allocation.
    ///
    /// An index outside `0 ..< batch.count` does not trap: the decision is the policy's `onError`
    /// action with one error saying so (fail closed, never `allow` unless `onError allow`).
    public func evaluate(_ batch: DeviceBatch, at index: Int, into decision: inout Decision) {
        guard index >= 0, index < batch.count else {
            decision = Decision()
            decision.action = onError
            decision.errors = [
                .rule(
                    name: "DeviceBatch",
                    message: "device index \(index) is out of range (the batch has \(batch.count) devices)",
                    line: 0, action: onError, kind: .indexOutOfRange)
            ]
            return
        }
        let stride = batch.stride
        let wordCount = batch.wordCount
        let compatible =
            batch.slotCount == compiled.slotCount
            && (Program.sameStorage(batch.encodings, encodings) || batch.encodings == encodings)
        batch.rows.withUnsafeBufferPointer { rows in
            batch.inputs.withUnsafeBufferPointer { inputs in
                guard let inputBase = inputs.baseAddress, let rowBase = rows.baseAddress,
                    index < inputs.count, (index + 1) * stride <= rows.count
                else { return }
                let row = rowBase + index * stride
                let flags = row[2]
                guard compatible, flags & DeviceBatch.referenceFlag == 0 else {
                    evaluate(inputBase[index], into: &decision)
                    return
                }
                batch.pool.withUnsafeBufferPointer { pool in
                    var run = CompiledRun(
                        present: UInt64(bitPattern: row[0]), fast: UInt64(bitPattern: row[1]),
                        malformed: UInt64(bitPattern: row[DeviceBatch.malformedWord]),
                        words: UnsafeBufferPointer(start: row + DeviceBatch.headerWords, count: wordCount), pool: pool,
                        input: inputBase + index, state: nil)
                    decide(&run, factErrors: flags & DeviceBatch.factErrorsFlag != 0, into: &decision)
                }
            }
        }
    }
}
