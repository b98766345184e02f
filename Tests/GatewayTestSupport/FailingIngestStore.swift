import GatewayCore
import Synchronization

/// An ingest store whose every commit fails, as a full disk or a locked database would: used to
/// prove that nothing is acknowledged unless it was committed.
public final class FailingIngestStore: IngestStore {
    /// The error each commit throws.
    public struct Failure: Error, CustomStringConvertible {
        /// Describes the simulated failure.
        public var description: String { "simulated disk failure" }
    }

    private let attempts = Mutex(0)

    /// Creates the store.
    public init() {}

    /// How many commits were attempted.
    public var commitAttempts: Int { attempts.withLock { $0 } }

    /// Always throws.
    public func commit(_ writes: [IngestWrite]) async throws -> [IngestWriteResult] {
        attempts.withLock { $0 += 1 }
        throw Failure()
    }
}
