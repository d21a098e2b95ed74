import Warden
@_cdecl("LLVMFuzzerTestOneInput")
public func wardenFuzzEval(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { 0 }
