import Foundation

/// The IMM task content (inside the envelope's `content` or a CloudEvent's `data`), decoded
/// tolerantly: every field is optional, scalars of the wrong type are converted, and result entries
/// that do not match the expected shape are skipped. Decoding never fails.
public struct IMMTaskContent: Sendable, Codable, Equatable {
    /// `ProjectName`.
    public var projectName: String?
    /// `DatasetName`.
    public var datasetName: String?
    /// `RequestId` of the creating call.
    public var requestId: String?
    /// `TaskType`, e.g. `FacesSearching`.
    public var taskType: String?
    /// `TaskId`: the correlation key.
    public var taskId: String?
    /// `Status`: `Succeeded`, `Failed` or `Running`.
    public var status: String?
    /// `Code`: the error code of a failed task.
    public var code: String?
    /// `Message`: the error text of a failed task.
    public var message: String?
    /// `StartTime` as sent.
    public var startTime: String?
    /// `EndTime` as sent.
    public var endTime: String?
    /// `UserData` echoed from the request.
    public var userData: String?
    /// `EventSourceId`.
    public var eventSourceId: String?
    /// The face-search results, per source image; nil when absent.
    public var faceResults: [FaceSearchSourceResult]?

    /// Creates content.
    public init(
        projectName: String? = nil, datasetName: String? = nil, requestId: String? = nil, taskType: String? = nil,
        taskId: String? = nil, status: String? = nil, code: String? = nil, message: String? = nil,
        startTime: String? = nil, endTime: String? = nil, userData: String? = nil, eventSourceId: String? = nil,
        faceResults: [FaceSearchSourceResult]? = nil
    ) {
        self.projectName = projectName
        self.datasetName = datasetName
        self.requestId = requestId
        self.taskType = taskType
        self.taskId = taskId
        self.status = status
        self.code = code
        self.message = message
        self.startTime = startTime
        self.endTime = endTime
        self.userData = userData
        self.eventSourceId = eventSourceId
        self.faceResults = faceResults
    }

    /// Decodes from a parsed content object.
    public init(json: JSONValue) {
        func text(_ key: String) -> String? {
            switch json[key] {
            case .string(let string)?: return string
            case .object?, .array?: return json[key]?.jsonText()
            default: return json[key]?.stringValue
            }
        }
        self.init(
            projectName: text("ProjectName"), datasetName: text("DatasetName"), requestId: text("RequestId"),
            taskType: text("TaskType"), taskId: text("TaskId"), status: text("Status"), code: text("Code"),
            message: text("Message"), startTime: text("StartTime"), endTime: text("EndTime"),
            userData: text("UserData"), eventSourceId: text("EventSourceId"),
            // One entry per request source, in order: an unreadable entry keeps its place (empty),
            // so every later source keeps its index.
            faceResults: json["SimilarFaces"]?.arrayValue.map { sources in
                sources.map { FaceSearchSourceResult(json: $0) ?? FaceSearchSourceResult(sourceURI: nil, faces: []) }
            })
    }

    /// `StartTime` parsed.
    public var startedAt: Date? { startTime.flatMap(IMMTime.parse) }
    /// `EndTime` parsed.
    public var endedAt: Date? { endTime.flatMap(IMMTime.parse) }
    /// Whether this is a face-search task.
    public var isFaceSearch: Bool { taskType == "FacesSearching" || faceResults != nil }
}
