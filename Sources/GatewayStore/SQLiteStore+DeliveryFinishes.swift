import Foundation
import GRDB
import GatewayCore

/// The dispatcher's attempt outcomes, many per transaction.
extension SQLiteStore {
    /// Records many attempts in one transaction.
    public func finishAll(_ finishes: [DeliveryFinish]) async throws {
        let disabled = try await bookkeepingWrite { db in
            // A hook's success is written once per batch (its last one), not once per delivery; a
            // failure or a disable for the same hook writes the success before it, so the hook
            // ends as if every finish had been applied in turn.
            var successes: [Int64: Int64] = [:]
            var disabled: Set<Int64> = []
            for item in finishes {
                try Self.finish(item, successes: &successes, disabled: &disabled, db)
            }
            for (hookId, ms) in successes { try Self.markSucceeded(hookId: hookId, ms: ms, db) }
            return disabled
        }
        // A disabled hook's unfinished deliveries are marked paused in batches, off the dispatcher's
        // path: nothing waits for it (the dispatcher no longer claims for the hook anyway).
        for hookId in disabled {
            let at = finishes.last?.at ?? Date()
            Task { try? await self.settleDeliveries(hookId: hookId, at: at) }
        }
    }

    private static func finish(
        _ item: DeliveryFinish, successes: inout [Int64: Int64], disabled: inout Set<Int64>, _ db: Database
    ) throws {
        let ms = item.at.millisecondsSince1970
        let attempt = item.attempt
        let status: DeliveryStatus
        var next: Int64?
        var note: String? = attempt?.error
        switch item.outcome {
        case .delivered: status = .delivered
        case .retry(let at):
            status = .failed
            next = at.millisecondsSince1970
        case .dead: status = .dead
        case .disableHook(let reason):
            status = .paused
            note = reason
        case .skipped(let reason):
            status = .skipped
            note = reason
        }
        // The update names the hook; no row means the delivery is gone (retention) or its lease was
        // taken over (the newer attempt records its own finish), and so is this finish.
        guard
            let hookId = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        UPDATE delivery SET status = ?, attempts = attempts + ?, nextAttemptAt = COALESCE(?, nextAttemptAt),
                            lockedUntil = NULL, lastStatusCode = COALESCE(?, lastStatusCode), lastError = ?,
                            deliveredAt = CASE WHEN ? = 'delivered' THEN ? ELSE deliveredAt END, updatedAt = ?
                        WHERE id = ? AND (? IS NULL OR (status = 'in_flight' AND lockedUntil = ?)) RETURNING hookId
                        """),
                arguments: [
                    status.rawValue, attempt == nil ? 0 : 1, next, attempt?.statusCode, note, status.rawValue, ms, ms,
                    item.deliveryId, item.lease, item.lease,
                ])
        else { return }
        if let attempt {
            try db.cachedStatement(
                sql: """
                    INSERT INTO attempt (deliveryId, startedAt, durationMs, statusCode, responseBody, error)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                item.deliveryId, attempt.startedAt.millisecondsSince1970, attempt.durationMs, attempt.statusCode,
                Data(attempt.responseBody), attempt.error,
            ])
        }
        switch item.outcome {
        case .delivered:
            successes[hookId] = ms
            return
        case .skipped: return
        case .retry, .dead, .disableHook: break
        }
        // A failure or a disable lands after this hook's earlier successes in the batch.
        if let success = successes.removeValue(forKey: hookId) { try markSucceeded(hookId: hookId, ms: success, db) }
        if case .disableHook(let reason) = item.outcome {
            try setEnabled(hookId: hookId, enabled: false, reason: reason, at: item.at, db)
            disabled.insert(hookId)
        } else {
            try markFailing(hookId: hookId, ms: ms, db)
        }
    }

    private static func markSucceeded(hookId: Int64, ms: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE hook SET lastSuccessAt = ?, failingSince = NULL WHERE id = ?").execute(
            arguments: [ms, hookId])
    }

    private static func markFailing(hookId: Int64, ms: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE hook SET failingSince = COALESCE(failingSince, ?) WHERE id = ?").execute(
            arguments: [ms, hookId])
    }
}
