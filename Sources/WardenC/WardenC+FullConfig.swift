/// `warden_decision_json_full`: the decision's JSON with every configuration key, as
/// `warden eval --config full` prints it (`warden_decision_json` lists only the keys a config block
/// or a rule's `set` gave a value).
@_cdecl("warden_decision_json_full")
public func wardenDecisionJsonFull(_ d: OpaquePointer?) -> UnsafePointer<CChar>? {
    guard let box = lookup(d, as: DecisionBox.self) else { return nil }
    return box.fullJSON()
}
