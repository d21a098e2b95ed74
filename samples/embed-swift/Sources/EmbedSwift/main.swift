// Embedding Warden from Swift: compile once, evaluate the devices from 8 tasks, print the decisions
// and their explanations in the devices' order. Usage: EmbedSwift POLICY DEVICES.jsonl
import Foundation
import Warden

let args = CommandLine.arguments
guard args.count == 3, let source = try? String(contentsOfFile: args[1], encoding: .utf8),
    let devices = try? String(contentsOfFile: args[2], encoding: .utf8)
else {
    FileHandle.standardError.write(Data("usage: EmbedSwift POLICY DEVICES.jsonl\n".utf8))
    exit(2)
}

let program: Program
do { program = try Engine().compile(source, name: args[1]) } catch {
    FileHandle.standardError.write(Data(error.rendered().utf8))
    exit(1)
}
let lines = devices.split(separator: "\n").map { Array($0.utf8) }
let results = await withTaskGroup(of: [(Int, String)].self) { group in
    for task in 0..<8 {
        group.addTask {
            stride(from: task, to: lines.count, by: 8).map { i in
                let read: Result<Input.JSONDevice, Input.Error> = program.device(json: lines[i])
                switch read {
                case .failure(let e): return (i, "line \(i + 1): \(e.message)")
                case .success(let device):
                    let d = program.evaluate(device.input)
                    var text = "device \(device.idJSON ?? "?"): \(d.action.rawValue)"
                    for f: Decision.FiredRule in d.fired {
                        text += "\n  fired \"\(f.name)\"" + (f.message.map { ": \($0)" } ?? "")
                    }
                    for e: Decision.Error in d.errors { text += "\n  error: \(e.message)" }
                    return (i, text)
                }
            }
        }
    }
    var all: [(Int, String)] = []
    for await part in group { all += part }
    return all
}
for (_, text) in results.sorted(by: { $0.0 < $1.0 }) { print(text) }
