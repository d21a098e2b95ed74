// libFuzzer target (c): typed expression evaluation on arbitrary expressions. The library has no
// public typed-expression entry point yet, so the expression is checked and evaluated as a `let`
// used by a rule (the same checker and evaluator `warden expr` uses), with no facts and with a
// typical device.
import Warden

@_cdecl("LLVMFuzzerTestOneInput")
public func wardenFuzzExpr(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzExpr.run(bytes)
    return 0
}

enum FuzzExpr {
    static let prefix = Array("let fuzzValue = (\n".utf8)
    static let suffix = Array("\n)\nrule \"fuzz\" when fuzzValue == fuzzValue then warn\n".utf8)

    static func run(_ bytes: [UInt8]) {
        let source = SourceFile(name: "fuzz-expr.warden", bytes: prefix + bytes + suffix)
        do {
            let program = try Engine().compile(source)
            _ = program.evaluate(program.input([:]))
            if case .success(let d) = program.device(json: Array(device.utf8)) {
                _ = program.evaluate(d.input)
            }
        } catch {
            _ = error.rendered()
        }
    }

    static let device = """
        {"threatLevel":"medium","defenderActive":true,"rooted":false,"osVersion":"14.0.1",\
        "patchLevel":"2024-06-05","manufacturer":"google","model":"Pixel 8","management":"unmanaged",\
        "playIntegrity":"strong","deviceLock":"high","appId":"com.microsoft.office.outlook",\
        "offlineMinutes":5,"pinAttempts":0,"accountDisabled":false,"tags":["BYOD","x"],"groups":["Sales"],\
        "companyPortalVersion":"5.0.6100.0","companyPortalAgeDays":30,"today":"2024-07-01"}
        """
}
