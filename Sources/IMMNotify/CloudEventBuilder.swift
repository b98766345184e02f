import Foundation

/// Builds EventBridge CloudEvents requests carrying a face-search result, authenticated with a
/// shared token and/or a V2 signature, for tests and samples.
public struct CloudEventBuilder: Sendable {
    /// The TaskId in the data.
    public var taskId: String
    /// The Status in the data.
    public var status: String
    /// The CloudEvent id.
    public var eventId: String
    /// When it is sent.
    public var date: Date
    /// The shared token to send, if any.
    public var token: String?
    /// The V2 signature: key, certificate URL and the target URL as EventBridge knows it.
    public var signature: (key: RSASigningKey, certificateURL: String, targetURL: String)?
    /// The request target.
    public var target: String

    /// Creates a builder.
    public init(
        taskId: String, status: String = "Succeeded", eventId: String? = nil, date: Date, token: String? = nil,
        signature: (key: RSASigningKey, certificateURL: String, targetURL: String)? = nil,
        target: String = "/eventbridge"
    ) {
        self.taskId = taskId
        self.status = status
        self.eventId = eventId ?? UUID().uuidString
        self.date = date
        self.token = token
        self.signature = signature
        self.target = target
    }

    /// Builds the request.
    public func build() throws -> CapturedRequest {
        let body = JSONValue.object([
            "id": .string(eventId), "source": .string("acs.imm"), "specversion": .string("1.0"),
            "type": .string("imm:Task:FacesSearching"),
            "subject": .string("acs:imm:cn-hangzhou:1234567890123456:photos-prod/imm:Task:FacesSearching"),
            "time": .string("2026-11-20T16:00:01.456+08:00"),
            "datacontenttype": .string("application/json;charset=utf-8"),
            "aliyunaccountid": .string("1234567890123456"), "aliyunpublishtime": .string("2026-11-20T16:00:01.500PRC"),
            "aliyuneventbusname": .string("default"), "aliyunregionid": .string("cn-hangzhou"),
            "data": FaceSearchSample.content(taskId: taskId, status: status, faces: 2),
        ]).jsonText()
        var request = CapturedRequest(
            method: "POST", target: target,
            headers: [.init(name: "Content-Type", value: "application/json;charset=utf-8")], body: Array(body.utf8))
        if let signature {
            let headers: [(String, String)] = [
                ("x-eventbridge-signature-timestamp", String(Int64(date.timeIntervalSince1970 * 1000))),
                ("x-eventbridge-hash-method", "SHA256"),
                ("x-eventbridge-signature-version", "v2"),
                ("x-eventbridge-signature-url", signature.certificateURL),
            ]
            for (name, value) in headers { request.headers.append(.init(name: name, value: value)) }
            if let token { request.headers.append(.init(name: "x-eventbridge-signature-token", value: token)) }
            let message = EventBridgeSignature.stringsToSign(targetURL: signature.targetURL, request: request)[0]
            let signed = try signature.key.sign(message: message, digest: .sha256)
            request.headers.append(.init(name: "x-eventbridge-signature-v2", value: Data(signed).base64EncodedString()))
        } else if let token {
            request.headers.append(.init(name: "x-eventbridge-signature-token", value: token))
        }
        return request
    }
}
