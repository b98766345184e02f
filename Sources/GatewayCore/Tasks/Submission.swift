import IMMNotify
import Foundation

/// A recorded `CreateFacesSearchingTask` call: the request the user sent IMM and IMM's response, in
/// IMM's own casing, plus the gateway's own `labels` and `deadline`.
public struct Submission: Sendable, Equatable, Codable {
    /// One input image.
    public struct Source: Sendable, Equatable, Codable {
        /// `oss://bucket/object`.
        public var uri: String

        /// Creates a source.
        public init(uri: String) { self.uri = uri }

        enum CodingKeys: String, CodingKey {
            case uri = "URI"
        }
    }

    /// The task id IMM returned; the correlation key. Required.
    public var taskId: String
    /// The event id IMM returned; the fallback correlation key.
    public var eventId: String?
    /// The request id IMM returned.
    public var requestId: String?
    /// The IMM project.
    public var projectName: String?
    /// The IMM dataset.
    public var datasetName: String?
    /// The query images.
    public var sources: [Source]?
    /// The requested number of matches per image (0–100).
    public var maxResult: Int?
    /// The user data sent with the request (at most 2048 bytes); IMM echoes it back.
    public var userData: String?
    /// The `Notification` parameter as sent, kept verbatim.
    public var notification: JSONValue?
    /// Routing and filtering labels.
    public var labels: [String: String]?
    /// When to stop waiting for a terminal notification (default: 7 days after recording).
    public var deadline: Date?

    /// Creates a submission.
    public init(
        taskId: String, eventId: String? = nil, requestId: String? = nil, projectName: String? = nil,
        datasetName: String? = nil, sources: [Source]? = nil, maxResult: Int? = nil, userData: String? = nil,
        notification: JSONValue? = nil, labels: [String: String]? = nil, deadline: Date? = nil
    ) {
        self.taskId = taskId
        self.eventId = eventId
        self.requestId = requestId
        self.projectName = projectName
        self.datasetName = datasetName
        self.sources = sources
        self.maxResult = maxResult
        self.userData = userData
        self.notification = notification
        self.labels = labels
        self.deadline = deadline
    }

    enum CodingKeys: String, CodingKey {
        case taskId = "TaskId", eventId = "EventId", requestId = "RequestId", projectName = "ProjectName"
        case datasetName = "DatasetName", sources = "Sources", maxResult = "MaxResult", userData = "UserData"
        case notification = "Notification", labels, deadline
    }
}
