/// The state of one IMM task as the gateway knows it.
///
/// The state is derived, never edited: from whether a submission was recorded, the strongest IMM
/// status seen (a terminal status is sticky: a later `Running` or a duplicate never replaces it),
/// and whether the deadline passed. Deriving it makes both arrival orders (submission first or
/// notification first) give the same answer.
public enum TaskState: String, Sendable, Codable, CaseIterable {
    /// Recorded, no notification yet.
    case submitted
    /// IMM reported `Running`.
    case running
    /// IMM reported `Succeeded` (terminal).
    case succeeded
    /// IMM reported `Failed` (terminal).
    case failed
    /// The deadline passed with no terminal notification. A late terminal notification still wins.
    case expired
    /// A notification arrived for a task no submission names (yet).
    case unmatched

    /// Whether no later notification can change it.
    public var isTerminal: Bool { self == .succeeded || self == .failed }

    /// Derives the state from the facts the gateway holds.
    public static func derive(hasSubmission: Bool, immStatus: IMMStatus?, deadlinePassed: Bool) -> TaskState {
        guard hasSubmission else { return .unmatched }
        switch immStatus {
        case .succeeded: return .succeeded
        case .failed: return .failed
        case .running: return deadlinePassed ? .expired : .running
        case nil: return deadlinePassed ? .expired : .submitted
        }
    }
}

/// The task statuses IMM reports; anything else is kept verbatim in the event but does not move the state.
public enum IMMStatus: String, Sendable, Codable, CaseIterable {
    /// The task is still running.
    case running = "Running"
    /// The task finished with results.
    case succeeded = "Succeeded"
    /// The task failed; `Code` and `Message` say why.
    case failed = "Failed"

    /// Parses IMM's spelling (case-insensitive); nil for unknown values.
    public init?(reported: String?) {
        guard let reported else { return nil }
        switch reported.lowercased() {
        case "running": self = .running
        case "succeeded", "success", "succeed": self = .succeeded
        case "failed", "failure", "fail": self = .failed
        default: return nil
        }
    }

    /// Whether it ends the task.
    public var isTerminal: Bool { self != .running }

    /// The stronger of two statuses: a terminal status is never replaced, the first terminal one wins.
    public static func merge(_ current: IMMStatus?, _ incoming: IMMStatus?) -> IMMStatus? {
        if let current, current.isTerminal { return current }
        return incoming ?? current
    }
}
