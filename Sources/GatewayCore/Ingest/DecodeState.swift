/// How far the gateway understood an authentic notification. Every state is stored and acknowledged.
public enum DecodeState: String, Sendable, Codable, CaseIterable {
    /// A face-search task notification, decoded into the typed form.
    case decoded
    /// An IMM message of another task kind (or unknown type), kept generically.
    case generic
    /// Authentic, but its IMM message or content could not be decoded; the raw bytes are kept.
    case undecodable
}
