import IMMNotify

extension IngestError {
    /// Maps an MNS verification failure to the ingest refusal it causes.
    public init(_ failure: MNSVerificationFailure) {
        let code: Code =
            switch failure.code {
            case .missingSignatureHeaders: .missingSignatureHeaders
            case .certificateURLNotAllowed: .certificateURLNotAllowed
            case .certificateUnavailable: .certificateUnavailable
            case .badSignature: .badSignature
            case .contentMD5Mismatch: .contentMD5Mismatch
            case .staleDate: .staleDate
            case .malformedHeader: .malformedHeader
            }
        self.init(code, failure.message)
    }

    /// Maps an EventBridge verification failure to the ingest refusal it causes.
    public init(_ failure: EventBridgeVerificationFailure) {
        let code: Code =
            switch failure.code {
            case .missingCredentials: .missingCredentials
            case .badToken: .badToken
            case .staleTimestamp: .staleTimestamp
            case .certificateURLNotAllowed: .certificateURLNotAllowed
            case .certificateUnavailable: .certificateUnavailable
            case .badSignature: .badSignature
            case .notConfigured: .notConfigured
            }
        self.init(code, failure.message)
    }
}
