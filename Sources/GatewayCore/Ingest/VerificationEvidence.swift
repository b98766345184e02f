/// What proved a stored notification authentic, kept beside it for audit and later re-verification.
public struct VerificationEvidence: Sendable, Codable, Equatable {
    /// The scheme that verified it: `mns-rsa-sha1`, `eventbridge-token`, `eventbridge-v2` or both joined by `+`.
    public var method: String
    /// The certificate URL the signature named, if any.
    public var certificateURL: String?
    /// The SHA-256 fingerprint (hex) of the certificate that verified the signature, if any.
    public var certificateFingerprint: String?
    /// The body format the push used (`xml`, `json`, `simplified`, `cloudevents`).
    public var format: String

    /// Creates evidence.
    public init(method: String, certificateURL: String?, certificateFingerprint: String?, format: String) {
        self.method = method
        self.certificateURL = certificateURL
        self.certificateFingerprint = certificateFingerprint
        self.format = format
    }

    enum CodingKeys: String, CodingKey {
        case method
        case certificateURL = "certificate_url"
        case certificateFingerprint = "certificate_fingerprint"
        case format
    }
}
