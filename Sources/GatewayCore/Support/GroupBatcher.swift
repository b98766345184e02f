import Synchronization

/// Runs concurrent submissions in batches through one `commit` call, so a cost paid per call (a
/// `synchronous=FULL` transaction) is paid once per batch, not once per caller.
///
/// There is no background loop: the first caller to find the batcher idle becomes the leader and
/// commits one batch of whatever is waiting (its own item included); if more arrived meanwhile,
/// leadership passes to the oldest waiter. Every caller returns only after the batch holding its
/// item was committed (or failed): the HTTP layer can acknowledge after the commit and never before.
public final class GroupBatcher<Item: Sendable, Output: Sendable>: Sendable {
    private struct Pending: Sendable {
        let item: Item
        let ticket: Ticket<Output>
    }

    private struct State: Sendable {
        var pending: [Pending] = []
        var committing = false
    }

    private let commit: @Sendable ([Item]) async throws -> [Output]
    private let maxBatch: Int
    private let observe: (@Sendable (Int, Duration) -> Void)?
    private let state = Mutex(State())

    /// Creates a batcher; `commit` gets at most `maxBatch` items and returns one output per item, in
    /// order; `observe` (optional) hears each batch's size and duration.
    public init(
        maxBatch: Int, observe: (@Sendable (Int, Duration) -> Void)? = nil,
        commit: @escaping @Sendable ([Item]) async throws -> [Output]
    ) {
        self.commit = commit
        self.maxBatch = max(1, maxBatch)
        self.observe = observe
    }

    /// Commits `item` with whatever else is waiting and returns its output; throws the batch's error.
    public func submit(_ item: Item) async throws -> Output {
        let ticket = Ticket<Output>()
        var lead = state.withLock { state in
            state.pending.append(Pending(item: item, ticket: ticket))
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
            let started = ContinuousClock.now
            do {
                let outputs = try await commit(batch.map(\.item))
                for (index, pending) in batch.enumerated() {
                    if index < outputs.count {
                        pending.ticket.resolve(.result(.success(outputs[index])))
                    } else {
                        pending.ticket.resolve(.result(.failure(GroupBatcherError())))
                    }
                }
            } catch {
                for pending in batch { pending.ticket.resolve(.result(.failure(error))) }
            }
            observe?(batch.count, ContinuousClock.now - started)
        }
        let next: Ticket<Output>? = state.withLock { state in
            guard let first = state.pending.first else {
                state.committing = false
                return nil
            }
            return first.ticket
        }
        next?.resolve(.lead)
    }
}

/// The commit returned fewer outputs than items.
public struct GroupBatcherError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String { "the batch commit returned no result for this item" }
}

/// A one-shot rendezvous between a waiting submitter and the leader that commits its item.
private final class Ticket<Output: Sendable>: Sendable {
    enum Signal: Sendable {
        case lead
        case result(Result<Output, any Error>)
    }

    private struct State: Sendable {
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
