// libFuzzer target (c): expression evaluation on arbitrary expressions, as `warden expr` does it:
// typed mode (`Engine.compileExpression`, alone and with a policy's `let`s as context), evaluated
// with no facts and with a typical device; and plain CEL (`CELMode.run`) with and without bindings.
import Warden
import WardenTools

@_cdecl("LLVMFuzzerTestOneInput")
public func wardenFuzzExpr(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzExpr.run(bytes)
    return 0
}

enum FuzzExpr {
    static let engine = Engine()
    static let context = try? engine.compile(
        """
        let minimumOs = version("11.0")
        let trusted = ["samsung", "google"]
        let risky = threatLevel >= medium || rooted
        rule "r" when risky then warn
        """, name: "context.warden")
    static let device: Input? = {
        guard case .success(let d) = engine.schema.device(json: Array(deviceText.utf8)) else { return nil }
        return d.input
    }()
    static let bindings = Array(
        #"{"x":{"int":"5"},"u":{"uint":"7"},"d":{"double":"2.5"},"s":{"string":"héllo"},"b":{"bool":true},"n":{"null":null}}"#
            .utf8)

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for ctx in [nil, context] {
            do {
                let e = try engine.compileExpression(text, context: ctx)
                _ = e.evaluate(engine.schema.emptyInput()).map(\.display)
                if let device { _ = e.evaluate(device).map(\.typedJSON) }
            } catch {
                _ = error.rendered()
            }
        }
        _ = CELMode.run(expression: text, bindingsJSON: nil, json: true)
        _ = CELMode.run(expression: text, bindingsJSON: bindings, json: false)
    }

    static let deviceText = """
        {"threatLevel":"medium","defenderActive":true,"rooted":false,"osVersion":"14.0.1",\
        "patchLevel":"2024-06-05","manufacturer":"google","model":"Pixel 8","management":"unmanaged",\
        "playIntegrity":"strong","deviceLock":"high","appId":"com.microsoft.office.outlook",\
        "offlineMinutes":5,"pinAttempts":0,"accountDisabled":false,"tags":["BYOD","x"],"groups":["Sales"],\
        "companyPortalVersion":"5.0.6100.0","companyPortalAgeDays":30,"today":"2024-07-01"}
        """
}
