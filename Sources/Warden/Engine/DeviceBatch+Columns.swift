// The columnar copy of a `DeviceBatch`, for the column kernel (ColumnKernel.swift): the
// same typed words as the rows, laid out one column block at a time so that a rule's leaf reads
// 64 devices' words of one fact contiguously, and the header words transposed into bit sets.
//
//   block b (devices 64b ..< 64b + 64), slot s:  tiles[(b * wordCount + s) * 64 + lane]
//   fast / present / malformed bits of slot s in block b:  bit `lane` of fastBits[b * wordCount + s] ...
//   exactBits[b]: the devices whose row has flags (fact errors, reference path): decided per device
//   tables[s]: the first 32 distinct (fast) words of slot s in the batch
//   valueBits[(b * wordCount + s) * 33 + v]: devices whose word of slot s is tables[s][v], or, at
//     v = 32, any other word (or no fast word): a bool, an enum member, a small count, a string of a
//     small domain is then compared by OR-ing the bit sets of the table entries that satisfy the test
//
// Built at `append` (one store per word), so an evaluation reads it without building anything.
// List-of-strings words keep pointing into the batch's shared pool.

/// The columnar copy of a batch's rows (see the file comment).
struct BatchColumns: Sendable {
    /// Devices per block: one bit per device in a `UInt64`.
    static let lanes = 64
    /// Slot words per device (the batch's `wordCount`).
    let wordCount: Int
    /// The devices.
    private(set) var count = 0
    /// The words, block by block, slot by slot, 64 lanes each (a partial last block is padded with 0).
    private(set) var tiles: [Int64] = []
    /// Per block and slot: which devices' words are valid (fast).
    private(set) var fastBits: [UInt64] = []
    /// Per block and slot: which devices have the fact (present).
    private(set) var presentBits: [UInt64] = []
    /// Per block and slot: which devices gave the fact malformed.
    private(set) var malformedBits: [UInt64] = []
    /// Per block: devices whose row has flags, decided by the per-device path.
    private(set) var exactBits: [UInt64] = []
    /// Per block and slot: the devices by table entry, then those of any other word.
    private(set) var valueBits: [UInt64] = []
    /// Per slot: the first `tableSize` distinct fast words seen.
    private(set) var tables: [[Int64]]
    /// Entries of a slot's table.
    static let tableSize = 32
    /// Value buckets per slot: the table's entries and one for any other word.
    static let buckets = tableSize + 1

    init(wordCount: Int) {
        self.wordCount = max(0, min(wordCount, FastEncoding.maxSlots))
        tables = [[Int64]](repeating: [], count: self.wordCount)
    }

    /// The number of blocks.
    var blockCount: Int { exactBits.count }

    /// Reserves room for `n` devices.
    mutating func reserveCapacity(_ n: Int) {
        let blocks = max(0, n) / BatchColumns.lanes + 1
        let (bits, o1) = blocks.multipliedReportingOverflow(by: wordCount)
        let (words, o2) = bits.multipliedReportingOverflow(by: BatchColumns.lanes)
        guard !o1, !o2 else { return }
        tiles.reserveCapacity(words)
        let (values, o3) = bits.multipliedReportingOverflow(by: BatchColumns.buckets)
        if !o3 { valueBits.reserveCapacity(values) }
        fastBits.reserveCapacity(bits)
        presentBits.reserveCapacity(bits)
        malformedBits.reserveCapacity(bits)
        exactBits.reserveCapacity(blocks)
    }

    /// The table entry of slot `s` for `word` (added while the table has room), or `tableSize`.
    mutating func tableEntry(_ s: Int, _ word: Int64) -> Int {
        guard s >= 0, s < tables.count else { return BatchColumns.tableSize }
        let n = tables[s].count
        for e in 0..<n where tables[s][e] == word { return e }
        guard n < BatchColumns.tableSize else { return BatchColumns.tableSize }
        tables[s].append(word)
        return n
    }

    /// Appends a device from its row (`DeviceBatch` layout: present, fast, flags, malformed, words).
    mutating func append(row: [Int64]) {
        let lane = count % BatchColumns.lanes
        if lane == 0 {
            tiles.append(contentsOf: repeatElement(0, count: wordCount * BatchColumns.lanes))
            fastBits.append(contentsOf: repeatElement(0, count: wordCount))
            presentBits.append(contentsOf: repeatElement(0, count: wordCount))
            malformedBits.append(contentsOf: repeatElement(0, count: wordCount))
            valueBits.append(contentsOf: repeatElement(0, count: wordCount * BatchColumns.buckets))
            exactBits.append(0)
        }
        count += 1
        let block = exactBits.count - 1
        let bit: UInt64 = 1 << UInt64(lane)
        guard block >= 0, row.count >= DeviceBatch.headerWords + wordCount else {
            if block >= 0 { exactBits[block] |= bit }
            return
        }
        if row[2] != 0 { exactBits[block] |= bit }
        let present = UInt64(bitPattern: row[0])
        let fast = UInt64(bitPattern: row[1])
        let malformed = UInt64(bitPattern: row[DeviceBatch.malformedWord])
        let firstBits = block * wordCount
        for s in 0..<wordCount {
            let at = firstBits + s
            let word = row[DeviceBatch.headerWords + s]
            tiles[at * BatchColumns.lanes + lane] = word
            let slotBit: UInt64 = 1 << UInt64(s)
            var bucket = BatchColumns.tableSize
            if fast & slotBit != 0 { bucket = tableEntry(s, word) }
            valueBits[at * BatchColumns.buckets + bucket] |= bit
            if fast & slotBit != 0 { fastBits[at] |= bit }
            if present & slotBit != 0 { presentBits[at] |= bit }
            if malformed & slotBit != 0 { malformedBits[at] |= bit }
        }
    }
}
