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
