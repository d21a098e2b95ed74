import ArgumentParser
import Warden
import WardenTools

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a policy set as Microsoft Intune (Graph beta) request bodies.",
        discussion: """
            --intune writes one Graph body per Intune object: each file's exportable rules become an \
            androidManagedAppProtection, each config block a targetedManagedAppConfiguration (managedApps \
            route) or androidManagedStoreAppConfiguration (managedDevices route). With --out DIR each body is \
            written to DIR/<name>.<type>.json; without it, one JSON document {"value": [...]} goes to standard \
            output. Rules with no exact Graph equivalent are left out and listed on standard error with \
            file:line and the reason (--report FILE writes the list as JSON); --strict exits 1 when anything \
            is left out. A value Graph would refuse is an error (exit 1).
            Exportable rule shapes (V a constant; the action decides the property where there are tiers): \
            threatLevel > V (block/wipe); osVersion, appVersion, companyPortalVersion < V (warn/block) or <= V \
            (wipe); osVersion > V; patchLevel < date (warn/block) or <= date (wipe); companyPortalAgeDays > N; \
            offlineMinutes > N (block/wipe); pinAttempts >= N; rooted; accountDisabled; !knoxAttested; \
            !threatScanEnabled; playIntegrity < basic|device|strong; deviceLock == none, deviceLock < \
            low|medium|high; !(manufacturer in [...]); !(model in [...]); each optionally with appId in [...] \
            and "G" in groups (the same in every exported rule of a file).
            """)

    @Flag(name: .long, help: "Export to Microsoft Intune's Graph JSON (the only format).")
    var intune = false

    @Option(name: .long, help: "Write one file per Graph object into this directory (created if missing).")
    var out: String?

    @Option(name: .long, help: "Also write the report (omitted rules, notes, errors) as JSON to this file.")
    var report: String?

    @Flag(name: .long, help: "Exit 1 when any rule or setting is left out.")
    var strict = false

    @Argument(help: "Policy files (.warden) and directories: one policy set.")
    var policies: [String]

    func validate() throws {
        if !intune { throw ValidationError("name the format: --intune") }
    }

    func run() throws {
        let paths: [String]
        switch PolicyLoader.expand(policies) {
        case .failure(let e):
            Output.error(e)
            throw ExitCode(2)
        case .success(let p): paths = p
        }
        var sources: [SourceFile] = []
        for path in paths {
            switch Files.readAll(path) {
            case .failure(let e):
                Output.error(e)
                throw ExitCode(2)
            case .success(let b): sources.append(SourceFile(name: path, bytes: b))
            }
        }
        let result: IntuneExportResult
        do {
            result = try IntuneExport.export(sources)
        } catch {
            Output.error(error.rendered() + PolicyLoader.summary(error.diagnostics))
            throw ExitCode(1)
        }
        for o in result.omissions { Output.error("left out: \(o.text)") }
        for n in result.notes { Output.error("note: \(n.text)") }
        for e in result.errors { Output.error(e) }
        if let report, let e = IntuneFiles.write(report, Array((result.reportJSON.prettyText + "\n").utf8)) {
            Output.error(e)
            throw ExitCode(1)
        }
        guard result.errors.isEmpty else { throw ExitCode(1) }
        if let out {
            if let e = IntuneFiles.makeDirectory(out) {
                Output.error(e)
                throw ExitCode(1)
            }
            for o in result.objects {
                let path = (out.hasSuffix("/") ? out : out + "/") + o.fileName
                if let e = IntuneFiles.write(path, Array((o.body.prettyText + "\n").utf8)) {
                    Output.error(e)
                    throw ExitCode(1)
                }
                Output.line(path)
            }
        } else {
            let doc: JSONValue = .object([("value", .array(result.objects.map(\.body)))])
            Output.line(doc.prettyText)
        }
        let n = result.omissions.count
        Output.error(
            "exported \(result.objects.count) Intune object\(result.objects.count == 1 ? "" : "s"); \(n) rule\(n == 1 ? "" : "s") or setting\(n == 1 ? "" : "s") left out"
        )
        if strict && n > 0 { throw ExitCode(1) }
    }
}

/// Writing the export's and import's files.
enum IntuneFiles {
    static func write(_ path: String, _ bytes: [UInt8]) -> CLIError? { FmtCommand.replace(path, with: bytes) }

    static func makeDirectory(_ path: String) -> CLIError? {
        var st = stat()
        if stat(path, &st) == 0 {
            return (st.st_mode & S_IFMT) == S_IFDIR ? nil : CLIError("`\(path)` exists and is not a directory")
        }
        guard mkdir(path, 0o755) == 0 else {
            return CLIError("cannot create the directory `\(path)`: \(String(cString: strerror(errno)))")
        }
        return nil
    }

    /// The `.json` files a directory holds (recursively, sorted; hidden entries skipped), or the path itself.
    static func jsonFiles(_ paths: [String]) -> Result<[String], CLIError> {
        PolicyLoader.expand(paths, suffix: ".json", what: "files")
    }
}
