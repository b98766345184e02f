import Foundation
import IMMNotify

/// The versioned JSON body POSTed to hooks (see the README for an example).
public enum DeliveryPayload {
    /// The payload format version.
    public static let version = 1

    /// The payload `type` for an event: `imm.faces_search.succeeded|failed|running` for face search,
    /// `imm.task.<kind>` for other kinds.
    public static func type(for event: DeliveredEvent) -> String {
        let decoded = event.decoded
        if decoded.state == .decoded {
            return "imm.faces_search." + (IMMStatus(reported: decoded.content?.status)?.rawValue.lowercased() ?? "unknown")
        }
        let kind = decoded.type.flatMap { $0.split(separator: ":").last.map(String.init) } ?? decoded.content?.taskType
        return "imm.task." + (kind ?? "unknown")
    }

    /// The body for `event` as delivered under `webhookId`.
    public static func body(event: DeliveredEvent, webhookId: String, submission: Submission?) -> [UInt8] {
        let content = event.decoded.content
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let results: JSONValue =
            content?.faceResults.map { sources in
                .array(
                    sources.map { source in
                        .object([
                            "source_uri": string(source.sourceURI),
                            "faces": .array(source.faces.map(face)),
                        ])
                    })
            } ?? .null
        var submissionValue = JSONValue.null
        if let submission, let encoded = try? JSONEncoder().encode(submission),
            let parsed = try? JSONValue.parse(Array(encoded))
        {
            submissionValue = parsed
        }
        let data: [String: JSONValue] = [
            "task_id": string(event.correlatedTaskId ?? event.decoded.taskId), "event_id": string(event.decoded.messageId),
            "request_id": string(content?.requestId), "project": string(content?.projectName),
            "dataset": string(content?.datasetName), "status": string(content?.status),
            "code": string(content?.code.flatMap { $0.isEmpty ? nil : $0 }),
            "message": string(content?.message.flatMap { $0.isEmpty ? nil : $0 }),
            "started_at": string(content?.startedAt.map(RFC3339.format)),
            "ended_at": string(content?.endedAt.map(RFC3339.format)), "user_data": string(content?.userData),
            "submission": submissionValue, "matched": .bool(submission != nil), "results": results,
            "gateway_event_id": .number(Double(event.id)),
        ]
        let payload: JSONValue = .object([
            "type": .string(type(for: event)), "id": .string(webhookId),
            "timestamp": .string(RFC3339.format(event.receivedAt)), "version": .number(Double(version)),
            "data": .object(data),
        ])
        return Array(payload.jsonText().utf8)
    }

    private static func face(_ face: FaceMatch) -> JSONValue {
        func int(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        var boundary = JSONValue.null
        if let box = face.boundary {
            boundary = .object(["left": int(box.left), "top": int(box.top), "width": int(box.width), "height": int(box.height)])
        }
        return .object([
            "uri": face.uri.map(JSONValue.string) ?? .null, "face_id": face.faceId.map(JSONValue.string) ?? .null,
            "similarity": face.similarity.map(JSONValue.number) ?? .null, "boundary": boundary,
        ])
    }
}
