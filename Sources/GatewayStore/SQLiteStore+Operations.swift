import Foundation
import GRDB
import GatewayCore
import IMMNotify

extension SQLiteStore {
    /// Stored events in a decode state, after `cursor`, oldest first (for reprocessing).
    public func events(decodeState: DecodeState, after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM event WHERE decodeState = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [decodeState.rawValue, cursor, limit]
            ).map(Self.event(from:))
        }
    }

    /// Replaces an event's parsed form after re-decoding its stored raw request, joins it to its task
    /// if it was not, and (with `fanOut`) creates its deliveries through the ingest path. The raw
    /// request and the verification evidence are untouched. Returns the deliveries created.
    public func updateDecoded(eventId: Int64, decoded: DecodedNotification, fanOut: Bool, at now: Date) async throws
        -> Int
    {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM event WHERE id = ?", arguments: [eventId]) else {
                throw ReplayError.notFound("no event \(eventId)")
            }
            // Envelope ids are not unique (IMM may reuse one for several messages of a task).
            let messageId = decoded.messageId
            let content = decoded.content
            try db.execute(
                sql: """
                    UPDATE event SET source = ?, messageId = ?, type = ?, subject = ?, eventTime = ?, taskId = ?,
                        taskType = ?, status = ?, projectName = ?, datasetName = ?, decodeState = ?, decodeError = ?,
                        contentText = ?, parsedContent = ?, revision = ?
                    WHERE id = ?
                    """,
                arguments: [
                    decoded.source ?? "", messageId, decoded.type, decoded.subject, decoded.eventTime, decoded.taskId,
                    content?.taskType, content?.status, content?.projectName, content?.datasetName,
                    decoded.state.rawValue, decoded.decodeError, decoded.contentText, String?.none,
                    Self.revisionSuffix(decoded.contentText), eventId,
                ])
            var taskId: String? = row["correlatedTaskId"]
            if let previous = taskId {
                // Already joined (an undecodable event finds its task by EventId, or by a TaskId an
                // older version read): its task is folded again with the content it now has, or,
                // when that content names a task with a better claim (a TaskId outranks an EventId),
                // the event moves there and the task it leaves is folded again.
                let nowMs = now.millisecondsSince1970
                let target = try Self.correlatedTaskId(decoded, db) ?? previous
                if target != previous,
                    let fresh = try Row.fetchOne(
                        db, sql: "SELECT \(Self.movedEventColumns) FROM event WHERE id = ?", arguments: [eventId])
                {
                    _ = try Self.move(event: fresh, to: target, at: nowMs, db)
                    taskId = target
                }
                try Self.refold(taskId: previous, at: nowMs, db)
            } else {
                let record = NotificationRecord(
                    receivedAt: Date(millisecondsSince1970: row["receivedAt"]),
                    channel: IngestChannel(rawValue: row["channel"]) ?? .mns, mnsMessageId: row["mnsMessageId"],
                    request: try Self.request(from: row),
                    evidence: try decodeJSON(VerificationEvidence.self, row["evidence"]), decoded: decoded)
                taskId = try Self.correlate(eventId: eventId, record: record, db)
            }
            guard fanOut else { return 0 }
            // A new webhook-id: the payload is not the one sent before under the event's id, and a
            // receiver deduplicating by webhook-id would drop the decoded version as a repeat.
            return try Self.createDeliveries(
                eventId: eventId, taskId: taskId, decoded: decoded, at: now, enabledOnly: true, redrive: true, db)
        }
    }

    /// `_r` + 8 hex digits of FNV-1a over the content: the same re-decoded content gives the same id.
    static func revisionSuffix(_ content: String?) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (content ?? "").utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash >> 32, radix: 16)
        return "_r" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// A consistent copy of the database at `path`, taken while the gateway keeps serving: `VACUUM
    /// INTO` on a separate read-only connection, so writers are never blocked (WAL readers do not
    /// block writers). Refuses to overwrite an existing file.
    public func backup(to path: String) async throws -> Int64 {
        guard let source = self.path else {
            throw ReplayError(description: "an in-memory database cannot be backed up")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ReplayError(description: "\(path) already exists; choose a new file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let reader = try DatabaseQueue(path: source, configuration: configuration)
        try await reader.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        try reader.close()
        // Owner only, like the database it copies: it holds every push's raw request.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Deletes, in one small batch, rows past their retention: attempts started before
    /// `attemptsBefore`, rejections received before `rejectionsBefore` or beyond the newest
    /// `rejectionsMax`. Returns how many rows went; call again until it returns 0. Events go through
    /// `purgeEvents`.
    public func purge(attemptsBefore: Date?, rejectionsBefore: Date?, rejectionsMax: Int?, batch: Int) async throws
        -> Int
    {
        try await writer.write { db in
            var deleted = 0
            if let attemptsBefore {
                try db.execute(
                    sql: "DELETE FROM attempt WHERE id IN (SELECT id FROM attempt WHERE startedAt < ? LIMIT ?)",
                    arguments: [attemptsBefore.millisecondsSince1970, batch])
                deleted += db.changesCount
            }
            if let rejectionsBefore {
                try db.execute(
                    sql: "DELETE FROM rejection WHERE id IN (SELECT id FROM rejection WHERE receivedAt < ? LIMIT ?)",
                    arguments: [rejectionsBefore.millisecondsSince1970, batch])
                deleted += db.changesCount
            }
            // Ids only grow (AUTOINCREMENT) and the sweep deletes the oldest first, so the newest
            // `rejectionsMax` are those above MAX(id) - rejectionsMax: a lookup, where OFFSET walked
            // the whole table inside the write transaction, once per batch (170 ms at 120,000 rows).
            if let rejectionsMax {
                try db.execute(
                    sql: """
                        DELETE FROM rejection WHERE id IN (
                            SELECT id FROM rejection WHERE id <= (SELECT MAX(id) FROM rejection) - ? LIMIT ?)
                        """,
                    arguments: [rejectionsMax, batch])
                deleted += db.changesCount
            }
            return deleted
        }
    }

    /// The retention sweep's look at up to `batch` events after `cursor`, in id order: each one
    /// received before `before` goes (with its deliveries and attempts) unless a task's results
    /// came from it, faces were read from it, or a delivery of it is unfinished or dead (a dead
    /// letter is kept, visible and redrivable, until it is redriven or its hook removed).
    public static let purgeableEventsSQL = """
        SELECT id, receivedAt < ? AS old,
            receivedAt < ?
                AND NOT EXISTS (SELECT 1 FROM task WHERE resultEventId = event.id)
                AND NOT EXISTS (SELECT 1 FROM face WHERE eventId = event.id)
                AND NOT EXISTS (SELECT 1 FROM delivery WHERE delivery.eventId = event.id
                    AND delivery.status IN ('pending', 'failed', 'in_flight', 'paused', 'dead')) AS purgeable
        FROM event WHERE id > ? ORDER BY id LIMIT ?
        """

    /// One batch of the event retention sweep: looks at `batch` events after `cursor` and deletes
    /// those past retention (see `purgeableEventsSQL`). Returns how many went and where the next batch
    /// starts, nil once a whole batch was newer than `before` (or there was nothing left).
    ///
    /// Each batch costs its own size whatever the table holds: events kept for good (results) are
    /// walked past once per sweep, not again by every batch (a query for "the oldest purgeable
    /// events" re-read them all each time, and listed every task's result event to exclude them).
    public func purgeEvents(before: Date, after cursor: Int64, batch: Int) async throws -> (
        deleted: Int, next: Int64?
    ) {
        let cutoff = before.millisecondsSince1970
        return try await writer.write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: Self.purgeableEventsSQL), arguments: [cutoff, cutoff, cursor, batch])
            var deleted = 0
            for row in rows where row["purgeable"] == true {
                let id: Int64 = row["id"]
                try db.execute(sql: "DELETE FROM delivery WHERE eventId = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM event WHERE id = ?", arguments: [id])
                deleted += 1
            }
            guard let last: Int64 = rows.last?["id"], rows.contains(where: { $0["old"] == true }) else {
                return (deleted, nil)
            }
            return (deleted, last)
        }
    }

    /// The facts `imm-gateway status` shows.
    public func statusSummary(at now: Date) async throws -> StatusSummary {
        try await writer.read { db in
            let pageCount = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            var tasks: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM task GROUP BY state") {
                tasks[row["state"]] = row["n"]
            }
            // Only unfinished and dead deliveries are counted, through delivery_status: delivered and
            // skipped ones (nearly all of a large database) are never read, so a /metrics scrape
            // costs the size of the backlog, not of the history.
            var counts: [Int64: (pending: Int, dead: Int, paused: Int, oldest: Int64?)] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT hookId, status, COUNT(*) AS n, MIN(createdAt) AS oldest FROM delivery
                    WHERE status IN ('pending', 'failed', 'in_flight', 'paused', 'dead') GROUP BY hookId, status
                    """)
            {
                let hookId: Int64 = row["hookId"]
                let n: Int = row["n"]
                var entry = counts[hookId] ?? (0, 0, 0, nil)
                switch row["status"] as String {
                case "dead": entry.dead += n
                case "paused": entry.paused += n
                default:
                    entry.pending += n
                    let oldest: Int64 = row["oldest"]
                    entry.oldest = min(entry.oldest ?? oldest, oldest)
                }
                counts[hookId] = entry
            }
            var hooks: [StatusSummary.HookCounts] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, name, enabled FROM hook ORDER BY name") {
                let entry = counts[row["id"]] ?? (0, 0, 0, nil)
                hooks.append(
                    .init(
                        name: row["name"], enabled: row["enabled"], pending: entry.pending, dead: entry.dead,
                        paused: entry.paused,
                        oldestPendingAgeSeconds: entry.oldest.map { max(0, Int(now.millisecondsSince1970 - $0) / 1000) }
                    ))
            }
            let rejection = try Row.fetchOne(
                db, sql: "SELECT reason, receivedAt FROM rejection ORDER BY id DESC LIMIT 1")
            return StatusSummary(
                databaseBytes: pageCount * pageSize,
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0,
                tasks: tasks, hooks: hooks, lastRejectionReason: rejection?["reason"],
                lastRejectionAt: (rejection?["receivedAt"] as Int64?).map(Date.init(millisecondsSince1970:)),
                runningReplays: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM replay WHERE state = 'running'") ?? 0)
        }
    }
}

/// What `GET /v1/status` reports.
public struct StatusSummary: Sendable {
    /// Deliveries of one hook, by state.
    public struct HookCounts: Sendable {
        /// The hook.
        public var name: String
        /// Whether it is enabled.
        public var enabled: Bool
        /// Pending, failed (to retry) and in flight.
        public var pending: Int
        /// Dead letters.
        public var dead: Int
        /// Waiting for the hook to be enabled.
        public var paused: Int
        /// Age of the oldest pending delivery, in seconds.
        public var oldestPendingAgeSeconds: Int?
    }

    /// The database size.
    public var databaseBytes: Int64
    /// Stored events.
    public var events: Int
    /// Tasks by state.
    public var tasks: [String: Int]
    /// Deliveries per hook.
    public var hooks: [HookCounts]
    /// The reason of the last refusal.
    public var lastRejectionReason: String?
    /// When the last refusal happened.
    public var lastRejectionAt: Date?
    /// Replays still running.
    public var runningReplays: Int
}

extension SQLiteStore {
    /// Whether the database accepts writes, for `/readyz`: the last ingest commit did not fail (a
    /// full disk lets an empty transaction through while refusing every push), and a write
    /// transaction can be opened now (no other process holds the lock).
    public func probeWritable() async throws {
        if let failure = lastCommitFailure.withLock({ $0 }), ContinuousClock.now - failure.at < Self.commitFailureWindow
        {
            throw ReplayError(description: "the last ingest commit failed: \(failure.reason)")
        }
        try await writer.write { db in try db.execute(sql: "SELECT 1") }
    }
}
