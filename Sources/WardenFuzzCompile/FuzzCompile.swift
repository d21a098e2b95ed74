// libFuzzer target (a): lexer + parser + checker on arbitrary bytes, then one evaluation of
// whatever compiled. Built by Fuzz/run.sh with `--sanitize fuzzer -Xswiftc -sanitize=fuzzer,address`;
// a plain `swift build` builds it as a do-nothing executable.
import Warden
import WardenTools

@_cdecl("LLVMFuzzerTestOneInput")
public func wardenFuzzCompile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzCompile.run(bytes)
    return 0
}

enum FuzzCompile {
    /// The same entry points as the regression tests use (HostileInputTests).
    static func run(_ bytes: [UInt8]) {
        let source = SourceFile(name: "fuzz.warden", bytes: bytes)
        do {
            let program = try Engine().compile(source)
            // Evaluate once with no facts (every fact missing) and once with a typical device.
            _ = program.evaluate(program.input([:]))
            if case .success(let d) = program.device(json: Array(FuzzCompile.device.utf8)) {
                _ = program.evaluate(d.input)
            }
        } catch {
            _ = error.rendered()
        }
        // The formatter on the same bytes: it must never refuse its own layout, and must be idempotent.
        if case .success(let once) = Result(catching: { () throws(CompileError) in try PolicyFormatter.format(source) })
        {
            switch Result(catching: { () throws(CompileError) in try PolicyFormatter.format(once, name: "fuzz.warden") }
            ) {
            case .success(let twice):
                if twice != once { fatalError("fmt is not idempotent") }
            case .failure(let e):
                fatalError("fmt output does not format again: \(e.rendered())")
            }
        } else if case .failure(let e) = Result(catching: { () throws(CompileError) in
            try PolicyFormatter.format(source)
        }),
            e.diagnostics.contains(where: { $0.message.hasPrefix("internal formatter error") })
        {
            fatalError("fmt: \(e.diagnostics[0].message)")
        }
    }

    static let device = """
        {"id":1,"threatLevel":"medium","defenderActive":true,"rooted":false,"osVersion":"14.0.1",\
        "patchLevel":"2024-06-05","manufacturer":"google","model":"Pixel 8","management":"unmanaged",\
        "playIntegrity":"strong","deviceLock":"high","appId":"com.microsoft.office.outlook",\
        "offlineMinutes":5,"pinAttempts":0,"accountDisabled":false,"tags":["BYOD"],"groups":["Sales"],\
        "companyPortalVersion":"5.0.6100.0","companyPortalAgeDays":30,"today":"2024-07-01"}
        """
}
