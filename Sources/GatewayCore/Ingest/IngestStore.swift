/// One write the ingest path asks the store to make durable.
public enum IngestWrite: Sendable {
    /// Store an accepted notification (or count it as a duplicate of one already stored).
    case notification(NotificationRecord)
    /// Record a refused request.
    case rejection(RejectionRecord)
}

/// What became of one write in a committed batch.
public enum IngestWriteResult: Sendable, Equatable {
    /// Stored as a new event with this id.
    case stored(eventId: Int64)
    /// Already stored (same MNS MessageId, envelope id or CloudEvents source+id): counted, not stored again.
    case duplicate(eventId: Int64)
    /// A rejection was recorded.
    case recorded
    /// This write alone failed (the rest of the batch was committed).
    case failed(String)
}

/// The durable side of ingest. `commit` makes a whole batch durable in one transaction (group
/// commit) and returns one result per write, in order; it throws only when nothing was committed.
public protocol IngestStore: Sendable {
    /// Commits the writes in one transaction and returns one result per write.
    func commit(_ writes: [IngestWrite]) async throws -> [IngestWriteResult]

    /// Commits like `commit(_:)` and reports through `completion`, called once from whichever
    /// thread finished the commit. The group committer starts the next batch from that call: a
    /// store with a serial queue of its own (SQLite's writer) runs batches back to back on it.
    func commit(
        _ writes: [IngestWrite], completion: @escaping @Sendable (Result<[IngestWriteResult], any Error>) -> Void)
}

extension IngestStore {
    /// Runs the async `commit(_:)` in a task and reports its result.
    public func commit(
        _ writes: [IngestWrite], completion: @escaping @Sendable (Result<[IngestWriteResult], any Error>) -> Void
    ) {
        completeInTask(completion) { try await commit(writes) }
    }
}
