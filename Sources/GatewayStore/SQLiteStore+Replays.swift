import Foundation
import GRDB
import GatewayCore
import IMMNotify

extension SQLiteStore {
    /// Creates fresh deliveries for one stored event, through the ingest path: to `hook` when named
    /// (whatever its filter), else to every enabled hook whose filter matches now. The deliveries
    /// carry the same `webhook-id` as earlier ones for the same hook.
    public func replayEvent(id: Int64, hook: String?, at now: Date) async throws -> Int {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM event WHERE id = ?", arguments: [id]) else {
                throw ReplayError.notFound("no event \(id)")
            }
            let hookIds = try hook.map { Set([try Self.hook(named: $0, db).id]) }
            return try Self.enqueue(
                try Self.event(from: row), hookIds: hookIds, ignoreFilter: hook != nil, replayId: nil, at: now, db)
        }
    }

    static func enqueue(
        _ event: StoredEvent, hookIds: Set<Int64>?, ignoreFilter: Bool, replayId: Int64?, at now: Date, _ db: Database
    ) throws -> Int {
        try createDeliveries(
            eventId: event.id, taskId: event.correlatedTaskId, decoded: event.decoded, at: now, hookIds: hookIds,
            ignoreFilter: ignoreFilter, enabledOnly: hookIds == nil, replayId: replayId, redrive: true, db)
    }

    /// The SQL selecting events a replay filter matches, after `cursor` and up to `through` (the
    /// newest event when the replay was asked for), oldest first.
    ///
    /// `deliveryStatus` matches an event whose *latest* delivery to a hook has that status: a dead
    /// delivery already redriven (a newer delivery to the same hook exists) is not matched again.
    static func matchQuery(
        _ filter: ReplayFilter, hookId: Int64?, after cursor: Int64, through: Int64? = nil, limit: Int
    ) -> (String, StatementArguments) {
        var clauses = ["event.id > ?"]
        var arguments: StatementArguments = [cursor]
        func add(_ clause: String, _ values: [any DatabaseValueConvertible]) {
            clauses.append(clause)
            _ = arguments.append(contentsOf: StatementArguments(values))
        }
        if let through { add("event.id <= ?", [through]) }
        if let since = filter.since { add("event.receivedAt >= ?", [since.millisecondsSince1970]) }
        if let until = filter.until { add("event.receivedAt < ?", [until.millisecondsSince1970]) }
        if let ids = filter.taskIds, !ids.isEmpty {
            add("event.correlatedTaskId IN (\(ids.map { _ in "?" }.joined(separator: ",")))", ids)
        }
        if let status = filter.status { add("lower(event.status) = lower(?)", [status]) }
        if let project = filter.project { add("event.projectName = ?", [project]) }
        if let dataset = filter.dataset { add("event.datasetName = ?", [dataset]) }
        if let label = filter.label, let equals = label.firstIndex(of: "=") {
            add(
                "EXISTS (SELECT 1 FROM taskLabel WHERE taskLabel.taskId = event.correlatedTaskId AND key = ? AND value = ?)",
                [String(label[..<equals]), String(label[label.index(after: equals)...])])
        }
        if let status = filter.deliveryStatus {
            if let hookId {
                add("EXISTS (\(latestDeliveries(of: "event.id")) AND delivery.hookId = ?)", [status.rawValue, hookId])
            } else {
                add("EXISTS (\(latestDeliveries(of: "event.id")))", [status.rawValue])
            }
        }
        _ = arguments.append(contentsOf: [limit])
        return (
            "SELECT event.* FROM event WHERE \(clauses.joined(separator: " AND ")) ORDER BY event.id LIMIT ?", arguments
        )
    }

    /// The hooks whose latest delivery of the event `event` (an SQL expression) has a status (the one
    /// argument).
    static func latestDeliveries(of event: String) -> String {
        """
        SELECT delivery.hookId FROM delivery WHERE delivery.eventId = \(event) AND delivery.status = ?
            AND NOT EXISTS (SELECT 1 FROM delivery AS newer WHERE newer.eventId = delivery.eventId
                AND newer.hookId = delivery.hookId AND newer.id > delivery.id)
        """
    }

    /// How many events a filter matches, and the first few (a dry run: nothing changes).
    public func previewReplay(_ filter: ReplayFilter, sample: Int = 10) async throws -> (
        count: Int, sample: [StoredEvent]
    ) {
        try await writer.read { db in
            let hookId = try filter.hook.map { try Self.hook(named: $0, db).id }
            let (sql, arguments) = Self.matchQuery(filter, hookId: hookId, after: 0, limit: Int(Int32.max))
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(sql))", arguments: arguments) ?? 0
            let (sampleSQL, sampleArguments) = Self.matchQuery(filter, hookId: hookId, after: 0, limit: sample)
            return (count, try Row.fetchAll(db, sql: sampleSQL, arguments: sampleArguments).map(Self.event(from:)))
        }
    }

    /// Records a bulk replay job in state `running`; the replay service works through it.
    public func createReplay(_ filter: ReplayFilter, ratePerSecond: Double?, requestedBy: String, at now: Date)
        async throws -> Replay
    {
        let text = try jsonText(filter)
        return try await writer.write { db in
            if let hook = filter.hook { _ = try Self.hook(named: hook, db) }
            try db.execute(
                sql: """
                    INSERT INTO replay (state, filter, ratePerSecond, requestedBy, createdAt, updatedAt, lastEventId)
                    VALUES ('running', ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM event))
                    """,
                arguments: [text, ratePerSecond, requestedBy, now.millisecondsSince1970, now.millisecondsSince1970])
            return try Self.replay(id: db.lastInsertedRowID, db)
        }
    }

    /// Event ids one replay step looks through at most: a filter that matches few events (a redrive
    /// of a handful of dead letters among a million events) moves the cursor this far per
    /// transaction instead of reading the whole table under the write lock, holding up ingest.
    static let replayScanWindow: Int64 = 5_000

    /// Windows one call of `advanceReplay` looks through at most, each its own transaction.
    static let replayWindowsPerStep = 40

    /// Enqueues the next `batch` matching events of a running replay, a window of at most
    /// `replayScanWindow` events per transaction (other writers go between them), up to
    /// `replayWindowsPerStep` windows. Returns false once the replay is no longer running
    /// (completed now, or cancelled).
    public func advanceReplay(id: Int64, batch: Int, at now: Date) async throws -> Bool {
        var wanted = batch
        for _ in 0..<Self.replayWindowsPerStep {
            let (running, matched) = try await advanceReplayWindow(id: id, batch: wanted, at: now)
            guard running else { return false }
            wanted -= matched
            if wanted <= 0 { break }
        }
        return true
    }

    /// One window of `advanceReplay`: enqueues up to `batch` matching events among at most
    /// `replayScanWindow` after the replay's cursor and moves the cursor in the same transaction (so a
    /// restart resumes without repeating or skipping). Returns whether the replay still runs and how
    /// many events matched.
    func advanceReplayWindow(id: Int64, batch: Int, at now: Date) async throws -> (Bool, Int) {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM replay WHERE id = ?", arguments: [id]),
                row["state"] == Replay.State.running.rawValue
            else { return (false, 0) }
            let filter = try decodeJSON(ReplayFilter.self, row["filter"])
            let hookId: Int64?
            do {
                hookId = try filter.hook.map { try Self.hook(named: $0, db).id }
            } catch let error as HookError where error.code == .notFound {
                // Its hook was removed: the replay cannot go on, and says so, instead of failing on
                // every tick.
                let ms = now.millisecondsSince1970
                try db.execute(
                    sql: """
                        UPDATE replay SET state = 'cancelled', stopReason = ?, finishedAt = ?, updatedAt = ?
                        WHERE id = ?
                        """,
                    arguments: [error.description, ms, ms, id])
                return (false, 0)
            }
            let cursor: Int64 = row["cursor"]
            // The newest event when it was asked for (replays from before v11: the newest now).
            let through: Int64 =
                try row["lastEventId"] ?? Int64.fetchOne(db, sql: "SELECT MAX(id) FROM event") ?? cursor
            let windowEnd = min(through, cursor + Self.replayScanWindow)
            let (sql, arguments) = Self.matchQuery(
                filter, hookId: hookId, after: cursor, through: windowEnd, limit: batch)
            let events = try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.event(from:))
            var enqueued = 0
            for event in events {
                var hooks = hookId.map { Set([$0]) }
                if let status = filter.deliveryStatus, hookId == nil {
                    hooks = Set(
                        try Int64.fetchAll(
                            db, sql: Self.latestDeliveries(of: "?"), arguments: [event.id, status.rawValue]))
                }
                enqueued += try Self.enqueue(
                    event, hookIds: hooks, ignoreFilter: hooks != nil, replayId: id, at: now, db)
            }
            // A full batch ends at its last event; a short one has looked through the whole window.
            let next = events.count == batch ? (events.last?.id ?? windowEnd) : windowEnd
            let done = next >= through
            try db.execute(
                sql: """
                    UPDATE replay SET cursor = ?, matched = matched + ?, enqueued = enqueued + ?, updatedAt = ?,
                        state = CASE WHEN ? THEN 'completed' ELSE state END,
                        finishedAt = CASE WHEN ? THEN ? ELSE finishedAt END
                    WHERE id = ?
                    """,
                arguments: [
                    next, events.count, enqueued, now.millisecondsSince1970, done, done,
                    now.millisecondsSince1970, id,
                ])
            return (!done, events.count)
        }
    }

    /// Cancels a running replay; deliveries already enqueued stay.
    public func cancelReplay(id: Int64, at now: Date) async throws -> Replay {
        try await writer.write { db in
            _ = try Self.replay(id: id, db)
            try db.execute(
                sql:
                    "UPDATE replay SET state = 'cancelled', finishedAt = ?, updatedAt = ? WHERE id = ? AND state = 'running'",
                arguments: [now.millisecondsSince1970, now.millisecondsSince1970, id])
            return try Self.replay(id: id, db)
        }
    }

    /// One replay with its progress.
    public func replay(id: Int64) async throws -> Replay? {
        try await writer.read { db in try? Self.replay(id: id, db) }
    }

    /// Replays newest first.
    public func replays(limit: Int, before: Int64?) async throws -> Page<Replay> {
        try await writer.read { db in
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM replay WHERE id < ? ORDER BY id DESC LIMIT ?",
                arguments: [before ?? Int64.max, limit + 1])
            let items = try ids.prefix(limit).map { try Self.replay(id: $0, db) }
            return Page(items: items, nextCursor: ids.count > limit ? items.last?.id : nil)
        }
    }

    /// The ids of replays still running (resumed after a restart).
    public func runningReplays() async throws -> [Replay] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM replay WHERE state = 'running' ORDER BY id").map {
                try Self.replay(id: $0, db)
            }
        }
    }

    static func replay(id: Int64, _ db: Database) throws -> Replay {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM replay WHERE id = ?", arguments: [id]) else {
            throw ReplayError.notFound("no replay \(id)")
        }
        var delivered = 0
        var failed = 0
        for count in try Row.fetchAll(
            db, sql: "SELECT status, COUNT(*) AS n FROM delivery WHERE replayId = ? GROUP BY status", arguments: [id])
        {
            switch count["status"] as String {
            case DeliveryStatus.delivered.rawValue: delivered += count["n"] as Int
            case DeliveryStatus.failed.rawValue, DeliveryStatus.dead.rawValue, DeliveryStatus.redriven.rawValue:
                failed += count["n"] as Int
            default: break
            }
        }
        let finished: Int64? = row["finishedAt"]
        return Replay(
            id: id, state: Replay.State(rawValue: row["state"]) ?? .cancelled,
            filter: try decodeJSON(ReplayFilter.self, row["filter"]), ratePerSecond: row["ratePerSecond"],
            requestedBy: row["requestedBy"], matched: row["matched"], enqueued: row["enqueued"], delivered: delivered,
            failed: failed, createdAt: Date(millisecondsSince1970: row["createdAt"]),
            finishedAt: finished.map(Date.init(millisecondsSince1970:)), stopReason: row["stopReason"])
    }
}

/// A replay operation that cannot be done.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let description: String

    /// An unknown event, hook or replay.
    public static func notFound(_ message: String) -> ReplayError { ReplayError(description: message) }
}
