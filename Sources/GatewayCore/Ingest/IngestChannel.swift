/// Which relay delivered a notification to the gateway.
public enum IngestChannel: String, Sendable, Codable, CaseIterable {
    /// An MNS topic HTTP subscription push (XML, JSON or SIMPLIFIED body).
    case mns
    /// An EventBridge HTTP target (CloudEvents body).
    case eventbridge
}
