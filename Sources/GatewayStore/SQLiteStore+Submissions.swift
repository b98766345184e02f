import Foundation
import GRDB
import GatewayCore
import IMMNotify

extension SQLiteStore {
    /// The default wait for a terminal notification: IMM keeps task information for 7 days.
    public static let defaultDeadline: TimeInterval = 7 * 24 * 3600

    /// Records a submission. The same document again changes nothing; a different one for the same
    /// TaskId is a conflict. Notifications that arrived first (by TaskId, or by EventId) are joined.
    public func recordSubmission(_ submission: Submission, at now: Date) async throws -> SubmissionOutcome {
        try submission.validate()
        let document = try jsonText(submission)
        return try await writer.write { db in
            if let existing = try String.fetchOne(
                db.cachedStatement(sql: "SELECT document FROM submission WHERE taskId = ?"),
                arguments: [submission.taskId])
            {
                guard existing == document else { throw SubmissionError.conflict(taskId: submission.taskId) }
                return .unchanged
            }
            try Self.insert(submission, document: document, at: now, db)
            return .created
        }
    }

    private static func insert(_ submission: Submission, document: String, at now: Date, _ db: Database) throws {
        let taskId = submission.taskId
        let nowMs = now.millisecondsSince1970
        let deadline = (submission.deadline ?? now.addingTimeInterval(defaultDeadline)).millisecondsSince1970
        try db.execute(
            sql: "INSERT INTO submission (taskId, eventId, document, createdAt) VALUES (?, ?, ?, ?)",
            arguments: [taskId, nonEmpty(submission.eventId), document, nowMs])
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT immStatus FROM task WHERE taskId = ?"), arguments: [taskId])
        let status = IMMStatus(reported: existing?["immStatus"])
        let state = TaskState.derive(hasSubmission: true, immStatus: status, deadlinePassed: deadline < nowMs)
        if existing == nil {
            try db.execute(
                sql: """
                    INSERT INTO task (taskId, state, hasSubmission, projectName, datasetName, submittedAt, deadline,
                        createdAt, updatedAt)
                    VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    taskId, state.rawValue, nonEmpty(submission.projectName), nonEmpty(submission.datasetName), nowMs,
                    deadline, nowMs, nowMs,
                ])
        } else {
            try db.execute(
                sql: """
                    UPDATE task SET state = ?, hasSubmission = 1, projectName = COALESCE(?, projectName),
                        datasetName = COALESCE(?, datasetName), submittedAt = ?, deadline = ?, updatedAt = ?
                    WHERE taskId = ?
                    """,
                arguments: [
                    state.rawValue, nonEmpty(submission.projectName), nonEmpty(submission.datasetName), nowMs,
                    deadline, nowMs, taskId,
                ])
        }
        for (key, value) in submission.labels ?? [:] {
            try db.execute(
                sql: "INSERT INTO taskLabel (taskId, key, value) VALUES (?, ?, ?)", arguments: [taskId, key, value])
        }
        // Deliveries waiting for this submission go out now.
        try db.execute(
            sql: "UPDATE delivery SET nextAttemptAt = ? WHERE taskId = ? AND status = 'pending' AND nextAttemptAt > ?",
            arguments: [nowMs, taskId, nowMs])
        // Notifications that arrived before the submission and name it only by EventId: with no task
        // yet, or held by an unmatched task of their own TaskId (one no submission names). Had the
        // submission come first they would have joined it (a submission's EventId outranks a TaskId
        // no submission has), so they join it now: both orders give the same task.
        var moved: [Row] = []
        if let eventId = nonEmpty(submission.eventId) {
            moved += try Row.fetchAll(
                db,
                sql: """
                    SELECT \(movedEventColumns) FROM event
                    WHERE messageId = ? AND (+correlatedTaskId IS NULL OR correlatedTaskId IN
                        (SELECT taskId FROM task WHERE hasSubmission = 0 AND taskId <> ?))
                    ORDER BY id
                    """,
                arguments: [eventId, taskId])
        }
        // Notifications naming this TaskId that another submission took by its EventId before this
        // one existed: a TaskId outranks an EventId, so had this submission come first they would
        // be here. They come back (event_taskId_elsewhere holds only such events).
        moved += try Row.fetchAll(
            db,
            sql: """
                SELECT \(movedEventColumns) FROM event
                WHERE taskId = ? AND correlatedTaskId <> taskId ORDER BY id
                """,
            arguments: [taskId])
        var left: [String] = []
        for event in moved.sorted(by: { ($0["id"] as Int64) < ($1["id"] as Int64) }) {
            if let previous = try move(event: event, to: taskId, at: nowMs, db), !left.contains(previous) {
                left.append(previous)
            }
        }
        for previous in left { try refold(taskId: previous, at: nowMs, db) }
    }

    /// The columns `move` and `apply(storedEvent:)` read from an event row.
    static let movedEventColumns = "id, receivedAt, parsedContent, contentText, correlatedTaskId"

    /// Joins a stored event (a row of `movedEventColumns`) to `taskId`: its deliveries follow it and
    /// its faces go with it (face_eventId), listed by the task it joins if this is its first terminal
    /// event. Returns the task it left, which the caller folds again (`refold`).
    static func move(event: Row, to taskId: String, at nowMs: Int64, _ db: Database) throws -> String? {
        let previous: String? = event["correlatedTaskId"]
        try db.execute(sql: "UPDATE event SET correlatedTaskId = ? WHERE id = ?", arguments: [taskId, event["id"]])
        try db.execute(
            sql: """
                UPDATE delivery SET taskId = ?, nextAttemptAt = MIN(nextAttemptAt, ?)
                WHERE eventId = ? AND taskId IS ?
                """,
            arguments: [taskId, nowMs, event["id"], previous])
        try db.execute(sql: "DELETE FROM face WHERE eventId = ?", arguments: [event["id"]])
        try apply(storedEvent: event, to: taskId, db)
        return previous
    }

    /// A task that events left, folded again from the events it still holds, in order, so its
    /// status, outcome and faces are theirs and no longer the ones of an event that left. An
    /// unmatched task left with none is removed (its faces with it); a submitted one goes back to
    /// waiting (or expired, past its deadline).
    static func refold(taskId: String, at nowMs: Int64, _ db: Database) throws {
        guard
            let task = try Row.fetchOne(
                db, sql: "SELECT hasSubmission, deadline FROM task WHERE taskId = ?", arguments: [taskId])
        else { return }
        let hasSubmission: Bool = task["hasSubmission"]
        let events = try Row.fetchAll(
            db,
            sql: """
                SELECT id, receivedAt, parsedContent, contentText FROM event WHERE correlatedTaskId = ? ORDER BY id
                """,
            arguments: [taskId])
        guard !events.isEmpty || hasSubmission else {
            try db.execute(sql: "DELETE FROM task WHERE taskId = ?", arguments: [taskId])
            return
        }
        for event in events {
            try db.execute(sql: "DELETE FROM face WHERE eventId = ? AND taskId = ?", arguments: [event["id"], taskId])
        }
        let deadline: Int64? = task["deadline"]
        let state = TaskState.derive(
            hasSubmission: hasSubmission, immStatus: nil, deadlinePassed: deadline.map { $0 < nowMs } ?? false)
        // Project and dataset go back to what the submission said; the events fill in the rest.
        let submitted = try String.fetchOne(
            db, sql: "SELECT document FROM submission WHERE taskId = ?", arguments: [taskId]
        ).map { try decodeJSON(Submission.self, $0) }
        try db.execute(
            sql: """
                UPDATE task SET state = ?, immStatus = NULL, code = NULL, message = NULL, startedAt = NULL,
                    endedAt = NULL, resultEventId = NULL, firstNotifiedAt = NULL, lastEventAt = NULL,
                    projectName = ?, datasetName = ?, updatedAt = ?
                WHERE taskId = ?
                """,
            arguments: [
                state.rawValue, nonEmpty(submitted?.projectName), nonEmpty(submitted?.datasetName), nowMs, taskId,
            ])
        for event in events { try apply(storedEvent: event, to: taskId, db) }
        // Applying stamps each event's receive time; the task changed now.
        try db.execute(sql: "UPDATE task SET updatedAt = ? WHERE taskId = ?", arguments: [nowMs, taskId])
    }

    /// `apply` for a stored event row (id, receivedAt, parsedContent, contentText).
    private static func apply(storedEvent row: Row, to taskId: String, _ db: Database) throws {
        let parsed: String? = row["parsedContent"]
        try apply(
            eventId: row["id"], receivedAt: Date(millisecondsSince1970: row["receivedAt"]),
            content: try storedContent(parsed: parsed, text: row["contentText"]), to: taskId, db)
    }

    /// The submission recorded for `taskId`.
    public func submission(taskId: String) async throws -> Submission? {
        try await writer.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT document FROM submission WHERE taskId = ?"), arguments: [taskId]
            )
            .map { try decodeJSON(Submission.self, $0) }
        }
    }

    /// Moves open tasks whose deadline passed to `expired`. Through the partial index of open tasks
    /// by deadline, named: left to itself the planner read every open task through task_state, in
    /// the write transaction, every 30 s (about 50-100 ms at 200,000 open tasks).
    public func expireOverdueTasks(at now: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE task INDEXED BY task_open_deadline SET state = 'expired', updatedAt = ?
                    WHERE state IN ('submitted', 'running') AND deadline < ?
                    """,
                arguments: [now.millisecondsSince1970, now.millisecondsSince1970])
            return db.changesCount
        }
    }
}
