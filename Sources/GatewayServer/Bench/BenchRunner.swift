import AsyncHTTPClient
import Foundation
import GatewayCore
import GatewayStore
import Hummingbird
import IMMNotify
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// `imm-gateway bench`: measures, in one run, the bare-204 baseline, verified and durably committed
/// ingest, end-to-end delivery to a sink, the admin task lookup, and ingest latency at half the
/// measured maximum rate. Figures are reported as ratios to the baseline of the same run, because
/// these machines are shared and noisy.
///
/// By default it starts a gateway of its own (this same binary, `serve`, a temporary database, a
/// throwaway key pinned, a local sink hook); `prefill` then stores that many more events and
/// measures ingest again. With a `target` it loads an already-running gateway instead.
public struct BenchRunner: Sendable {
    /// How many images the bench's matched faces are spread over: a production dataset's worth, so
    /// the faces-by-image index grows as it does in production, not under five keys.
    static let album = 100_000

    /// What to run.
    public struct Options: Sendable {
        /// Requests per phase.
        public var requests = 20_000
        /// Keep-alive connections.
        public var connections = 32
        /// `full` or `normal`.
        public var durability = "full"
        /// Run without the sink hook: ingest alone, no deliveries (the end-to-end phase is skipped).
        public var withoutHook = false
        /// Events to store after the first ingest phase before measuring ingest again (self-started
        /// gateway only, without the hook); 0 skips that phase.
        public var prefill = 0
        /// Measure only the store's ingest commit, in this process (no gateway, no HTTP): `requests`
        /// events in batches of `connections / 2`.
        public var storeOnly = false
        /// An already-running gateway to load instead of starting one.
        public var target: BenchTarget?
        /// Creates the defaults.
        public init() {}
    }

    let options: Options
    let executable: String

    /// Creates a runner; `executable` is the `imm-gateway` binary to start the gateway with.
    public init(options: Options, executable: String) {
        self.options = options
        self.executable = executable
    }

    /// Runs every phase and returns the report text.
    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> String {
        if options.prefill > 0 {
            guard options.target == nil else {
                throw BenchError(
                    "--prefill needs the gateway bench starts itself (it writes to its database), not --target")
            }
            guard options.withoutHook else {
                throw BenchError(
                    "--prefill needs --without-hook: the prefilled events would be queued for the sink during the measurement"
                )
            }
        }
        if options.storeOnly {
            guard options.target == nil, options.prefill == 0 else {
                throw BenchError("--store-only runs alone, in this process: not with --target or --prefill")
            }
            return try await runStoreOnly(progress: progress)
        }
        if let target = options.target { return try await runExternal(target, progress: progress) }
        return try await runSelfStarted(progress: progress)
    }

    private func runStoreOnly(progress: @escaping @Sendable (String) -> Void) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "imm-gateway-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let durability: SQLiteStore.Durability = options.durability == "normal" ? .normal : .full
        let measure = BenchStoreCommit(
            events: options.requests, batchSize: max(1, options.connections / 2), durability: durability)
        let result = try await measure.run(
            path: directory.appendingPathComponent("bench.sqlite").path, progress: progress)
        return BenchStoreCommit.report(result, durability: durability)
    }

    private func runSelfStarted(progress: @escaping @Sendable (String) -> Void) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "imm-gateway-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        progress("generating a throwaway key and \(options.requests) signed pushes")
        let key = try RSASigningKey.generate(bits: 1024)
        let certificatePEM = try key.selfSignedCertificatePEM(commonName: "imm-gateway-bench")
        let certificate = directory.appendingPathComponent("bench-cert.pem")
        try Data(certificatePEM).write(to: certificate)
        let signer = PushSigner(key: key, certificateURL: MNSPushBuilder.defaultCertificateURL, path: "/notifications")
        let pushes = try signer.pushes(options.requests, prefix: "CreateFacesSearchingTask-bench-")
        let sinkCount = SinkCounter()
        return try await withSink(count: sinkCount) { sinkPort in
            let ingestPort = try Self.freePort()
            let adminPort = try Self.freePort()
            let database = directory.appendingPathComponent("bench.sqlite").path
            let config = """
                database: \(database)
                durability: \(options.durability)
                log_level: error
                ingest: { host: 127.0.0.1, port: \(ingestPort), bench_route: true }
                admin: { host: 127.0.0.1, port: \(adminPort) }
                mns:
                  pinned_certificates:
                    - { url: "\(MNSPushBuilder.defaultCertificateURL)", file: "\(certificate.path)" }
                  fetch_certificates: false
                delivery: { allow_private_networks: true, max_in_flight: 64 }
                """
                + (options.withoutHook
                    ? ""
                    : """

                    hooks:
                      - { name: sink, url: "http://127.0.0.1:\(sinkPort)/sink", secrets: ["\(WebhookSignerSecret.bench)"], max_in_flight: 64 }
                    """)
            let configPath = directory.appendingPathComponent("bench.yaml")
            try config.write(to: configPath, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["serve", "--config", configPath.path]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            let client = LoadGenerator.makeClient(connections: options.connections)
            do {
                try await Self.waitReady(client: client, port: adminPort)
                let idleRSS = Self.memory(pid: process.processIdentifier).rss
                let endpoints = Endpoints(
                    ingestBase: "http://127.0.0.1:\(ingestPort)", baseline: .benchRoute,
                    adminBase: "http://127.0.0.1:\(adminPort)", adminToken: nil)
                let load = LoadGenerator(client: client, connections: options.connections)
                var figures = try await measure(
                    load: load, endpoints: endpoints, pushes: pushes, signer: signer,
                    taskPrefix: "CreateFacesSearchingTask-bench-", sinkCount: options.withoutHook ? nil : sinkCount,
                    gatewayPid: process.processIdentifier, progress: progress)
                try await Task.sleep(for: .seconds(2))
                let memory = Self.memory(pid: process.processIdentifier)
                figures.memory = (idleRSS, memory.rss, memory.peak)
                if options.withoutHook { figures.notes.append("end to end: skipped (--without-hook)") }
                if options.prefill > 0 {
                    figures.prefill = try await prefillAndMeasure(
                        database: database, signer: signer, certificatePEM: certificatePEM, load: load,
                        endpoints: endpoints, gatewayPid: process.processIdentifier, progress: progress)
                }
                try await client.shutdown()
                let durability = options.durability == "full" ? "synchronous=FULL" : "synchronous=NORMAL"
                return Self.report(title: "durability \(durability)", options: options, figures: figures)
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    /// Stores `options.prefill` events in the running gateway's database from this process (WAL lets
    /// the idle gateway go on reading), then measures ingest again with as many fresh pushes.
    ///
    /// The prefill takes minutes, and a shared machine's speed drifts over minutes: the baseline is
    /// measured again just before the second ingest, so the report can compare each ingest with
    /// the baseline of its own moment, and gives the gateway's CPU per push in both.
    private func prefillAndMeasure(
        database: String, signer: PushSigner, certificatePEM: [UInt8], load: LoadGenerator, endpoints: Endpoints,
        gatewayPid: Int32, progress: @escaping @Sendable (String) -> Void
    ) async throws -> Figures.Prefill {
        progress("prefill: storing \(options.prefill) events in the bench database")
        let filler = BenchPrefill(
            signingKey: signer.key, certificateURL: signer.certificateURL,
            certificate: try RSACertificate(pem: certificatePEM))
        let result = try await filler.fill(
            try SQLiteStore(path: database, durability: .normal), count: options.prefill, progress: progress)
        progress("generating \(options.requests) fresh signed pushes")
        let pushes = try signer.pushes(options.requests, prefix: "CreateFacesSearchingTask-after-prefill-")
        let busy = try await Self.waitQuiet(gatewayPid: gatewayPid, before: "ingest after the prefill")
        progress("baseline again (bare 204), for the speed of the machine now")
        let baseline = await load.run(pushes.map { endpoints.baselineRequest($0) })
        progress("ingest on \(result.events) more stored events: verify + durable commit + 204")
        let cached = BenchPageCache.residency(path: database)
        let before = CPUSample(gatewayPid: gatewayPid)
        let after = await load.run(pushes.map { LoadGenerator.request($0, base: endpoints.ingestBase) })
        let cpu = CPUCost(from: before, to: CPUSample(gatewayPid: gatewayPid), requests: pushes.count)
        return Figures.Prefill(
            result: result, baseline: baseline, ingest: after, cpu: cpu, busy: busy,
            pageCache: BenchPageCache.line(before: cached, after: BenchPageCache.residency(path: database)))
    }

    /// Runs a sink hook that answers 204 and counts, for the duration of `body`.
    private func withSink(count: SinkCounter, _ body: @Sendable (Int) async throws -> String) async throws -> String {
        let router = Router()
        router.post("/sink") { request, _ -> Response in
            for try await _ in request.body {}
            count.increment()
            return Response(status: .noContent)
        }
        let ready = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "bench-sink")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ready.continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await services.running {
            var iterator = ready.stream.makeAsyncIterator()
            guard let port = await iterator.next() else { throw BenchError("the sink did not start") }
            return try await body(port)
        }
    }

    /// Waits (at most 60 s) until the admin listener on `port` answers `/readyz` with 200.
    public static func waitReady(client: HTTPClient, port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let response = try? await client.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz"), timeout: .seconds(2)),
                response.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("the gateway did not become ready within 60 s")
    }

    /// Current and peak resident memory of a process, in KiB (Linux `/proc`).
    static func memory(pid: Int32) -> (rss: Int?, peak: Int?) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (nil, nil) }
        func field(_ name: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// A TCP port free right now on 127.0.0.1 (for starting a gateway process on known ports).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The bench's failure, one line.
public struct BenchError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A fixed, valid signing secret for the bench's own sink (it is never exposed).
enum WebhookSignerSecret {
    static let bench = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
}

/// A counter shared between tasks.
final class SinkCounter: Sendable {
    private let count = Atomic<Int>(0)
    /// Adds one and returns the value before.
    @discardableResult
    func increment() -> Int { count.add(1, ordering: .relaxed).oldValue }
    var value: Int { count.load(ordering: .relaxed) }
}
