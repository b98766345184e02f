import Foundation
import IMMNotify

/// The notification decoders, called in the order ingest calls them (`NotificationIngestor` then
/// `NotificationDecoder`, which live in GatewayCore; their IMMNotify calls are repeated here so this
/// target depends on IMMNotify alone).
extension FuzzTarget {
    /// `mns-xml`: the XML reader alone, then the body as ingest reads it.
    static func mnsXML(_ bytes: [UInt8]) throws(FuzzFinding) {
        if let root = try? XMLElementNode.parse(bytes) { _ = root.child("Message")?.text }
        try mnsPush(bytes)
    }

    /// `mns-json`: the JSON reader alone (and its text form), then the body as ingest reads it.
    static func mnsJSON(_ bytes: [UInt8]) throws(FuzzFinding) {
        if let value = try? JSONValue.parse(bytes) { try checkJSONText(value) }
        try mnsPush(bytes)
    }

    /// An authentic MNS body: the wrapper (format detected from the body), then the IMM message in it.
    static func mnsPush(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard let push = try? MNSPush.parse(body: bytes) else { return }
        try immMessage(push.message)
    }

    /// The IMM message text (the push's `Message`, or a SIMPLIFIED body decoded as UTF-8).
    static func immMessage(_ message: String) throws(FuzzFinding) {
        guard let envelope = try? IMMEnvelope.decode(message: message) else { return }
        _ = envelope.taskKind
        try taskContent(envelope.content, storedAs: envelope.contentText)
    }

    /// `face-content`: a content document as the store reads it back from its text.
    static func faceContent(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard let value = try? JSONValue.parse(bytes) else { return }
        try checkJSONText(value)
        try taskContent(value, storedAs: value.jsonText())
    }

    /// `cloudevent`: an authentic EventBridge body, then the task content in its `data`.
    static func cloudEvent(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard let event = try? CloudEvent.parse(body: bytes) else { return }
        _ = event.extensions.count
        if let data = event.data { try checkJSONText(data) }
        try taskContent(event.data, storedAs: event.data?.jsonText())
    }

    /// The typed task content as ingest decodes it, checked against the two other places it is
    /// made: the store decodes it again from the stored content text, and the JSON columns and the
    /// admin API encode it with `JSONEncoder` (which refuses NaN and infinities).
    static func taskContent(_ content: JSONValue?, storedAs text: String?) throws(FuzzFinding) {
        guard let content, content.objectValue != nil else { return }
        let task = IMMTaskContent(json: content)
        _ = (task.startedAt.map(IMMTime.format), task.endedAt.map(IMMTime.format), task.isFaceSearch)
        guard let text, let stored = try? JSONValue.parse(text), stored.objectValue != nil else {
            throw FuzzFinding("the stored content text does not parse back to an object")
        }
        guard IMMTaskContent(json: stored) == task else {
            throw FuzzFinding("content decoded from its stored text differs from the content decoded at ingest")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encoded: Data
        do {
            encoded = try encoder.encode(task)
        } catch {
            throw FuzzFinding("the decoded content cannot be encoded as JSON: \(error)")
        }
        guard (try? JSONDecoder().decode(IMMTaskContent.self, from: encoded)) == task else {
            throw FuzzFinding("the decoded content does not survive JSONEncoder and JSONDecoder")
        }
    }

    /// `jsonText()` is what the store keeps (content text, header columns); it must parse back and
    /// print the same again.
    static func checkJSONText(_ value: JSONValue) throws(FuzzFinding) {
        let text = value.jsonText()
        guard let again = try? JSONValue.parse(text) else {
            throw FuzzFinding("jsonText() wrote text that does not parse: \(text.prefix(200))")
        }
        guard again.jsonText() == text else {
            throw FuzzFinding("jsonText() is not stable across a parse: \(text.prefix(200))")
        }
    }
}
