/// One instruction of the compiled automaton. Consuming instructions advance one scalar;
/// `split`, `jump` and `assertion` are empty-width.
enum RegexInstruction: Sendable {
    case scalar(UInt32)
    /// Matches a scalar whose case fold (`CaseFolding.fold`) equals the value.
    case scalarFold(UInt32)
    /// Index into `RegexProgram.sets`.
    case set(Int)
    case any
    case anyExceptNewline
    case assertion(RegexAssertion)
    case split(Int, Int)
    case jump(Int)
    case match
}

/// A compiled pattern: a Thompson automaton as an instruction array, entered at index 0.
struct RegexProgram: Sendable {
    private(set) var instructions: [RegexInstruction] = []
    private(set) var sets: [ScalarSet] = []
    /// Whether some instruction needs the subject's case variants.
    private(set) var usesFold = false
    /// The pattern starts with `\A` (or `^` outside `(?m)`): only position 0 can start a match.
    private(set) var anchoredStart = false
    private let maxSize: Int

    init(compiling node: RegexNode, maxSize: Int) throws(RegexError) {
        self.maxSize = maxSize
        try compile(node)
        _ = try emit(.match)
        switch node {
        case .assertion(.beginText): anchoredStart = true
        case .concat(let nodes):
            if case .assertion(.beginText) = nodes.first { anchoredStart = true }
        default: break
        }
    }

    private mutating func emit(_ instruction: RegexInstruction) throws(RegexError) -> Int {
        guard instructions.count < maxSize else {
            throw RegexError(
                message: "pattern too large: the compiled program exceeds \(maxSize) instructions", offset: 0)
        }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private var next: Int { instructions.count }

    private mutating func compile(_ node: RegexNode) throws(RegexError) {
        switch node {
        case .empty:
            break
        case .literal(let c, let fold):
            if fold {
                usesFold = true
                _ = try emit(.scalarFold(CaseFolding.fold(c).value))
            } else {
                _ = try emit(.scalar(c.value))
            }
        case .any(let dotAll):
            _ = try emit(dotAll ? .any : .anyExceptNewline)
        case .set(let set):
            usesFold = usesFold || set.fold
            sets.append(set)
            _ = try emit(.set(sets.count - 1))
        case .assertion(let assertion):
            _ = try emit(.assertion(assertion))
        case .concat(let nodes):
            for n in nodes { try compile(n) }
        case .alternate(let nodes):
            var jumps: [Int] = []
            for (k, n) in nodes.enumerated() {
                if k == nodes.count - 1 {
                    try compile(n)
                } else {
                    let split = try emit(.split(0, 0))
                    try compile(n)
                    jumps.append(try emit(.jump(0)))
                    instructions[split] = .split(split + 1, next)
                }
            }
            for j in jumps { instructions[j] = .jump(next) }
        case .repetition(let sub, let minimum, let maximum):
            try compileRepetition(sub, minimum, maximum)
        }
    }

    private mutating func compileRepetition(_ sub: RegexNode, _ minimum: Int, _ maximum: Int?) throws(RegexError) {
        guard let maximum else {
            if minimum == 0 {  // L: split(L+1, end); sub; jump L; end:
                let split = try emit(.split(0, 0))
                try compile(sub)
                _ = try emit(.jump(split))
                instructions[split] = .split(split + 1, next)
            } else {  // sub{min-1}, then L: sub; split(L, end)
                for _ in 1..<minimum { try compile(sub) }
                let loop = next
                try compile(sub)
                _ = try emit(.split(loop, next + 1))
            }
            return
        }
        for _ in 0..<minimum { try compile(sub) }
        // (max - min) optional copies; every split may skip to the end.
        var splits: [Int] = []
        for _ in minimum..<maximum {
            splits.append(try emit(.split(0, 0)))
            try compile(sub)
        }
        for s in splits { instructions[s] = .split(s + 1, next) }
    }
}

/// The Pike VM (without captures): simulates all automaton states at once, one scalar at a time.
/// State lists, marks and the closure stack are allocated once per search and reused per step.
struct RegexMachine {
    private let program: RegexProgram
    /// `marks[pc] == generation` when `pc` is already in the list being built.
    private var marks: [Int]
    private var generation = 0
    private var current: [Int] = []
    private var next: [Int] = []
    private var stack: [Int] = []
    private var work = 0

    init(_ program: RegexProgram) {
        self.program = program
        let size = program.instructions.count
        marks = Array(repeating: -1, count: size)
        current.reserveCapacity(size)
        next.reserveCapacity(size)
        stack.reserveCapacity(2 * size + 2)
    }

    mutating func search(_ subject: String, budget: inout Int) -> Bool? {
        var scalars = subject.unicodeScalars.makeIterator()
        var prev: Unicode.Scalar?
        var cur = scalars.next()
        work = 0
        defer { budget -= min(work, budget) }
        while true {
            // `next` holds the closure of the states reached at this position.
            if prev == nil || !program.anchoredStart {
                if addClosure(0, prev: prev, next: cur) { return true }
            }
            swap(&current, &next)
            next.removeAll(keepingCapacity: true)
            guard let c = cur, !(current.isEmpty && program.anchoredStart) else { return false }
            let following = scalars.next()
            let variants = program.usesFold ? CaseVariants(c) : CaseVariants()
            generation += 1
            work += current.count + 1
            if work > budget { return nil }
            var k = 0
            while k < current.count {
                let pc = current[k]
                k += 1
                if step(program.instructions[pc], c, variants),
                    addClosure(pc + 1, prev: c, next: following)
                {
                    return true
                }
            }
            prev = c
            cur = following
        }
    }

    private func step(_ instruction: RegexInstruction, _ c: Unicode.Scalar, _ variants: CaseVariants) -> Bool {
        switch instruction {
        case .scalar(let v): c.value == v
        case .scalarFold(let v): variants.folded == v
        case .set(let index): program.sets[index].matches(c, variants)
        case .any: true
        case .anyExceptNewline: c != "\n"
        case .assertion, .split, .jump, .match: false
        }
    }

    /// Adds `start` and the states reachable from it by empty-width steps to `next`.
    /// Returns true as soon as the match state is reached.
    private mutating func addClosure(_ start: Int, prev: Unicode.Scalar?, next following: Unicode.Scalar?) -> Bool {
        stack.append(start)
        while let pc = stack.popLast() {
            if marks[pc] == generation { continue }
            marks[pc] = generation
            work += 1
            switch program.instructions[pc] {
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assertion(let assertion):
                if assertion.holds(prev: prev, next: following) { stack.append(pc + 1) }
            case .match:
                stack.removeAll(keepingCapacity: true)
                return true
            case .scalar, .scalarFold, .set, .any, .anyExceptNewline:
                next.append(pc)
            }
        }
        return false
    }
}
