import Foundation
import GatewayCore
import GatewayStore
import Hummingbird
import Prometheus
import Synchronization

/// `GET /metrics` (Prometheus text) and `GET /readyz`. Counters and histograms recorded through
/// swift-metrics land in the registry when `serve` bootstraps the Prometheus factory; the backlog
/// gauges (pending, dead, oldest pending age, tasks by state) are read from the database at scrape.
public struct MetricsController<Context: RequestContext>: Sendable {
    let store: SQLiteStore
    let clock: any WallClock
    let registry: PrometheusCollectorRegistry
    /// The hooks the last scrape reported: a hook removed since has its gauges unregistered, or a
    /// backlog alert would go on firing for a hook that no longer exists.
    private let reportedHooks = Reported()

    private final class Reported: Sendable {
        let names = Mutex<Set<String>>([])
    }

    /// The per-hook gauges: name and help.
    private static var hookGauges: [(String, String)] {
        [
            ("imm_gateway_deliveries_pending", "Deliveries pending, failed (to retry) or in flight"),
            ("imm_gateway_deliveries_dead", "Deliveries whose retries are exhausted"),
            ("imm_gateway_deliveries_paused", "Deliveries waiting for a disabled hook"),
            ("imm_gateway_delivery_oldest_pending_seconds", "Age of the oldest pending delivery"),
        ]
    }

    /// Creates the controller.
    public init(store: SQLiteStore, clock: any WallClock, registry: PrometheusCollectorRegistry) {
        self.store = store
        self.clock = clock
        self.registry = registry
    }

    /// Registers the routes.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.on(.get, "/metrics", use: metrics)
        routes.getAndHead("/readyz", use: ready)
    }

    /// Prometheus text exposition.
    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let summary = try await store.statusSummary(at: clock.now())
        func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
        }
        for hook in summary.hooks {
            let values = [hook.pending, hook.dead, hook.paused, hook.oldestPendingAgeSeconds ?? 0]
            for ((name, help), value) in zip(Self.hookGauges, values) {
                gauge(name, help, [("hook", hook.name)]).set(to: Double(value))
            }
        }
        let current = Set(summary.hooks.map(\.name))
        let removed = reportedHooks.names.withLock { names in
            defer { names = current }
            return names.subtracting(current)
        }
        for hook in removed {
            for (name, help) in Self.hookGauges { registry.unregisterGauge(gauge(name, help, [("hook", hook)])) }
        }
        for state in TaskState.allCases {
            gauge("imm_gateway_tasks", "Tasks by state", [("state", state.rawValue)])
                .set(to: Double(summary.tasks[state.rawValue] ?? 0))
        }
        gauge("imm_gateway_events_stored", "Notifications stored").set(to: Double(summary.events))
        gauge("imm_gateway_replays_running", "Bulk replays running").set(to: Double(summary.runningReplays))
        gauge("imm_gateway_database_bytes", "Size of the SQLite database").set(to: Double(summary.databaseBytes))
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    /// 200 when the database takes writes, 503 otherwise (migrations run before the listeners open).
    @Sendable func ready(_ request: Request, context: Context) async throws -> Response {
        do {
            try await store.probeWritable()
            return try JSONResponse.make(["status": "ready"])
        } catch {
            throw APIError(
                .serviceUnavailable, code: "not_ready", message: "the database does not accept writes: \(error)")
        }
    }
}
