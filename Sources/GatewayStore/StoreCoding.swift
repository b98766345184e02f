import Foundation
import GatewayCore
import IMMNotify
import Synchronization

/// Encodes a value as compact JSON text with sorted keys, the form every JSON column uses.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Decodes a JSON column.
func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(text.utf8))
}

extension Date {
    /// Milliseconds since 1970, the unit every time column uses.
    var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    /// Creates a date from milliseconds since 1970.
    init(millisecondsSince1970 ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
}

/// Request headers as the JSON column holds them, `[{"name":…,"value":…}]`, written without
/// JSONEncoder (it dominated the ingest profile).
func headersText(_ headers: [CapturedRequest.Header]) -> String {
    var writer = JSONWriter(capacity: 64 * headers.count)
    writer.raw("[")
    for (index, header) in headers.enumerated() {
        writer.raw(index == 0 ? "{" : ",{")
        writer.key("name")
        writer.string(header.name)
        writer.raw(",")
        writer.key("value")
        writer.string(header.value)
        writer.raw("}")
    }
    writer.raw("]")
    return writer.text
}

/// Verification evidence as its JSON column holds it (the keys of its Codable form).
func evidenceText(_ evidence: VerificationEvidence) -> String {
    func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    return JSONValue.object([
        "method": .string(evidence.method), "certificate_url": text(evidence.certificateURL),
        "certificate_fingerprint": text(evidence.certificateFingerprint), "format": .string(evidence.format),
    ]).jsonText()
}

/// The typed content of a stored event: from the legacy `parsedContent` column when present, else
/// decoded again from the content text (the typed form is derived data, so ingest no longer stores it).
func storedContent(parsed: String?, text: String?) throws -> IMMTaskContent? {
    if let parsed { return try decodeJSON(IMMTaskContent.self, parsed) }
    guard let text, let value = try? JSONValue.parse(text), value.objectValue != nil else { return nil }
    return IMMTaskContent(json: value)
}

/// Decoded hook filters by their JSON text. Every stored event is matched against every hook's
/// filter inside the ingest transaction; decoding the same text with JSONDecoder each time was
/// measurable there. Keyed by the text itself, so a changed filter is simply a new entry.
private let decodedHookFilters = Mutex<[String: HookFilter]>([:])

extension SQLiteStore {
    static func hookFilter(_ text: String) throws -> HookFilter {
        if let known = decodedHookFilters.withLock({ $0[text] }) { return known }
        let filter = try decodeJSON(HookFilter.self, text)
        decodedHookFilters.withLock { cache in
            if cache.count >= 256 { cache.removeAll() }  // bounded: hooks are few, edits rare
            cache[text] = filter
        }
        return filter
    }
}
