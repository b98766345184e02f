import Foundation
import GatewayCore
import Synchronization
import Testing

/// A store that holds each commit until the test has queued more writes, and records batch sizes.
private final class GatedStore: IngestStore {
    let batches = Mutex<[Int]>([])
    let failOn: Set<Int>

    init(failOn: Set<Int> = []) { self.failOn = failOn }

    func commit(_ writes: [IngestWrite]) async throws -> [IngestWriteResult] {
        let number = batches.withLock { batches in
            batches.append(writes.count)
            return batches.count
        }
        // Yield a few times so concurrent submitters pile up behind this commit, as a disk sync would.
        for _ in 0..<50 { await Task.yield() }
        if failOn.contains(number) { throw CancellationError() }
        return writes.enumerated().map { index, _ in .stored(eventId: Int64(number * 1000 + index)) }
    }
}

@Suite("Group commit")
struct GroupCommitterTests {
    private func rejection(_ index: Int) -> IngestWrite {
        .rejection(
            RejectionRecord(
                receivedAt: .now, channel: .mns, error: IngestError(.badSignature, "\(index)"),
                request: .init(method: "POST", target: "/", headers: [], body: []), bodyLimit: 0))
    }

    @Test("concurrent writes share transactions and each caller gets its own result")
    func batches() async throws {
        let store = GatedStore()
        let committer = GroupCommitter(store: store, maxBatch: 64)
        let results = try await withThrowingTaskGroup(of: IngestWriteResult.self) { group in
            for index in 0..<300 { group.addTask { try await committer.submit(rejection(index)) } }
            return try await group.reduce(into: [IngestWriteResult]()) { $0.append($1) }
        }
        let batches = store.batches.withLock { $0 }
        #expect(results.count == 300)
        #expect(Set(results.map { "\($0)" }).count == 300, "every caller must get a distinct result")
        #expect(batches.reduce(0, +) == 300)
        #expect(batches.count < 300)
        #expect(batches.allSatisfy { $0 <= 64 })
    }

    @Test("a failed transaction fails exactly the writes it held, and the committer keeps working")
    func failure() async throws {
        let store = GatedStore(failOn: [1])
        let committer = GroupCommitter(store: store, maxBatch: 8)
        await #expect(throws: CancellationError.self) { try await committer.submit(rejection(0)) }
        #expect(try await committer.submit(rejection(1)) == .stored(eventId: 2000))
    }
}

/// A store that commits on a serial queue of its own and records, for every commit it is asked to
/// start, whether the request came from that queue (the previous commit's completion) or not.
private final class QueueStore: IngestStore {
    private static let key = DispatchSpecificKey<Bool>()
    private let queue = DispatchQueue(label: "queue-store")
    let startedOnQueue = Mutex<[Bool]>([])

    init() { queue.setSpecific(key: Self.key, value: true) }

    func commit(_ writes: [IngestWrite]) async throws -> [IngestWriteResult] {
        Issue.record("the committer must use the completion-based commit")
        return []
    }

    func commit(
        _ writes: [IngestWrite], completion: @escaping @Sendable (Result<[IngestWriteResult], any Error>) -> Void
    ) {
        startedOnQueue.withLock { $0.append(DispatchQueue.getSpecific(key: Self.key) == true) }
        queue.async {
            Thread.sleep(forTimeInterval: 0.002)
            completion(.success(writes.map { _ in .recorded }))
        }
    }
}

@Suite("Group commit on the store's queue")
struct GroupCommitterQueueTests {
    @Test("the next batch is started from the finished commit's queue, not from a task")
    func nextBatchFromCompletion() async throws {
        let store = QueueStore()
        let committer = GroupCommitter(store: store, maxBatch: 4)
        let write = IngestWrite.rejection(
            RejectionRecord(
                receivedAt: .now, channel: .mns, error: IngestError(.badSignature, "x"),
                request: .init(method: "POST", target: "/", headers: [], body: []), bodyLimit: 0))
        let results = try await withThrowingTaskGroup(of: IngestWriteResult.self) { group in
            for _ in 0..<40 { group.addTask { try await committer.submit(write) } }
            return try await group.reduce(into: [IngestWriteResult]()) { $0.append($1) }
        }
        #expect(results.count == 40 && results.allSatisfy { $0 == .recorded })
        let started = store.startedOnQueue.withLock { $0 }
        #expect(started.count >= 10, "at most 4 writes per batch")
        // Only a commit that found the committer idle starts from a caller's task; with 40 writes
        // queued behind 2 ms commits, nearly every batch follows the previous one on the queue.
        #expect(started.filter { $0 }.count >= started.count - 2)
    }
}
