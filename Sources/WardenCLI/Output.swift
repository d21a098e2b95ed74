import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffered standard output and unbuffered standard error for the CLI.
enum Output {
    nonisolated(unsafe) static var buffer: [UInt8] = []

    static func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    static func line(_ s: String = "") { write(s + "\n") }

    static func writeBytes(_ b: [UInt8]) {
        if buffer.isEmpty && b.count >= 1 << 16 {
            writeAll(1, b)
            return
        }
        buffer.append(contentsOf: b)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Whether a progress line is on the terminal (standard error), to be cleared before output.
    nonisolated(unsafe) static var progressShown = false

    /// Clears the progress line, if one is shown.
    static func clearProgress() {
        guard progressShown else { return }
        progressShown = false
        writeAll(2, Array("\r\u{1B}[K".utf8))
    }

    static func flush() {
        guard !buffer.isEmpty else { return }
        clearProgress()
        writeAll(1, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Colour for standard error (diagnostics) and standard output (explanations): `--color`.
    nonisolated(unsafe) static var errorStyle = TerminalStyle.plain
    nonisolated(unsafe) static var outputStyle = TerminalStyle.plain

    /// Writes to standard error at once (after flushing standard output, to keep order on a terminal);
    /// diagnostics in it are coloured with `--color`.
    /// Writes a CLI failure to standard error, with its code when it has one.
    static func error(_ e: CLIError) { error(e.errorLine) }

    static func error(_ s: String) {
        flush()
        clearProgress()
        let text = errorStyle.diagnostics(s.hasSuffix("\n") ? s : s + "\n")
        writeAll(2, Array(text.utf8))
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                guard let base = raw.baseAddress else { return }
                let n = sysWrite(fd, base + off, raw.count - off)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }
}

/// `read(2)`, named apart from `Files.readAll`.
private func sysRead(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, p, n) }

/// `write(2)`, named apart from `Output.write`.
private func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }

/// Reading files as bytes (the library never reads files).
enum Files {
    /// The whole file, or a message saying why it cannot be read.
    static func readAll(_ path: String) -> Result<[UInt8], CLIError> {
        let fd = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(CLIError.unreadable("`\(path)`: \(String(cString: strerror(errno)))")) }
        defer { if fd != 0 { close(fd) } }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            return .failure(CLIError.unreadable("`\(path)`: it is a directory"))
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { sysRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(CLIError.unreadable("`\(path)`: \(String(cString: strerror(errno)))"))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return .success(out)
    }

    /// Streams a file (or `-`, standard input) in chunks.
    static func stream(_ path: String, _ body: (UnsafeRawBufferPointer) -> Void) -> CLIError? {
        let fd = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { return CLIError.unreadable("`\(path)`: \(String(cString: strerror(errno)))") }
        defer { if fd != 0 { close(fd) } }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        while true {
            let n = chunk.withUnsafeMutableBytes { sysRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return CLIError.unreadable("`\(path)`: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return nil }
            chunk.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}

/// A CLI-level failure with a message.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    /// The exit status it ends the command with: 2 (usage, a file that cannot be read) unless said.
    var code: Int32 = 2
    /// The stable diagnostic code, when the failure has one (`W0705`: a file that cannot be read).
    var diagnostic: Diagnostic.Code? = nil
    init(_ d: String, code: Int32 = 2, diagnostic: Diagnostic.Code? = nil) {
        description = d
        self.code = code
        self.diagnostic = diagnostic
    }

    /// A file or directory that cannot be read (`W0705`, as the REPL's `:load` reports it).
    static func unreadable(_ what: String) -> CLIError { CLIError("cannot read \(what)", diagnostic: .unreadableFile) }

    /// The line `Output.error` prints: `error[W0705]: cannot read ...`, or `error: ...` without a code.
    var errorLine: String { "error\(diagnostic.map { "[\($0.rawValue)]" } ?? ""): \(description)" }
}

/// Why a policy could not be loaded: its files could not be read (a usage error, exit status 2),
/// or it does not compile (its diagnostics were printed).
enum PolicyLoadFailure: Error {
    case unreadable
    case invalid
}

/// Compiles policy files for the commands, printing diagnostics.
enum PolicyLoader {
    /// Compiles a file; prints its diagnostics (errors and warnings) to standard error.
    static func load(_ path: String, engine: Engine = Engine()) -> Program? {
        try? loadChecked(path, engine: engine).get()
    }

    /// Compiles a file, saying why it failed; prints its diagnostics to standard error.
    static func loadChecked(_ path: String, engine: Engine = Engine()) -> Result<Program, PolicyLoadFailure> {
        switch Files.readAll(path) {
        case .failure(let e):
            Output.error(e)
            return .failure(.unreadable)
        case .success(let bytes):
            let source = SourceFile(name: path, bytes: bytes)
            do {
                let program = try engine.compile(source)
                if !program.warnings.isEmpty {
                    Output.error(program.warnings.map { $0.rendered(in: source) }.joined())
                }
                return .success(program)
            } catch {
                Output.error(error.rendered() + summary(error.diagnostics))
                return .failure(.invalid)
            }
        }
    }

    static func summary(_ d: [Diagnostic]) -> String {
        let e = d.filter { $0.severity == .error }.count
        let w = d.filter { $0.severity == .warning }.count
        var parts: [String] = []
        if e > 0 { parts.append("\(e) error\(e == 1 ? "" : "s")") }
        if w > 0 { parts.append("\(w) warning\(w == 1 ? "" : "s")") }
        return parts.isEmpty ? "" : parts.joined(separator: " and ") + " generated.\n"
    }
}
