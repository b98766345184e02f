import Synchronization

/// Runs concurrent submissions in batches through one commit, so a cost paid per commit (a
/// `synchronous=FULL` transaction) is paid once per batch, not once per caller.
///
/// There is no background loop and no leader task: the first caller to find the batcher idle
/// starts a commit of whatever is waiting, and the commit's completion starts the next batch
/// itself, from the thread that finished the commit. With a store that completes on its own serial
/// queue (SQLite's writer), batches follow each other on that queue without a trip through the task
/// executor in between: waiting for a busy executor to run the next leader used to leave the
/// writer idle between commits, which kept batches small and ingest bound by scheduling, not by
/// the disk or the CPU. Every caller returns only after the batch holding its item was committed
/// (or failed): the HTTP layer can acknowledge after the commit and never before.
public final class GroupBatcher<Item: Sendable, Output: Sendable>: Sendable {
    /// Starts committing a batch and calls the completion, once, with one output per item.
    public typealias StartCommit = @Sendable ([Item], @escaping @Sendable (Result<[Output], any Error>) -> Void) -> Void

    private struct Pending: Sendable {
        let item: Item
        let ticket: Ticket<Output>
    }

    private struct State: Sendable {
        var pending: [Pending] = []
        var committing = false
    }

    private let start: StartCommit
    private let maxBatch: Int
    private let observe: (@Sendable (Int, Duration) -> Void)?
    private let state = Mutex(State())

    /// Creates a batcher over a commit that reports through a completion; `start` gets at most
    /// `maxBatch` items and must call its completion exactly once, with one output per item, in
    /// order. `observe` (optional) hears each batch's size and duration.
    public init(maxBatch: Int, observe: (@Sendable (Int, Duration) -> Void)? = nil, start: @escaping StartCommit) {
        self.start = start
        self.maxBatch = max(1, maxBatch)
        self.observe = observe
    }

    /// Creates a batcher over an async commit (run in a task of its own per batch).
    public convenience init(
        maxBatch: Int, observe: (@Sendable (Int, Duration) -> Void)? = nil,
        commit: @escaping @Sendable ([Item]) async throws -> [Output]
    ) {
        self.init(maxBatch: maxBatch, observe: observe) { items, completion in
            completeInTask(completion) { try await commit(items) }
        }
    }

    /// Commits `item` with whatever else is waiting and returns its output; throws the batch's error.
    public func submit(_ item: Item) async throws -> Output {
        let ticket = Ticket<Output>()
        let idle = state.withLock { state in
            state.pending.append(Pending(item: item, ticket: ticket))
            guard !state.committing else { return false }
            state.committing = true
            return true
        }
        if idle { commitNextBatch() }
        return try await ticket.wait().get()
    }

    /// Commits up to `maxBatch` waiting items; when that commit completes, the next batch starts.
    private func commitNextBatch() {
        let batch = state.withLock { state in
            let count = min(maxBatch, state.pending.count)
            if count == 0 { state.committing = false }
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return batch
        }
        guard !batch.isEmpty else { return }
        let started = ContinuousClock.now
        start(batch.map(\.item)) { result in
            switch result {
            case .success(let outputs):
                for (index, pending) in batch.enumerated() {
                    pending.ticket.resolve(
                        index < outputs.count ? .success(outputs[index]) : .failure(GroupBatcherError()))
                }
            case .failure(let error):
                for pending in batch { pending.ticket.resolve(.failure(error)) }
            }
            self.observe?(batch.count, ContinuousClock.now - started)
            self.commitNextBatch()
        }
    }
}

/// Runs `body` in a task of its own and hands its result to `completion`: an async call behind
/// a completion-based interface.
public func completeInTask<T: Sendable>(
    _ completion: @escaping @Sendable (Result<T, any Error>) -> Void, _ body: @escaping @Sendable () async throws -> T
) {
    Task {
        do { completion(.success(try await body())) } catch { completion(.failure(error)) }
    }
}

/// The commit returned fewer outputs than items.
public struct GroupBatcherError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String { "the batch commit returned no result for this item" }
}

/// A one-shot rendezvous between a waiting submitter and the commit that holds its item.
private final class Ticket<Output: Sendable>: Sendable {
    private struct State: Sendable {
        var result: Result<Output, any Error>?
        var continuation: CheckedContinuation<Result<Output, any Error>, Never>?
    }

    private let state = Mutex(State())

    func wait() async -> Result<Output, any Error> {
        await withCheckedContinuation { continuation in
            let ready: Result<Output, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func resolve(_ result: Result<Output, any Error>) {
        let continuation: CheckedContinuation<Result<Output, any Error>, Never>? = state.withLock { state in
            guard let continuation = state.continuation else {
                state.result = result
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume(returning: result)
    }
}
