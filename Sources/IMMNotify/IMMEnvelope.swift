import Foundation

/// The IMM message: `id`, `source`, `type`, `subject`, `time` and a `content` that is a second JSON
/// document, usually serialized into a string.
public struct IMMEnvelope: Sendable, Equatable {
    /// The message id (same shape as an EventId).
    public var id: String?
    /// Always `acs.imm` for IMM.
    public var source: String?
    /// `imm:Task:<Kind>`, e.g. `imm:Task:FacesSearching`.
    public var type: String?
    /// The subject; may be empty.
    public var subject: String?
    /// Epoch milliseconds as text.
    public var time: String?
    /// The content, parsed (from an escaped string or an object). nil when absent or not JSON.
    public var content: JSONValue?
    /// The content exactly as received when a string, else its JSON text.
    public var contentText: String?

    /// Creates an envelope.
    public init(
        id: String? = nil, source: String? = nil, type: String? = nil, subject: String? = nil, time: String? = nil,
        content: JSONValue? = nil, contentText: String? = nil
    ) {
        self.id = id
        self.source = source
        self.type = type
        self.subject = subject
        self.time = time
        self.content = content
        self.contentText = contentText
    }

    /// The task kind from the type, e.g. `FacesSearching`.
    public var taskKind: String? {
        guard let type, let colon = type.lastIndex(of: ":") else { return nil }
        let kind = type[type.index(after: colon)...]
        return kind.isEmpty ? nil : String(kind)
    }

    /// Decodes the message text: JSON, or Base64 of JSON. Throws when neither is a JSON object.
    public static func decode(message: String) throws -> IMMEnvelope {
        if let value = try? JSONValue.parse(message), value.objectValue != nil { return decode(value) }
        let compact = message.filter { !$0.isWhitespace }
        if let data = Data(base64Encoded: compact), let value = try? JSONValue.parse(Array(data)),
            value.objectValue != nil
        {
            return decode(value)
        }
        throw WireFormatError(.malformedJSON, "the message is neither a JSON object nor Base64 of one")
    }

    /// Reads the envelope fields from a parsed JSON object.
    public static func decode(_ value: JSONValue) -> IMMEnvelope {
        var envelope = IMMEnvelope(
            id: value["id"]?.stringValue, source: value["source"]?.stringValue, type: value["type"]?.stringValue,
            subject: value["subject"]?.stringValue, time: value["time"]?.stringValue)
        (envelope.content, envelope.contentText) = embeddedDocument(value["content"])
        return envelope
    }

    /// A document that may arrive as an object or as an escaped JSON string: returns it parsed (when
    /// it is JSON) and as text.
    public static func embeddedDocument(_ value: JSONValue?) -> (JSONValue?, String?) {
        switch value {
        case .string(let text)?: return ((try? JSONValue.parse(text)), text)
        case .object?, .array?: return (value, value?.jsonText())
        case nil, .null?: return (nil, nil)
        case let other?: return (nil, other.jsonText())
        }
    }
}
