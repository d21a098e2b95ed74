/// The severity actions, in increasing order of severity.
public enum Action: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    /// Let the app run; warn the user but let the app run; block access to corporate data; wipe
    /// the app's corporate data.
    case allow, warn, blockAccess, wipeData
    package var rank: Int {
        switch self {
        case .allow: 0
        case .warn: 1
        case .blockAccess: 2
        case .wipeData: 3
        }
    }
    /// Orders by severity: allow < warn < blockAccess < wipeData (the strongest action wins).
    public static func < (a: Action, b: Action) -> Bool { a.rank < b.rank }
}
