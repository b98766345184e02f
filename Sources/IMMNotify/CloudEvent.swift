/// An EventBridge CloudEvents 1.0 body carrying an IMM event.
public struct CloudEvent: Sendable, Equatable {
    /// `id`: with `source`, the dedup key.
    public var id: String?
    /// `source`, e.g. `acs.imm`.
    public var source: String?
    /// `specversion`.
    public var specversion: String?
    /// `type`, e.g. `imm:Task:FacesSearching`.
    public var type: String?
    /// `subject`.
    public var subject: String?
    /// `time` (RFC 3339).
    public var time: String?
    /// `datacontenttype`.
    public var datacontenttype: String?
    /// `data`: the IMM task content (an object, or an escaped JSON string, parsed).
    public var data: JSONValue?
    /// Other top-level string attributes (Alibaba's `aliyun*` extensions).
    public var extensions: [String: String]

    private static let core: Set<String> = [
        "id", "source", "specversion", "type", "subject", "time", "datacontenttype", "data", "data_base64",
    ]

    /// Parses a CloudEvent; it must be a JSON object with `id` and `source`.
    public static func parse(body: [UInt8]) throws -> CloudEvent {
        let value = try JSONValue.parse(body)
        guard let members = value.objectValue else {
            throw WireFormatError(.malformedJSON, "CloudEvent body is not a JSON object")
        }
        guard let id = value["id"]?.stringValue, !id.isEmpty, let source = value["source"]?.stringValue,
            !source.isEmpty
        else { throw WireFormatError(.missingField, "CloudEvent needs 'id' and 'source'") }
        var extensions: [String: String] = [:]
        for (key, member) in members where !core.contains(key) {
            if let text = member.stringValue { extensions[key] = text }
        }
        return CloudEvent(
            id: id, source: source, specversion: value["specversion"]?.stringValue, type: value["type"]?.stringValue,
            subject: value["subject"]?.stringValue, time: value["time"]?.stringValue,
            datacontenttype: value["datacontenttype"]?.stringValue,
            data: IMMEnvelope.embeddedDocument(value["data"]).0, extensions: extensions)
    }
}
