import Foundation
import GatewayCore
import GatewayStore
import Hummingbird
import Prometheus

/// `GET /metrics` (Prometheus text) and `GET /readyz`. Counters and histograms recorded through
/// swift-metrics land in the registry when `serve` bootstraps the Prometheus factory; the backlog
/// gauges (pending, dead, oldest pending age, tasks by state) are read from the database at scrape.
public struct MetricsController<Context: RequestContext>: Sendable {
    let store: SQLiteStore
    let clock: any WallClock
    let registry: PrometheusCollectorRegistry

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
            let labels = [("hook", hook.name)]
            gauge("imm_gateway_deliveries_pending", "Deliveries pending, failed (to retry) or in flight", labels)
                .set(to: Double(hook.pending))
            gauge("imm_gateway_deliveries_dead", "Deliveries whose retries are exhausted", labels).set(
                to: Double(hook.dead))
            gauge("imm_gateway_deliveries_paused", "Deliveries waiting for a disabled hook", labels).set(
                to: Double(hook.paused))
            gauge("imm_gateway_delivery_oldest_pending_seconds", "Age of the oldest pending delivery", labels)
                .set(to: Double(hook.oldestPendingAgeSeconds ?? 0))
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
