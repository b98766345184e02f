/// What the gateway did with an accepted notification; both cases are acknowledged with a 2xx.
public enum IngestOutcome: Sendable, Equatable {
    /// Stored as a new event.
    case stored(eventId: Int64)
    /// Already stored earlier; recorded as a duplicate and not stored again.
    case duplicate(eventId: Int64)

    /// The id of the stored event.
    public var eventId: Int64 {
        switch self {
        case .stored(let id), .duplicate(let id): id
        }
    }
}
