/// The body format of an MNS HTTP subscription (`NotifyContentFormat`).
public enum MNSFormat: String, Sendable, Codable, CaseIterable {
    /// `<Notification>` XML wrapper (MNS's default).
    case xml
    /// JSON object wrapper with the same keys as the XML.
    case json
    /// The body is the published message itself.
    case simplified
}
