import IMMNotify

/// The parsed form of an authentic notification: the IMM envelope (or CloudEvent) fields and, when
/// it could be decoded, the task content.
public struct DecodedNotification: Sendable, Equatable {
    /// The envelope or CloudEvent `source` (normally `acs.imm`).
    public var source: String?
    /// The envelope `id` or CloudEvent `id`: the message's own identity, a dedup key.
    public var messageId: String?
    /// The event type, e.g. `imm:Task:FacesSearching`.
    public var type: String?
    /// The event subject (may be empty).
    public var subject: String?
    /// The event time as sent (epoch milliseconds for MNS, RFC 3339 for EventBridge).
    public var eventTime: String?
    /// The typed task content, when the content was a JSON object.
    public var content: IMMTaskContent?
    /// The content exactly as received.
    public var contentText: String?
    /// How far decoding went.
    public var state: DecodeState
    /// Why decoding stopped, for `undecodable` messages.
    public var decodeError: String?

    /// Creates a decoded notification.
    public init(
        source: String? = nil, messageId: String? = nil, type: String? = nil, subject: String? = nil,
        eventTime: String? = nil, content: IMMTaskContent? = nil, contentText: String? = nil,
        state: DecodeState, decodeError: String? = nil
    ) {
        self.source = source
        self.messageId = messageId
        self.type = type
        self.subject = subject
        self.eventTime = eventTime
        self.content = content
        self.contentText = contentText
        self.state = state
        self.decodeError = decodeError
    }

    /// The task id the content names, if any.
    public var taskId: String? { nonEmpty(content?.taskId) }
}

/// Returns the string unless it is nil or empty.
public func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
}
