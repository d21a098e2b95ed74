import Foundation
import Testing

/// README "Evaluating a fleet": for a policy of comparisons, constant lists and boolean logic, a
/// decision allocates nothing. Measured, not claimed: `WardenAllocProbe` runs 100,000 decisions
/// under a malloc-counting interposer (C, built here with the system `cc`, preloaded with
/// LD_PRELOAD) that counts the calling thread's malloc/calloc/realloc/memalign calls between two
/// calls. A missing compiler, interposer or probe fails the test; it never skips.
/// Not run under ASan (scripts/ci.d/50-sanitizers.sh skips it): ASan owns malloc there.
@Suite(.serialized) struct AllocationCountTests {
    static let decisions = 100_000

    /// The shared benchmark's conditional-launch-10 policy (cl10.warden), copied.
    static let cl10 = """
        policy "conditional-launch-10"
        rule "r1"  when accountDisabled then wipeData
        rule "r2"  when rooted then wipeData
        rule "r3"  when threatLevel > medium then blockAccess "Device threat level is high"
        rule "r4"  when threatLevel == medium and not ("Finance" in tags) then warn
        rule "r5"  when osVersion < "11.0" then blockAccess "Android 11 or later is required"
        rule "r6"  when patchLevel < "2024-01-01" then warn
        rule "r7"  when manufacturer in ["acme", "unknown"] then blockAccess
        rule "r8"  when offlineMinutes > 720 then blockAccess
        rule "r9"  when pinAttempts >= 5 then wipeData
        rule "r10" when playIntegrity == none and threatLevel >= low then blockAccess
        """

    /// The same kind of policy with versions, dates, `has`, `in` on lists and `? :`.
    static let comparisons = """
        policy "comparisons" onError blockAccess
        let oldOs = osVersion < "12"
        rule "a" when (oldOs or appVersion >= "16.7") and management != unmanaged then warn
        rule "b" when has(osVersion) and not has(model) then warn
        rule "c" when "BYOD" in groups or deviceLock in [none, low] then blockAccess
        rule "d" when (patchLevel > "2024-03-05" ? companyPortalAgeDays > 30 : offlineMinutes <= 10) then warn
        rule "e" when manufacturer == "a-very-long-vendor-name-beyond-inline" then wipeData
        """

    /// A rule that builds a string: must allocate, which proves the counter counts.
    static let allocating = """
        policy "allocating"
        rule "concat" when model + "!" == "Pixel 8!" then warn
        """

    /// 97 varied devices (every rule fires on some), generated here. Every fact a rule reads is
    /// given: a rule error's message is a new string, so an erroring decision allocates.
    static var devices: String {
        let threat = ["secured", "low", "medium", "high"]
        let integrity = ["none", "basic", "device", "strong"]
        let lock = ["none", "low", "medium", "high"]
        let makers = ["google", "samsung", "acme", "unknown", "a-very-long-vendor-name-beyond-inline"]
        let versions = ["9", "10.3", "11.0", "13.0.2", "16.7"]
        let dates = ["2023-06-01", "2024-01-01", "2024-09-30"]
        let tags = ["[]", #"["Finance"]"#, #"["BYOD","Kiosk"]"#]
        var lines: [String] = []
        for i in 0..<97 {
            var f = [
                #""id":\#(i)"#, #""threatLevel":"\#(threat[i % 4])""#, #""playIntegrity":"\#(integrity[(i / 4) % 4])""#,
                #""deviceLock":"\#(lock[(i / 3) % 4])""#, #""manufacturer":"\#(makers[i % 5])""#,
                #""osVersion":"\#(versions[i % 5])""#, #""appVersion":"\#(versions[(i / 5) % 5])""#,
                #""patchLevel":"\#(dates[i % 3])""#, #""tags":\#(tags[i % 3])"#, #""groups":\#(tags[(i / 3) % 3])"#,
                #""offlineMinutes":\#(i * 13)"#, #""pinAttempts":\#(i % 7)"#, #""rooted":\#(i % 11 == 0)"#,
                #""accountDisabled":\#(i % 13 == 0)"#, #""companyPortalAgeDays":\#(i % 60)"#,
                #""management":"\#(["unmanaged", "androidEnterprise", "deviceAdmin"][i % 3])""#,
            ]
            if i % 2 == 0 { f.append(#""model":"Pixel \#(i % 9)""#) }
            lines.append("{" + f.joined(separator: ",") + "}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let interposerC = """
        #define _GNU_SOURCE
        #include <stddef.h>
        #include <errno.h>
        /* glibc's own entry points: no dlsym(RTLD_NEXT) bootstrap (dlsym itself allocates). */
        extern void *__libc_malloc(size_t);
        extern void *__libc_calloc(size_t, size_t);
        extern void *__libc_realloc(void *, size_t);
        extern void *__libc_memalign(size_t, size_t);
        static __thread int active __attribute__((tls_model("initial-exec")));
        static __thread long count __attribute__((tls_model("initial-exec")));
        void warden_alloc_count_begin(void) { count = 0; active = 1; }
        long warden_alloc_count_end(void) { active = 0; return count; }
        #define COUNT() do { if (active) count++; } while (0)
        void *malloc(size_t n) { COUNT(); return __libc_malloc(n); }
        void *calloc(size_t a, size_t b) { COUNT(); return __libc_calloc(a, b); }
        void *realloc(void *p, size_t n) { COUNT(); return __libc_realloc(p, n); }
        void *memalign(size_t a, size_t n) { COUNT(); return __libc_memalign(a, n); }
        void *aligned_alloc(size_t a, size_t n) { COUNT(); return __libc_memalign(a, n); }
        int posix_memalign(void **out, size_t a, size_t n) {
            COUNT();
            if (a < sizeof(void *) || (a & (a - 1)) != 0) return EINVAL;
            void *p = __libc_memalign(a, n);
            if (!p) return ENOMEM;
            *out = p;
            return 0;
        }
        """

    struct Count {
        var batch: Int
        var input: Int
        /// One columnar `evaluate(_:range:_:)` and one `actions(_:)` call over the whole batch.
        var columnar: Int
        /// The same over a batch of ten copies of the devices.
        var columnar10: Int
        var devices: Int
    }

    /// Builds the interposer (once per run) and runs the probe on `policy` under it.
    static func count(_ policy: String, name: String) throws -> Count {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-alloc-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let lib = dir.appendingPathComponent("libwardenalloccount.so")
        if !FileManager.default.fileExists(atPath: lib.path) {
            let src = dir.appendingPathComponent("alloccount.c")
            try interposerC.write(to: src, atomically: true, encoding: .utf8)
            let cc = try run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-O2", "-o", lib.path, src.path], env: [:])
            try #require(cc.status == 0, "the system C compiler (`cc`) could not build the interposer: \(cc.err)")
        }
        let policyURL = dir.appendingPathComponent(name)
        try policy.write(to: policyURL, atomically: true, encoding: .utf8)
        let facts = dir.appendingPathComponent("devices.jsonl")
        try devices.write(to: facts, atomically: true, encoding: .utf8)
        let probe = probeBinary
        try #require(
            FileManager.default.isExecutableFile(atPath: probe.path),
            "no WardenAllocProbe at \(probe.path): build it (swift build)")
        let r = try run(probe.path, [policyURL.path, facts.path, String(decisions)], env: ["LD_PRELOAD": lib.path])
        try #require(r.status == 0, "WardenAllocProbe failed (\(r.status)): \(r.err)")
        var fields: [String: Int] = [:]
        for part in r.out.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let kv = part.split(separator: "=")
            if kv.count == 2, let v = Int(kv[1]) { fields[String(kv[0])] = v }
        }
        let batch = try #require(fields["batch"], "unexpected probe output: \(r.out)")
        let input = try #require(fields["input"], "unexpected probe output: \(r.out)")
        let columnar = try #require(fields["columnar"], "unexpected probe output: \(r.out)")
        let columnar10 = try #require(fields["columnar10"], "unexpected probe output: \(r.out)")
        let devices = try #require(fields["devices"], "unexpected probe output: \(r.out)")
        #expect(fields["decisions"] == decisions)
        return Count(batch: batch, input: input, columnar: columnar, columnar10: columnar10, devices: devices)
    }

    static var probeBinary: URL {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            var dir = URL(fileURLWithPath: first).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("WardenAllocProbe"))
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(CLI.packageRoot.appendingPathComponent(".build/debug/WardenAllocProbe"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? candidates[candidates.count - 1]
    }

    static func run(_ tool: String, _ args: [String], env: [String: String]) throws -> (
        status: Int32, out: String, err: String
    ) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    @Test func cl10DecisionsAllocateNothing() throws {
        let c = try Self.count(Self.cl10, name: "cl10.warden")
        #expect(c.batch == 0, "\(c.batch) allocations in \(Self.decisions) batch decisions")
        #expect(c.input == 0, "\(c.input) allocations in \(Self.decisions) input decisions")
        // The columnar path allocates per call (bit sets, kernel tables, result, decision arrays) and, in
        // this unoptimised build, a few times per block of 64 devices: never per device.
        let extra = c.columnar10 - c.columnar
        #expect(c.columnar > 0 && extra >= 0, "\(c.columnar) then \(c.columnar10) allocations")
        #expect(extra * 4 <= 9 * c.devices, "\(extra) more allocations for \(9 * c.devices) more devices")
    }

    @Test func comparisonPolicyDecisionsAllocateNothing() throws {
        let c = try Self.count(Self.comparisons, name: "comparisons.warden")
        #expect(c.batch == 0, "\(c.batch) allocations in \(Self.decisions) batch decisions")
        #expect(c.input == 0, "\(c.input) allocations in \(Self.decisions) input decisions")
    }

    /// Proves the counter counts: a rule that concatenates strings allocates on every decision.
    @Test func stringBuildingRuleAllocatesAndIsCounted() throws {
        let c = try Self.count(Self.allocating, name: "allocating.warden")
        #expect(c.batch >= Self.decisions, "only \(c.batch) allocations counted")
        #expect(c.input >= Self.decisions, "only \(c.input) allocations counted")
    }
}
