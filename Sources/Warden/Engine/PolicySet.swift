// Policy sets: several files compiled as one policy, as OPA's `-d` and Cedar's policy sets do.
// Rule names are unique across the set, conflicts and lints run across files, and `let`s and the
// `policy … onError` header are scoped to their file.
//
// The files are joined into one `SourceFile` (each file starting on a line of its own) so spans
// stay plain byte offsets; `SourceFile.files` maps an offset back to its file, and locations
// (`location(of:)`, rendered diagnostics) name the file and count lines within it.

extension SourceFile {
    /// Joins the files of a policy set into one source; each file starts on a new line.
    public static func joining(_ files: [SourceFile]) -> SourceFile {
        var bytes: [UInt8] = []
        var segments: [SourceSegment] = []
        var lines = 0
        for f in files {
            let start = bytes.count
            bytes += f.bytes
            segments.append(SourceSegment(name: f.name, start: start, end: bytes.count, firstLine: lines, file: f))
            bytes.append(0x0A)
            lines += f.lineCount
        }
        var joined = SourceFile(name: files.map(\.name).joined(separator: ", "), bytes: bytes)
        joined.files = segments
        return joined
    }

    /// The file of a set that holds this offset (the separator newline counts with the file before it).
    func segment(at offset: Int) -> SourceSegment? {
        guard !files.isEmpty else { return nil }
        var lo = 0
        var hi = files.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if files[mid].start <= offset { lo = mid } else { hi = mid - 1 }
        }
        return files[lo]
    }

    /// The name of the file holding this offset (the source's name when it is one file).
    public func fileName(at offset: Int) -> String { segment(at: offset)?.name ?? name }

    /// The text of a line of one file of the set (`file` nil: of this source).
    public func lineText(_ line: Int, file: String?) -> String {
        guard let file, let seg = files.first(where: { $0.name == file }) else { return lineText(line) }
        return lineText(line + seg.firstLine)
    }
}

extension SourceSpan {
    func shifted(by n: Int) -> SourceSpan { SourceSpan(start: start + n, end: end + n) }
}

extension Diagnostic {
    func shifted(by n: Int) -> Diagnostic {
        var d = self
        d.span = span.shifted(by: n)
        d.notes = notes.map { Note($0.message, span: $0.span?.shifted(by: n)) }
        return d
    }
}

extension Engine {
    /// Compiles several files as one policy set (a single file compiles as `compile(_:)` does).
    /// Rule names must be unique across the set; conflicts and lints run across files; `let`s and
    /// the `policy … onError` header apply to their own file. Diagnostics name their file.
    /// - Throws: `CompileError` whose `source` is the joined source (`SourceFile.joining`).
    public func compile(_ sources: [SourceFile]) throws(CompileError) -> Program {
        if sources.count == 1, let only = sources.first { return try compile(only) }
        // The limit applies to the whole set (it protects the host, whatever the file count).
        let total = sources.reduce(0) { $0 + $1.bytes.count }
        if total > limits.maxSourceBytes {
            throw CompileError(
                diagnostics: [
                    .error(
                        .sourceTooLarge, "the policy set is \(total) bytes, over the limit of \(limits.maxSourceBytes)",
                        .at(0),
                        data: ErrorData(limit: limits.maxSourceBytes))
                ], source: SourceFile(name: sources.map(\.name).joined(separator: ", "), bytes: []))
        }
        let joined = SourceFile.joining(sources)
        var diagnostics: [Diagnostic] = []
        if joined.files.isEmpty {
            diagnostics.append(.error(.emptyPolicySet, "a policy set needs at least one file", .at(0)))
        }
        guard diagnostics.isEmpty else { throw CompileError(diagnostics: diagnostics, source: joined) }
        // Parse every file (node ids continue from file to file).
        var files: [(file: PolicyFile, segment: SourceSegment)] = []
        var options = syntaxOptions
        for seg in joined.files {
            let parsed = Parser.parseFile(joined, segment: seg, options: options)
            diagnostics += parsed.diagnostics
            options.firstID = parsed.nextID
            files.append((parsed.file, seg))
        }
        func declaredNames(_ f: PolicyFile) -> [String] {
            f.statements.compactMap { if case .rule(let r) = $0 { return r.name?.value } else { return nil } }
        }
        // Where each named rule's name is (for duplicate-name diagnostics), by the rule's start.
        var nameSpans: [Int: SourceSpan] = [:]
        for (file, _) in files {
            for case .rule(let r) in file.statements { if let n = r.name { nameSpans[r.span.start] = n.span } }
        }
        func nameSpan(_ rule: CheckedRule) -> SourceSpan { nameSpans[rule.span.start] ?? rule.span }
        var policy = CheckedPolicy(name: nil, onError: .blockAccess)
        var firstRule: [String: (span: SourceSpan, file: String)] = [:]
        for (fi, (file, seg)) in files.enumerated() {
            let checker = Checker(
                schema: schema, source: joined, hostFunctions: functions, suppliedFacts: suppliedFacts)
            checker.lintsConfiguration = false
            checker.otherRuleNames = files.enumerated().filter { $0.offset != fi }.flatMap {
                declaredNames($0.element.file)
            }
            var checked = checker.check(file)
            diagnostics += checker.diagnostics
            if fi == 0 { policy.name = checked.name }
            // Input that is not a device takes the most severe of the files' onError actions.
            if fi == 0 || checked.onError > policy.onError { policy.onError = checked.onError }
            // Re-index the file's `let`s after those of the files before it.
            let base = policy.lets.count
            if base > 0 {
                for i in checked.lets.indices { checked.lets[i].uses = Set(checked.lets[i].uses.map { $0 + base }) }
                for i in checked.rules.indices { checked.rules[i].lets = checked.rules[i].lets.map { $0 + base } }
                for (id, r) in checked.resolutions.byID.entries {
                    if case .letValue(let i) = r { checked.resolutions.byID[id] = .letValue(i + base) }
                }
            }
            policy.lets += checked.lets
            policy.resolutions.byID.merge(checked.resolutions.byID)
            policy.resolutions.types.merge(checked.resolutions.types)
            policy.resolutions.calls.merge(checked.resolutions.calls)
            for var rule in checked.rules {
                rule.file = seg.name
                rule.onError = checked.onError
                if !rule.isNamed { rule.name = "\(seg.name):\(rule.name)" }
                if rule.isNamed, let first = firstRule[rule.name], first.file != seg.name {
                    diagnostics.append(
                        .error(
                            .duplicateName,
                            "duplicate rule name `\(rule.name)`: rule names are unique across a policy set",
                            nameSpan(rule),
                            notes: [.init("`\(rule.name)` is first declared here, in \(first.file)", span: first.span)])
                    )
                } else if firstRule[rule.name] == nil {
                    firstRule[rule.name] = (nameSpan(rule), seg.name)
                }
                policy.rules.append(rule)
            }
            for var c in checked.configs {
                c.file = seg.name
                policy.configs.append(c)
            }
            policy.tests += checked.tests
        }
        // Conflicts and lints across the whole set.
        let setChecker = Checker(schema: schema, source: joined, hostFunctions: functions, suppliedFacts: suppliedFacts)
        setChecker.lintConfiguration(policy.configs)
        setChecker.lintRuleSets(policy.rules, configs: policy.configs)
        diagnostics += setChecker.diagnostics
        policy.nextID = options.firstID
        diagnostics = cap(sortDiagnostics(diagnostics))
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            throw CompileError(diagnostics: diagnostics, source: joined)
        }
        return Program(policy: policy, engine: self, source: joined, warnings: diagnostics)
    }

    /// Checks a policy set without keeping the program: all diagnostics (errors and warnings),
    /// with the joined source they point into.
    public func diagnose(_ sources: [SourceFile]) -> (diagnostics: [Diagnostic], source: SourceFile) {
        do {
            let p = try compile(sources)
            return (p.warnings, p.source)
        } catch {
            return (error.diagnostics, error.source)
        }
    }
}

extension Program {
    /// The files of the policy set it was compiled from (one name for a single file).
    public var files: [String] { source.files.isEmpty ? [source.name] : source.files.map(\.name) }

    /// Each rule's file, when the policy is a set of several files (else empty).
    public var ruleFiles: [String: String] {
        guard source.files.count > 1 else { return [:] }
        var out: [String: String] = [:]
        for r in policy.rules { if let f = r.file, out[r.name] == nil { out[r.name] = f } }
        return out
    }

    /// The file of the rule with this name, when the policy is a set of several files.
    public func file(ofRule name: String) -> String? {
        guard source.files.count > 1 else { return nil }
        return policy.rules.first { $0.name == name }?.file
    }
}
