import Foundation
import GRDB
import GatewayCore
import IMMNotify

extension SQLiteStore: TaskStore {
    /// One task with its labels.
    public func task(taskId: String) async throws -> TaskRecord? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM task WHERE taskId = ?"), arguments: [taskId])
            else {
                return nil
            }
            return try Self.task(from: row, labels: Self.labels(taskId: taskId, db))
        }
    }

    /// Tasks newest first. Every filter is an indexed column; the id keyset keeps pages stable while
    /// rows are inserted (new rows have higher ids and never shift an older page).
    public func tasks(filter: TaskFilter, limit: Int, before: Int64?) async throws -> Page<TaskRecord> {
        let (sql, arguments) = Self.taskQuery(filter: filter, limit: limit, before: before)
        return try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let items = try rows.prefix(limit).map { row in
                try Self.task(from: row, labels: Self.labels(taskId: row["taskId"], db))
            }
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    /// The SQL of a task listing, exposed so tests can check its query plan.
    public static func taskQuery(filter: TaskFilter, limit: Int, before: Int64?) -> (String, StatementArguments) {
        var clauses = ["task.id < ?"]
        var arguments: StatementArguments = [before ?? Int64.max]
        var join = ""
        if let state = filter.state {
            clauses.append("task.state = ?")
            _ = arguments.append(contentsOf: [state.rawValue])
        }
        if let project = filter.project {
            clauses.append("task.projectName = ?")
            _ = arguments.append(contentsOf: [project])
        }
        if let dataset = filter.dataset {
            clauses.append("task.datasetName = ?")
            _ = arguments.append(contentsOf: [dataset])
        }
        if let label = filter.label {
            join = "JOIN taskLabel ON taskLabel.taskId = task.taskId AND taskLabel.key = ? AND taskLabel.value = ?"
            arguments = [label.key, label.value] + arguments
        }
        if let since = filter.since {
            clauses.append("task.createdAt >= ?")
            _ = arguments.append(contentsOf: [since.millisecondsSince1970])
        }
        if let until = filter.until {
            clauses.append("task.createdAt < ?")
            _ = arguments.append(contentsOf: [until.millisecondsSince1970])
        }
        _ = arguments.append(contentsOf: [limit + 1])
        let sql =
            "SELECT task.* FROM task \(join) WHERE \(clauses.joined(separator: " AND ")) ORDER BY task.id DESC LIMIT ?"
        return (sql, arguments)
    }

    /// The query plan SQLite picks for a statement (one line per step), for index checks.
    public func queryPlan(_ sql: String, arguments: StatementArguments) async throws -> [String] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] }
        }
    }

    /// A task's faces by source and rank: they all come from its result event (face_eventId).
    public static let facesOfTaskSQL = """
        SELECT * FROM face WHERE eventId = (SELECT resultEventId FROM task WHERE taskId = ?)
        ORDER BY sourceIndex, rank
        """

    /// A task's faces by source and rank.
    public func faces(taskId: String) async throws -> [TaskFace] {
        try await writer.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: Self.facesOfTaskSQL), arguments: [taskId]
            ).map(Self.face(from:))
        }
    }

    /// Faces whose matching image is `uri`, newest first, a page at a time (face_uri, in its order).
    public static let facesOfURISQL = "SELECT * FROM face WHERE uri = ? AND id < ? ORDER BY id DESC LIMIT ?"

    /// Faces whose matching image is `uri`, newest first.
    public func faces(uri: String, limit: Int, before: Int64?) async throws -> Page<TaskFace> {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: Self.facesOfURISQL),
                arguments: [uri, before ?? Int64.max, limit + 1])
            let items = rows.prefix(limit).map(Self.face(from:))
            return Page(items: items, nextCursor: rows.count > limit ? items.last?.id : nil)
        }
    }

    /// The events attached to a task, oldest first.
    public func events(taskId: String) async throws -> [StoredEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM event WHERE correlatedTaskId = ? ORDER BY id"),
                arguments: [taskId]
            ).map(Self.event(from:))
        }
    }

    /// A task with its submission, faces, events and deliveries, in one read transaction.
    public func taskDetail(taskId: String) async throws -> TaskDetail? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM task WHERE taskId = ?"), arguments: [taskId])
            else {
                return nil
            }
            let submission = try String.fetchOne(
                db.cachedStatement(sql: "SELECT document FROM submission WHERE taskId = ?"), arguments: [taskId]
            ).map { try decodeJSON(Submission.self, $0) }
            let faces = try Row.fetchAll(
                db.cachedStatement(sql: Self.facesOfTaskSQL), arguments: [taskId]
            ).map(Self.face(from:))
            let events = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM event WHERE correlatedTaskId = ? ORDER BY id"),
                arguments: [taskId]
            ).map(Self.event(from:))
            let deliveries = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT delivery.*, hook.name AS hookName FROM delivery JOIN hook ON hook.id = delivery.hookId
                        WHERE delivery.taskId = ? ORDER BY delivery.id DESC LIMIT 500
                        """),
                arguments: [taskId]
            ).map { try Self.delivery(from: $0, hookName: $0["hookName"]) }
            return TaskDetail(
                task: try Self.task(from: row, labels: Self.labels(taskId: taskId, db)), submission: submission,
                faces: faces, events: events, deliveries: deliveries)
        }
    }

    static func labels(taskId: String, _ db: Database) throws -> [String: String] {
        var labels: [String: String] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT key, value FROM taskLabel WHERE taskId = ?"), arguments: [taskId])
        {
            labels[row["key"]] = row["value"]
        }
        return labels
    }

    static func task(from row: Row, labels: [String: String]) throws -> TaskRecord {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(millisecondsSince1970:)) }
        return TaskRecord(
            id: row["id"], taskId: row["taskId"], state: TaskState(rawValue: row["state"]) ?? .unmatched,
            immStatus: IMMStatus(reported: row["immStatus"]), hasSubmission: row["hasSubmission"],
            projectName: row["projectName"], datasetName: row["datasetName"], code: row["code"],
            message: row["message"], submittedAt: date("submittedAt"), startedAt: date("startedAt"),
            endedAt: date("endedAt"), firstNotifiedAt: date("firstNotifiedAt"), lastEventAt: date("lastEventAt"),
            deadline: date("deadline"), resultEventId: row["resultEventId"],
            createdAt: Date(millisecondsSince1970: row["createdAt"]), labels: labels)
    }

    static func face(from row: Row) -> TaskFace {
        let left: Int? = row["boundaryLeft"]
        let top: Int? = row["boundaryTop"]
        let width: Int? = row["boundaryWidth"]
        let height: Int? = row["boundaryHeight"]
        let hasBoundary = left != nil || top != nil || width != nil || height != nil
        return TaskFace(
            id: row["id"], taskId: row["taskId"], sourceIndex: row["sourceIndex"], sourceURI: row["sourceURI"],
            rank: row["rank"], uri: row["uri"], faceId: row["faceId"], similarity: row["similarity"],
            boundary: hasBoundary ? (left, top, width, height) : nil)
    }
}
