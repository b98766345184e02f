import ArgumentParser
import GatewayServer
import Logging
import Metrics
import Prometheus

/// `imm-gateway serve`: runs the ingest and admin listeners until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gateway (embedded defaults unless --config or IMM_GATEWAY_* variables say otherwise).")

    @Option(name: .long, help: "YAML configuration file.")
    var config: String?

    @Option(name: .long, help: "SQLite database file (overrides `database`).")
    var database: String?

    @Option(name: .long, help: "Ingest listener port (overrides `ingest.port`).")
    var ingestPort: Int?

    @Option(name: .long, help: "Admin listener port (overrides `admin.port`).")
    var adminPort: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (overrides `log_level`).")
    var logLevel: String?

    @Option(name: .long, help: "Log format: text (key=value) or json (overrides `log_format`).")
    var logFormat: String?

    func run() async throws {
        var overrides: [String: String] = [:]
        overrides["database"] = database
        overrides["ingest.port"] = ingestPort.map(String.init)
        overrides["admin.port"] = adminPort.map(String.init)
        overrides["log_level"] = logLevel
        overrides["log_format"] = logFormat
        let settings: GatewayConfig
        do {
            settings = try GatewayConfig.load(file: config, overrides: overrides)
        } catch let error as ConfigurationError {
            throw ValidationError("configuration: \(error.description)")
        }
        let level = Logger.Level(rawValue: settings.logLevel.lowercased()) ?? .info
        let json = settings.logFormat == "json"
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        MetricsSystem.bootstrap(PrometheusMetricsFactory())
        let gateway = try await buildGateway(config: settings)
        var logger = Logger(label: "imm-gateway")
        logger.logLevel = .info
        logger.notice(
            "gateway starting",
            metadata: [
                "gw.ingest": "\(settings.ingest.listener.host):\(settings.ingest.listener.port)",
                "gw.admin": "\(settings.admin.listener.host):\(settings.admin.listener.port)",
                "gw.database": "\(settings.database)", "gw.durability": "\(settings.durability.rawValue)",
            ])
        try await gateway.run()
    }
}
