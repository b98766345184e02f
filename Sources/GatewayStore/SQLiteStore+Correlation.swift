import Foundation
import GRDB
import GatewayCore
import IMMNotify

/// Correlation of notifications with submissions, inside the ingest or submission transaction.
extension SQLiteStore {
    /// The task a notification belongs to: the content's TaskId when a submission names it, else a
    /// submission whose EventId equals the envelope id, else the content's TaskId alone (an
    /// `unmatched` task); nil when the notification names no task.
    static func correlatedTaskId(_ decoded: DecodedNotification, _ db: Database) throws -> String? {
        if let named = decoded.taskId,
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM submission WHERE taskId = ?"), arguments: [named])
                == true
        {
            return named
        }
        if let messageId = decoded.messageId,
            let submitted = try String.fetchOne(
                db.cachedStatement(sql: "SELECT taskId FROM submission WHERE eventId = ? LIMIT 1"),
                arguments: [messageId])
        {
            return submitted
        }
        return decoded.taskId
    }

    /// Attaches a stored event that has no task yet to its task (creating the task row if needed)
    /// and moves the task's state.
    @discardableResult
    static func correlate(eventId: Int64, record: NotificationRecord, _ db: Database) throws -> String? {
        guard let taskId = try correlatedTaskId(record.decoded, db) else { return nil }
        try db.cachedStatement(sql: "UPDATE event SET correlatedTaskId = ? WHERE id = ?").execute(arguments: [
            taskId, eventId,
        ])
        try apply(eventId: eventId, receivedAt: record.receivedAt, content: record.decoded.content, to: taskId, db)
        return taskId
    }

    /// Folds one notification into its task row. Order-independent for the state: the strongest
    /// status wins and the first terminal event supplies the results.
    static func apply(eventId: Int64, receivedAt: Date, content: IMMTaskContent?, to taskId: String, _ db: Database)
        throws
    {
        let now = receivedAt.millisecondsSince1970
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM task WHERE taskId = ?"), arguments: [taskId])
        let previous = IMMStatus(reported: row?["immStatus"])
        let incoming = IMMStatus(reported: content?.status)
        let merged = IMMStatus.merge(previous, incoming)
        let hasSubmission: Bool = row?["hasSubmission"] ?? false
        let deadline: Int64? = row?["deadline"]
        let state = TaskState.derive(
            hasSubmission: hasSubmission, immStatus: merged, deadlinePassed: deadline.map { $0 < now } ?? false)
        // The first terminal notification supplies the outcome and the results.
        let results = merged?.isTerminal == true && previous?.isTerminal != true ? content : nil
        if row == nil {
            try db.cachedStatement(
                sql: """
                    INSERT INTO task (taskId, state, immStatus, projectName, datasetName, startedAt, endedAt,
                        firstNotifiedAt, lastEventAt, createdAt, updatedAt, code, message, resultEventId)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).run([
                taskId.databaseValue, state.rawValue.databaseValue, merged?.rawValue.databaseValue ?? .null,
                nonEmpty(content?.projectName).databaseValue, nonEmpty(content?.datasetName).databaseValue,
                content?.startedAt?.millisecondsSince1970.databaseValue ?? .null,
                content?.endedAt?.millisecondsSince1970.databaseValue ?? .null, now.databaseValue,
                now.databaseValue, now.databaseValue, now.databaseValue, nonEmpty(results?.code).databaseValue,
                nonEmpty(results?.message).databaseValue, results.map { _ in eventId }.databaseValue,
            ])
        } else {
            try db.cachedStatement(
                sql: """
                    UPDATE task SET state = ?, immStatus = ?,
                        projectName = COALESCE(projectName, ?), datasetName = COALESCE(datasetName, ?),
                        startedAt = COALESCE(startedAt, ?), endedAt = COALESCE(endedAt, ?),
                        firstNotifiedAt = MIN(COALESCE(firstNotifiedAt, ?), ?),
                        lastEventAt = MAX(COALESCE(lastEventAt, ?), ?), updatedAt = ?
                    WHERE taskId = ?
                    """
            ).execute(arguments: [
                state.rawValue, merged?.rawValue, nonEmpty(content?.projectName), nonEmpty(content?.datasetName),
                content?.startedAt?.millisecondsSince1970, content?.endedAt?.millisecondsSince1970, now, now, now,
                now, now, taskId,
            ])
            if let results {
                try db.cachedStatement(
                    sql: """
                        UPDATE task SET code = ?, message = ?, startedAt = COALESCE(?, startedAt), endedAt = ?,
                            resultEventId = ? WHERE taskId = ?
                        """
                ).execute(arguments: [
                    nonEmpty(results.code), nonEmpty(results.message), results.startedAt?.millisecondsSince1970,
                    results.endedAt?.millisecondsSince1970, eventId, taskId,
                ])
            }
        }
        guard let results else { return }
        try insertFaces(results.faceResults ?? [], taskId: taskId, eventId: eventId, db)
    }

    /// `INSERT INTO face` of 1 to `facesPerStatement` rows, columns in the order `insertFaces` binds.
    private static let faceInserts = (1...facesPerStatement).map { count in
        """
        INSERT INTO face (taskId, eventId, sourceIndex, sourceURI, rank, uri, faceId, similarity, boundaryLeft,
            boundaryTop, boundaryWidth, boundaryHeight)
        VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: count).joined(separator: ", "))
        """
    }

    /// Inserts the faces with one multi-row statement per `facesPerStatement` rows: a search result
    /// holds several faces per source, and one statement per face paid statement setup and argument
    /// binding (GRDB's per-value existential copies) once per face, about a tenth of ingest's CPU.
    private static func insertFaces(
        _ results: [FaceSearchSourceResult], taskId: String, eventId: Int64, _ db: Database
    ) throws {
        var rows: [[DatabaseValue]] = []
        for (sourceIndex, source) in results.enumerated() {
            for (index, face) in source.faces.enumerated() {
                rows.append([
                    taskId.databaseValue, eventId.databaseValue, sourceIndex.databaseValue,
                    source.sourceURI.databaseValue, (index + 1).databaseValue, face.uri.databaseValue,
                    face.faceId.databaseValue, face.similarity.databaseValue,
                    face.boundary?.left.databaseValue ?? .null,
                    face.boundary?.top.databaseValue ?? .null, face.boundary?.width.databaseValue ?? .null,
                    face.boundary?.height.databaseValue ?? .null,
                ])
            }
        }
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + facesPerStatement)]
            try db.cachedStatement(sql: faceInserts[chunk.count - 1]).run(Array(chunk.joined()))
            start += chunk.count
        }
    }

    /// The most face rows one INSERT carries (12 values each, well under SQLite's 32,766 limit).
    private static let facesPerStatement = 64
}
