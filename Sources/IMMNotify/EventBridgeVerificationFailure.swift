/// Why an EventBridge request is not authentic.
public struct EventBridgeVerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failed check.
    public enum Code: String, Sendable {
        /// A required credential header (token or V2 signature headers) is absent.
        case missingCredentials
        /// `x-eventbridge-signature-token` does not equal the configured token.
        case badToken
        /// `x-eventbridge-signature-timestamp` is unreadable or too far from the gateway clock.
        case staleTimestamp
        /// `x-eventbridge-signature-url` is not on the allow-list (it was not fetched).
        case certificateURLNotAllowed
        /// The certificate could not be obtained or read.
        case certificateUnavailable
        /// The V2 signature, or its hash method, is wrong.
        case badSignature
        /// Neither a token nor a target URL is configured, so nothing can be accepted.
        case notConfigured
    }

    /// The failed check.
    public let code: Code
    /// What failed.
    public let message: String

    /// Creates a failure.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
