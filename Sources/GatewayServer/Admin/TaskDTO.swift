import Foundation
import GatewayCore
import IMMNotify

/// The JSON form of a task. The list shows the task alone; the detail adds the submission, the
/// normalized faces and the task's events.
struct TaskDTO: Encodable {
    let task: TaskRecord
    var submission: Submission??
    var faces: [FaceDTO]?
    var events: [EventDTO]?
    var deliveries: [DeliveryDTO]?

    init(_ task: TaskRecord) { self.task = task }

    enum CodingKeys: String, CodingKey {
        case taskId = "task_id"
        case state
        case immStatus = "imm_status"
        case hasSubmission = "has_submission"
        case project, dataset
        case code, message
        case submittedAt = "submitted_at"
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case firstNotifiedAt = "first_notified_at"
        case lastEventAt = "last_event_at"
        case deadline
        case createdAt = "created_at"
        case labels
        case resultEventId = "result_event_id"
        case submission, faces, events
        case deliveries
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(task.taskId, forKey: .taskId)
        try container.encode(task.state.rawValue, forKey: .state)
        try container.encode(task.immStatus?.rawValue, forKey: .immStatus)
        try container.encode(task.hasSubmission, forKey: .hasSubmission)
        try container.encode(task.projectName, forKey: .project)
        try container.encode(task.datasetName, forKey: .dataset)
        try container.encode(task.code, forKey: .code)
        try container.encode(task.message, forKey: .message)
        try container.encode(task.submittedAt.map(RFC3339.format), forKey: .submittedAt)
        try container.encode(task.startedAt.map(RFC3339.format), forKey: .startedAt)
        try container.encode(task.endedAt.map(RFC3339.format), forKey: .endedAt)
        try container.encode(task.firstNotifiedAt.map(RFC3339.format), forKey: .firstNotifiedAt)
        try container.encode(task.lastEventAt.map(RFC3339.format), forKey: .lastEventAt)
        try container.encode(task.deadline.map(RFC3339.format), forKey: .deadline)
        try container.encode(RFC3339.format(task.createdAt), forKey: .createdAt)
        try container.encode(task.labels, forKey: .labels)
        try container.encode(task.resultEventId, forKey: .resultEventId)
        if let submission { try container.encode(submission, forKey: .submission) }
        if let faces { try container.encode(faces, forKey: .faces) }
        if let events { try container.encode(events, forKey: .events) }
        if let deliveries { try container.encode(deliveries, forKey: .deliveries) }
    }
}

/// One normalized face match.
struct FaceDTO: Encodable {
    let face: TaskFace

    enum CodingKeys: String, CodingKey {
        case taskId = "task_id"
        case sourceIndex = "source_index"
        case sourceURI = "source_uri"
        case rank, uri
        case faceId = "face_id"
        case similarity, boundary
    }

    enum BoundaryKeys: String, CodingKey {
        case left, top, width, height
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(face.taskId, forKey: .taskId)
        try container.encode(face.sourceIndex, forKey: .sourceIndex)
        try container.encode(face.sourceURI, forKey: .sourceURI)
        try container.encode(face.rank, forKey: .rank)
        try container.encode(face.uri, forKey: .uri)
        try container.encode(face.faceId, forKey: .faceId)
        try container.encode(face.similarity, forKey: .similarity)
        if let boundary = face.boundary {
            var box = container.nestedContainer(keyedBy: BoundaryKeys.self, forKey: .boundary)
            try box.encode(boundary.left, forKey: .left)
            try box.encode(boundary.top, forKey: .top)
            try box.encode(boundary.width, forKey: .width)
            try box.encode(boundary.height, forKey: .height)
        } else {
            try container.encodeNil(forKey: .boundary)
        }
    }
}

extension TaskStore {
    /// The full view of one task, as `GET /v1/tasks/{taskId}` and `POST /v1/submissions` answer it.
    func detail(taskId: String) async throws -> TaskDTO? {
        guard let detail = try await taskDetail(taskId: taskId) else { return nil }
        var dto = TaskDTO(detail.task)
        dto.submission = .some(detail.submission)
        dto.faces = detail.faces.map(FaceDTO.init)
        dto.events = detail.events.map { EventDTO($0, detail: false) }
        dto.deliveries = detail.deliveries.map { DeliveryDTO(delivery: $0) }
        return dto
    }
}
