import Configuration
import Foundation
import GatewayCore
import GatewayStore
import Logging
import Yams

extension GatewayConfig {
    /// The prefix of every environment variable the gateway reads (`IMM_GATEWAY_INGEST_PORT` sets `ingest.port`).
    public static let environmentPrefix = "IMM_GATEWAY_"

    /// Every scalar or string-list key, with its meaning; the README's table is generated from the same list.
    static let scalarKeys: Set<String> = [
        "database", "durability", "log_level", "max_commit_batch",
        "ingest.host", "ingest.port", "ingest.mns_path", "ingest.eventbridge_path", "ingest.max_body_bytes",
        "ingest.rejection_body_bytes", "ingest.bench_route", "ingest.max_connections", "ingest.idle_timeout_seconds",
        "ingest.header_timeout_seconds", "ingest.body_timeout_seconds",
        "ingest.max_header_bytes", "ingest.max_header_count", "log_format",
        "admin.host", "admin.port", "admin.token",
        "mns.cert_hosts", "mns.max_clock_skew_seconds", "mns.signed_path", "mns.fetch_certificates",
        "eventbridge.token", "eventbridge.target_url", "eventbridge.cert_hosts",
        "delivery.retry_schedule", "delivery.max_in_flight", "delivery.allow_private_networks",
        "delivery.allowed_cidrs", "delivery.auto_disable_after_seconds", "correlation.wait_for_submission_seconds",
        "retention.events_days", "retention.attempts_days", "retention.rejections_days", "retention.rejections_max",
    ]

    /// `IMM_GATEWAY_*` variables the CLI reads that are not configuration keys.
    static let cliVariables: Set<String> = ["IMM_GATEWAY_SERVER"]

    /// Keys whose value is a list of `{url, file}` objects (file only: not settable from the environment).
    static let pinnedListKeys: Set<String> = ["mns.pinned_certificates", "eventbridge.pinned_certificates"]

    /// Loads the configuration: command-line overrides, then `IMM_GATEWAY_*` environment variables,
    /// then the YAML file, then the embedded defaults. Unknown keys and ill-typed values are errors.
    public static func load(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String: String] = [:]
    ) throws -> GatewayConfig {
        var fileValues: [String: String] = [:]
        var pinned: [String: [PinnedCertificate]] = [:]
        var hooks: [HookSpec] = []
        var baseDirectory = FileManager.default.currentDirectoryPath
        if let file {
            let url = URL(fileURLWithPath: file)
            baseDirectory = url.deletingLastPathComponent().path
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw ConfigurationError("cannot read config file \(file): \(error.localizedDescription)")
            }
            (fileValues, pinned, hooks) = try flatten(yaml: text, file: file)
        }
        var environmentValues: [String: String] = [:]
        let knownVariables = Set(encodeKeys(Dictionary(uniqueKeysWithValues: scalarKeys.map { ($0, "") })).keys)
        for (name, value) in environment where name.hasPrefix(environmentPrefix) {
            let key = String(name.dropFirst(environmentPrefix.count))
            // A misspelt variable (IMM_GATEWAY_INGEST_PROT) would otherwise be ignored without a word.
            guard knownVariables.contains(key) || cliVariables.contains(name) else {
                throw ConfigurationError(
                    "unknown environment variable \(name) (no configuration key '\(key.lowercased())')")
            }
            environmentValues[key] = value
        }
        for key in overrides.keys where !scalarKeys.contains(key) {
            throw ConfigurationError("unknown configuration key '\(key)'")
        }
        let reader = ConfigReader(providers: [
            EnvironmentVariablesProvider(environmentVariables: encodeKeys(overrides)),
            EnvironmentVariablesProvider(environmentVariables: environmentValues),
            EnvironmentVariablesProvider(environmentVariables: encodeKeys(fileValues)),
        ])
        var config = try read(ConfigLookup(reader: reader))
        config.mns.pinnedCertificates = resolve(pinned["mns.pinned_certificates"] ?? [], against: baseDirectory)
        config.hooks = hooks
        config.eventBridge.pinnedCertificates = resolve(
            pinned["eventbridge.pinned_certificates"] ?? [], against: baseDirectory)
        try config.validate()
        return config
    }

    private static func read(_ lookup: ConfigLookup) throws -> GatewayConfig {
        var config = GatewayConfig()
        config.database = try lookup.string("database", default: config.database)
        let durability = try lookup.string("durability", default: config.durability.rawValue)
        guard let parsed = SQLiteStore.Durability(rawValue: durability.lowercased()) else {
            throw ConfigurationError("durability must be 'full' or 'normal', not '\(durability)'")
        }
        config.durability = parsed
        config.logLevel = try lookup.string("log_level", default: config.logLevel)
        guard Logger.Level(rawValue: config.logLevel.lowercased()) != nil else {
            throw ConfigurationError(
                "log_level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")), not '\(config.logLevel)'"
            )
        }
        config.maxCommitBatch = try lookup.int("max_commit_batch", default: config.maxCommitBatch, range: 1...10_000)
        config.ingest.listener.host = try lookup.string("ingest.host", default: config.ingest.listener.host)
        config.ingest.listener.port = try lookup.int(
            "ingest.port", default: config.ingest.listener.port, range: 0...65535)
        config.ingest.mnsPath = try lookup.path("ingest.mns_path", default: config.ingest.mnsPath)
        config.ingest.eventBridgePath = try lookup.path(
            "ingest.eventbridge_path", default: config.ingest.eventBridgePath)
        config.ingest.maxBodyBytes = try lookup.int(
            "ingest.max_body_bytes", default: config.ingest.maxBodyBytes, range: 1024...(64 << 20))
        config.ingest.rejectionBodyBytes = try lookup.int(
            "ingest.rejection_body_bytes", default: config.ingest.rejectionBodyBytes, range: 0...(64 << 20))
        config.ingest.benchRoute = try lookup.bool("ingest.bench_route", default: config.ingest.benchRoute)
        config.ingest.maxConnections = try lookup.int(
            "ingest.max_connections", default: config.ingest.maxConnections, range: 1...1_000_000)
        config.ingest.idleTimeoutSeconds = try lookup.int(
            "ingest.idle_timeout_seconds", default: config.ingest.idleTimeoutSeconds, range: 1...3600)
        config.ingest.headerTimeoutSeconds = try lookup.int(
            "ingest.header_timeout_seconds", default: config.ingest.headerTimeoutSeconds, range: 1...3600)
        config.ingest.bodyTimeoutSeconds = try lookup.int(
            "ingest.body_timeout_seconds", default: config.ingest.bodyTimeoutSeconds, range: 1...3600)
        config.ingest.maxHeaderBytes = try lookup.int(
            "ingest.max_header_bytes", default: config.ingest.maxHeaderBytes, range: 1024...(1 << 20))
        config.ingest.maxHeaderCount = try lookup.int(
            "ingest.max_header_count", default: config.ingest.maxHeaderCount, range: 10...10_000)
        config.logFormat = try lookup.string("log_format", default: config.logFormat)
        guard ["text", "json"].contains(config.logFormat) else {
            throw ConfigurationError("log_format must be 'text' or 'json', not '\(config.logFormat)'")
        }
        config.admin.listener.host = try lookup.string("admin.host", default: config.admin.listener.host)
        config.admin.listener.port = try lookup.int("admin.port", default: config.admin.listener.port, range: 0...65535)
        config.admin.token = try lookup.string("admin.token", default: config.admin.token)
        config.mns.certHosts = try lookup.list("mns.cert_hosts")
        config.mns.maxClockSkewSeconds = try lookup.int(
            "mns.max_clock_skew_seconds", default: config.mns.maxClockSkewSeconds, range: 1...86_400)
        config.mns.signedPath = try lookup.string("mns.signed_path", default: config.mns.signedPath)
        config.mns.fetchCertificates = try lookup.bool("mns.fetch_certificates", default: config.mns.fetchCertificates)
        config.eventBridge.token = try lookup.string("eventbridge.token", default: config.eventBridge.token)
        config.eventBridge.targetURL = try lookup.string(
            "eventbridge.target_url", default: config.eventBridge.targetURL)
        config.eventBridge.certHosts = try lookup.list("eventbridge.cert_hosts")
        let schedule = try lookup.list("delivery.retry_schedule")
        if !schedule.isEmpty {
            config.delivery.retrySchedule = try schedule.map { item in
                guard let seconds = Int(item) else {
                    throw ConfigurationError("delivery.retry_schedule must be a list of seconds, not '\(item)'")
                }
                return seconds
            }
            if let problem = RetryPolicy.problem(in: config.delivery.retrySchedule) {
                throw ConfigurationError("delivery.retry_schedule: \(problem)")
            }
        }
        config.delivery.maxInFlight = try lookup.int(
            "delivery.max_in_flight", default: config.delivery.maxInFlight, range: 1...10_000)
        config.delivery.allowPrivateNetworks = try lookup.bool(
            "delivery.allow_private_networks", default: config.delivery.allowPrivateNetworks)
        config.delivery.allowedCIDRs = try lookup.list("delivery.allowed_cidrs")
        for cidr in config.delivery.allowedCIDRs where CIDR(cidr) == nil {
            throw ConfigurationError("delivery.allowed_cidrs: '\(cidr)' is not an address range")
        }
        config.delivery.autoDisableAfterSeconds = try lookup.int(
            "delivery.auto_disable_after_seconds", default: config.delivery.autoDisableAfterSeconds,
            range: 60...(365 * 86_400))
        func days(_ key: String, _ value: Int?) throws -> Int? {
            let number = try lookup.int(key, default: value ?? 0, range: 0...36_500)
            return number == 0 ? nil : number
        }
        config.retention.eventsDays = try days("retention.events_days", config.retention.eventsDays)
        config.retention.attemptsDays = try days("retention.attempts_days", config.retention.attemptsDays)
        config.retention.rejectionsDays = try days("retention.rejections_days", config.retention.rejectionsDays)
        let maxRejections = try lookup.int(
            "retention.rejections_max", default: config.retention.rejectionsMax ?? 0, range: 0...100_000_000)
        config.retention.rejectionsMax = maxRejections == 0 ? nil : maxRejections
        config.waitForSubmissionSeconds = try lookup.int(
            "correlation.wait_for_submission_seconds", default: config.waitForSubmissionSeconds, range: 0...86_400)
        return config
    }

    /// Checks the combinations no single key can: an exposed admin listener needs a token, and the two
    /// listeners cannot share a port.
    public func validate() throws {
        if !Self.isLoopback(admin.listener.host) && admin.token.isEmpty {
            throw ConfigurationError(
                "admin.token is required when admin.host (\(admin.listener.host)) is not a loopback address")
        }
        if ingest.mnsPath == ingest.eventBridgePath {
            throw ConfigurationError("ingest.mns_path and ingest.eventbridge_path must differ")
        }
        if ingest.listener.port != 0 && ingest.listener.port == admin.listener.port {
            throw ConfigurationError("ingest.port and admin.port must differ")
        }
        for pin in mns.pinnedCertificates + eventBridge.pinnedCertificates where pin.url.isEmpty || pin.file.isEmpty {
            throw ConfigurationError("every pinned certificate needs both 'url' and 'file'")
        }
        if database.isEmpty { throw ConfigurationError("database must name a file") }
        if !mns.signedPath.isEmpty && !mns.signedPath.hasPrefix("/") {
            throw ConfigurationError("mns.signed_path must start with '/', not '\(mns.signedPath)'")
        }
        if !eventBridge.targetURL.isEmpty {
            guard let url = URLComponents(string: eventBridge.targetURL), ["http", "https"].contains(url.scheme ?? ""),
                url.host?.isEmpty == false
            else {
                throw ConfigurationError(
                    "eventbridge.target_url must be the http(s) URL configured in EventBridge, not '\(eventBridge.targetURL)'"
                )
            }
        }
        for (key, hosts) in [("mns.cert_hosts", mns.certHosts), ("eventbridge.cert_hosts", eventBridge.certHosts)] {
            for host in hosts
            where host.isEmpty || !host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.".contains($0)) })
            {
                throw ConfigurationError("\(key): '\(host)' is not a host name (no scheme, path or port)")
            }
        }
        var names = Set<String>()
        for hook in hooks {
            guard let name = hook.name else { continue }
            guard names.insert(name).inserted else {
                throw ConfigurationError("hooks: the name '\(name)' is declared twice")
            }
        }
    }

    /// Whether `host` names the loopback interface.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    private static func encodeKeys(_ values: [String: String]) -> [String: String] {
        var encoded: [String: String] = [:]
        for (key, value) in values {
            encoded[key.uppercased().replacingOccurrences(of: ".", with: "_")] = value
        }
        return encoded
    }

    private static func resolve(_ pins: [PinnedCertificate], against directory: String) -> [PinnedCertificate] {
        pins.map { pin in
            var pin = pin
            if !pin.file.hasPrefix("/") {
                pin.file = URL(fileURLWithPath: directory).appendingPathComponent(pin.file).path
            }
            return pin
        }
    }
}
