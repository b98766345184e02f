import Foundation
import IMMNotify

/// A recorded `CreateFacesSearchingTask` call: the request the user sent IMM and IMM's response, in
/// IMM's own casing, plus the gateway's own `labels` and `deadline`.
public struct Submission: Sendable, Equatable, Codable {
    /// One input image.
    public struct Source: Sendable, Equatable, Codable {
        /// `oss://bucket/object`.
        public var uri: String

        /// Creates a source.
        public init(uri: String) { self.uri = uri }

        /// Decodes strictly: a misspelt key is an error, not a source without its URI.
        public init(from decoder: any Decoder) throws {
            try StrictKeys.refuseUnknown(decoder, CodingKeys.self)
            uri = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .uri)
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
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

    /// The JSON keys: IMM's casing for IMM's fields, lower case for the gateway's own.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskId = "TaskId"
        case eventId = "EventId"
        case requestId = "RequestId"
        case projectName = "ProjectName"
        case datasetName = "DatasetName"
        case sources = "Sources"
        case maxResult = "MaxResult"
        case userData = "UserData"
        case notification = "Notification"
        case labels, deadline
    }

    /// Decodes a submission; `deadline` is RFC 3339.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        taskId = try container.decode(String.self, forKey: .taskId)
        eventId = try container.decodeIfPresent(String.self, forKey: .eventId)
        requestId = try container.decodeIfPresent(String.self, forKey: .requestId)
        projectName = try container.decodeIfPresent(String.self, forKey: .projectName)
        datasetName = try container.decodeIfPresent(String.self, forKey: .datasetName)
        sources = try container.decodeIfPresent([Source].self, forKey: .sources)
        maxResult = try container.decodeIfPresent(Int.self, forKey: .maxResult)
        userData = try container.decodeIfPresent(String.self, forKey: .userData)
        notification = try container.decodeIfPresent(JSONValue.self, forKey: .notification)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
        if let text = try container.decodeIfPresent(String.self, forKey: .deadline) {
            guard let date = IMMTime.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .deadline, in: container, debugDescription: "deadline must be an RFC 3339 timestamp")
            }
            deadline = date
        } else {
            deadline = nil
        }
    }

    /// Encodes a submission; `deadline` as RFC 3339 UTC.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(taskId, forKey: .taskId)
        try container.encodeIfPresent(eventId, forKey: .eventId)
        try container.encodeIfPresent(requestId, forKey: .requestId)
        try container.encodeIfPresent(projectName, forKey: .projectName)
        try container.encodeIfPresent(datasetName, forKey: .datasetName)
        try container.encodeIfPresent(sources, forKey: .sources)
        try container.encodeIfPresent(maxResult, forKey: .maxResult)
        try container.encodeIfPresent(userData, forKey: .userData)
        try container.encodeIfPresent(notification, forKey: .notification)
        try container.encodeIfPresent(labels, forKey: .labels)
        try container.encodeIfPresent(deadline.map(RFC3339.format), forKey: .deadline)
    }
}
