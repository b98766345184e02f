import Foundation
import GatewayCore
import GatewayStore
import Logging
import ServiceLifecycle

/// Works through running bulk replays, a batch per replay per tick, at each replay's rate. A replay
/// is state in the database (cursor, counts), so a restart resumes it where it stopped.
public struct ReplayService: Service {
    let store: SQLiteStore
    let clock: any WallClock
    let tick: Duration
    let logger: Logger

    /// Events enqueued per tick for a replay without a rate.
    static var unlimitedBatch: Int { 500 }

    /// Creates the service.
    public init(store: SQLiteStore, clock: any WallClock, tick: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.clock = clock
        self.tick = tick
        self.logger = logger
    }

    /// Advances every running replay by one batch; returns how many are still running. One replay
    /// that fails this tick is logged and counted as running; the others still advance.
    @discardableResult
    public func step() async throws -> Int {
        var running = 0
        for replay in try await store.runningReplays() {
            let seconds = Double(tick.components.seconds) + Double(tick.components.attoseconds) / 1e18
            let batch = replay.ratePerSecond.map { max(1, Int(($0 * seconds).rounded())) } ?? Self.unlimitedBatch
            do {
                if try await store.advanceReplay(id: replay.id, batch: batch, at: clock.now()) { running += 1 }
            } catch {
                running += 1
                logger.warning(
                    "replay step failed", metadata: ["gw.replay.id": "\(replay.id)", "gw.error": "\(error)"])
            }
        }
        return running
    }

    /// Steps every tick until graceful shutdown.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await step()
            } catch {
                logger.warning("replay step failed", metadata: ["gw.error": "\(error)"])
            }
            let tick = self.tick
            _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
        }
    }
}
