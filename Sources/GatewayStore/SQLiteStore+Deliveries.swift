import Foundation
import GRDB
import GatewayCore
import IMMNotify

extension SQLiteStore: DeliveryStore {
    /// Creates one delivery per hook whose filter matches, inside the transaction that stores the
    /// event, so nothing is lost between the commit and the dispatch. Disabled hooks get `paused` ones.
    /// With `submissionWait` > 0, a notification no submission names yet waits that long for one
    /// (a submission recorded meanwhile releases it at once), and a hook's label filter is decided
    /// when it goes out.
    ///
    /// Replays take the same path: `hookIds` narrows the hooks, `ignoreFilter` sends to them whatever
    /// their filter says (an operator named them), `enabledOnly` leaves disabled hooks out, and
    /// `replayId` tags the deliveries with the replay that made them; `webhookIdSuffix` marks a
    /// payload that differs from the one first sent under the event's id (reprocess); `redrive` (a replay or a
    /// reprocess sending the event again) turns the hook's earlier `dead` deliveries of the event into
    /// `redriven`, answered by the new one. Returns how many were made.
    @discardableResult
    static func createDeliveries(
        eventId: Int64, taskId: String?, decoded: DecodedNotification, at now: Date, submissionWait: TimeInterval = 0,
        hookIds: Set<Int64>? = nil, ignoreFilter: Bool = false, enabledOnly: Bool = false, replayId: Int64? = nil,
        redrive: Bool = false, webhookIdSuffix: String? = nil, _ db: Database
    ) throws -> Int {
        let allHooks = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, enabled, filter FROM hook ORDER BY id"))
        let hooks = allHooks.filter { row in
            (hookIds?.contains(row["id"]) ?? true) && (!enabledOnly || row["enabled"] == true)
        }
        guard !hooks.isEmpty else { return 0 }
        // A re-decoded event's deliveries carry its revision (see v18); ingest passes "" (a new
        // event has none), so the hot path reads nothing more.
        let suffix =
            try webhookIdSuffix
            ?? String.fetchOne(db.cachedStatement(sql: "SELECT revision FROM event WHERE id = ?"), arguments: [eventId])
            ?? ""
        var created = 0
        let filters = try hooks.map { try Self.hookFilter($0["filter"]) }
        // The task's labels are read only when a filter asks for them (most hooks have none).
        let wantsLabels = !ignoreFilter && filters.contains { !($0.labels ?? [:]).isEmpty }
        let labels = try wantsLabels ? (taskId.map { try Self.labels(taskId: $0, db) } ?? [:]) : [:]
        let content = decoded.content
        let taskType = content?.taskType ?? decoded.type.flatMap { $0.split(separator: ":").last.map(String.init) }
        let ms = now.millisecondsSince1970
        var awaiting = false
        if submissionWait > 0 {
            awaiting =
                try taskId.map {
                    try Bool.fetchOne(
                        db.cachedStatement(sql: "SELECT 1 FROM submission WHERE taskId = ?"), arguments: [$0]) != true
                } ?? true
        }
        for (row, hookFilter) in zip(hooks, filters) {
            var filter = hookFilter
            let labelsPending = awaiting && !(filter.labels ?? [:]).isEmpty
            if labelsPending { filter.labels = nil }
            guard
                ignoreFilter
                    || filter.matches(
                        status: content?.status, project: content?.projectName, dataset: content?.datasetName,
                        taskType: taskType, labels: labels)
            else { continue }
            let hookId: Int64 = row["id"]
            let enabled: Bool = row["enabled"]
            try db.cachedStatement(
                sql: """
                    INSERT INTO delivery (eventId, hookId, taskId, webhookId, status, nextAttemptAt, labelsPending,
                        replayId, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).run([
                eventId.databaseValue, hookId.databaseValue, taskId.databaseValue,
                (Delivery.webhookId(eventId: eventId, hookId: hookId) + suffix).databaseValue,
                (enabled ? DeliveryStatus.pending.rawValue : DeliveryStatus.paused.rawValue).databaseValue,
                (awaiting ? now.addingTimeInterval(submissionWait).millisecondsSince1970 : ms).databaseValue,
                labelsPending.databaseValue, replayId.databaseValue, ms.databaseValue, ms.databaseValue,
            ])
            created += 1
            if redrive {
                try db.cachedStatement(
                    sql: """
                        UPDATE delivery SET status = 'redriven', updatedAt = ?
                        WHERE eventId = ? AND hookId = ? AND status = 'dead' AND id < ?
                        """
                ).execute(arguments: [ms, eventId, hookId, db.lastInsertedRowID])
            }
        }
        return created
    }

    /// Claims due deliveries: pending or failed ones whose time came, and in-flight ones whose lease
    /// expired (a crashed or killed attempt). The lease lasts `lease` seconds but never less than the
    /// hook's timeout plus 5 s, so a live attempt is never claimed twice. A delivery waits while an
    /// earlier one for the same task and hook is unfinished, and a hook never gets more than its
    /// `max_in_flight`.
    ///
    /// Each enabled hook with free slots is asked for its own due deliveries (oldest first, at most
    /// its free slots), then the oldest `limit` of those go: a hook with a long backlog (retries
    /// coming due after an outage, a slow receiver) takes its own slots and never hides another
    /// hook's deliveries behind its own. One query per hook finds the deliveries with their events
    /// and submissions; the leases are written in the same transaction, and the stored content is
    /// parsed after it, off the database's serial writer.
    public func claimDueDeliveries(at now: Date, limit: Int, lease: TimeInterval, inFlight: [Int64: Int]) async throws
        -> [ClaimedDelivery]
    {
        let ms = now.millisecondsSince1970
        let leased = try await bookkeepingWrite { db in
            var leased: [LeasedDelivery] = []
            var unwanted: [Int64] = []
            let hooks = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM hook WHERE enabled ORDER BY id"))
                .map(Self.hook(from:))
            for hook in hooks {
                let free = min(limit, hook.maxInFlight - inFlight[hook.id, default: 0])
                guard free > 0 else { continue }
                var secrets: [String]?  // read once a delivery of this hook is taken: an idle poll reads none
                var taken = 0
                // A cursor: only the rows claimed are copied out (each carries its event's content).
                // It ends with this hook's turn (its statement reset): the leases are written after
                // every hook's turn, never while a read is in progress.
                let candidates = try Row.fetchCursor(
                    db.cachedStatement(sql: Self.claimSQL), arguments: [hook.id, ms, free, hook.id, ms, free],
                    adapter: Self.claimRow)
                while taken < free, let row = try candidates.next() {
                    guard let deliveryRow = row.scopes["delivery"], let eventRow = row.scopes["event"] else { continue }
                    let id: Int64 = deliveryRow["id"]
                    if deliveryRow["labelsPending"] == true, let taskId: String = deliveryRow["taskId"] {
                        let labels = try Self.labels(taskId: taskId, db)
                        if (hook.filter.labels ?? [:]).contains(where: { labels[$0.key] != $0.value }) {
                            unwanted.append(id)
                            continue
                        }
                    }
                    taken += 1
                    if secrets == nil { secrets = try Self.secrets(hookId: hook.id, at: now, db) }
                    var delivery = try Self.delivery(from: deliveryRow, hookName: hook.name)
                    delivery.status = .inFlight
                    let (event, parsedContent) = Self.unparsedDeliveredEvent(from: eventRow)
                    leased.append(
                        LeasedDelivery(
                            delivery: delivery, hook: hook, secrets: secrets ?? [], event: event,
                            parsedContent: parsedContent, submission: row["submissionDocument"],
                            order: (deliveryRow["claimBranch"], deliveryRow["claimDue"], id)))
                }
            }
            if leased.count > limit {
                leased.sort { $0.order < $1.order }
                leased.removeLast(leased.count - limit)
            }
            for id in unwanted {
                try db.cachedStatement(
                    sql: "UPDATE delivery SET status = 'skipped', lastError = ?, updatedAt = ? WHERE id = ?"
                ).execute(arguments: ["the hook's label filter does not match the task's submission", ms, id])
            }
            for index in leased.indices {
                let item = leased[index]
                let until = now.addingTimeInterval(max(lease, TimeInterval(item.hook.timeoutSeconds + 5)))
                    .millisecondsSince1970
                try db.cachedStatement(
                    sql: "UPDATE delivery SET status = 'in_flight', lockedUntil = ?, updatedAt = ? WHERE id = ?"
                ).execute(arguments: [until, ms, item.delivery.id])
                leased[index].lease = until
            }
            return leased
        }
        var claimed: [ClaimedDelivery] = []
        var unreadable: [(id: Int64, reason: String)] = []
        for item in leased {
            var event = item.event
            do {
                event.decoded.content = try storedContent(parsed: item.parsedContent, text: event.decoded.contentText)
                let submission = try item.submission.map { try decodeJSON(Submission.self, $0) }
                claimed.append(
                    ClaimedDelivery(
                        delivery: item.delivery, hook: item.hook, secrets: item.secrets, event: event,
                        submission: submission, lease: item.lease))
            } catch {
                unreadable.append((item.delivery.id, "\(error)"))
            }
        }
        // A delivery whose stored event or submission cannot be read back would fail the same way
        // at every lease: it is dead-lettered with the reason (visible, and redrivable once mended),
        // never retried in silence. The stored event itself is untouched.
        if !unreadable.isEmpty {
            try await bookkeepingWrite { [unreadable] db in
                for (id, reason) in unreadable {
                    try db.cachedStatement(
                        sql: """
                            UPDATE delivery SET status = 'dead', lockedUntil = NULL, lastError = ?, updatedAt = ?
                            WHERE id = ? AND status = 'in_flight'
                            """
                    ).execute(arguments: ["the stored event or submission cannot be read: \(reason)", ms, id])
                }
            }
        }
        return claimed
    }

    /// A delivery leased by a claim, its event and submission still as stored.
    private struct LeasedDelivery: Sendable {
        var delivery: Delivery
        var hook: Hook
        var secrets: [String]
        var event: DeliveredEvent
        var parsedContent: String?
        var submission: String?
        /// Pending before expired leases, then oldest due, then oldest.
        var order: (Int, Int64, Int64)
        /// The lease written (`lockedUntil`, epoch milliseconds).
        var lease: Int64 = 0
    }

    /// One hook's claimable deliveries with their events (the columns `deliveredEventColumns` names,
    /// in that order) and their task's submission document. `NOT EXISTS` keeps a delivery waiting
    /// while an earlier one for the same task and hook is unfinished; `+hookId` keeps SQLite on
    /// delivery_taskId there (a task has few deliveries; through delivery_hookId it would walk
    /// every older delivery of the hook).
    ///
    /// `INDEXED BY`: without statistics SQLite prefers delivery_status (an equality on `status`)
    /// to the partial indexes, then reads and sorts every pending and failed delivery to return the
    /// first few, on every claim: a backlog (a hook down for an hour) made each claim cost as much
    /// as the backlog was long. The partial indexes hand out the hook's due ones in order and stop.
    public static let claimSQL: String = {
        let waiting = """
            NOT EXISTS (SELECT 1 FROM delivery AS earlier WHERE +earlier.hookId = due.hookId
                AND earlier.taskId = due.taskId AND earlier.id < due.id
                AND earlier.status IN ('pending', 'failed', 'in_flight', 'paused'))
            """
        let eventColumns = deliveredEventColumns.split(separator: ",")
            .map { "event." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
        return """
            SELECT \(eventColumns), submission.document AS submissionDocument, claimable.*
            FROM (
                SELECT * FROM (
                    SELECT *, 0 AS claimBranch, nextAttemptAt AS claimDue FROM delivery AS due
                        INDEXED BY delivery_hookDue
                    WHERE hookId = ? AND status IN ('pending', 'failed') AND nextAttemptAt <= ? AND \(waiting)
                    ORDER BY nextAttemptAt, id LIMIT ?)
                UNION ALL
                SELECT * FROM (
                    SELECT *, 1 AS claimBranch, lockedUntil AS claimDue FROM delivery AS due
                        INDEXED BY delivery_inFlight
                    WHERE hookId = ? AND status = 'in_flight' AND lockedUntil <= ? AND \(waiting)
                    ORDER BY lockedUntil LIMIT ?)
            ) AS claimable
            JOIN event ON event.id = claimable.eventId
            LEFT JOIN submission ON submission.taskId = event.correlatedTaskId
            ORDER BY claimable.claimBranch, claimable.claimDue, claimable.id
            """
    }()

    /// Splits a row of `claimSQL` into its event and delivery parts.
    private static let claimRow: ScopeAdapter = {
        let eventCount = deliveredEventColumns.split(separator: ",").count
        return ScopeAdapter([
            "event": RangeRowAdapter(0..<eventCount), "delivery": SuffixRowAdapter(fromIndex: eventCount + 1),
        ])
    }()

    /// Extends the lease of an in-flight delivery to `until` while it is still held under `lease`;
    /// returns the new lease, or nil when the lease expired and was taken over (the holder must not
    /// send).
    public func renewLease(deliveryId: Int64, lease: Int64, until: Date) async throws -> Int64? {
        let renewed = until.millisecondsSince1970
        return try await bookkeepingWrite { db in
            try db.cachedStatement(
                sql: "UPDATE delivery SET lockedUntil = ? WHERE id = ? AND status = 'in_flight' AND lockedUntil = ?"
            ).execute(arguments: [renewed, deliveryId, lease])
            return db.changesCount == 1 ? renewed : nil
        }
    }

    /// Whether a `Running` delivery is moot because the task's terminal delivery already went out.
    public func isSuperseded(_ claimed: ClaimedDelivery) async throws -> Bool {
        guard IMMStatus(reported: claimed.event.decoded.content?.status) == .running,
            let taskId = claimed.delivery.taskId
        else { return false }
        return try await writer.read { db in
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT 1 FROM delivery JOIN event ON event.id = delivery.eventId
                        WHERE +delivery.hookId = ? AND delivery.taskId = ? AND delivery.status = 'delivered'
                            AND event.status IN ('Succeeded', 'Failed') LIMIT 1
                        """),
                arguments: [claimed.delivery.hookId, taskId]) == true
        }
    }

    /// Deliveries newest first.
    public func deliveries(filter: DeliveryFilter, limit: Int, before: Int64?) async throws -> Page<Delivery> {
        var clauses = ["delivery.id < ?"]
        var arguments: StatementArguments = [before ?? Int64.max]
        if let hook = filter.hook {
            clauses.append("hook.name = ?")
            _ = arguments.append(contentsOf: [hook])
        }
        if let status = filter.status {
            clauses.append("delivery.status = ?")
            _ = arguments.append(contentsOf: [status.rawValue])
        }
        if let taskId = filter.taskId {
            clauses.append("delivery.taskId = ?")
            _ = arguments.append(contentsOf: [taskId])
        }
        _ = arguments.append(contentsOf: [limit + 1])
        let sql = """
            SELECT delivery.*, hook.name AS hookName FROM delivery JOIN hook ON hook.id = delivery.hookId
            WHERE \(clauses.joined(separator: " AND ")) ORDER BY delivery.id DESC LIMIT ?
            """
        let bound = arguments
        return try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: bound)
            let items = try rows.prefix(limit).map { try Self.delivery(from: $0, hookName: $0["hookName"]) }
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    /// One delivery with its attempts.
    public func delivery(id: Int64) async throws -> (Delivery, [DeliveryAttempt])? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql:
                            "SELECT delivery.*, hook.name AS hookName FROM delivery JOIN hook ON hook.id = delivery.hookId WHERE delivery.id = ?"
                    ),
                    arguments: [id])
            else { return nil }
            let attempts = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM attempt WHERE deliveryId = ? ORDER BY id"), arguments: [id]
            ).map { row in
                DeliveryAttempt(
                    startedAt: Date(millisecondsSince1970: row["startedAt"]), durationMs: row["durationMs"],
                    statusCode: row["statusCode"], responseBody: Array((row["responseBody"] as Data?) ?? Data()),
                    error: row["error"])
            }
            return (try Self.delivery(from: row, hookName: row["hookName"]), attempts)
        }
    }

    static func delivery(from row: Row, hookName: String) throws -> Delivery {
        let delivered: Int64? = row["deliveredAt"]
        return Delivery(
            id: row["id"], eventId: row["eventId"], hookId: row["hookId"], hookName: hookName, taskId: row["taskId"],
            webhookId: row["webhookId"], status: DeliveryStatus(rawValue: row["status"]) ?? .pending,
            attempts: row["attempts"], nextAttemptAt: Date(millisecondsSince1970: row["nextAttemptAt"]),
            lastStatusCode: row["lastStatusCode"], lastError: row["lastError"],
            createdAt: Date(millisecondsSince1970: row["createdAt"]),
            deliveredAt: delivered.map(Date.init(millisecondsSince1970:)))
    }
}
