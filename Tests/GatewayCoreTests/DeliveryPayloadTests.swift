import Foundation
import GatewayCore
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("Delivery payload")
struct DeliveryPayloadTests {
    /// The payload as the documented tree, rendered by `JSONValue` (sorted keys): the oracle the
    /// streamed writer must match byte for byte.
    private func reference(_ event: DeliveredEvent, webhookId: String, submission: Submission?) throws -> String {
        let content = event.decoded.content
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func int(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        let results: JSONValue =
            content?.faceResults.map { sources in
                .array(
                    sources.map { source in
                        .object([
                            "source_uri": string(source.sourceURI),
                            "faces": .array(
                                source.faces.map { face in
                                    .object([
                                        "uri": string(face.uri), "face_id": string(face.faceId),
                                        "similarity": face.similarity.map(JSONValue.number) ?? .null,
                                        "boundary": face.boundary.map { box in
                                            .object([
                                                "left": int(box.left), "top": int(box.top), "width": int(box.width),
                                                "height": int(box.height),
                                            ])
                                        } ?? .null,
                                    ])
                                }),
                        ])
                    })
            } ?? .null
        let submissionValue = try submission.map { try JSONValue.parse(Array(JSONEncoder().encode($0))) } ?? .null
        let data: [String: JSONValue] = [
            "task_id": string(event.correlatedTaskId ?? event.decoded.taskId),
            "event_id": string(event.decoded.messageId),
            "request_id": string(content?.requestId), "project": string(content?.projectName),
            "dataset": string(content?.datasetName), "status": string(content?.status),
            "code": string(content?.code.flatMap { $0.isEmpty ? nil : $0 }),
            "message": string(content?.message.flatMap { $0.isEmpty ? nil : $0 }),
            "started_at": string(content?.startedAt.map(RFC3339.format)),
            "ended_at": string(content?.endedAt.map(RFC3339.format)), "user_data": string(content?.userData),
            "submission": submissionValue, "matched": .bool(submission != nil), "results": results,
            "gateway_event_id": .number(Double(event.id)),
        ]
        return JSONValue.object([
            "type": .string(DeliveryPayload.type(for: event)), "id": .string(webhookId),
            "timestamp": .string(RFC3339.format(event.receivedAt)), "version": .number(Double(DeliveryPayload.version)),
            "data": .object(data),
        ]).jsonText()
    }

    private func events() throws -> [DeliveredEvent] {
        var decoded = try Fixtures.acceptedNames.map { name in
            NotificationDecoder.decode(try MNSPush.parse(body: try Fixtures.request(name).body))
        }
        // Every optional missing or empty, text that needs escaping, fractional and huge numbers.
        let odd = IMMTaskContent(
            projectName: "p\"\\\n\u{1}é😀", datasetName: nil, requestId: "", taskType: "FacesSearching", taskId: nil,
            status: "Running", code: "", message: "line\tbreak", startTime: "not a time", endTime: nil,
            userData: "{\"k\":[1,2]}", eventSourceId: nil,
            faceResults: [
                FaceSearchSourceResult(
                    sourceURI: nil,
                    faces: [
                        FaceMatch(uri: "oss://b/</script>", faceId: nil, similarity: 0.123456789, boundary: nil),
                        FaceMatch(
                            uri: nil, faceId: "f", similarity: 1e20,
                            boundary: FaceBoundary(left: -1, top: nil, width: 0, height: Int(Int32.max))),
                    ]),
                FaceSearchSourceResult(sourceURI: "oss://b/empty", faces: []),
            ])
        decoded.append(DecodedNotification(source: "acs.imm", messageId: nil, content: odd, state: .decoded))
        decoded.append(DecodedNotification(state: .undecodable, decodeError: "bad"))
        return decoded.enumerated().map { index, decoded in
            DeliveredEvent(
                id: Int64(index) + 1, receivedAt: Date(timeIntervalSince1970: 1_795_582_800.125), decoded: decoded,
                correlatedTaskId: index == 1 ? "T-correlated" : nil)
        }
    }

    @Test("the streamed payload is byte for byte the sorted-keys rendering of the documented tree")
    func matchesReference() throws {
        let submission = Submission(
            taskId: "T-1", eventId: "E-1", projectName: "p", sources: [.init(uri: "oss://b/a.jpg")],
            userData: "u", labels: ["team": "photos"])
        let events = try events()
        #expect(events.count == Fixtures.acceptedNames.count + 2)
        for event in events {
            for matched in [nil, submission] {
                let body = DeliveryPayload.body(event: event, webhookId: "msg_\(event.id)_1", submission: matched)
                let expected = try reference(event, webhookId: "msg_\(event.id)_1", submission: matched)
                #expect(String(decoding: body, as: UTF8.self) == expected)
                #expect(try JSONValue.parse(body)["data"]?["matched"] == .bool(matched != nil))
            }
        }
    }
}
