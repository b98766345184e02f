import Metrics
import Synchronization

/// Batches concurrent ingest writes into single transactions so a `synchronous=FULL` commit is paid
/// once per batch, not once per request.
///
/// There is no background loop: the first caller to find the committer idle becomes the leader and
/// commits one batch of whatever is waiting (its own write included); if more writes arrived
/// meanwhile, leadership passes to the oldest waiter. Every caller returns only after the batch
/// holding its write committed (or failed), which is what lets the HTTP layer acknowledge after
/// the commit and never before.
public final class GroupCommitter: Sendable {
    private struct Pending {
        let write: IngestWrite
        let ticket: Ticket
    }

    private struct State {
        var pending: [Pending] = []
        var committing = false
    }

    private let store: any IngestStore
    private let maxBatch: Int
    private let state = Mutex(State())

    /// Creates a committer over `store`, committing at most `maxBatch` writes per transaction.
    public init(store: any IngestStore, maxBatch: Int = 256) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
    }

    /// Makes `write` durable (batched with concurrent writes) and returns its result. Throws the
    /// store's error when the batch holding this write could not be committed.
    public func submit(_ write: IngestWrite) async throws -> IngestWriteResult {
        let ticket = Ticket()
        var lead = state.withLock { state in
            state.pending.append(Pending(write: write, ticket: ticket))
            guard !state.committing else { return false }
            state.committing = true
            return true
        }
        while true {
            if lead { await commitOneBatch() }
            switch await ticket.wait() {
            case .result(let result): return try result.get()
            case .lead: lead = true
            }
        }
    }

    private func commitOneBatch() async {
        let batch = state.withLock { state in
            let count = min(maxBatch, state.pending.count)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return batch
        }
        if !batch.isEmpty {
            Recorder(label: "imm_gateway_ingest_commit_batch_size").record(batch.count)
            let started = ContinuousClock.now
            defer {
                let elapsed = ContinuousClock.now - started
                Timer(label: "imm_gateway_ingest_commit_seconds").recordNanoseconds(
                    elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            }
            do {
                let results = try await store.commit(batch.map(\.write))
                for (index, pending) in batch.enumerated() {
                    let result = index < results.count ? results[index] : .failed("store returned no result")
                    pending.ticket.resolve(.result(.success(result)))
                }
            } catch {
                for pending in batch { pending.ticket.resolve(.result(.failure(error))) }
            }
        }
        let next: Ticket? = state.withLock { state in
            guard let first = state.pending.first else {
                state.committing = false
                return nil
            }
            return first.ticket
        }
        next?.resolve(.lead)
    }
}

/// A one-shot rendezvous between a waiting submitter and the leader that commits its write.
private final class Ticket: Sendable {
    enum Signal: Sendable {
        case lead
        case result(Result<IngestWriteResult, any Error>)
    }

    private struct State {
        var signal: Signal?
        var continuation: CheckedContinuation<Signal, Never>?
    }

    private let state = Mutex(State())

    func wait() async -> Signal {
        await withCheckedContinuation { continuation in
            let ready: Signal? = state.withLock { state in
                if let signal = state.signal {
                    state.signal = nil
                    return signal
                }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func resolve(_ signal: Signal) {
        let continuation: CheckedContinuation<Signal, Never>? = state.withLock { state in
            guard let continuation = state.continuation else {
                state.signal = signal
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume(returning: signal)
    }
}
