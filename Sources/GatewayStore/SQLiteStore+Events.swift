import Foundation
import GRDB
import GatewayCore
import IMMNotify

extension SQLiteStore: EventReader {
    /// Events newest first, paginated by id.
    public func events(limit: Int, before: Int64?) async throws -> Page<StoredEvent> {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM event WHERE id < ? ORDER BY id DESC LIMIT ?"),
                arguments: [before ?? Int64.max, limit + 1])
            let items = try rows.prefix(limit).map(Self.event(from:))
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    /// One event by id.
    public func event(id: Int64) async throws -> StoredEvent? {
        try await writer.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM event WHERE id = ?"), arguments: [id]).map(
                Self.event(from:))
        }
    }

    /// Rejections newest first, paginated by id.
    public func rejections(limit: Int, before: Int64?) async throws -> Page<StoredRejection> {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM rejection WHERE id < ? ORDER BY id DESC LIMIT ?"),
                arguments: [before ?? Int64.max, limit + 1])
            let items = try rows.prefix(limit).map(Self.rejection(from:))
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    /// Runs a trivial query.
    public func ping() async throws {
        _ = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    static func request(from row: Row) throws -> CapturedRequest {
        let body: Data = row["requestBody"] ?? Data()
        return CapturedRequest(
            method: row["requestMethod"], target: row["requestTarget"],
            headers: try decodeJSON([CapturedRequest.Header].self, row["requestHeaders"]), body: Array(body))
    }

    /// The parsed notification of an event row (needs only the columns `deliveredEventColumns` names).
    static func decoded(from row: Row) throws -> DecodedNotification {
        var decoded = unparsedDecoded(from: row)
        decoded.content = try storedContent(parsed: row["parsedContent"], text: decoded.contentText)
        return decoded
    }

    /// The notification of an event row with its content not parsed yet (nil).
    private static func unparsedDecoded(from row: Row) -> DecodedNotification {
        DecodedNotification(
            source: row["source"], messageId: row["messageId"], type: row["type"], subject: row["subject"],
            eventTime: row["eventTime"], content: nil, contentText: row["contentText"],
            state: DecodeState(rawValue: row["decodeState"]) ?? .undecodable, decodeError: row["decodeError"])
    }

    /// The event columns a delivery needs: no raw request, no evidence.
    static let deliveredEventColumns = """
        id, receivedAt, source, messageId, type, subject, eventTime, parsedContent, contentText, decodeState,
        decodeError, correlatedTaskId
        """

    /// A delivered event read from `row` with its content not parsed yet, and the `parsedContent`
    /// column: `storedContent(parsed:text:)` completes it, outside the transaction that read it.
    static func unparsedDeliveredEvent(from row: Row) -> (event: DeliveredEvent, parsedContent: String?) {
        let event = DeliveredEvent(
            id: row["id"], receivedAt: Date(millisecondsSince1970: row["receivedAt"]),
            decoded: unparsedDecoded(from: row), correlatedTaskId: row["correlatedTaskId"])
        return (event, row["parsedContent"])
    }

    static func event(from row: Row) throws -> StoredEvent {
        let decoded = try decoded(from: row)
        let lastDuplicate: Int64? = row["lastDuplicateAt"]
        return StoredEvent(
            id: row["id"], receivedAt: Date(millisecondsSince1970: row["receivedAt"]),
            channel: IngestChannel(rawValue: row["channel"]) ?? .mns,
            evidence: try decodeJSON(VerificationEvidence.self, row["evidence"]), mnsMessageId: row["mnsMessageId"],
            decoded: decoded, request: try request(from: row), duplicateCount: row["duplicateCount"],
            lastDuplicateAt: lastDuplicate.map(Date.init(millisecondsSince1970:)),
            correlatedTaskId: row["correlatedTaskId"])
    }

    static func rejection(from row: Row) throws -> StoredRejection {
        let record = RejectionRecord(
            receivedAt: Date(millisecondsSince1970: row["receivedAt"]),
            channel: IngestChannel(rawValue: row["channel"]) ?? .mns, httpStatus: row["httpStatus"],
            reason: row["reason"], message: row["message"], request: try request(from: row), bodySize: row["bodySize"])
        return StoredRejection(id: row["id"], record: record)
    }
}
