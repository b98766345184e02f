import ArgumentParser
import Foundation
import GatewayServer
import Glibc
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
            throw ServeError("configuration: \(error.description)")
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
        // Held until the process exits, never closed: closing any descriptor of the file would also
        // drop SQLite's own (fcntl) locks on it while the store may still be open.
        _ = try Self.lockDatabase(settings.database)
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
        do {
            try await gateway.run()
        } catch  where "\(error)".contains("Address already in use") {
            throw ServeError(
                "a listener's port is already in use (ingest \(settings.ingest.listener.host):\(settings.ingest.listener.port), "
                    + "admin \(settings.admin.listener.host):\(settings.admin.listener.port)): \(error)")
        }
    }

    /// Takes an exclusive `flock` on the database file for as long as this process serves it: a
    /// second gateway on the same file would run a second dispatcher, expiry, retention and replay
    /// over the same rows. (`flock` locks are separate from SQLite's own `fcntl` locks, so readers,
    /// `backup` and the `sqlite3` shell are not affected; the kernel drops the lock when the process
    /// dies, `kill -9` included.)
    /// A new database file is created here, readable by its owner only (0600): it holds every
    /// push's raw request, tokens included; SQLite gives its -wal and -shm files the same mode.
    static func lockDatabase(_ path: String) throws -> Int32 {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ServeError("database: cannot open or create \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ServeError(
                "another imm-gateway is already serving the database \(path); stop it first (two would deliver twice)")
        }
        return descriptor
    }
}

/// A start-up failure: printed as one `Error:` line, exit code 1 (not a usage error).
struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
