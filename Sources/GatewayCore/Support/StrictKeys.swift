/// Refuses members a type does not know: for operator-written documents, where a misspelt key
/// silently ignored changes what the document means (a filter that matches everything, a source
/// without its URI).
enum StrictKeys {
    /// Throws `DecodingError.dataCorrupted` at the first unknown member (sorted), naming the known ones.
    static func refuseUnknown<Keys: CodingKey & CaseIterable & RawRepresentable>(
        _ decoder: any Decoder, _ keys: Keys.Type
    ) throws where Keys.RawValue == String {
        let present = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        guard let unknown = present.sorted().first(where: { Keys(rawValue: $0) == nil }) else { return }
        let known = Keys.allCases.map(\.rawValue).joined(separator: ", ")
        throw DecodingError.dataCorrupted(
            .init(
                codingPath: decoder.codingPath + [AnyKey(stringValue: unknown)],
                debugDescription: "unknown field; known fields: \(known)"))
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
