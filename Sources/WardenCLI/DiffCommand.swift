import ArgumentParser
import Warden
import WardenTools

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show which devices change decision between two versions of a policy (set).",
        discussion: """
            OLD and NEW are each a policy file or a directory (a policy set). Prints the classes of \
            devices whose decision changes (`allow → blockAccess`) as conditions over facts, each with \
            an example device, and the configuration keys whose effective value changes per scope. \
            With --facts, also evaluates every device of the file with both and lists those that change. \
            Exit status 0 when nothing changes, 1 when something does, 2 on a usage error or a policy \
            that does not compile.
            """)

    @Argument(help: "The old policy: a file or a directory.")
    var old: String

    @Argument(help: "The new policy: a file or a directory.")
    var new: String

    @Option(name: .long, help: "Device facts (JSON Lines, or a .json document): count the devices that change.")
    var facts: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @OptionGroup(title: "Limits") var limitOptions: LimitOptions

    func run() throws {
        let engine = limitOptions.engine
        guard let a = PolicyLoader.loadSet([old], engine: engine), let b = PolicyLoader.loadSet([new], engine: engine)
        else { throw ExitCode(2) }
        let differ = PolicyDiffer(old: a, new: b)
        var report = differ.run()
        if let facts {
            guard let devices = Self.readDevices(facts, a) else { throw ExitCode(2) }
            report.devicesRead = devices.count
            report.deviceChanges = differ.deviceChanges(devices)
        }
        Output.write(format == .json ? report.json() : report.text())
        if report.changes { throw ExitCode(1) }
    }

    /// The devices of a facts file, with their ids (the `id` field, else the line number).
    static func readDevices(_ path: String, _ program: Program) -> [(id: String, input: Input)]? {
        let bytes: [UInt8]
        switch Files.readAll(path) {
        case .failure(let e):
            Output.error(e)
            return nil
        case .success(let b): bytes = b
        }
        var out: [(id: String, input: Input)] = []
        var bad: [String] = []
        func take(_ n: Int, _ line: DeviceLine) {
            switch line {
            case .device(let d): out.append((d.idJSON ?? "#\(n)", d.input))
            case .invalid(let e): bad.append("\(path):\(n): \(e.message)")
            }
        }
        if path.hasSuffix(".json") {
            switch program.devices(jsonDocument: bytes) {
            case .failure(let e):
                Output.error("error: \(path): \(e.message)")
                return nil
            case .success(let lines):
                for (i, l) in lines.enumerated() { take(i + 1, l) }
            }
        } else {
            var stream = DeviceStream(program: program)
            bytes.withUnsafeBytes { raw in stream.feed(raw) { take($0, $1) } }
            stream.finish { take($0, $1) }
        }
        for b in bad { Output.error("error: \(b)") }
        return bad.isEmpty ? out : nil
    }
}
