import IMMNotify

/// Turns an authentic wrapper (MNS push or CloudEvent) into the parsed form, tolerantly: anything
/// that is not understood becomes `generic` or `undecodable`, never an error, because the message
/// is authentic and must be kept.
public enum NotificationDecoder {
    /// Decodes the IMM message carried by an MNS push.
    public static func decode(_ push: MNSPush) -> DecodedNotification {
        let envelope: IMMEnvelope
        do {
            envelope = try IMMEnvelope.decode(message: push.message)
        } catch {
            return DecodedNotification(state: .undecodable, decodeError: "IMM message: \(error)")
        }
        return decoded(
            source: envelope.source, messageId: envelope.id, type: envelope.type, subject: envelope.subject,
            eventTime: envelope.time, content: envelope.content, contentText: envelope.contentText)
    }

    /// Decodes the IMM task content carried by an EventBridge CloudEvent.
    public static func decode(_ event: CloudEvent) -> DecodedNotification {
        decoded(
            source: event.source, messageId: event.id, type: event.type, subject: event.subject,
            eventTime: event.time, content: event.data, contentText: event.data?.jsonText())
    }

    private static func decoded(
        source: String?, messageId: String?, type: String?, subject: String?, eventTime: String?,
        content: JSONValue?, contentText: String?
    ) -> DecodedNotification {
        var result = DecodedNotification(
            source: source, messageId: nonEmpty(messageId), type: type, subject: subject, eventTime: eventTime,
            contentText: contentText, state: .generic)
        guard let content, content.objectValue != nil else {
            result.state = .undecodable
            result.decodeError = content == nil ? "content is missing or not JSON" : "content is not a JSON object"
            return result
        }
        let task = IMMTaskContent(json: content)
        result.content = task
        let isFaceSearch = task.isFaceSearch || (type?.hasSuffix(":FacesSearching") ?? false)
        result.state = isFaceSearch ? .decoded : .generic
        return result
    }
}
