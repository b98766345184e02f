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
            return "imm.faces_search."
                + (IMMStatus(reported: decoded.content?.status)?.rawValue.lowercased() ?? "unknown")
        }
        let kind = decoded.type.flatMap { $0.split(separator: ":").last.map(String.init) } ?? decoded.content?.taskType
        return "imm.task." + (kind ?? "unknown")
    }

    /// The body for `event` as delivered under `webhookId`: compact JSON, keys sorted at every
    /// level. Written straight into bytes; building it as a `JSONValue` tree (dictionaries, then a
    /// sort of their keys) was 5 % of the gateway's CPU with a hook.
    public static func body(event: DeliveredEvent, webhookId: String, submission: Submission?) -> [UInt8] {
        let content = event.decoded.content
        var json = JSONWriter(capacity: 1_024)
        json.raw("{")
        json.key("data")
        json.raw("{")
        json.key("code")
        json.optional(content?.code.flatMap { $0.isEmpty ? nil : $0 })
        json.member("dataset", content?.datasetName)
        json.member("ended_at", content?.endedAt.map(RFC3339.format))
        json.member("event_id", event.decoded.messageId)
        json.raw(",")
        json.key("gateway_event_id")
        json.number(Double(event.id))
        json.raw(",")
        json.key("matched")
        json.raw(submission != nil ? "true" : "false")
        json.member("message", content?.message.flatMap { $0.isEmpty ? nil : $0 })
        json.member("project", content?.projectName)
        json.member("request_id", content?.requestId)
        json.raw(",")
        json.key("results")
        if let sources = content?.faceResults {
            json.raw("[")
            for (index, source) in sources.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw("{")
                json.key("faces")
                json.raw("[")
                for (index, face) in source.faces.enumerated() {
                    if index > 0 { json.raw(",") }
                    write(face, to: &json)
                }
                json.raw("]")
                json.member("source_uri", source.sourceURI)
                json.raw("}")
            }
            json.raw("]")
        } else {
            json.raw("null")
        }
        json.member("started_at", content?.startedAt.map(RFC3339.format))
        json.member("status", content?.status)
        json.raw(",")
        json.key("submission")
        if let submission, let encoded = try? JSONEncoder().encode(submission),
            let parsed = try? JSONValue.parse(Array(encoded))
        {
            parsed.write(to: &json)
        } else {
            json.raw("null")
        }
        json.member("task_id", event.correlatedTaskId ?? event.decoded.taskId)
        json.member("user_data", content?.userData)
        json.raw("}")
        json.member("id", webhookId)
        json.member("timestamp", RFC3339.format(event.receivedAt))
        json.member("type", type(for: event))
        json.raw(",")
        json.key("version")
        json.number(Double(version))
        json.raw("}")
        return json.bytes
    }

    private static func write(_ face: FaceMatch, to json: inout JSONWriter) {
        json.raw("{")
        json.key("boundary")
        if let box = face.boundary {
            json.raw("{")
            json.key("height")
            json.optional(box.height)
            json.member("left", box.left)
            json.member("top", box.top)
            json.member("width", box.width)
            json.raw("}")
        } else {
            json.raw("null")
        }
        json.member("face_id", face.faceId)
        json.raw(",")
        json.key("similarity")
        if let similarity = face.similarity { json.number(similarity) } else { json.raw("null") }
        json.member("uri", face.uri)
        json.raw("}")
    }
}

extension JSONWriter {
    /// Appends a string, or `null`.
    fileprivate mutating func optional(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    /// Appends an integer, or `null`.
    fileprivate mutating func optional(_ value: Int?) {
        if let value { number(Double(value)) } else { raw("null") }
    }

    /// Appends `,"key":` and a string or `null`.
    fileprivate mutating func member(_ key: String, _ value: String?) {
        raw(",")
        self.key(key)
        optional(value)
    }

    /// Appends `,"key":` and an integer or `null`.
    fileprivate mutating func member(_ key: String, _ value: Int?) {
        raw(",")
        self.key(key)
        optional(value)
    }
}
