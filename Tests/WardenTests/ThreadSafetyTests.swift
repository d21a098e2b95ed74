import Foundation
import Testing

@testable import Warden
@testable import WardenTools

/// One compiled program evaluated from 8 threads at once gives the same decisions as one thread.
/// `scripts/ci.d/50-sanitizers.sh` runs this suite under Thread Sanitizer.
@Suite struct ThreadSafetyTests {
    static let deviceCount = 100_000
    static let threadCount = 8

    /// Lets (cached per evaluation), regexes (cached per evaluation), macros, config blocks and `set`.
    static let policy = """
        policy "threads" onError blockAccess
        let minimumOs = version("11.0")
        let trusted = ["samsung", "google", "motorola"]
        let risky = threatLevel >= medium || rooted
        rule "high threat" when threatLevel > medium then blockAccess "at risk"
        rule "medium threat" when threatLevel == medium then warn
        rule "rooted" when rooted then wipeData
        rule "old os" when osVersion < minimumOs then blockAccess
        rule "patch" when daysBetween(patchLevel, today) > 90 then warn
        rule "maker" when not (manufacturer in trusted) then blockAccess
        rule "model" when model.matches("^(Pixel|Galaxy) [0-9]+$") && risky then warn
        rule "pins" when pinAttempts >= 5 || offlineMinutes / pinAttempts > 100 then wipeData
        rule "tags" when tags.exists(t, t.startsWith("kiosk")) && tags.all(t, size(t) < 12) then warn,
          set DefenderDeviceTag = "kiosk"
        rule "byod" when "BYOD" in tags then allow, set DisableSignOut = 1
        config "base" route managedApps {
          DefenderMAMConfigs = 1
          antiphishing = 1
        }
        config "finance" route managedApps for groups ["Finance"] {
          DefenderMAMConfigs = 1
          vpn = 0
        }
        """

    /// Device `i` as facts JSON: deterministic, varied, with some missing and badly typed facts.
    static func deviceJSON(_ i: Int) -> [UInt8] {
        var x = UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678
        func next(_ n: Int) -> Int {
            x ^= x >> 33
            x = x &* 0xFF51_AFD7_ED55_8CCD
            x ^= x >> 29
            return Int(x % UInt64(n))
        }
        let levels = ["secured", "low", "medium", "high"]
        let makers = ["google", "samsung", "acme", "motorola"]
        let models = ["Pixel 8", "Galaxy 22", "moto g", "Phone X"]
        let tagSets = [#"[]"#, #"["BYOD"]"#, #"["kiosk-1","BYOD"]"#, #"["kiosk-a-very-long-tag"]"#]
        var fields = [#""id":\#(i)"#]
        if next(10) > 0 { fields.append(#""threatLevel":"\#(levels[next(4)])""#) }
        fields.append(#""rooted":\#(next(20) == 0)"#)
        fields.append(#""osVersion":"\#(8 + next(8)).\#(next(3))""#)
        fields.append(#""patchLevel":"2024-0\#(1 + next(9))-1\#(next(10))""#)
        fields.append(#""today":"2024-10-01""#)
        fields.append(#""manufacturer":"\#(makers[next(4)])""#)
        fields.append(#""model":"\#(models[next(4)])""#)
        fields.append(next(50) == 0 ? #""pinAttempts":"x""# : #""pinAttempts":\#(next(7))"#)
        fields.append(#""offlineMinutes":\#(next(2000))"#)
        fields.append(#""tags":\#(tagSets[next(4)])"#)
        fields.append(#""groups":\#(next(3) == 0 ? #"["Finance"]"# : #"["Sales"]"#)"#)
        return Array(("{" + fields.joined(separator: ",") + "}").utf8)
    }

    static func decide(_ program: Program, _ i: Int) -> Decision? {
        guard case .success(let d) = program.device(json: deviceJSON(i)) else { return nil }
        return program.evaluate(d.input)
    }

    final class Tally: @unchecked Sendable {
        let lock = NSLock()
        var evaluated = 0
        var mismatches: [Int] = []
        var overlap = 0
        var running = 0
    }

    @Test func eightThreadsDecideLikeOne() throws {
        let program = try Engine().compile(Self.policy)
        let expected = (0..<Self.deviceCount).map { Self.decide(program, $0) }
        #expect(expected.allSatisfy { $0 != nil })
        // The devices really vary: every action and some errors occur.
        let actions = Set(expected.compactMap { $0?.action })
        #expect(actions == [.allow, .warn, .blockAccess, .wipeData])
        #expect(expected.contains { !($0?.errors.isEmpty ?? true) })

        let tally = Tally()
        let done = DispatchGroup()
        for t in 0..<Self.threadCount {
            done.enter()
            let thread = Thread {
                tally.lock.withLock {
                    tally.running += 1
                    tally.overlap = max(tally.overlap, tally.running)
                }
                var count = 0
                var bad: [Int] = []
                var i = t
                while i < Self.deviceCount {
                    if Self.decide(program, i) != expected[i] { bad.append(i) }
                    count += 1
                    i += Self.threadCount
                }
                tally.lock.withLock {
                    tally.running -= 1
                    tally.evaluated += count
                    tally.mismatches += bad
                }
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        done.wait()
        #expect(tally.evaluated == Self.deviceCount)
        #expect(tally.mismatches.isEmpty, "devices decided differently: \(tally.mismatches.prefix(10))")
        #expect(tally.overlap > 1, "the threads ran at the same time")
    }
}
