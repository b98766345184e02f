import Metrics

/// Group commit for ingest: concurrent writes share one transaction, so a `synchronous=FULL`
/// commit is paid once per batch (see `GroupBatcher`). Every caller returns only after the batch
/// holding its write committed, which is what lets the HTTP layer acknowledge after the commit.
public final class GroupCommitter: Sendable {
    private let batcher: GroupBatcher<IngestWrite, IngestWriteResult>

    /// Creates a committer over `store`, committing at most `maxBatch` writes per transaction.
    public init(store: any IngestStore, maxBatch: Int = 256) {
        batcher = GroupBatcher(
            maxBatch: maxBatch,
            observe: { size, elapsed in
                Recorder(label: "imm_gateway_ingest_commit_batch_size").record(size)
                Timer(label: "imm_gateway_ingest_commit_seconds").recordNanoseconds(
                    elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            },
            start: { writes, completion in store.commit(writes, completion: completion) })
    }

    /// Makes `write` durable (batched with concurrent writes) and returns its result. Throws the
    /// store's error when the batch holding this write could not be committed.
    public func submit(_ write: IngestWrite) async throws -> IngestWriteResult {
        try await batcher.submit(write)
    }
}
