import ArgumentParser
import Warden

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Policy sets on the command line: files and directories (a directory means its `*.warden` files,
/// recursively, in path order), compiled as one policy (`Engine.compile(_: [SourceFile])`).
extension PolicyLoader {
    /// The most policy files one set may have (a stray `warden check /` stops here).
    static let maxSetFiles = 10_000

    /// The files the arguments name: a file as given, a directory's `*.warden` files (recursively,
    /// sorted by path; hidden entries skipped; symbolic links to directories are not followed).
    /// `suffix` chooses other files (`warden import` reads a directory's `.json` files).
    static func expand(_ paths: [String], suffix: String = ".warden", what: String = "policy files") -> Result<
        [String], CLIError
    > {
        var out: [String] = []
        for path in paths {
            var st = stat()
            guard path != "-", stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
                out.append(path)
                continue
            }
            var found: [String] = []
            if let e = walk(path, suffix: suffix, what: what, depth: 0, into: &found) { return .failure(e) }
            if found.isEmpty { return .failure(CLIError("no `\(suffix)` files in the directory `\(path)`")) }
            out += found.sorted()
            if out.count > maxSetFiles { return .failure(CLIError("more than \(maxSetFiles) \(what)")) }
        }
        // A file named twice (`a.warden dir/` with a.warden in dir) is one file of the set.
        var seen: Set<String> = []
        return .success(out.filter { seen.insert($0).inserted })
    }

    private static func walk(_ dir: String, suffix: String, what: String, depth: Int, into found: inout [String])
        -> CLIError?
    {
        guard depth < 32 else { return CLIError("directories nested too deeply under `\(dir)`") }
        guard let d = opendir(dir) else {
            return CLIError.unreadable("the directory `\(dir)`: \(String(cString: strerror(errno)))")
        }
        defer { closedir(d) }
        var subdirs: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name.hasPrefix(".") { continue }  // `.`, `..` and hidden entries
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                subdirs.append(path)
            } else if name.hasSuffix(suffix) {
                found.append(path)
                if found.count > maxSetFiles { return CLIError("more than \(maxSetFiles) \(what) in `\(dir)`") }
            }
        }
        for s in subdirs.sorted() {
            if let e = walk(s, suffix: suffix, what: what, depth: depth + 1, into: &found) { return e }
        }
        return nil
    }

    /// Reads and compiles the files and directories as one policy set; prints its diagnostics
    /// (errors and warnings) to standard error.
    static func loadSet(_ paths: [String], engine: Engine = Engine()) -> Program? {
        try? loadSetChecked(paths, engine: engine).get()
    }

    /// `loadSet`, saying why it failed: unreadable files (or too many, or too large) or errors.
    static func loadSetChecked(_ paths: [String], engine: Engine = Engine()) -> Result<Program, PolicyLoadFailure> {
        let files: [String]
        switch expand(paths) {
        case .failure(let e):
            Output.error(e)
            return .failure(.unreadable)
        case .success(let f): files = f
        }
        if files.count == 1, let only = files.first { return loadChecked(only, engine: engine) }
        // The set's size limit is checked before anything is read (a stray directory stops here).
        var total = 0
        for path in files {
            var st = stat()
            if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG { total += Int(st.st_size) }
            if total > engine.limits.maxSourceBytes {
                Output.error(
                    "error: the policy set is over the limit of \(engine.limits.maxSourceBytes) bytes (at `\(path)`, file \(files.firstIndex(of: path).map { $0 + 1 } ?? 0) of \(files.count))"
                )
                return .failure(.invalid)
            }
        }
        var sources: [SourceFile] = []
        for path in files {
            switch Files.readAll(path) {
            case .failure(let e):
                Output.error(e)
                return .failure(.unreadable)
            case .success(let bytes): sources.append(SourceFile(name: path, bytes: bytes))
            }
        }
        do {
            let program = try engine.compile(sources)
            if !program.warnings.isEmpty {
                Output.error(program.warnings.map { $0.rendered(in: program.source) }.joined())
            }
            return .success(program)
        } catch {
            Output.error(error.rendered() + summary(error.diagnostics))
            return .failure(.invalid)
        }
    }
}

extension PolicyLoadFailure {
    /// The exit status: 2 for files that cannot be read; `invalid` for a policy with errors.
    func exitCode(invalid: Int32) -> ExitCode {
        switch self {
        case .unreadable: ExitCode(2)
        case .invalid: ExitCode(invalid)
        }
    }
}
