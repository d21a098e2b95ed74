// Compiles a checked policy's rule conditions into `CompiledPolicy` nodes (see CompiledPolicy.swift
// for the contract). Everything name-related is settled here, once: fact slots, `let`s (inlined
// when they compile to nodes), enum members, versions and dates (already constants from the
// checker), string constants (encoded as words). What the nodes cannot express exactly stays an
// AST subtree for the reference evaluator.

struct Compiler {
    let policy: CheckedPolicy
    let encodings: [FastEncoding?]

    var nodes: [CNode] = []
    var kids: [Int32] = []
    var consts: [Int64] = []
    var constLong: [Int32] = []
    var longStrings: [[UInt8]] = []
    var longIndex: [Int64: [Int32]] = [:]
    var fallbacks: [Expr] = []
    /// `let`s being inlined (a guard; the checker already rejects cycles).
    var inlining: Set<Int> = []
    /// The evaluation list limit: a list literal longer than this is an error in the reference
    /// evaluator, so it is left to it (the compiled node would test it without building it).
    let maxListLength: Int

    /// How deep `let`s are inlined into one another before a let is left to the evaluator.
    static let maxLetDepth = 8
    /// The largest let body (in nodes) inlined at each use; larger ones are evaluated once by the evaluator.
    static let maxInlinedLetNodes = 64

    init(policy: CheckedPolicy, schema: Schema, maxListLength: Int) {
        self.policy = policy
        self.encodings = schema.fastEncodings
        self.maxListLength = maxListLength
    }

    static func compile(_ policy: CheckedPolicy, schema: Schema, maxListLength: Int) -> CompiledPolicy {
        var c = Compiler(policy: policy, schema: schema, maxListLength: maxListLength)
        var roots: [Int32] = []
        roots.reserveCapacity(policy.rules.count)
        for rule in policy.rules { roots.append(c.pred(rule.condition)) }
        return CompiledPolicy(
            nodes: c.nodes, kids: c.kids, consts: c.consts, constLong: c.constLong, roots: roots,
            longStrings: c.longStrings, fallbacks: c.fallbacks, slotCount: schema.facts.count)
    }

    // MARK: - Emitting

    mutating func emit(_ n: CNode) -> Int32 {
        nodes.append(n)
        return Int32(truncatingIfNeeded: nodes.count - 1)
    }

    /// Emits a node that the reference evaluator charges `cost` steps for (see `CNode.cost`).
    mutating func emit(_ n: CNode, cost: Int) -> Int32 {
        var n = n
        n.cost = Int32(clamping: cost)
        return emit(n)
    }

    /// Adds to a node's cost (an inlined `let`'s reference, a relation's operands).
    mutating func addCost(_ i: Int32, _ extra: Int) {
        let j = Int(truncatingIfNeeded: i)
        guard j >= 0, j < nodes.count else { return }
        let (sum, o) = Int(truncatingIfNeeded: nodes[j].cost).addingReportingOverflow(extra)
        nodes[j].cost = o ? Int32.max : Int32(clamping: sum)
    }

    mutating func fallback(_ e: Expr) -> Int32 {
        fallbacks.append(e)
        return emit(CNode(op: .fallback, a: Int32(truncatingIfNeeded: fallbacks.count - 1)))
    }

    /// The index of a long string constant (-1 for a short, exact word).
    mutating func longString(_ word: Int64, _ s: String) -> Int32 {
        if FastWords.isExact(word) { return -1 }
        if let same = longIndex[word] {
            for i in same where longStrings[Int(i)].elementsEqual(s.utf8) { return i }
        }
        longStrings.append(Array(s.utf8))
        let i = Int32(truncatingIfNeeded: longStrings.count - 1)
        longIndex[word, default: []].append(i)
        return i
    }

    // MARK: - Operands

    enum Operand {
        case slot(Int, FastEncoding)
        case constant(Value)
    }

    /// Follows `let` references to the expression they name (bounded).
    func deref(_ e: Expr) -> Expr { derefCounting(e).0 }

    /// The expression and the number of `let` references followed (each one step in the evaluator).
    func derefCounting(_ e: Expr) -> (Expr, Int) {
        var e = e
        var depth = 0
        while case .letValue(let i)? = policy.resolutions[e.id], i >= 0, i < policy.lets.count,
            depth < Compiler.maxLetDepth
        {
            e = policy.lets[i].expr
            depth += 1
        }
        return (e, depth)
    }

    /// What the reference evaluator charges for an operand `operand(_:)` accepted (at most: a
    /// `let` it may have cached is counted in full).
    func operandCost(_ e0: Expr) -> Int {
        let (e, hops) = derefCounting(e0)
        if policy.resolutions[e.id] != nil { return hops + 1 }
        if case .unary = e.kind { return hops + 2 }
        return hops + 1
    }

    func operand(_ e0: Expr) -> Operand? {
        let e = deref(e0)
        if let r = policy.resolutions[e.id] {
            switch r {
            case .fact(let slot):
                guard slot >= 0, slot < encodings.count, let enc = encodings[slot] else { return nil }
                return .slot(slot, enc)
            case .constant(let v):
                return .constant(v)
            default:
                return nil
            }
        }
        switch e.kind {
        case .literal(.int(let i)): return .constant(.int(i))
        case .literal(.string(let s)): return .constant(.string(s))
        case .literal(.bool(let b)): return .constant(.bool(b))
        case .unary(.negate, let x):
            guard policy.resolutions[x.id] == nil, case .literal(.int(let i)) = x.kind else { return nil }
            let (r, o) = Int64(0).subtractingReportingOverflow(i)
            return o ? nil : .constant(.int(r))
        default: return nil
        }
    }

    // MARK: - Predicates

    /// Compiles a boolean-valued expression; always returns a node (a fallback at worst).
    mutating func pred(_ e: Expr) -> Int32 {
        if let r = policy.resolutions[e.id] {
            switch r {
            case .constant(.bool(let b)):
                return emit(CNode(op: .constant, k: b ? 1 : 0), cost: 1)
            case .fact(let slot):
                if slot >= 0, slot < encodings.count, encodings[slot] == .bool {
                    return emit(CNode(op: .factBool, slot: Int32(slot)), cost: 1)
                }
                return fallback(e)
            case .hasFact(let slot):
                guard slot >= 0, slot < min(encodings.count, FastEncoding.maxSlots) else { return fallback(e) }
                return emit(CNode(op: .has, slot: Int32(slot)), cost: 1)
            case .letValue(let i):
                return letPred(i, e)
            default:
                return fallback(e)
            }
        }
        switch e.kind {
        case .literal(.bool(let b)):
            return emit(CNode(op: .constant, k: b ? 1 : 0), cost: 1)
        case .unary(.bang, let x), .unary(.not, let x):
            let child = pred(x)
            return emit(CNode(op: .not, a: child), cost: 1)
        case .and(let xs), .or(let xs):
            let children = xs.map { pred($0) }
            let start = Int32(truncatingIfNeeded: kids.count)
            kids += children
            let op: COp
            if case .and = e.kind { op = .and } else { op = .or }
            return emit(CNode(op: op, a: start, b: Int32(truncatingIfNeeded: kids.count)), cost: 1)
        case .conditional(let c, let a, let b):
            let pc = pred(c)
            let pa = pred(a)
            let pb = pred(b)
            return emit(CNode(op: .cond, a: pc, b: pa, c: pb), cost: 1)
        case .binary(let first, let links) where links.count == 1:
            return relation(first, links[0].op, links[0].rhs) ?? fallback(e)
        default:
            return fallback(e)
        }
    }

    /// A `let` used as a condition: inlined when small, else left to the evaluator (which caches it).
    mutating func letPred(_ i: Int, _ e: Expr) -> Int32 {
        guard i >= 0, i < policy.lets.count, !inlining.contains(i), inlining.count < Compiler.maxLetDepth else {
            return fallback(e)
        }
        let mark = (nodes.count, kids.count, consts.count, constLong.count, fallbacks.count)
        inlining.insert(i)
        let n = pred(policy.lets[i].expr)
        inlining.remove(i)
        let usedFallback = fallbacks.count > mark.4
        if nodes.count - mark.0 <= Compiler.maxInlinedLetNodes && !usedFallback {
            addCost(n, 1)  // the reference's step for the `let` name itself
            return n
        }
        // Too big, or partly evaluated by the evaluator anyway: let the evaluator compute it once.
        nodes.removeSubrange(mark.0...)
        kids.removeSubrange(mark.1...)
        consts.removeSubrange(mark.2...)
        constLong.removeSubrange(mark.3...)
        fallbacks.removeSubrange(mark.4...)
        return fallback(e)
    }

    static func cmpCode(_ op: BinaryOp) -> UInt8? {
        switch op {
        case .equal: CCmp.eq
        case .notEqual: CCmp.ne
        case .less: CCmp.lt
        case .lessEqual: CCmp.le
        case .greater: CCmp.gt
        case .greaterEqual: CCmp.ge
        default: nil
        }
    }

    /// `a < b` is `b > a`.
    static func flipped(_ c: UInt8) -> UInt8 {
        switch c {
        case CCmp.lt: CCmp.gt
        case CCmp.le: CCmp.ge
        case CCmp.gt: CCmp.lt
        case CCmp.ge: CCmp.le
        default: c
        }
    }

    /// A relation the nodes express exactly, or nil.
    mutating func relation(_ lhs: Expr, _ op: BinaryOp, _ rhs: Expr) -> Int32? {
        if op == .in { return membership(lhs, rhs) }
        guard let code = Compiler.cmpCode(op), let l = operand(lhs), let r = operand(rhs) else { return nil }
        let ordering = code != CCmp.eq && code != CCmp.ne
        guard let node = relationNode(l, r, code, ordering) else { return nil }
        // The binary node, its operands, and for `==`/`!=` the scan of a string (at most the constant's).
        var cost = 1 + operandCost(lhs) + operandCost(rhs)
        if !ordering {
            if case .constant(let v) = l { cost += Evaluator.weight(v) }
            if case .constant(let v) = r { cost += Evaluator.weight(v) }
        }
        addCost(node, cost)
        return node
    }

    mutating func relationNode(_ l: Operand, _ r: Operand, _ code: UInt8, _ ordering: Bool) -> Int32? {
        switch (l, r) {
        case (.slot(let s, let enc), .constant(let v)):
            return slotConst(s, enc, code, v, ordering)
        case (.constant(let v), .slot(let s, let enc)):
            return slotConst(s, enc, Compiler.flipped(code), v, ordering)
        case (.slot(let s, let e1), .slot(let t, let e2)):
            guard e1 == e2, e1 != .string, e1 != .stringList, !ordering || e1.isOrderedWord else { return nil }
            let flag = e1 == .version ? CCmp.unsignedFlag : 0
            return emit(
                CNode(
                    op: .cmpSlots, cmp: code | flag, slot: Int32(truncatingIfNeeded: s), a: Int32(truncatingIfNeeded: t)
                ))
        default:
            return nil
        }
    }

    mutating func slotConst(_ s: Int, _ enc: FastEncoding, _ code: UInt8, _ v: Value, _ ordering: Bool) -> Int32? {
        guard enc != .stringList, !ordering || enc.isOrderedWord, let w = FastWords.scalar(v, enc) else { return nil }
        var long: Int32 = -1
        if enc == .string, case .string(let str) = v { long = longString(w, str) }
        let flag = enc == .version ? CCmp.unsignedFlag : 0
        return emit(CNode(op: .cmpConst, cmp: code | flag, slot: Int32(s), c: long, k: w))
    }

    /// `x in [constants]` and `"constant" in listFact`.
    mutating func membership(_ lhs: Expr, _ rhs: Expr) -> Int32? {
        guard let l = operand(lhs) else { return nil }
        let (list, hops) = derefCounting(rhs)
        switch l {
        case .slot(let s, let enc):
            guard enc != .stringList, policy.resolutions[list.id] == nil, case .list(let items) = list.kind,
                items.count <= maxListLength
            else {
                return nil
            }
            var words: [Int64] = []
            var longs: [Int32] = []
            // binary + lhs + the let hops + the list node + its items + the scan of the list
            var cost = 1 + operandCost(lhs) + hops + 1 + items.count
            for item in items {
                cost += operandCost(item)
                guard case .constant(let v)? = operand(item), let w = FastWords.scalar(v, enc) else { return nil }
                words.append(w)
                if enc == .string, case .string(let str) = v {
                    longs.append(longString(w, str))
                } else {
                    longs.append(-1)
                }
            }
            let start = Int32(truncatingIfNeeded: consts.count)
            consts += words
            constLong += longs
            return emit(
                CNode(op: .inConsts, slot: Int32(s), a: start, b: Int32(truncatingIfNeeded: consts.count)), cost: cost)
        case .constant(.string(let str)):
            guard case .slot(let s, .stringList)? = operand(rhs) else { return nil }
            let w = FastWords.string(str)
            let long = longString(w, str)
            // binary + both operands; the list's length is added when it is scanned
            return emit(
                CNode(op: .listHasConst, slot: Int32(s), c: long, k: w), cost: 1 + operandCost(lhs) + operandCost(rhs))
        default:
            return nil
        }
    }
}
