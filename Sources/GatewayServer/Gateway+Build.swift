import Foundation
import GatewayCore
import GatewayStore
import Hummingbird
import HummingbirdCore
import IMMNotify
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// Seams a test may replace; production passes none.
public struct GatewayOverrides: Sendable {
    /// Replaces the SQLite store for ingest commits (for example, one that fails).
    public var ingestStore: (any IngestStore)?
    /// Replaces the HTTPS certificate fetcher.
    public var certificateFetcher: (any CertificateFetcher)?
    /// Replaces the outbound webhook transport.
    public var webhookTransport: (any WebhookTransport)?
    /// The Prometheus registry `/metrics` renders (default: the process-wide one `serve` bootstraps).
    public var metricsRegistry: PrometheusCollectorRegistry?
    /// Adjusts the dispatcher's settings (tests shorten timings).
    public var dispatcherSettings: (@Sendable (inout DeliveryDispatcher.Settings) -> Void)?

    /// No overrides.
    public init(
        ingestStore: (any IngestStore)? = nil, certificateFetcher: (any CertificateFetcher)? = nil,
        webhookTransport: (any WebhookTransport)? = nil, metricsRegistry: PrometheusCollectorRegistry? = nil,
        dispatcherSettings: (@Sendable (inout DeliveryDispatcher.Settings) -> Void)? = nil
    ) {
        self.metricsRegistry = metricsRegistry
        self.ingestStore = ingestStore
        self.certificateFetcher = certificateFetcher
        self.webhookTransport = webhookTransport
        self.dispatcherSettings = dispatcherSettings
    }
}

/// The composition root: builds the whole gateway from a configuration. `imm-gateway serve` and the
/// tests call this same function.
public func buildGateway(
    config: GatewayConfig, clock: any WallClock = SystemWallClock(), overrides: GatewayOverrides = .init(),
    logger baseLogger: Logger = Logger(label: "imm-gateway")
) async throws -> Gateway {
    var logger = baseLogger
    logger.logLevel = Logger.Level(rawValue: config.logLevel.lowercased()) ?? .info
    try config.validate()
    let store = try SQLiteStore(
        path: config.database, durability: config.durability,
        submissionWait: TimeInterval(config.waitForSubmissionSeconds))
    let fetcher: any CertificateFetcher =
        overrides.certificateFetcher
        ?? (config.mns.fetchCertificates ? HTTPCertificateFetcher() : OfflineCertificateFetcher())
    let pinned = try loadPinnedCertificates(config.mns.pinnedCertificates + config.eventBridge.pinnedCertificates)
    warnAboutSampleSecrets(config, pinned: pinned, logger: logger)
    let certificates = CertificateResolver(
        pinned: pinned, store: store, fetcher: fetcher, clock: clock, logger: logger)
    let committer = GroupCommitter(store: overrides.ingestStore ?? store, maxBatch: config.maxCommitBatch)
    let eventBridge = config.eventBridge
    let ingestor = NotificationIngestor(
        mnsVerifier: MNSVerifier(
            policy: .mns(extraHosts: config.mns.certHosts), maxClockSkew: TimeInterval(config.mns.maxClockSkewSeconds),
            signedTarget: config.mns.signedPath.isEmpty ? nil : config.mns.signedPath),
        eventBridgeVerifier: EventBridgeVerifier(
            token: eventBridge.token.isEmpty ? nil : eventBridge.token,
            targetURL: eventBridge.targetURL.isEmpty ? nil : eventBridge.targetURL,
            policy: .eventBridge(extraHosts: eventBridge.certHosts)),
        certificates: certificates, committer: committer, clock: clock,
        rejectionBodyLimit: config.ingest.rejectionBodyBytes, logger: logger)

    try await applyConfiguredHooks(config.hooks, store: store, at: clock.now())
    let policy = NetworkPolicy(
        allowPrivateNetworks: config.delivery.allowPrivateNetworks,
        allowedCIDRs: config.delivery.allowedCIDRs.compactMap(CIDR.init))
    let transport =
        overrides.webhookTransport
        ?? HTTPWebhookTransport(policy: policy, connectionsPerHost: config.delivery.maxInFlight)
    var settings = DeliveryDispatcher.Settings()
    settings.retry = RetryPolicy(schedule: config.delivery.retrySchedule)
    settings.maxInFlight = config.delivery.maxInFlight
    settings.autoDisableAfter = TimeInterval(config.delivery.autoDisableAfterSeconds)
    overrides.dispatcherSettings?(&settings)
    let dispatcher = DeliveryDispatcher(
        store: store, transport: transport, clock: clock, settings: settings, logger: logger)

    let retention = RetentionService(store: store, clock: clock, policy: config.retention, logger: logger)
    let replays = ReplayService(store: store, clock: clock, logger: logger)
    let listeners = BoundListeners()
    let ingestRouter = Router(context: BasicRequestContext.self)
    ingestRouter.middlewares.add(MetricsMiddleware())
    ingestRouter.middlewares.add(JSONErrorMiddleware())
    let ingestController = IngestController<BasicRequestContext>(
        ingestor: ingestor, mnsPath: config.ingest.mnsPath, eventBridgePath: config.ingest.eventBridgePath,
        maxBodyBytes: config.ingest.maxBodyBytes, maxHeaderBytes: config.ingest.maxHeaderBytes,
        maxHeaderCount: config.ingest.maxHeaderCount)
    ingestController.addRoutes(to: ingestRouter)
    if config.ingest.benchRoute {
        ingestController.addUnstoredBenchRoute(to: ingestRouter)
        ingestRouter.post("/bench/noop") { request, _ -> Response in
            for try await _ in request.body {}
            return Response(status: .noContent)
        }
    }
    ingestRouter.middlewares.add(
        MethodNotAllowedMiddleware(routes: ["POST \(config.ingest.mnsPath)", "POST \(config.ingest.eventBridgePath)"]))
    let limits = config.ingest
    /// The HTTP/1 settings of a listener whose decoder lets heads through up to `allowance` times
    /// the configured limits.
    func http1(allowance: Int) -> HTTP1Channel.Configuration {
        HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                RequestDeadlineHandler(
                    headTimeout: .seconds(Int64(limits.headerTimeoutSeconds)),
                    bodyTimeout: .seconds(Int64(limits.bodyTimeoutSeconds)))
            ],
            idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds)),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: limits.maxHeaderBytes * allowance,
                maxHeaderListSize: limits.maxHeaderBytes * allowance,
                maxHeaderFieldCount: limits.maxHeaderCount * allowance))
    }
    // On the ingest listener the decoder's own caps sit above the configured limits, which the
    // ingest routes check themselves: a head a little over them gets a JSON 431 and is recorded, not
    // a bare 400. The admin listener's decoder enforces the limits exactly.
    let ingestApplication = Application(
        router: ingestRouter,
        server: .http1(configuration: http1(allowance: IngestController<BasicRequestContext>.decoderHeaderAllowance)),
        configuration: .init(
            address: .hostname(config.ingest.listener.host, port: config.ingest.listener.port),
            serverName: "imm-gateway",
            availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections)),
        onServerRunning: { channel in listeners.bound("ingest", port: channel.localAddress?.port ?? 0) },
        logger: logger)

    let adminRouter = Router(context: BasicRequestContext.self)
    adminRouter.middlewares.add(JSONErrorMiddleware())
    adminRouter.middlewares.add(MetricsMiddleware())
    adminRouter.middlewares.add(BearerTokenMiddleware(token: config.admin.token, openPaths: ["/healthz", "/readyz"]))
    let adminRoutes = RouteTable(router: adminRouter)
    HealthController(reader: store).addRoutes(to: adminRoutes)
    EventsController(reader: store).addRoutes(to: adminRoutes)
    SubmissionsController(store: store, clock: clock).addRoutes(to: adminRoutes)
    TasksController(store: store).addRoutes(to: adminRoutes)
    HooksController(store: store, dispatcher: dispatcher, clock: clock).addRoutes(to: adminRoutes)
    DeliveriesController(store: store).addRoutes(to: adminRoutes)
    OperationsController(store: store, clock: clock, config: config).addRoutes(to: adminRoutes)
    MetricsController(
        store: store, clock: clock, registry: overrides.metricsRegistry ?? PrometheusMetricsFactory.defaultRegistry
    )
    .addRoutes(to: adminRoutes)
    OpenAPIController().addRoutes(to: adminRoutes)
    adminRouter.middlewares.add(MethodNotAllowedMiddleware(routes: adminRoutes.routes))
    let adminApplication = Application(
        router: adminRouter, server: .http1(configuration: http1(allowance: 1)),
        configuration: .init(
            address: .hostname(config.admin.listener.host, port: config.admin.listener.port),
            serverName: "imm-gateway-admin",
            availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections)),
        onServerRunning: { channel in listeners.bound("admin", port: channel.localAddress?.port ?? 0) },
        logger: logger)

    return Gateway(
        config: config, store: store, ingestor: ingestor, ingestApplication: ingestApplication,
        adminApplication: adminApplication, dispatcher: dispatcher, replays: replays,
        retention: retention, adminRoutes: adminRoutes.routes,
        listeners: listeners,
        // Graceful shutdown runs in reverse: the dispatcher first, so it stops claiming at once (not
        // after the listeners have drained) and its sends in flight finish while ingest still stores.
        services: [
            CheckpointService(store: store, logger: logger),
            TaskExpiryService(store: store, clock: clock, logger: logger),
            retention, replays, ingestApplication, adminApplication, dispatcher,
        ],
        logger: logger)
}

/// The SHA-256 of the DER of `Samples/certs/sample-mns-cert.pem`, whose private key is public.
let sampleCertificateFingerprint = "94e3d0787bbb1d646f93bfeca7645d88c921bcffa0f7b727997ba08148d206a9"
/// The sample config's EventBridge token.
let sampleEventBridgeToken = "sample-eventbridge-token"

/// Says, loudly and at every start, when the gateway trusts what anyone can produce: the sample
/// certificate (its private key is in the repository) or the sample EventBridge token. The quick
/// start needs both; a deployment copied from it would accept forged pushes without a word.
func warnAboutSampleSecrets(_ config: GatewayConfig, pinned: [String: RSACertificate], logger: Logger) {
    for (url, certificate) in pinned where certificate.sha256Fingerprint == sampleCertificateFingerprint {
        logger.warning(
            "SAMPLE certificate pinned: anyone can sign pushes this gateway accepts; never expose it, remove the pin in production",
            metadata: ["gw.certificate.url": "\(url)"])
    }
    if config.eventBridge.token == sampleEventBridgeToken {
        logger.warning(
            "SAMPLE EventBridge token configured: anyone can send events this gateway accepts; set your own eventbridge.token"
        )
    }
}

/// Reads every pinned certificate file; a missing or unreadable file stops start-up with its path.
func loadPinnedCertificates(_ pins: [GatewayConfig.PinnedCertificate]) throws -> [String: RSACertificate] {
    var pinned: [String: RSACertificate] = [:]
    for pin in pins {
        guard let data = FileManager.default.contents(atPath: pin.file) else {
            throw ConfigurationError("pinned certificate file \(pin.file) (for \(pin.url)) cannot be read")
        }
        do {
            pinned[pin.url] = try RSACertificate(pem: Array(data))
        } catch {
            throw ConfigurationError("pinned certificate file \(pin.file) is not a certificate: \(error)")
        }
    }
    return pinned
}

/// Creates or updates the hooks declared in the config file; the file is the source of truth for
/// their settings and secrets: each is built from the defaults and the file, so a key taken out of
/// the file (a header with a credential, a filter) is gone, not kept from before. Only run-time
/// state carries over (id, enabled unless the file says, last success, the Ed25519 key). A hook the
/// file no longer declares is handed to the API (origin `api`), where it can be changed or removed.
func applyConfiguredHooks(_ specs: [HookSpec], store: SQLiteStore, at now: Date) async throws {
    let declared = Set(specs.compactMap(\.name))
    for orphan in try await store.hooks() where orphan.origin == "config" && !declared.contains(orphan.name) {
        try await store.handOverToAPI(hookNamed: orphan.name, at: now)
    }
    for (index, spec) in specs.enumerated() {
        guard let secrets = spec.secrets, !secrets.isEmpty else {
            throw ConfigurationError(
                "hooks[\(index)].secrets is required for a configured hook (any 'whsec_' + Base64 value of 16+ bytes)")
        }
        do {
            let existing = try await store.hook(named: spec.name ?? "")
            var hook = try spec.applied(to: nil, origin: "config")
            if let existing {
                hook.id = existing.id
                hook.createdAt = existing.createdAt
                hook.enabled = existing.enabled
                hook.disabledReason = existing.disabledReason
                hook.lastSuccessAt = existing.lastSuccessAt
                hook.failingSince = existing.failingSince
                if hook.ed25519Key != nil { hook.ed25519Key = existing.ed25519Key ?? hook.ed25519Key }
            }
            if existing == nil {
                _ = try await store.createHook(hook, secrets: secrets, at: now)
            } else {
                _ = try await store.updateHook(hook, at: now)
                if let enabled = spec.enabled, enabled != existing?.enabled {
                    _ = try await store.setHookEnabled(
                        named: hook.name, enabled: enabled, reason: "configuration", at: now)
                }
                try await store.replaceSecrets(named: hook.name, secrets: secrets, at: now)
            }
        } catch let error as HookError {
            throw ConfigurationError("hooks[\(index)]: \(error.message)")
        }
    }
}
