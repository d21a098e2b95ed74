import Testing

@testable import Warden

/// Compile time stays linear in the rules written (issue 16): the checker's side tables are arrays
/// by node id (`IDTable`), which must answer exactly as the dictionaries they replaced, and grow
/// with the nodes, not faster. Work is pinned by counts, never by timing.
@Suite struct CompileLinearityTests {
    /// A sparse-family policy (Benchmarks/gen_scaling.py's shape): each rule keyed by `appId` or
    /// `model` (equality or `in`), plus one or two range conditions.
    static func sparsePolicy(rules n: Int, seed: UInt64) -> String {
        var r = SplitMix(seed: seed)
        var lines = ["policy \"sparse-\(n)\""]
        for i in 0..<n {
            var conjuncts: [String] = []
            if r.chance(0.5) {
                let apps = (0..<(1 + r.int(3))).map { _ in "\"com.corp.app\(r.int(500))\"" }
                conjuncts.append(apps.count == 1 ? "appId == \(apps[0])" : "appId in [\(apps.joined(separator: ", "))]")
            } else {
                let models = (0..<(1 + r.int(3))).map { _ in "\"Model-\(r.int(2000))\"" }
                conjuncts.append(
                    models.count == 1 ? "model == \(models[0])" : "model in [\(models.joined(separator: ", "))]")
            }
            for _ in 0..<(1 + r.int(2)) {
                switch r.int(4) {
                case 0: conjuncts.append("osVersion < \"\(8 + r.int(8))\"")
                case 1: conjuncts.append("threatLevel >= \(r.pick(Generator.threat))")
                case 2: conjuncts.append("offlineMinutes > \(r.int(1440))")
                default: conjuncts.append("pinAttempts >= \(r.int(10))")
                }
            }
            lines.append(
                "rule \"s\(i)\" when \(conjuncts.joined(separator: " and ")) then \(r.pick(["warn", "blockAccess"]))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What compiling `n` rules builds: node ids, side-table entries and storage, compiled nodes,
    /// rule-index entries.
    static func sizes(rules n: Int) throws -> [String: Int] {
        let program = try Engine().compile(sparsePolicy(rules: n, seed: 16))
        let policy = program.policy
        return [
            "node ids": policy.nextID,
            "resolutions": policy.resolutions.byID.entries.count,
            "resolution storage": policy.resolutions.byID.storedIDs,
            "compiled nodes": program.compiled.nodes.count,
            "index rules": program.ruleIndex?.hashRules.count ?? 0,
            "index table": program.ruleIndex?.table.count ?? 0,
        ]
    }

    @Test func doublingTheRulesAtMostDoublesWhatCompilingBuilds() throws {
        let small = try Self.sizes(rules: 1000)
        let big = try Self.sizes(rules: 2000)
        for (what, n) in small {
            let m = big[what] ?? 0
            #expect(n > 0, "\(what): nothing built for 1,000 rules")
            // 2.2: the random lists differ a little; hash tables round up to a power of two (2.2 would
            // not absorb that, so the table is held to 4.4, one doubling beyond).
            let bound = what == "index table" ? 4.4 : 2.2
            #expect(Double(m) <= bound * Double(n), "\(what): \(n) for 1,000 rules, \(m) for 2,000")
        }
        // The id table holds one slot per node id (plus geometric growth), not more.
        #expect(big["resolution storage"] ?? 0 <= 2 * (big["node ids"] ?? 0))
    }

    /// Node types are kept only for tests' given values (the one place they are read back), not
    /// for every node of every rule; a given element of the wrong type is still reported.
    @Test func nodeTypesAreKeptForGivenValuesOnly() throws {
        let program = try Engine().compile(Self.sparsePolicy(rules: 200, seed: 3))
        #expect(program.policy.resolutions.types.entries.isEmpty)
        let withTest = try Engine().compile(
            Self.sparsePolicy(rules: 20, seed: 3)
                + "test \"t\" {\n  given { osVersion: \"9\", tags: [\"a\", \"b\"] }\n  expect allow\n}\n")
        let typed = withTest.policy.resolutions.types.entries.count
        #expect(typed == 4, "\(typed) typed nodes: the version, the list and its two elements")
        let diagnostics = Engine().diagnose(
            SourceFile(
                name: "p",
                text:
                    "rule \"r\" when rooted then warn\ntest \"t\" {\n  given { tags: [\"a\", 1] }\n  expect allow\n}\n")
        )
        #expect(diagnostics.contains { $0.message.contains("this element must be `string`, not `int`") })
    }

    /// `IDTable` against the dictionary it replaced: random sets, removals and reads over dense
    /// ids, negative ids and ids past `maxID`; then `entries` and `merge` (the first value wins).
    @Test func idTableAnswersAsADictionary() {
        var r = SplitMix(seed: 7)
        var table = IDTable<String>()
        var model: [Int: String] = [:]
        // (An id near `maxID` is stored densely too, but would make the index array 2^26 long.)
        let odd = [-1, -42, IDTable<String>.maxID + 1, Int.max, Int.min]
        for step in 0..<5000 {
            let id = r.chance(0.1) ? r.pick(odd) : r.int(300)
            if r.chance(0.2) {
                table[id] = nil
                model[id] = nil
            } else {
                table[id] = "v\(step)"
                model[id] = "v\(step)"
            }
            let probe = r.chance(0.1) ? r.pick(odd) : r.int(400)
            #expect(table[probe] == model[probe], "id \(probe) after step \(step)")
        }
        let entries = table.entries
        #expect(entries.count == model.count)
        #expect(Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0.value) }) == model)
        let dense = entries.map(\.id).filter { $0 >= 0 && $0 <= IDTable<String>.maxID }
        #expect(dense == dense.sorted())

        var other = IDTable<String>()
        var otherModel: [Int: String] = [:]
        for id in [0, 5, 299, 350, -1, Int.max] {
            other[id] = "o\(id)"
            otherModel[id] = "o\(id)"
        }
        table.merge(other)
        model.merge(otherModel) { a, _ in a }
        #expect(Dictionary(uniqueKeysWithValues: table.entries.map { ($0.id, $0.value) }) == model)
    }
}
