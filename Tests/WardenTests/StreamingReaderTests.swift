import Testing

@testable import Warden
@testable import WardenTools

/// The streaming facts reader keeps state from line to line (the previous line's key order, a cache
/// of values already converted, the reused device and its slots): every device it streams must
/// still equal what `device(json:)` reads from that line alone, typed slots included, and decide
/// the same, however the lines repeat, reorder or break its guesses.
@Suite struct StreamingReaderTests {
    /// A description of the first difference between a streamed line and the existing reader's.
    static func difference(_ program: Program, _ line: String, _ got: DeviceLine, today: Value?) -> String? {
        let slow = program.device(json: Array(line.utf8))
        switch (slow, got) {
        case (.failure(let a), .invalid(let b)):
            return a == b ? nil : "message: \(a.message) vs \(b.message)"
        case (.success(var a), .device(let b)):
            if let today { a.input.setIfMissing("today", today, in: program.schema) }
            a.input.encodeAll(program.encodings)
            if a.idJSON != b.idJSON { return "id: \(a.idJSON ?? "-") vs \(b.idJSON ?? "-")" }
            if a.input.factErrors != b.input.factErrors { return "fact errors differ" }
            if a.input.unknownNames != b.input.unknownNames { return "unknown names differ" }
            guard a.input.facts.count == b.input.facts.count else { return "slot counts differ" }
            for i in a.input.facts.indices where !Builtins.sameValue(a.input.facts[i], b.input.facts[i]) {
                return
                    "fact \(i) differs: \(String(describing: a.input.facts[i])) vs \(String(describing: b.input.facts[i]))"
            }
            if let d = typedDifference(a.input, b.input) { return d }
            let reference = program.referenceEvaluate(a.input)
            if program.evaluate(b.input) != reference { return "decision differs" }
            return nil
        default:
            return "one reader failed: \(slow) vs \(got)"
        }
    }

    /// The typed slots: presence, fastness and, for fast slots, the word (list elements by value).
    static func typedDifference(_ a: Input, _ b: Input) -> String? {
        a.fast.withWords { ha, wa, pa in
            b.fast.withWords { hb, wb, pb in
                if ha.pointee.present != hb.pointee.present { return "present bits differ" }
                if ha.pointee.fast != hb.pointee.fast { return "fast bits differ" }
                if ha.pointee.malformed != hb.pointee.malformed { return "malformed bits differ" }
                for s in 0..<min(wa.count, wb.count) where ha.pointee.fast >> UInt64(s) & 1 != 0 {
                    if a.fast.facts[s].map({ if case .list = $0 { true } else { false } }) == true {
                        func elements(_ w: Int64, _ pool: UnsafeBufferPointer<Int64>) -> [Int64] {
                            let off = Int(w >> 32)
                            let cnt = Int(w & 0xFFFF_FFFF)
                            return Array(pool[off..<(off + cnt)])
                        }
                        if elements(wa[s], pa) != elements(wb[s], pb) { return "list words of slot \(s) differ" }
                    } else if wa[s] != wb[s] {
                        return "word of slot \(s) differs"
                    }
                }
                return nil
            }
        }
    }

    /// Streams `lines` in chunks of `chunk` bytes and checks every line.
    static func check(_ program: Program, _ lines: [String], chunk: Int, today: Value? = nil) -> String? {
        let bytes = Array(lines.joined(separator: "\n").utf8)
        var stream = FastDeviceStream(program: program)
        if let today { stream.setDefault("today", today) }
        var firstDifference: String?
        var seen = 0
        func body(_ n: Int, _ line: DeviceLine) {
            seen += 1
            guard firstDifference == nil, n >= 1, n <= lines.count else { return }
            if let d = difference(program, lines[n - 1], line, today: today) {
                firstDifference = "line \(n) `\(lines[n - 1])`: \(d)"
            }
        }
        var at = 0
        while at < bytes.count {
            let end = min(bytes.count, at + chunk)
            bytes[at..<end].withUnsafeBytes { stream.feed($0, body) }
            at = end
        }
        stream.finish(body)
        if firstDifference == nil && seen != lines.filter({ !$0.allSatisfy { $0 == " " } }).count {
            return "\(seen) devices for \(lines.count) lines"
        }
        return firstDifference
    }

    @Test func generatedDevicesStreamedThroughOneReaderEqualTheExistingReader() throws {
        var rng = SplitMix(seed: 7_001)
        let program = try Engine().compile(Generator.policy(&rng, rules: 40, name: "streamed"))
        // Few distinct values (the cache hits) and now and then a line the fast path declines.
        let lines = (0..<3_000).map { _ in Generator.device(&rng) }
        #expect(StreamingReaderTests.check(program, lines, chunk: 1 << 16) == nil)
        #expect(StreamingReaderTests.check(program, lines, chunk: 97) == nil)
        #expect(
            StreamingReaderTests.check(program, lines, chunk: 1 << 16, today: .date(Day(daysSinceEpoch: 20_000))) == nil
        )
    }

    @Test func keyOrderChangesAndRepeatedValuesAreReadAsTheyAre() throws {
        let program = try Engine().compile(
            """
            rule "r" when osVersion < "12" and "BYOD" in tags then warn
            rule "s" when model == "Pixel 8 Pro Max" or manufacturer in ["acme", "unknownvendor"] then blockAccess
            """)
        let lines = [
            #"{"id":1,"osVersion":"11.0","tags":["BYOD"],"model":"Pixel 8 Pro Max"}"#,
            #"{"id":2,"osVersion":"11.0","tags":["BYOD"],"model":"Pixel 8 Pro Max"}"#,
            // The same keys in another order, then the id last, then missing.
            #"{"tags":["BYOD"],"osVersion":"11.0","id":3,"model":"Pixel 8 Pro Max"}"#,
            #"{"osVersion":"11.0","model":"Pixel 8 Pro Max","tags":["BYOD"]}"#,
            // A key that starts like the predicted one; values that start like cached ones.
            #"{"id":4,"osVersionX":"1"}"#,
            #"{"id":5,"osVersion":"11.0.1","tags":["BYOD","x"],"model":"Pixel 8 Pro Ma"}"#,
            #"{"id":6,"osVersion":"11","tags":["BYOD" , "x"],"model":"Pixel 8 Pro Max "}"#,
            // The same bytes as a cached value, under another fact; a version too big to pack.
            #"{"id":7,"model":"11.0","osVersion":"70000.1"}"#,
            #"{"id":8,"model":"11.0","osVersion":"70000.1"}"#,
            // Strings of 7, 8, 9, 15, 16 and 17 bytes, at the very end of the line (scanned byte by byte there).
            #"{"id":9,"manufacturer":"1234567"}"#, #"{"id":10,"manufacturer":"12345678"}"#,
            #"{"id":11,"manufacturer":"123456789"}"#, #"{"id":12,"manufacturer":"123456789012345"}"#,
            #"{"id":13,"manufacturer":"1234567890123456"}"#, #"{"id":14,"manufacturer":"12345678901234567"}"#,
            // The same strings followed by more bytes (scanned eight at a time): the same cache entries.
            #"{"manufacturer":"1234567","id":15}"#, #"{"manufacturer":"12345678","id":16}"#,
            #"{"manufacturer":"123456789","id":17}"#, #"{"manufacturer":"123456789012345","id":18}"#,
            #"{"manufacturer":"1234567890123456","id":19}"#, #"{"manufacturer":"12345678901234567","id":20}"#,
            // What the fast path declines: escapes, non-ASCII, duplicates, nulls, wrong types, bad JSON.
            #"{"id":21,"model":"Pixel \u0038 Pro Max"}"#, #"{"id":22,"model":"Pixél"}"#,
            #"{"id":23,"osVersion":"11.0","osVersion":"11.0"}"#, #"{"id":24,"tags":null}"#,
            #"{"id":25,"tags":["BYOD",1]}"#, #"{"id":26,"osVersion":11}"#, #"{"id":27,"osVersion":"11.0""#,
            #"{"id":28,"id":28}"#, #"{"id":29,"nickname":"x","osVersion":"11.0"}"#,
            // And back to the common shape.
            #"{"id":30,"osVersion":"11.0","tags":["BYOD"],"model":"Pixel 8 Pro Max"}"#,
            #"{"id":31,"osVersion":"11.0","tags":[],"model":"Pixel 8 Pro Max"}"#,
            #"{"id":32,"osVersion":"11.0","tags":[ ],"model":"Pixel 8 Pro Max"}"#,
        ]
        for chunk in [1 << 16, 5] {
            #expect(StreamingReaderTests.check(program, lines, chunk: chunk) == nil)
            #expect(StreamingReaderTests.check(program, lines.reversed(), chunk: chunk) == nil)
        }
    }

    @Test func theHashIsTheSameWhicheverWayTheBytesAreScanned() {
        for n in 0..<40 {
            let text = String((0..<n).map { Character(UnicodeScalar(UInt8(0x41 + $0 % 26))) })
            let atEnd = Array("\"\(text)\"".utf8)
            let inside = Array("\"\(text)\",\"more bytes after it\"".utf8)
            let a = atEnd.withUnsafeBufferPointer { b -> UInt64? in
                var c = FastJSONCursor(b)
                return c.plainStringHashed()?.1
            }
            let b = inside.withUnsafeBufferPointer { b -> UInt64? in
                var c = FastJSONCursor(b)
                return c.plainStringHashed()?.1
            }
            let direct = Array(text.utf8).withUnsafeBufferPointer { ValueCache.hash($0) }
            #expect(a == direct && b == direct, "length \(n)")
        }
    }
}
