import Foundation

/// One task as the gateway knows it: the join of a submission and its notifications.
public struct TaskRecord: Sendable, Equatable {
    /// The row id (pagination key; creation order).
    public var id: Int64
    /// IMM's TaskId.
    public var taskId: String
    /// The derived state.
    public var state: TaskState
    /// The strongest IMM status reported so far (terminal statuses are sticky).
    public var immStatus: IMMStatus?
    /// Whether a submission was recorded.
    public var hasSubmission: Bool
    /// The IMM project (from the submission, else the notification).
    public var projectName: String?
    /// The IMM dataset (from the submission, else the notification).
    public var datasetName: String?
    /// The error code of a failed task.
    public var code: String?
    /// The error message of a failed task.
    public var message: String?
    /// When the submission was recorded.
    public var submittedAt: Date?
    /// IMM's StartTime.
    public var startedAt: Date?
    /// IMM's EndTime.
    public var endedAt: Date?
    /// When the first notification for it arrived.
    public var firstNotifiedAt: Date?
    /// When the last notification for it arrived.
    public var lastEventAt: Date?
    /// When the gateway stops waiting for a terminal notification.
    public var deadline: Date?
    /// The event whose results were stored (the first terminal one).
    public var resultEventId: Int64?
    /// When the row was created.
    public var createdAt: Date
    /// The submission's labels.
    public var labels: [String: String]

    /// Creates a record.
    public init(
        id: Int64, taskId: String, state: TaskState, immStatus: IMMStatus?, hasSubmission: Bool, projectName: String?,
        datasetName: String?, code: String?, message: String?, submittedAt: Date?, startedAt: Date?, endedAt: Date?,
        firstNotifiedAt: Date?, lastEventAt: Date?, deadline: Date?, resultEventId: Int64?, createdAt: Date,
        labels: [String: String]
    ) {
        self.id = id
        self.taskId = taskId
        self.state = state
        self.immStatus = immStatus
        self.hasSubmission = hasSubmission
        self.projectName = projectName
        self.datasetName = datasetName
        self.code = code
        self.message = message
        self.submittedAt = submittedAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.firstNotifiedAt = firstNotifiedAt
        self.lastEventAt = lastEventAt
        self.deadline = deadline
        self.resultEventId = resultEventId
        self.createdAt = createdAt
        self.labels = labels
    }
}

/// One normalized face match of a task.
public struct TaskFace: Sendable, Equatable {
    /// The row id (pagination key).
    public var id: Int64
    /// The task it belongs to.
    public var taskId: String
    /// The position of the query image in the request's `Sources` (0-based).
    public var sourceIndex: Int
    /// The query image, when IMM named it.
    public var sourceURI: String?
    /// 1 for the most similar match of that source.
    public var rank: Int
    /// The matching image.
    public var uri: String?
    /// The matching face id.
    public var faceId: String?
    /// Similarity from 0 to 1.
    public var similarity: Double?
    /// The face's box in pixels: left, top, width, height.
    public var boundary: (left: Int?, top: Int?, width: Int?, height: Int?)?

    /// Creates a face.
    public init(
        id: Int64, taskId: String, sourceIndex: Int, sourceURI: String?, rank: Int, uri: String?, faceId: String?,
        similarity: Double?, boundary: (left: Int?, top: Int?, width: Int?, height: Int?)?
    ) {
        self.id = id
        self.taskId = taskId
        self.sourceIndex = sourceIndex
        self.sourceURI = sourceURI
        self.rank = rank
        self.uri = uri
        self.faceId = faceId
        self.similarity = similarity
        self.boundary = boundary
    }

    /// Equality including the boundary tuple.
    public static func == (lhs: TaskFace, rhs: TaskFace) -> Bool {
        lhs.taskId == rhs.taskId && lhs.sourceIndex == rhs.sourceIndex && lhs.sourceURI == rhs.sourceURI
            && lhs.rank == rhs.rank && lhs.uri == rhs.uri && lhs.faceId == rhs.faceId
            && lhs.similarity == rhs.similarity && lhs.boundary?.left == rhs.boundary?.left
            && lhs.boundary?.top == rhs.boundary?.top && lhs.boundary?.width == rhs.boundary?.width
            && lhs.boundary?.height == rhs.boundary?.height
    }
}

/// The filters of a task listing; nil means "any".
public struct TaskFilter: Sendable, Equatable {
    /// Only tasks in this state.
    public var state: TaskState?
    /// Only tasks of this project.
    public var project: String?
    /// Only tasks of this dataset.
    public var dataset: String?
    /// Only tasks whose submission carries this label.
    public var label: (key: String, value: String)?
    /// Only tasks first seen at or after this time.
    public var since: Date?
    /// Only tasks first seen before this time.
    public var until: Date?

    /// Creates a filter.
    public init(
        state: TaskState? = nil, project: String? = nil, dataset: String? = nil,
        label: (key: String, value: String)? = nil, since: Date? = nil, until: Date? = nil
    ) {
        self.state = state
        self.project = project
        self.dataset = dataset
        self.label = label
        self.since = since
        self.until = until
    }

    /// Equality including the label tuple.
    public static func == (lhs: TaskFilter, rhs: TaskFilter) -> Bool {
        lhs.state == rhs.state && lhs.project == rhs.project && lhs.dataset == rhs.dataset
            && lhs.label?.key == rhs.label?.key && lhs.label?.value == rhs.label?.value && lhs.since == rhs.since
            && lhs.until == rhs.until
    }
}

/// What recording a submission did.
public enum SubmissionOutcome: Sendable, Equatable {
    /// Recorded for the first time.
    case created
    /// The same submission was already recorded; nothing changed.
    case unchanged
}

/// Submissions, task state and the queries over them.
public protocol TaskStore: Sendable {
    /// Records a submission (idempotent on TaskId) and joins notifications that arrived before it.
    func recordSubmission(_ submission: Submission, at now: Date) async throws -> SubmissionOutcome
    /// The submission recorded for `taskId`.
    func submission(taskId: String) async throws -> Submission?
    /// One task.
    func task(taskId: String) async throws -> TaskRecord?
    /// Tasks newest first, filtered, paginated by id.
    func tasks(filter: TaskFilter, limit: Int, before: Int64?) async throws -> Page<TaskRecord>
    /// The normalized faces of a task, by source and rank.
    func faces(taskId: String) async throws -> [TaskFace]
    /// Faces matching an image URI, newest task first.
    func faces(uri: String, limit: Int, before: Int64?) async throws -> Page<TaskFace>
    /// The events attached to a task, oldest first.
    func events(taskId: String) async throws -> [StoredEvent]
    /// Moves open tasks whose deadline passed to `expired`; returns how many.
    func expireOverdueTasks(at now: Date) async throws -> Int
    /// A task with its submission, faces, events and deliveries, in one read.
    func taskDetail(taskId: String) async throws -> TaskDetail?
}

/// Everything `GET /v1/tasks/{taskId}` shows, read in one consistent snapshot.
public struct TaskDetail: Sendable {
    /// The task.
    public var task: TaskRecord
    /// Its submission, if recorded.
    public var submission: Submission?
    /// Its normalized faces.
    public var faces: [TaskFace]
    /// Its events, oldest first.
    public var events: [StoredEvent]
    /// Its deliveries, newest first.
    public var deliveries: [Delivery]

    /// Creates a detail.
    public init(
        task: TaskRecord, submission: Submission?, faces: [TaskFace], events: [StoredEvent], deliveries: [Delivery]
    ) {
        self.task = task
        self.submission = submission
        self.faces = faces
        self.events = events
        self.deliveries = deliveries
    }
}
