/// The result of verifying an EventBridge request.
public struct EventBridgeVerificationReport: Sendable, Equatable {
    /// The schemes that verified it: `eventbridge-token`, `eventbridge-v2`, joined by `+`.
    public var method: String = ""
    /// The V2 certificate URL, when checked.
    public var certificateURL: String?
    /// The fingerprint of the V2 certificate used.
    public var certificateFingerprint: String?
    /// The first failure.
    public var failure: EventBridgeVerificationFailure?

    /// Creates an empty report.
    public init() {}

    /// Whether it is authentic.
    public var authentic: Bool { failure == nil && !method.isEmpty }
}
