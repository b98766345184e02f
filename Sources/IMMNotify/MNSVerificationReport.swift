/// Each check of an MNS push and its result; nil means the check was not reached.
public struct MNSVerificationReport: Sendable, Equatable, Codable {
    /// The decoded certificate URL (as the push named it).
    public var certificateURL: String?
    /// Whether the URL passed the allow-list.
    public var certificateURLAllowed: Bool?
    /// The SHA-256 fingerprint of the certificate used.
    public var certificateFingerprint: String?
    /// Whether the RSA-SHA1 signature verified.
    public var signatureValid: Bool?
    /// Whether Content-MD5 matched the body.
    public var contentMD5Valid: Bool?
    /// Whether Date was within the allowed skew.
    public var dateWithinWindow: Bool?
    /// The first failure in pipeline order.
    public var failure: MNSVerificationFailure?

    /// Creates an empty report.
    public init() {}

    /// True only when every check ran and passed.
    public var authentic: Bool {
        failure == nil && certificateURLAllowed == true && signatureValid == true && contentMD5Valid == true
            && dateWithinWindow == true
    }

    /// Records `code` as the failure unless an earlier step already failed.
    mutating func fail(_ code: MNSVerificationFailure.Code, _ message: String) {
        if failure == nil { failure = MNSVerificationFailure(code, message) }
    }
}
