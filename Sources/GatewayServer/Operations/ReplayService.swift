import Foundation
import GatewayCore
import GatewayStore
import Logging
import ServiceLifecycle
import Synchronization

/// Works through running bulk replays, a batch per replay per tick, at each replay's rate. A replay
/// is state in the database (cursor, counts), so a restart resumes it where it stopped.
public struct ReplayService: Service {
    let store: SQLiteStore
    let clock: any WallClock
    let tick: Duration
    let logger: Logger
    /// Each replay's fraction of an event not yet enqueued, so a rate under one per tick still runs
    /// at that rate (0.1/s: one event every ten ticks). In memory: a restart loses under one event.
    private let carried = Credits()

    /// Events enqueued per tick for a replay without a rate.
    static var unlimitedBatch: Int { 500 }

    /// The rates `rate_per_second` may take: 0.001 (one event in about 17 minutes) to 10,000 per
    /// second.
    public static let rateRange = 0.001...10_000.0

    private final class Credits: Sendable {
        let fractions = Mutex<[Int64: Double]>([:])
    }

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
        let seconds = Double(tick.components.seconds) + Double(tick.components.attoseconds) / 1e18
        let replays = try await store.runningReplays()
        carried.fractions.withLock { fractions in
            fractions = fractions.filter { id, _ in replays.contains { $0.id == id } }
        }
        for replay in replays {
            let batch =
                replay.ratePerSecond.map { due(id: replay.id, rate: $0, seconds: seconds) } ?? Self.unlimitedBatch
            guard batch > 0 else {
                running += 1
                continue
            }
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

    /// The whole events due this tick at `rate`, carrying the fraction to the next tick. The rate is
    /// clamped to `rateRange`: one stored before the API bounded it must not trap here.
    private func due(id: Int64, rate: Double, seconds: Double) -> Int {
        let rate = min(max(rate, Self.rateRange.lowerBound), Self.rateRange.upperBound)
        return carried.fractions.withLock { fractions in
            let due = (fractions[id] ?? 0) + rate * seconds
            let whole = due.rounded(.down)
            fractions[id] = due - whole
            return Int(whole)
        }
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
