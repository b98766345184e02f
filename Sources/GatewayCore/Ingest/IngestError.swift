/// Why the gateway refused a notification. Only the HTTP layer turns it into a response; the status
/// each code maps to is part of the contract with MNS and EventBridge (4xx: do not bother, 503: retry).
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason codes, as they appear in error bodies, logs, metrics and the rejections table.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case missingSignatureHeaders = "missing_signature_headers"
        case missingCredentials = "missing_credentials"
        case certificateURLNotAllowed = "certificate_url_not_allowed"
        case badSignature = "bad_signature"
        case contentMD5Mismatch = "content_md5_mismatch"
        case staleDate = "stale_date"
        case malformedHeader = "malformed_header"
        case badToken = "bad_token"
        case staleTimestamp = "stale_timestamp"
        case notConfigured = "endpoint_not_configured"
        case payloadTooLarge = "payload_too_large"
        case headersTooLarge = "headers_too_large"
        case certificateUnavailable = "certificate_unavailable"
        case storeUnavailable = "store_unavailable"
    }

    /// The reason code.
    public let code: Code
    /// A message for the operator; never contains secrets.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The HTTP status this refusal is answered with.
    public var httpStatus: Int {
        switch code {
        case .missingSignatureHeaders, .missingCredentials: 401
        case .certificateURLNotAllowed, .badSignature, .contentMD5Mismatch, .staleDate, .malformedHeader, .badToken,
            .staleTimestamp, .notConfigured:
            403
        case .payloadTooLarge: 413
        case .headersTooLarge: 431
        case .certificateUnavailable, .storeUnavailable: 503
        }
    }

    /// Whether the sender should retry: true for temporary failures on our side.
    public var isRetryable: Bool { httpStatus == 503 }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The store could not commit; the sender must retry.
    public static var storeUnavailable: IngestError {
        IngestError(.storeUnavailable, "the notification could not be stored durably, retry later")
    }

    /// The request head is over the configured size or field count.
    public static func headersTooLarge(_ detail: String) -> IngestError {
        IngestError(.headersTooLarge, "request headers \(detail)")
    }

    /// The body is over the configured limit.
    public static func payloadTooLarge(limit: Int) -> IngestError {
        IngestError(.payloadTooLarge, "request body exceeds \(limit) bytes")
    }
}
