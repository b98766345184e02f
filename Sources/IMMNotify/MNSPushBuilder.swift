import Foundation

/// Builds a complete, validly signed MNS push of a face-search notification, as MNS would send it:
/// for `imm-gateway sample`, the benchmark and tests.
public struct MNSPushBuilder: Sendable {
    /// The default (sample) certificate URL: Alibaba's test certificate location.
    public static let defaultCertificateURL = "https://mnstest.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem"

    /// The body format.
    public var format: MNSFormat
    /// The TaskId in the content.
    public var taskId: String
    /// The Status in the content.
    public var status: String
    /// The envelope id.
    public var eventId: String
    /// How many similar faces the result holds.
    public var faces: Int
    /// The `Date` header (and publish time).
    public var date: Date
    /// The key that signs it.
    public var signingKey: RSASigningKey
    /// The certificate URL the push names.
    public var certificateURL: String
    /// The MNS MessageId.
    public var messageId: String
    /// The request target.
    public var target: String
    /// How many images the matched faces are spread over (nil: `album/0000.jpg` onwards by rank).
    public var album: Int?

    /// Creates a builder; unspecified ids are random.
    public init(
        format: MNSFormat, taskId: String, status: String = "Succeeded", eventId: String? = nil, faces: Int = 3,
        date: Date, signingKey: RSASigningKey, certificateURL: String = MNSPushBuilder.defaultCertificateURL,
        messageId: String? = nil, target: String = "/notifications", album: Int? = nil
    ) {
        self.format = format
        self.taskId = taskId
        self.status = status
        self.eventId = eventId ?? "0ED-\(Self.randomHex(20))"
        self.faces = faces
        self.date = date
        self.signingKey = signingKey
        self.certificateURL = certificateURL
        self.messageId = messageId ?? Self.randomHex(32).uppercased()
        self.target = target
        self.album = album
    }

    /// Builds and signs the request.
    public func build() throws -> CapturedRequest {
        let content = FaceSearchSample.content(taskId: taskId, status: status, faces: faces, album: album)
        let message = FaceSearchSample.envelope(eventId: eventId, content: content, time: date)
        return try build(message: message)
    }

    /// Wraps an arbitrary message text in the chosen format and signs it.
    public func build(message: String) throws -> CapturedRequest {
        let publishTime = String(Int64(date.timeIntervalSince1970 * 1000))
        let messageMD5 = ContentMD5.hexUpper(Array(message.utf8))
        let body: String
        let contentType: String
        switch format {
        case .xml:
            contentType = "text/xml;charset=utf-8"
            body = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Notification xmlns="http://mns.aliyuncs.com/doc/v1/"><TopicOwner>1234567890123456</TopicOwner>\
                <TopicName>imm-faces</TopicName><Subscriber>1234567890123456</Subscriber>\
                <SubscriptionName>gateway</SubscriptionName><MessageId>\(messageId)</MessageId>\
                <MessageMD5>\(messageMD5)</MessageMD5><Message>\(Self.xmlEscape(message))</Message>\
                <PublishTime>\(publishTime)</PublishTime></Notification>
                """
        case .json:
            contentType = "application/json;charset=utf-8"
            body = JSONValue.object([
                "TopicOwner": .string("1234567890123456"), "TopicName": .string("imm-faces"),
                "Subscriber": .string("1234567890123456"), "SubscriptionName": .string("gateway"),
                "MessageId": .string(messageId), "MessageMD5": .string(messageMD5), "Message": .string(message),
                "PublishTime": .string(publishTime),
            ]).jsonText()
        case .simplified:
            contentType = "text/plain;charset=utf-8"
            body = message
        }
        let bodyBytes = Array(body.utf8)
        var request = CapturedRequest(
            method: "POST", target: target,
            headers: [
                .init(name: "Host", value: "127.0.0.1"),
                .init(name: "Content-Type", value: contentType),
                .init(name: "Content-MD5", value: ContentMD5.hexUpper(bodyBytes)),
                .init(name: "Date", value: HTTPDate.format(date)),
                .init(name: "x-mns-request-id", value: Self.randomHex(24).uppercased()),
                .init(name: "x-mns-signing-cert-url", value: Data(certificateURL.utf8).base64EncodedString()),
                .init(name: "x-mns-version", value: "2015-06-06"),
                .init(name: "x-mns-publish-time", value: publishTime),
                .init(name: "x-mns-topic-owner", value: "1234567890123456"),
                .init(name: "x-mns-topic-name", value: "imm-faces"),
                .init(name: "x-mns-subscriber", value: "1234567890123456"),
                .init(name: "x-mns-subscription-name", value: "gateway"),
                .init(name: "x-mns-message-id", value: messageId),
                .init(name: "User-Agent", value: "Aliyun Notification Service Agent"),
            ],
            body: bodyBytes)
        let signature = try signingKey.sign(
            message: Array(MNSSignature.stringToSign(request, signedTarget: nil).utf8), digest: .sha1)
        request.headers.append(.init(name: "Authorization", value: Data(signature).base64EncodedString()))
        request.headers.append(.init(name: "Content-Length", value: String(bodyBytes.count)))
        return request
    }

    /// `text` with `&`, `<` and `>` escaped for XML character data. One pass over the UTF-8 bytes:
    /// Foundation's `replacingOccurrences` was most of the time `bench --prefill` spent building pushes.
    static func xmlEscape(_ text: String) -> String {
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
        guard text.utf8.contains(where: special) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped += "&amp;".utf8
            case UInt8(ascii: "<"): escaped += "&lt;".utf8
            case UInt8(ascii: ">"): escaped += "&gt;".utf8
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// `count` random lower-case hex digits.
    static func randomHex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement() ?? "0" })
    }
}
