import GatewayCore
import Logging
import ServiceLifecycle

/// Moves open tasks whose deadline passed to `expired`, every `interval`, until graceful shutdown.
public struct TaskExpiryService: Service {
    let store: any TaskStore
    let clock: any WallClock
    let interval: Duration
    let logger: Logger

    /// Creates the service.
    public init(store: any TaskStore, clock: any WallClock, interval: Duration = .seconds(30), logger: Logger) {
        self.store = store
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// One sweep; returns how many tasks expired.
    @discardableResult
    public func sweep() async throws -> Int {
        let expired = try await store.expireOverdueTasks(at: clock.now())
        if expired > 0 { logger.debug("tasks expired", metadata: ["gw.tasks.expired": "\(expired)"]) }
        return expired
    }

    /// Sweeps until graceful shutdown; a failed sweep is logged and retried next time.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await sweep()
            } catch {
                logger.warning("task expiry sweep failed", metadata: ["gw.error": "\(error)"])
            }
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
