import Foundation
import GatewayCore
import GatewayStore
import Logging
import ServiceLifecycle

/// Deletes what is past retention, in small batches so ingest never waits behind a long delete.
public struct RetentionService: Service {
    /// Retention settings; nil or 0 days keeps forever.
    public struct Policy: Sendable, Equatable {
        /// Keep events this many days (their deliveries go with them; results a task holds stay).
        public var eventsDays: Int?
        /// Keep delivery attempts this many days.
        public var attemptsDays: Int?
        /// Keep rejections this many days.
        public var rejectionsDays: Int? = 30
        /// Keep at most this many rejections.
        public var rejectionsMax: Int? = 100_000

        /// The defaults: events and attempts forever; rejections 30 days, at most 100,000.
        public init() {}
    }

    let store: SQLiteStore
    let clock: any WallClock
    let policy: Policy
    let interval: Duration
    let logger: Logger

    /// Creates the service.
    public init(
        store: SQLiteStore, clock: any WallClock, policy: Policy, interval: Duration = .seconds(3600), logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    /// One full sweep in batches; returns how many rows were deleted.
    @discardableResult
    public func sweep(batch: Int = 500) async throws -> Int {
        let now = clock.now()
        func before(_ days: Int?) -> Date? {
            guard let days, days > 0 else { return nil }
            return now.addingTimeInterval(-Double(days) * 86_400)
        }
        var total = 0
        if let eventsBefore = before(policy.eventsDays) {
            // A cursor through the events, a batch per transaction, until a whole batch is newer.
            var cursor: Int64? = 0
            while let after = cursor {
                let (deleted, next) = try await store.purgeEvents(before: eventsBefore, after: after, batch: batch)
                total += deleted
                cursor = next
                await Task.yield()
            }
        }
        while true {
            let deleted = try await store.purge(
                attemptsBefore: before(policy.attemptsDays), rejectionsBefore: before(policy.rejectionsDays),
                rejectionsMax: policy.rejectionsMax, batch: batch)
            total += deleted
            if deleted == 0 { return total }
            await Task.yield()
        }
    }

    /// Sweeps every `interval` until graceful shutdown.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let deleted = try await sweep()
                if deleted > 0 { logger.debug("retention sweep", metadata: ["gw.retention.deleted": "\(deleted)"]) }
            } catch {
                logger.warning("retention sweep failed", metadata: ["gw.error": "\(error)"])
            }
            let interval = self.interval
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
