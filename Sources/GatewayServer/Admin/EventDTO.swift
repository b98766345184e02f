import Foundation
import GatewayCore
import IMMNotify

/// The JSON form of a stored event. The list shows the summary; the detail adds the content, the
/// normalized faces and the raw request.
struct EventDTO: Encodable {
    let id: Int64
    let receivedAt: String
    let channel: String
    let format: String
    let mnsMessageId: String?
    let source: String?
    let messageId: String?
    let type: String?
    let subject: String?
    let eventTime: String?
    let taskId: String?
    let taskType: String?
    let status: String?
    let project: String?
    let dataset: String?
    let decodeState: String
    let decodeError: String?
    let duplicateCount: Int
    let lastDuplicateAt: String?
    let evidence: VerificationEvidence
    var task: IMMTaskContentDTO?
    var content: JSONValue?
    /// The content text exactly as stored: IMM's `content` string verbatim (`content` above is it
    /// parsed, numbers as doubles).
    var contentText: String?
    var rawRequest: RawRequestDTO?

    init(_ event: StoredEvent, detail: Bool) {
        let decoded = event.decoded
        id = event.id
        receivedAt = RFC3339.format(event.receivedAt)
        channel = event.channel.rawValue
        format = event.evidence.format
        mnsMessageId = event.mnsMessageId
        source = decoded.source
        messageId = decoded.messageId
        type = decoded.type
        subject = decoded.subject
        eventTime = decoded.eventTime
        taskId = decoded.taskId
        taskType = decoded.content?.taskType
        status = decoded.content?.status
        project = decoded.content?.projectName
        dataset = decoded.content?.datasetName
        decodeState = decoded.state.rawValue
        decodeError = decoded.decodeError
        duplicateCount = event.duplicateCount
        lastDuplicateAt = event.lastDuplicateAt.map(RFC3339.format)
        evidence = event.evidence
        if detail {
            task = decoded.content.map(IMMTaskContentDTO.init)
            content =
                decoded.contentText.flatMap { try? JSONValue.parse(Array($0.utf8)) }
                ?? decoded.contentText.map(JSONValue.string)
            contentText = decoded.contentText
            rawRequest = RawRequestDTO(event.request, bodySize: event.request.body.count)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, format, source, type, subject, status, project, dataset, evidence, task, content
        case receivedAt = "received_at"
        case mnsMessageId = "mns_message_id"
        case messageId = "message_id"
        case eventTime = "event_time"
        case taskId = "task_id"
        case taskType = "task_type"
        case decodeState = "decode_state"
        case decodeError = "decode_error"
        case duplicateCount = "duplicate_count"
        case lastDuplicateAt = "last_duplicate_at"
        case rawRequest = "raw_request"
        case contentText = "content_text"
    }
}

/// The typed task content with normalized face results.
struct IMMTaskContentDTO: Encodable {
    let content: IMMTaskContent

    init(_ content: IMMTaskContent) { self.content = content }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encodeIfPresent(content.taskId, forKey: DynamicKey("task_id"))
        try container.encodeIfPresent(content.taskType, forKey: DynamicKey("task_type"))
        try container.encodeIfPresent(content.status, forKey: DynamicKey("status"))
        try container.encodeIfPresent(content.code, forKey: DynamicKey("code"))
        try container.encodeIfPresent(content.message, forKey: DynamicKey("message"))
        try container.encodeIfPresent(content.projectName, forKey: DynamicKey("project"))
        try container.encodeIfPresent(content.datasetName, forKey: DynamicKey("dataset"))
        try container.encodeIfPresent(content.requestId, forKey: DynamicKey("request_id"))
        try container.encodeIfPresent(content.startTime, forKey: DynamicKey("start_time"))
        try container.encodeIfPresent(content.endTime, forKey: DynamicKey("end_time"))
        try container.encodeIfPresent(content.userData, forKey: DynamicKey("user_data"))
        if let results = content.faceResults {
            let sources = results.map { source in
                SourceDTO(
                    sourceURI: source.sourceURI,
                    faces: source.faces.enumerated().map { rank, face in
                        FaceDTO(
                            rank: rank + 1, uri: face.uri, faceId: face.faceId, similarity: face.similarity,
                            boundary: face.boundary)
                    })
            }
            try container.encode(sources, forKey: DynamicKey("results"))
        }
    }

    struct SourceDTO: Encodable {
        let sourceURI: String?
        let faces: [FaceDTO]
        enum CodingKeys: String, CodingKey {
            case sourceURI = "source_uri"
            case faces
        }
    }

    struct FaceDTO: Encodable {
        let rank: Int
        let uri: String?
        let faceId: String?
        let similarity: Double?
        let boundary: FaceBoundary?
        enum CodingKeys: String, CodingKey {
            case rank, uri, similarity, boundary
            case faceId = "face_id"
        }
    }
}

/// A raw request as stored: the body as text when it is UTF-8, as Base64 otherwise.
struct RawRequestDTO: Encodable {
    let method: String
    let target: String
    let headers: [CapturedRequest.Header]
    let body: String
    let bodyEncoding: String
    let bodySize: Int
    let bodyTruncated: Bool

    init(_ request: CapturedRequest, bodySize: Int) {
        method = request.method
        target = request.target
        headers = request.headers
        if let text = String(validating: request.body, as: UTF8.self) {
            body = text
            bodyEncoding = "utf8"
        } else {
            body = Data(request.body).base64EncodedString()
            bodyEncoding = "base64"
        }
        self.bodySize = bodySize
        bodyTruncated = request.body.count < bodySize
    }

    enum CodingKeys: String, CodingKey {
        case method, target, headers, body
        case bodyEncoding = "body_encoding"
        case bodySize = "body_size"
        case bodyTruncated = "body_truncated"
    }
}

/// The JSON form of a recorded refusal.
struct RejectionDTO: Encodable {
    let id: Int64
    let receivedAt: String
    let channel: String
    let httpStatus: Int
    let reason: String
    let message: String
    let rawRequest: RawRequestDTO

    init(_ rejection: StoredRejection) {
        let record = rejection.record
        id = rejection.id
        receivedAt = RFC3339.format(record.receivedAt)
        channel = record.channel.rawValue
        httpStatus = record.httpStatus
        reason = record.reason
        message = record.message
        rawRequest = RawRequestDTO(record.request, bodySize: record.bodySize)
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, reason, message
        case receivedAt = "received_at"
        case httpStatus = "http_status"
        case rawRequest = "raw_request"
    }
}
