import Foundation
import IMMNotify

/// A stored notification as the admin API reads it back: the parsed form plus the raw request.
public struct StoredEvent: Sendable {
    /// The event id (also the pagination key).
    public var id: Int64
    /// When the gateway received it.
    public var receivedAt: Date
    /// The relay it came through.
    public var channel: IngestChannel
    /// What proved it authentic (includes the body format).
    public var evidence: VerificationEvidence
    /// The MNS MessageId, when it came through MNS.
    public var mnsMessageId: String?
    /// The parsed form.
    public var decoded: DecodedNotification
    /// The request exactly as received.
    public var request: CapturedRequest
    /// How many times a duplicate of it was received and acknowledged.
    public var duplicateCount: Int
    /// When the last duplicate arrived.
    public var lastDuplicateAt: Date?
    /// The task the event was joined to (its TaskId, or the submission found by EventId).
    public var correlatedTaskId: String?

    /// Creates a stored event.
    public init(
        id: Int64, receivedAt: Date, channel: IngestChannel, evidence: VerificationEvidence, mnsMessageId: String?,
        decoded: DecodedNotification, request: CapturedRequest, duplicateCount: Int, lastDuplicateAt: Date?,
        correlatedTaskId: String? = nil
    ) {
        self.correlatedTaskId = correlatedTaskId
        self.id = id
        self.receivedAt = receivedAt
        self.channel = channel
        self.evidence = evidence
        self.mnsMessageId = mnsMessageId
        self.decoded = decoded
        self.request = request
        self.duplicateCount = duplicateCount
        self.lastDuplicateAt = lastDuplicateAt
    }
}

/// What a delivery carries of its event: the parsed notification, not the raw request (which the
/// dispatcher would otherwise read and decode for every delivery without using it).
public struct DeliveredEvent: Sendable {
    /// The event id.
    public var id: Int64
    /// When the gateway received it.
    public var receivedAt: Date
    /// The parsed form.
    public var decoded: DecodedNotification
    /// The task the event was joined to.
    public var correlatedTaskId: String?

    /// Creates a delivered event.
    public init(id: Int64, receivedAt: Date, decoded: DecodedNotification, correlatedTaskId: String?) {
        self.id = id
        self.receivedAt = receivedAt
        self.decoded = decoded
        self.correlatedTaskId = correlatedTaskId
    }
}

/// A recorded refusal as the admin API reads it back.
public struct StoredRejection: Sendable {
    /// The rejection id (also the pagination key).
    public var id: Int64
    /// The refusal as recorded.
    public var record: RejectionRecord

    /// Creates a stored rejection.
    public init(id: Int64, record: RejectionRecord) {
        self.id = id
        self.record = record
    }
}

/// One page of a newest-first listing.
public struct Page<Item: Sendable>: Sendable {
    /// The items, newest first.
    public var items: [Item]
    /// The cursor for the next (older) page, nil on the last page.
    public var nextCursor: Int64?

    /// Creates a page.
    public init(items: [Item], nextCursor: Int64?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Read access to stored events and rejections, for the admin API.
public protocol EventReader: Sendable {
    /// Events with ids below `before` (all when nil), newest first, at most `limit`.
    func events(limit: Int, before: Int64?) async throws -> Page<StoredEvent>
    /// One event by id.
    func event(id: Int64) async throws -> StoredEvent?
    /// Rejections with ids below `before`, newest first, at most `limit`.
    func rejections(limit: Int, before: Int64?) async throws -> Page<StoredRejection>
    /// Whether the database answers a trivial query.
    func ping() async throws
}
