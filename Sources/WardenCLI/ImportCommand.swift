import ArgumentParser
import Warden
import WardenTools

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import Microsoft Intune (Graph) policies as Warden policy files.",
        discussion: """
            --intune reads Graph JSON: a single object, an array, a list response {"value": [...]}, or a backup \
            tool's file (ids, @odata.context and navigation properties present or absent); a directory means \
            its .json files, recursively. It reads androidManagedAppProtection (conditional launch), \
            targetedManagedAppConfiguration and androidManagedStoreAppConfiguration (Defender app \
            configuration), and writes one formatted policy file per object (--out DIR: DIR/<name>.warden; \
            else all of them on standard output), each statement with a comment naming its Graph properties. \
            Properties Warden does not model are listed on standard error (--report FILE: as JSON). A value \
            Graph would refuse, or an unknown @odata.type, is an error with the file and JSON path (exit 1, \
            nothing written). The imported files are then checked as one policy set; their findings (a \
            conflict between two imported policies, say) are printed, and do not fail the import.
            """)

    @Flag(name: .long, help: "Read Microsoft Intune's Graph JSON (the only format).")
    var intune = false

    @Option(name: .long, help: "Write one policy file per Intune object into this directory (created if missing).")
    var out: String?

    @Option(name: .long, help: "Also write the report (unmodelled properties, notes, errors) as JSON to this file.")
    var report: String?

    @Argument(help: "Graph JSON files and directories.")
    var files: [String]

    func validate() throws {
        if !intune { throw ValidationError("name the format: --intune") }
    }

    func run() throws {
        let paths: [String]
        switch IntuneFiles.jsonFiles(files) {
        case .failure(let e):
            Output.error(e)
            throw ExitCode(2)
        case .success(let p): paths = p
        }
        var docs: [(name: String, bytes: [UInt8])] = []
        for path in paths {
            switch Files.readAll(path) {
            case .failure(let e):
                Output.error(e)
                throw ExitCode(2)
            case .success(let b): docs.append((path, b))
            }
        }
        let result = IntuneImport.importDocuments(docs)
        for u in result.unmodelled { Output.error("not imported: \(u.text)") }
        for n in result.notes { Output.error("note: \(n.text)") }
        for e in result.errors { Output.error(e) }
        if let report, let e = IntuneFiles.write(report, Array((result.reportJSON.prettyText + "\n").utf8)) {
            Output.error(e)
            throw ExitCode(1)
        }
        guard result.errors.isEmpty else {
            Output.error("\(result.errors.count) error\(result.errors.count == 1 ? "" : "s"): nothing imported")
            throw ExitCode(1)
        }
        let dir = out.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        if let out, let e = IntuneFiles.makeDirectory(out) {
            Output.error(e)
            throw ExitCode(1)
        }
        var sources: [SourceFile] = []
        for p in result.policies {
            let path = (dir ?? "") + p.fileName
            sources.append(SourceFile(name: path, text: p.text))
            if dir != nil {
                if let e = IntuneFiles.write(path, Array(p.text.utf8)) {
                    Output.error(e)
                    throw ExitCode(1)
                }
                Output.line(path)
            } else {
                Output.write(p.text)
                Output.line()
            }
        }
        Output.error(
            "imported \(result.policies.count) Intune object\(result.policies.count == 1 ? "" : "s"); \(result.unmodelled.count) propert\(result.unmodelled.count == 1 ? "y" : "ies") not modelled"
        )
        // The result as one policy set: its findings are worth showing, not a failure of the import.
        guard !sources.isEmpty else { return }
        let (diagnostics, source) = Engine().diagnose(sources)
        if !diagnostics.isEmpty {
            let errors = diagnostics.filter { $0.severity == .error }.count
            Output.error(
                errors > 0
                    ? "the imported policies do not pass `warden check` (\(errors) error\(errors == 1 ? "" : "s")):"
                    : "`warden check` of the imported policies:")
            Output.error(diagnostics.map { $0.rendered(in: source) }.joined())
        }
    }
}
