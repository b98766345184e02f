/// Why an MNS push is not authentic.
public struct MNSVerificationFailure: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The failed check.
    public enum Code: String, Sendable, Codable {
        /// `Authorization`, `x-mns-signing-cert-url` or `Date` is absent.
        case missingSignatureHeaders
        /// The certificate URL is not on the allow-list (it was not fetched).
        case certificateURLNotAllowed
        /// The certificate could not be obtained or read.
        case certificateUnavailable
        /// The RSA-SHA1 signature does not verify (or is not Base64).
        case badSignature
        /// `Content-MD5` does not match the body, or is missing for a non-empty body.
        case contentMD5Mismatch
        /// `Date` is unreadable or too far from the gateway clock.
        case staleDate
        /// A signature header cannot be decoded (e.g. the certificate URL is not Base64).
        case malformedHeader
    }

    /// The failed check.
    public let code: Code
    /// What failed, for the operator.
    public let message: String

    /// Creates a failure.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
