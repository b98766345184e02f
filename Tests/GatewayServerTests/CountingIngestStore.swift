import GatewayCore
import GatewayServer
import GatewayStore
import Synchronization

/// Wraps a store and counts transactions and writes, to observe group commit.
final class CountingIngestStore: IngestStore {
    private let inner: any IngestStore
    private let counts = Mutex((commits: 0, writes: 0))

    init(wrapping inner: any IngestStore) { self.inner = inner }

    var commits: Int { counts.withLock { $0.commits } }
    var writesCommitted: Int { counts.withLock { $0.writes } }

    func commit(_ writes: [IngestWrite]) async throws -> [IngestWriteResult] {
        let results = try await inner.commit(writes)
        counts.withLock {
            $0.commits += 1
            $0.writes += writes.count
        }
        return results
    }
}

/// Opens the same database file a gateway built from `config` will use.
enum GatewayStoreFactory {
    static func open(_ config: GatewayConfig) throws -> SQLiteStore {
        try SQLiteStore(path: config.database, durability: config.durability)
    }
}
