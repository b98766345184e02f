import GatewayCore
import GatewayStore
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// A built gateway: two applications (public ingest, local admin) over one store, and the services
/// that run beside them. `run()` serves until SIGTERM/SIGINT, then shuts down gracefully.
public struct Gateway: Sendable {
    /// The configuration it was built from.
    public let config: GatewayConfig
    /// The database.
    public let store: SQLiteStore
    /// The ingest pipeline (verification, decoding, group commit).
    public let ingestor: NotificationIngestor
    /// The public ingest application.
    public let ingestApplication: Application<RouterResponder<BasicRequestContext>>
    /// The admin application.
    public let adminApplication: Application<RouterResponder<BasicRequestContext>>
    /// The delivery dispatcher (tests drive it with `runOnce()`).
    public let dispatcher: DeliveryDispatcher
    /// The bulk replay worker (tests drive it with `step()`).
    public let replays: ReplayService
    /// The retention sweeper (tests drive it with `sweep()`).
    public let retention: RetentionService
    /// Every admin route as `METHOD /path/{param}` (checked against the OpenAPI document).
    public let adminRoutes: [String]
    /// The ports the listeners bound, once they run.
    public let listeners: BoundListeners
    let services: [any Service]
    let logger: Logger

    /// Runs every service until a shutdown signal (or, with `signals: []`, until the task is cancelled).
    public func run(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        try await serviceGroup(signals: signals).run()
    }

    /// The group that runs every service, shut down gracefully on `signals` or
    /// `triggerGracefulShutdown()`, in reverse order: the dispatcher first, then the listeners.
    public func serviceGroup(signals: [UnixSignal] = [.sigterm, .sigint]) -> ServiceGroup {
        ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: signals, logger: logger))
    }
}
