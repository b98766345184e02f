import GatewayStore
import Logging
import ServiceLifecycle

/// Runs the write-ahead-log checkpoints in the background (see `Checkpointer`), every `interval`,
/// so that ingest commits never pay for them. Stops (handing checkpoints back to the committing
/// connection) on graceful shutdown.
public struct CheckpointService: Service {
    let store: SQLiteStore
    let interval: Duration
    let logger: Logger

    /// Creates the service.
    public init(store: SQLiteStore, interval: Duration = .milliseconds(250), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Checkpoints until graceful shutdown.
    public func run() async throws {
        guard let checkpointer = try await Checkpointer(store: store) else { return }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            do {
                try await checkpointer.checkpoint()
            } catch {
                logger.warning("background checkpoint failed", metadata: ["gw.error": "\(error)"])
            }
        }
        try await checkpointer.stop()
    }
}
