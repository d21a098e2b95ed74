import ArgumentParser
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Print, check or rewrite policy files in the canonical layout.",
        discussion: """
            Without a flag, prints each file formatted. --check lists the files that are not formatted and \
            exits 1 if there are any; --write rewrites them in place. Formatting changes only whitespace: \
            comments stay where they are and the result is idempotent. A file with syntax errors is left \
            untouched and its diagnostics are printed. Exit status: 0 success; 1 a file with syntax errors, not \
            formatted (--check), or that cannot be rewritten (--write); 2 a usage error or a file that cannot \
            be read.

            EXAMPLES:
              warden fmt policy.warden
              warden fmt --check policies/
              warden fmt --write policies/
              cat policy.warden | warden fmt -
            """)

    @Flag(name: .long, help: "List files that are not formatted; exit 1 if any.")
    var check = false

    @Flag(name: .long, help: "Rewrite files in place.")
    var write = false

    @Argument(help: "Policy files (.warden) and directories; - reads standard input (printing only).")
    var files: [String]

    func validate() throws {
        if check && write { throw ValidationError("--check and --write cannot be used together") }
        if write && files.contains("-") { throw ValidationError("--write cannot rewrite standard input") }
    }

    @OptionGroup var colorOption: ColorOption

    func run() throws {
        colorOption.apply()
        var failed = false
        var unreadable = false
        // A directory means its `*.warden` files, recursively, in path order.
        let paths: [String]
        switch PolicyLoader.expand(files) {
        case .failure(let e):
            Output.error(e)
            throw ExitCode(2)
        case .success(let p): paths = p
        }
        for path in paths {
            let bytes: [UInt8]
            switch Files.readAll(path) {
            case .failure(let e):
                Output.error(e)
                unreadable = true
                continue
            case .success(let b): bytes = b
            }
            let source = SourceFile(name: path, bytes: bytes)
            let formatted: String
            do {
                formatted = try PolicyFormatter.format(source)
            } catch {
                Output.error(error.rendered() + PolicyLoader.summary(error.diagnostics))
                failed = true
                continue
            }
            let changed = Array(formatted.utf8) != bytes
            if check {
                if changed {
                    Output.line(path)
                    failed = true
                }
            } else if write {
                if changed, let e = FmtCommand.replace(path, with: Array(formatted.utf8)) {
                    Output.error(e)
                    failed = true
                }
            } else {
                Output.write(formatted)
            }
        }
        if unreadable { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }

    /// Writes `bytes` to a temporary file beside `path`, then renames it over `path` (keeping its mode).
    static func replace(_ path: String, with bytes: [UInt8]) -> CLIError? {
        var st = stat()
        let mode: mode_t = stat(path, &st) == 0 ? st.st_mode & 0o7777 : 0o644
        let temp = path + ".warden-fmt.tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { return CLIError("cannot write `\(temp)`: \(String(cString: strerror(errno)))") }
        var ok = true
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count, let base = raw.baseAddress {
                let n = Glibc.write(fd, base + off, raw.count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    ok = false
                    return
                }
                off += n
            }
        }
        if close(fd) != 0 { ok = false }
        guard ok, rename(temp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp)
            return CLIError("cannot rewrite `\(path)`: \(why)")
        }
        return nil
    }
}
