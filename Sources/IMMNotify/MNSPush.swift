/// An MNS push body, in any of the three formats, reduced to the same fields.
public struct MNSPush: Sendable, Equatable {
    /// The format detected from the body.
    public var format: MNSFormat
    /// `TopicOwner`.
    public var topicOwner: String?
    /// `TopicName`.
    public var topicName: String?
    /// `Subscriber`.
    public var subscriber: String?
    /// `SubscriptionName`.
    public var subscriptionName: String?
    /// `MessageId` (absent in SIMPLIFIED; the `x-mns-message-id` header has it).
    public var messageId: String?
    /// `MessageMD5`.
    public var messageMD5: String?
    /// `MessageTag`.
    public var messageTag: String?
    /// `PublishTime`, epoch milliseconds as text.
    public var publishTime: String?
    /// The message text: the IMM envelope (JSON, or Base64 of it).
    public var message: String

    /// Creates a push.
    public init(
        format: MNSFormat, topicOwner: String? = nil, topicName: String? = nil, subscriber: String? = nil,
        subscriptionName: String? = nil, messageId: String? = nil, messageMD5: String? = nil,
        messageTag: String? = nil, publishTime: String? = nil, message: String
    ) {
        self.format = format
        self.topicOwner = topicOwner
        self.topicName = topicName
        self.subscriber = subscriber
        self.subscriptionName = subscriptionName
        self.messageId = messageId
        self.messageMD5 = messageMD5
        self.messageTag = messageTag
        self.publishTime = publishTime
        self.message = message
    }

    /// Parses a push body, detecting the format from the body itself (not the Content-Type): `<`
    /// starts the XML wrapper; a JSON object with a `Message` key is the JSON wrapper; any other JSON
    /// object is a SIMPLIFIED body (the message itself), and so is Base64 of a JSON object (a
    /// SIMPLIFIED body whose publisher Base64-encoded the message). A leading byte order mark and
    /// white space are skipped.
    public static func parse(body: [UInt8]) throws -> MNSPush {
        var start = body.startIndex
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        while start < body.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(body[start]) { start += 1 }
        guard start < body.endIndex else { throw WireFormatError(.unknownFormat, "empty body") }
        switch body[start] {
        case UInt8(ascii: "<"): return try parseXML(body)
        case UInt8(ascii: "{"): return try parseJSON(Array(body[start...]))
        default:
            let text = String(decoding: body[start...], as: UTF8.self)
            guard (try? IMMEnvelope.decode(message: text)) != nil else {
                throw WireFormatError(
                    .unknownFormat, "body is neither an MNS XML notification, a JSON object nor Base64 of one")
            }
            return MNSPush(format: .simplified, message: text)
        }
    }

    private static func parseXML(_ body: [UInt8]) throws -> MNSPush {
        let root = try XMLElementNode.parse(body)
        guard root.name == "Notification" else {
            throw WireFormatError(.malformedXML, "root element is <\(root.name)>, not <Notification>")
        }
        guard let message = root.child("Message") else {
            throw WireFormatError(.missingField, "<Notification> has no <Message>")
        }
        func field(_ name: String) -> String? { root.child(name)?.text }
        return MNSPush(
            format: .xml, topicOwner: field("TopicOwner"), topicName: field("TopicName"),
            subscriber: field("Subscriber"), subscriptionName: field("SubscriptionName"),
            messageId: field("MessageId"), messageMD5: field("MessageMD5"), messageTag: field("MessageTag"),
            publishTime: field("PublishTime"), message: message.text)
    }

    private static func parseJSON(_ body: [UInt8]) throws -> MNSPush {
        let value = try JSONValue.parse(body)
        guard value.objectValue != nil else { throw WireFormatError(.malformedJSON, "body is not a JSON object") }
        guard let message = value["Message"] else {
            return MNSPush(format: .simplified, message: String(decoding: body, as: UTF8.self))
        }
        let text: String
        switch message {
        case .string(let string): text = string
        case .object, .array: text = message.jsonText()
        default: throw WireFormatError(.malformedJSON, "Message is neither a string nor an object")
        }
        return MNSPush(
            format: .json, topicOwner: value["TopicOwner"]?.stringValue, topicName: value["TopicName"]?.stringValue,
            subscriber: value["Subscriber"]?.stringValue, subscriptionName: value["SubscriptionName"]?.stringValue,
            messageId: value["MessageId"]?.stringValue, messageMD5: value["MessageMD5"]?.stringValue,
            messageTag: value["MessageTag"]?.stringValue, publishTime: value["PublishTime"]?.stringValue, message: text)
    }
}
