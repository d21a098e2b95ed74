extension ErrorCode {
    /// The code of an evaluation error of this kind.
    public init(_ kind: Value.Error.Kind) {
        switch kind {
        case .missingFact: self = .missingFact
        case .malformedFact: self = .malformedFact
        case .noSuchOverload: self = .noSuchOverload
        case .overflow: self = .overflow
        case .divisionByZero: self = .divisionByZero
        case .conversion: self = .conversion
        case .noSuchKey: self = .noSuchKey
        case .indexOutOfRange: self = .indexOutOfRange
        case .invalidArgument: self = .invalidArgument
        case .limitExceeded: self = .limitExceeded
        case .noSuchVariable: self = .noSuchVariable
        case .noSuchField: self = .noSuchFieldAtRunTime
        case .custom: self = .hostFailure
        case .hostResultType: self = .hostResultType
        }
    }
}
