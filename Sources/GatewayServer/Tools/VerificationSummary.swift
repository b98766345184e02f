import Foundation
import GatewayCore
import IMMNotify

/// What `imm-gateway verify` prints: every verification step plus what the body says.
public struct VerificationSummary: Encodable, Sendable {
    /// See the JSON key of the same meaning.
    public let format: String?
    /// See the JSON key of the same meaning.
    public let certificateURL: String?
    /// See the JSON key of the same meaning.
    public let certificateURLAllowed: Bool?
    /// See the JSON key of the same meaning.
    public let certificateFingerprint: String?
    /// See the JSON key of the same meaning.
    public let signatureValid: Bool?
    /// See the JSON key of the same meaning.
    public let contentMD5Valid: Bool?
    /// See the JSON key of the same meaning.
    public let dateWithinWindow: Bool?
    /// See the JSON key of the same meaning.
    public let authentic: Bool
    /// See the JSON key of the same meaning.
    public let failure: Failure?
    /// See the JSON key of the same meaning.
    public let messageId: String?
    /// See the JSON key of the same meaning.
    public let eventId: String?
    /// See the JSON key of the same meaning.
    public let taskId: String?
    /// See the JSON key of the same meaning.
    public let status: String?
    /// See the JSON key of the same meaning.
    public let decodeState: String?

    /// The first failed check.
    public struct Failure: Encodable, Sendable {
        /// The reason code, as the gateway would answer it.
        public let code: String
        /// What failed.
        public let message: String
    }

    /// Summarizes a verification report and the request it covered.
    public init(report: MNSVerificationReport, request: CapturedRequest) {
        certificateURL = report.certificateURL
        certificateURLAllowed = report.certificateURLAllowed
        certificateFingerprint = report.certificateFingerprint
        signatureValid = report.signatureValid
        contentMD5Valid = report.contentMD5Valid
        dateWithinWindow = report.dateWithinWindow
        authentic = report.authentic
        failure = report.failure.map { Failure(code: IngestError($0).code.rawValue, message: $0.message) }
        if let push = try? MNSPush.parse(body: request.body) {
            let decoded = NotificationDecoder.decode(push)
            format = push.format.rawValue
            messageId = push.messageId ?? request.header("x-mns-message-id")
            eventId = decoded.messageId
            taskId = decoded.taskId
            status = decoded.content?.status
            decodeState = decoded.state.rawValue
        } else {
            format = nil
            messageId = request.header("x-mns-message-id")
            eventId = nil
            taskId = nil
            status = nil
            decodeState = nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, authentic, failure, status
        case certificateURL = "certificate_url"
        case certificateURLAllowed = "certificate_url_allowed"
        case certificateFingerprint = "certificate_fingerprint"
        case signatureValid = "signature_valid"
        case contentMD5Valid = "content_md5_valid"
        case dateWithinWindow = "date_within_window"
        case messageId = "message_id"
        case eventId = "event_id"
        case taskId = "task_id"
        case decodeState = "decode_state"
    }

    /// Encodes every key, with `null` for checks that were not reached, so scripts can rely on the shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(certificateURL, forKey: .certificateURL)
        try container.encode(certificateURLAllowed, forKey: .certificateURLAllowed)
        try container.encode(certificateFingerprint, forKey: .certificateFingerprint)
        try container.encode(signatureValid, forKey: .signatureValid)
        try container.encode(contentMD5Valid, forKey: .contentMD5Valid)
        try container.encode(dateWithinWindow, forKey: .dateWithinWindow)
        try container.encode(authentic, forKey: .authentic)
        try container.encode(failure, forKey: .failure)
        try container.encode(messageId, forKey: .messageId)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(taskId, forKey: .taskId)
        try container.encode(status, forKey: .status)
        try container.encode(decodeState, forKey: .decodeState)
    }

    /// One pretty-printed JSON object.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The human step list.
    public func text(now: Date, maxSkew: Int) -> String {
        func mark(_ value: Bool?, _ yes: String, _ no: String) -> String {
            switch value {
            case .some(true): "ok    \(yes)"
            case .some(false): "FAIL  \(no)"
            case .none: "--    not checked"
            }
        }
        var lines: [String] = []
        lines.append("format              \(format ?? "unreadable body")")
        lines.append(
            "certificate URL     \(mark(certificateURLAllowed, certificateURL ?? "", "\(certificateURL ?? "missing") is not allowed"))"
        )
        if let certificateFingerprint { lines.append("certificate         sha256 \(certificateFingerprint)") }
        lines.append("signature           \(mark(signatureValid, "RSA-SHA1 valid", "RSA-SHA1 does not verify"))")
        lines.append("Content-MD5         \(mark(contentMD5Valid, "matches the body", "does not match the body"))")
        lines.append(
            "Date window         \(mark(dateWithinWindow, "within ±\(maxSkew) s", "outside ±\(maxSkew) s of \(now)"))")
        lines.append("message id          \(messageId ?? "-")")
        lines.append("event id            \(eventId ?? "-")")
        lines.append("TaskId              \(taskId ?? "-")")
        lines.append("Status              \(status ?? "-")")
        if let failure { lines.append("first failure       \(failure.code): \(failure.message)") }
        lines.append("result              \(authentic ? "AUTHENTIC" : "NOT AUTHENTIC")")
        return lines.joined(separator: "\n")
    }
}
