// The compiled form of a policy's rule conditions: a flat array of plain-data nodes over the typed
// fact slots (`FastFacts`), interpreted without allocation, reference counting, name look-ups or
// string comparisons of names. The compiler (`Compiler.swift`) emits these nodes for comparisons,
// membership in constant lists, `has`, boolean logic and `let`s built from them; any other
// subtree becomes a `fallback` node that the reference `Evaluator` evaluates.
//
// A node answers true, false, `unknown` or `abort`. `unknown` (a missing fact, a value that is
// not fast, an error or a non-bool value in a fallback subtree) sends the whole rule to the
// reference evaluator, which then produces exactly its own result and message; `abort` (a limit
// hit in a fallback subtree) does the same but is not absorbed by `&&`/`||`, as in the evaluator.
// So the compiled path answers only where its answer is provably the reference's.

/// A three-valued condition result (plus `abort`).
enum Tri: UInt8 {
    case no = 0
    case yes = 1
    case unknown = 2
    case abort = 3
}

/// Node operations.
enum COp: UInt8 {
    /// The constant `k != 0`.
    case constant
    /// A bool fact at `slot`.
    case factBool
    /// `slot cmp k` (constant word; `c` ≥ 0 indexes a long string to confirm on equal words).
    case cmpConst
    /// `slot cmp a` (a second slot of the same encoding).
    case cmpSlots
    /// `slot in consts[a..<b]` (`constLong` tells which words are long strings).
    case inConsts
    /// `k in slot` for a list-of-strings fact (`c`: long string index or -1).
    case listHasConst
    /// `has(fact)`.
    case has
    /// `!a`.
    case not
    /// `kids[a..<b]` joined by `&&` / `||`.
    case and, or
    /// `a ? b : c`.
    case cond
    /// The reference evaluator on `fallbacks[a]`.
    case fallback
}

/// Comparison kinds (`unsignedFlag` for packed versions).
enum CCmp {
    static let eq: UInt8 = 0, ne: UInt8 = 1, lt: UInt8 = 2, le: UInt8 = 3, gt: UInt8 = 4, ge: UInt8 = 5
    static let unsignedFlag: UInt8 = 0x10

    /// Whether `x cmp y` holds for two fact words (`unsignedFlag`: compared as unsigned, the
    /// order of packed versions). The one scalar comparison of the compiled node tree, the
    /// straight-line plan and the rule index's candidate leaves.
    @inline(__always)
    static func holds(_ x: Int64, _ y: Int64, _ cmp: UInt8) -> Bool {
        if cmp & unsignedFlag != 0 {
            let a = UInt64(bitPattern: x)
            let b = UInt64(bitPattern: y)
            switch cmp & 0x0F {
            case eq: return a == b
            case ne: return a != b
            case lt: return a < b
            case le: return a <= b
            case gt: return a > b
            default: return a >= b
            }
        }
        switch cmp {
        case eq: return x == y
        case ne: return x != y
        case lt: return x < y
        case le: return x <= y
        case gt: return x > y
        default: return x >= y
        }
    }
}

/// One node: plain data, no references.
struct CNode: Sendable {
    var op: COp
    var cmp: UInt8 = 0
    var slot: Int32 = 0
    var a: Int32 = 0
    var b: Int32 = 0
    var c: Int32 = -1
    /// The steps the reference evaluator charges for this node's own part of the expression (its
    /// children are charged by their nodes): an exact count or an upper bound (see `CompiledRun.steps`).
    var cost: Int32 = 0
    var k: Int64 = 0
}

/// Per-decision state of the compiled interpreter: the device's typed words (from its own
/// `FastFacts` or from a `DeviceBatch` row) and, for the rare nodes that need the `Value`s (a long
/// string to confirm, a fallback), a pointer to the device's `Input`, read only on demand, so the
/// common path neither copies nor retains it. The pointer is valid for the run's lifetime.
struct CompiledRun {
    let present: UInt64
    let fast: UInt64
    /// Slots given but malformed: `has()` of one is the reference evaluator's error.
    let malformed: UInt64
    let words: UnsafeBufferPointer<Int64>
    let pool: UnsafeBufferPointer<Int64>
    let input: UnsafePointer<Input>
    /// The reference evaluator's state, created on the first fallback of the decision.
    var state: EvalState?
    /// Whether `state` is set: tested per rule instead of `state` itself, whose optional check and
    /// copy go through value witnesses (about 50 instructions per rule in the batch loop).
    var hasState = false
    /// Steps charged for the current rule: each node evaluated adds what the reference evaluator
    /// would charge for it, fallbacks their actual cost. Never less than the reference's cost for the
    /// same rule (a `let` inlined here is charged at every use; the reference may have it cached),
    /// so an answer within `maxSteps` here is one the reference gives within it too.
    var steps = 0
    /// Steps charged by the decision's earlier rules (same bound against the reference).
    var decisionSteps = 0
    /// The candidate rules' bit set when the program has a rule index (RuleIndex.swift).
    var candidates: UnsafeMutableBufferPointer<UInt64>? = nil
}

/// A policy's compiled conditions. Immutable after `init`; its buffers are owned and freed here.
final class CompiledPolicy: @unchecked Sendable {
    // @unchecked: every stored property is a `let`, and the buffers are written only in `init`.
    let nodes: UnsafeMutableBufferPointer<CNode>
    let kids: UnsafeMutableBufferPointer<Int32>
    let consts: UnsafeMutableBufferPointer<Int64>
    let constLong: UnsafeMutableBufferPointer<Int32>
    /// Root node of each rule's condition, in rule order.
    let roots: [Int32]
    /// Long string constants, by index, as UTF-8.
    let longStrings: [[UInt8]]
    /// Subtrees left to the reference evaluator.
    let fallbacks: [Expr]
    /// Slots read by the compiled nodes must be below this (the schema's fact count).
    let slotCount: Int
    /// Whether each rule's condition (by rule index) has a fallback node: only such a rule can
    /// create or change the reference evaluator's state (`CompiledRun.state`).
    let ruleMayFallBack: [Bool]
    /// Whether any rule has a fallback node (if not, no rule needs `mayFallBack`).
    let hasFallbacks: Bool

    init(
        nodes: [CNode], kids: [Int32], consts: [Int64], constLong: [Int32], roots: [Int32], longStrings: [[UInt8]],
        fallbacks: [Expr], slotCount: Int
    ) {
        func copy<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
            let p = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, a.count))
            _ = p.initialize(from: a)
            return UnsafeMutableBufferPointer(rebasing: p[0..<a.count])
        }
        self.nodes = copy(nodes)
        self.kids = copy(kids)
        self.consts = copy(consts)
        self.constLong = copy(constLong)
        self.roots = roots
        self.longStrings = longStrings
        self.fallbacks = fallbacks
        self.slotCount = slotCount
        let reach = CompiledPolicy.fallbackReach(nodes: nodes, kids: kids)
        self.hasFallbacks = !fallbacks.isEmpty
        self.ruleMayFallBack = roots.map { r in Int(r) >= 0 && Int(r) < reach.count ? reach[Int(r)] : true }
    }

    /// Whether rule `ri`'s condition may run a fallback (true for an index out of range).
    @inline(__always)
    func mayFallBack(_ ri: Int) -> Bool {
        ri >= 0 && ri < ruleMayFallBack.count ? ruleMayFallBack[ri] : true
    }

    /// Whether a fallback node is reachable from each node, in one pass in node order: the
    /// compiler emits a node after its children, so a child's answer is known first (a child at or
    /// after its parent, or out of range, counts as a fallback: the safe answer).
    static func fallbackReach(nodes: [CNode], kids: [Int32]) -> [Bool] {
        var reach = [Bool](repeating: true, count: nodes.count)
        for i in nodes.indices {
            func child(_ c: Int32) -> Bool {
                let j = Int(c)
                return j < 0 || j >= i || reach[j]
            }
            let n = nodes[i]
            switch n.op {
            case .fallback: reach[i] = true
            case .not: reach[i] = child(n.a)
            case .cond: reach[i] = child(n.a) || child(n.b) || child(n.c)
            case .and, .or:
                guard n.a >= 0, n.a <= n.b, Int(n.b) <= kids.count else { continue }
                reach[i] = kids[Int(n.a)..<Int(n.b)].contains { child($0) }
            case .constant, .factBool, .cmpConst, .cmpSlots, .inConsts, .listHasConst, .has: reach[i] = false
            }
        }
        return reach
    }

    deinit {
        nodes.baseAddress?.deinitialize(count: nodes.count)
        nodes.baseAddress?.deallocate()
        kids.baseAddress?.deallocate()
        consts.baseAddress?.deallocate()
        constLong.baseAddress?.deallocate()
    }

    /// Number of compiled nodes (for tests and the bench).
    var nodeCount: Int { nodes.count }
    /// Number of fallback subtrees.
    var fallbackCount: Int { fallbacks.count }

    /// Evaluates a rule's root: the common leaves inline, anything else through `eval`.
    @inline(__always)
    func evalRoot(_ i: Int32, _ r: inout CompiledRun, _ evaluator: Evaluator, _ limits: EvalLimits) -> Tri {
        let n = nodes[Int(i)]
        switch n.op {
        case .factBool:
            r.steps &+= Int(n.cost)
            guard r.fast >> UInt64(n.slot) & 1 != 0 else { return .unknown }
            return r.words[Int(n.slot)] != 0 ? .yes : .no
        case .cmpConst where n.c < 0:
            r.steps &+= Int(n.cost)
            guard r.fast >> UInt64(n.slot) & 1 != 0 else { return .unknown }
            return compare(r.words[Int(n.slot)], n.k, n.cmp) ? .yes : .no
        case .has:
            r.steps &+= Int(n.cost)
            return has(n.slot, r)
        default:
            return eval(i, &r, evaluator, limits)
        }
    }

    /// Evaluates node `i`. Recursion follows the AST's nesting, which the parser bounds.
    func eval(_ i: Int32, _ r: inout CompiledRun, _ evaluator: Evaluator, _ limits: EvalLimits) -> Tri {
        let n = nodes[Int(i)]
        r.steps &+= Int(n.cost)
        switch n.op {
        case .constant:
            return n.k != 0 ? .yes : .no
        case .factBool:
            guard r.fast >> UInt64(n.slot) & 1 != 0 else { return .unknown }
            return r.words[Int(n.slot)] != 0 ? .yes : .no
        case .cmpConst:
            guard r.fast >> UInt64(n.slot) & 1 != 0 else { return .unknown }
            let word = r.words[Int(n.slot)]
            if n.c >= 0 && (n.cmp == CCmp.eq || n.cmp == CCmp.ne) {
                var eq = word == n.k
                if eq { eq = confirm(r.input, slot: Int(n.slot), element: nil, long: Int(n.c)) }
                return (eq == (n.cmp == CCmp.eq)) ? .yes : .no
            }
            return compare(word, n.k, n.cmp) ? .yes : .no
        case .cmpSlots:
            guard r.fast >> UInt64(n.slot) & 1 != 0, r.fast >> UInt64(n.a) & 1 != 0 else { return .unknown }
            return compare(r.words[Int(n.slot)], r.words[Int(n.a)], n.cmp) ? .yes : .no
        case .inConsts:
            guard r.fast >> UInt64(n.slot) & 1 != 0 else { return .unknown }
            let word = r.words[Int(n.slot)]
            var j = Int(n.a)
            let end = Int(n.b)
            while j < end {
                if consts[j] == word {
                    let long = Int(constLong[j])
                    if long < 0 || confirm(r.input, slot: Int(n.slot), element: nil, long: long) { return .yes }
                }
                j += 1
            }
            return .no
        case .listHasConst:
            guard r.fast >> UInt64(n.slot) & 1 != 0 else { return .unknown }
            let word = r.words[Int(n.slot)]
            let off = Int(truncatingIfNeeded: word >> 32)
            let cnt = Int(truncatingIfNeeded: word & 0xFFFF_FFFF)
            guard off >= 0, cnt >= 0, off <= r.pool.count - cnt else { return .unknown }
            r.steps &+= cnt  // the reference's scan of the list
            var j = off
            while j < off + cnt {
                if r.pool[j] == n.k {
                    if n.c < 0 || confirm(r.input, slot: Int(n.slot), element: j - off, long: Int(n.c)) { return .yes }
                }
                j += 1
            }
            return .no
        case .has:
            return has(n.slot, r)
        case .not:
            switch eval(n.a, &r, evaluator, limits) {
            case .yes: return .no
            case .no: return .yes
            case let other: return other
            }
        case .and, .or:
            let absorbing: Tri = n.op == .and ? .no : .yes
            var sawUnknown = false
            var j = Int(n.a)
            while j < Int(n.b) {
                let v = eval(kids[j], &r, evaluator, limits)
                if v == absorbing || v == .abort { return v }
                if v == .unknown { sawUnknown = true }
                j += 1
            }
            return sawUnknown ? .unknown : (n.op == .and ? .yes : .no)
        case .cond:
            switch eval(n.a, &r, evaluator, limits) {
            case .yes: return eval(n.b, &r, evaluator, limits)
            case .no: return eval(n.c, &r, evaluator, limits)
            case let other: return other
            }
        case .fallback:
            return fallback(Int(n.a), &r, evaluator, limits)
        }
    }

    /// `has(fact)`: true when present, false when absent, unknown when malformed (the reference
    /// evaluator then reports the malformed fact as the rule's error).
    @inline(__always)
    func has(_ slot: Int32, _ r: CompiledRun) -> Tri {
        let shift = UInt64(truncatingIfNeeded: slot)  // a schema slot in 0..<64 (Compiler); `>>` is smart anyway
        if r.present >> shift & 1 != 0 { return .yes }
        return r.malformed >> shift & 1 != 0 ? .unknown : .no
    }

    /// A fallback subtree through the reference evaluator. Kept out of line so that `eval`, which
    /// recurses per node, keeps a small stack frame.
    @inline(never)
    func fallback(_ index: Int, _ r: inout CompiledRun, _ evaluator: Evaluator, _ limits: EvalLimits) -> Tri {
        if !r.hasState {
            r.state = EvalState(input: r.input.pointee, limits: limits)
            r.hasState = true
        }
        guard var st = r.state else { return .unknown }
        r.state = nil  // keep `st` uniquely referenced while it is mutated
        st.steps = r.steps
        st.decisionSteps = r.decisionSteps &+ r.steps
        let result = evaluator.evaluate(fallbacks[index], &st)
        r.steps = st.steps
        r.state = st
        switch result {
        case .success(.bool(let b)): return b ? .yes : .no
        case .success: return .unknown
        case .failure(let err): return err.kind == .limitExceeded ? .abort : .unknown
        }
    }

    @inline(__always)
    func compare(_ x: Int64, _ y: Int64, _ cmp: UInt8) -> Bool { CCmp.holds(x, y, cmp) }

    /// Confirms that a long string fact (or list element) equals a long constant, byte for byte.
    @inline(never)
    func confirm(_ input: UnsafePointer<Input>, slot: Int, element: Int?, long: Int) -> Bool {
        let facts = input.pointee.facts
        guard slot >= 0, slot < facts.count, long >= 0, long < longStrings.count, let v = facts[slot] else {
            return false
        }
        let want = longStrings[long]
        switch (v, element) {
        case (.string(let s), nil):
            return CompiledPolicy.bytesEqual(s, want)
        case (.list(let items), .some(let j)):
            guard j >= 0, j < items.count, case .string(let s) = items[j] else { return false }
            return CompiledPolicy.bytesEqual(s, want)
        default:
            return false
        }
    }

    /// Byte equality of a string and UTF-8 bytes without allocating, even unoptimised
    /// (`s.utf8.elementsEqual(want)` allocated on every call in a debug build: AllocationCountTests).
    static func bytesEqual(_ s: String, _ want: [UInt8]) -> Bool {
        var s = s
        return s.withUTF8 { a in
            want.withUnsafeBufferPointer { b in sameBytes(a, b) }
        }
    }

    /// Byte equality, eight bytes at a time (`elementsEqual` went byte by byte through the generic
    /// iterator: a quarter of the instructions of a big policy keyed on long `appId`s).
    static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }  // both empty
        let n = a.count
        let ra = UnsafeRawPointer(pa)
        let rb = UnsafeRawPointer(pb)
        var i = 0
        while n - i >= 8 {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            {
                return false
            }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}

extension Decision {
    /// An empty decision (`allow`, nothing fired), to pass to `Program.evaluate(_:into:)`.
    public init() {
        self.init(action: .allow, fired: [], errors: [], warnings: [], config: [])
    }
}
