import Foundation
import IMMNotify

/// Everything stored for one accepted notification, committed in one transaction before the 2xx.
public struct NotificationRecord: Sendable {
    /// When the gateway received it.
    public var receivedAt: Date
    /// The relay it came through.
    public var channel: IngestChannel
    /// The MNS `MessageId` (from the body or the `x-mns-message-id` header), a dedup key.
    public var mnsMessageId: String?
    /// The request exactly as received: method, target, headers and body bytes.
    public var request: CapturedRequest
    /// What proved it authentic.
    public var evidence: VerificationEvidence
    /// The parsed form.
    public var decoded: DecodedNotification

    /// Creates a record.
    public init(
        receivedAt: Date, channel: IngestChannel, mnsMessageId: String?, request: CapturedRequest,
        evidence: VerificationEvidence, decoded: DecodedNotification
    ) {
        self.receivedAt = receivedAt
        self.channel = channel
        self.mnsMessageId = mnsMessageId
        self.request = request
        self.evidence = evidence
        self.decoded = decoded
    }
}
