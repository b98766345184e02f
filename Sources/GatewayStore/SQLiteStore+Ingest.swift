import Foundation
import GRDB
import GatewayCore
import IMMNotify

extension SQLiteStore: IngestStore {
    /// Commits a batch of ingest writes in one transaction. The batch first runs without
    /// savepoints (the common case: every write succeeds); if any write fails, that transaction is
    /// rolled back and the batch runs again with a savepoint per write, so one bad write fails alone
    /// while the rest commit.
    public func commit(_ writes: [IngestWrite]) async throws -> [IngestWriteResult] {
        try await withCheckedThrowingContinuation { continuation in
            commit(writes) { continuation.resume(with: $0) }
        }
    }

    /// Commits like `commit(_:)`, on the writer's queue, and calls `completion` from that queue once
    /// the transaction is durable (or failed): the group committer's next batch is queued from
    /// there, right behind this one.
    public func commit(
        _ writes: [IngestWrite], completion: @escaping @Sendable (Result<[IngestWriteResult], any Error>) -> Void
    ) {
        let wait = submissionWait
        writer.asyncWriteWithoutTransaction { [self] db in
            let result = Result { try Self.commit(writes, submissionWait: wait, db) }
            switch result {
            case .success: lastCommitFailure.withLock { $0 = nil }
            case .failure(let error): lastCommitFailure.withLock { $0 = ("\(error)", .now) }
            }
            completion(result)
        }
    }

    private static func commit(_ writes: [IngestWrite], submissionWait: TimeInterval, _ db: Database) throws
        -> [IngestWriteResult]
    {
        var results: [IngestWriteResult] = []
        do {
            try db.inTransaction {
                results = try writes.map { try insert($0, submissionWait: submissionWait, db) }
                return .commit
            }
            return results
        } catch {
            results = []
            results.reserveCapacity(writes.count)
            try db.inTransaction {
                for write in writes {
                    var result = IngestWriteResult.failed("not written")
                    do {
                        try db.inSavepoint {
                            result = try insert(write, submissionWait: submissionWait, db)
                            return .commit
                        }
                    } catch {
                        result = .failed("\(error)")
                    }
                    results.append(result)
                }
                return .commit
            }
            return results
        }
    }

    private static func insert(_ write: IngestWrite, submissionWait: TimeInterval, _ db: Database) throws
        -> IngestWriteResult
    {
        switch write {
        case .notification(let record): return try insert(record, submissionWait: submissionWait, db)
        case .rejection(let record): return try insert(record, db)
        }
    }

    private static func insert(
        _ record: NotificationRecord, submissionWait: TimeInterval, _ db: Database
    ) throws -> IngestWriteResult {
        let decoded = record.decoded
        let source = decoded.source ?? ""
        // A redelivered push has the same body, so the same envelope id and content: (messageId,
        // source) finds it, and the content must match too, because IMM may reuse one id (the task's
        // EventId) for different messages of a task, and those are new events, not duplicates. The
        // MNS message id is indexed only for events whose envelope id is unknown (undecodable), the
        // one case the envelope id cannot catch.
        if let existing = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id FROM event WHERE messageId = ? AND source = ? AND contentText IS ?
                    UNION ALL SELECT id FROM event WHERE mnsMessageId = ? AND messageId IS NULL
                    LIMIT 1
                    """),
            arguments: [decoded.messageId, source, decoded.contentText, record.mnsMessageId])
        {
            try db.cachedStatement(
                sql: "UPDATE event SET duplicateCount = duplicateCount + 1, lastDuplicateAt = ? WHERE id = ?"
            ).execute(arguments: [record.receivedAt.millisecondsSince1970, existing])
            return .duplicate(eventId: existing)
        }
        let content = decoded.content
        // Correlated before the insert, so the row is written once with its task id.
        let taskId = try correlatedTaskId(decoded, db)
        try db.cachedStatement(
            sql: """
                INSERT INTO event (receivedAt, channel, format, mnsMessageId, source, messageId, type, subject,
                    eventTime, taskId, taskType, status, projectName, datasetName, decodeState, decodeError,
                    contentText, parsedContent, evidence, requestMethod, requestTarget, requestHeaders, requestBody,
                    correlatedTaskId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).run([
            record.receivedAt.millisecondsSince1970.databaseValue, record.channel.rawValue.databaseValue,
            record.evidence.format.databaseValue, record.mnsMessageId.databaseValue, source.databaseValue,
            decoded.messageId.databaseValue, decoded.type.databaseValue, decoded.subject.databaseValue,
            decoded.eventTime.databaseValue, decoded.taskId.databaseValue, content?.taskType.databaseValue ?? .null,
            content?.status.databaseValue ?? .null, content?.projectName.databaseValue ?? .null,
            content?.datasetName.databaseValue ?? .null, decoded.state.rawValue.databaseValue,
            decoded.decodeError.databaseValue, decoded.contentText.databaseValue, .null,
            evidenceText(record.evidence).databaseValue, record.request.method.databaseValue,
            record.request.target.databaseValue, headersText(record.request.headers).databaseValue,
            Data(record.request.body).databaseValue, taskId.databaseValue,
        ])
        let eventId = db.lastInsertedRowID
        if let taskId {
            try apply(eventId: eventId, receivedAt: record.receivedAt, content: content, to: taskId, db)
        }
        try createDeliveries(
            eventId: eventId, taskId: taskId, decoded: decoded, at: record.receivedAt, submissionWait: submissionWait,
            webhookIdSuffix: "", db)
        return .stored(eventId: eventId)
    }

    private static func insert(_ record: RejectionRecord, _ db: Database) throws -> IngestWriteResult {
        try db.cachedStatement(
            sql: """
                INSERT INTO rejection (receivedAt, channel, httpStatus, reason, message, requestMethod,
                    requestTarget, requestHeaders, requestBody, bodySize)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            record.receivedAt.millisecondsSince1970, record.channel.rawValue, record.httpStatus, record.reason,
            record.message, record.request.method, record.request.target, headersText(record.request.headers),
            Data(record.request.body), record.bodySize,
        ])
        return .recorded
    }
}
