import AsyncHTTPClient
import Foundation
import GatewayCore
import Hummingbird
import IMMNotify
import Logging
import NIOCore
import Synchronization

/// `imm-gateway bench`: starts a gateway of its own (this same binary, `serve`, a temporary database
/// and a throwaway key pinned), a local sink hook, and measures in one run: the bare-204 baseline,
/// verified and durably committed ingest, end-to-end delivery to the sink, the admin task lookup,
/// and ingest latency at half the measured maximum rate. Figures are reported as ratios to the
/// baseline measured in the same run, because these machines are shared and noisy.
public struct BenchRunner: Sendable {
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
    public func run(progress: @Sendable (String) -> Void) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imm-gateway-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        progress("generating a throwaway key and \(options.requests) signed pushes")
        let key = try RSASigningKey.generate(bits: 1024)
        let certificate = directory.appendingPathComponent("bench-cert.pem")
        try Data(try key.selfSignedCertificatePEM(commonName: "imm-gateway-bench")).write(to: certificate)
        let now = Date()
        let pushes = try (0..<options.requests).map { index in
            try MNSPushBuilder(
                format: .xml, taskId: "CreateFacesSearchingTask-bench-\(index)", faces: 5, date: now, signingKey: key
            ).build()
        }
        let sinkCount = SinkCounter()
        return try await withSink(count: sinkCount) { sinkPort in
            let ingestPort = try Self.freePort(), adminPort = try Self.freePort()
            let config = """
                database: \(directory.appendingPathComponent("bench.sqlite").path)
                durability: \(options.durability)
                log_level: error
                ingest: { host: 127.0.0.1, port: \(ingestPort), bench_route: true }
                admin: { host: 127.0.0.1, port: \(adminPort) }
                mns:
                  pinned_certificates:
                    - { url: "\(MNSPushBuilder.defaultCertificateURL)", file: "\(certificate.path)" }
                  fetch_certificates: false
                delivery: { allow_private_networks: true, max_in_flight: 64 }
                """ + (options.withoutHook ? "" : """

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
                let report = try await measure(
                    client: client, process: process, pushes: pushes, key: key, now: now, ingestPort: ingestPort,
                    adminPort: adminPort, sinkCount: sinkCount, progress: progress)
                try await client.shutdown()
                return report
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    private func measure(
        client: HTTPClient, process: Process, pushes: [CapturedRequest], key: RSASigningKey, now: Date, ingestPort: Int,
        adminPort: Int, sinkCount: SinkCounter, progress: @Sendable (String) -> Void
    ) async throws -> String {
            try await Self.waitReady(client: client, port: adminPort)
            let idleRSS = Self.memory(pid: process.processIdentifier).rss
            let load = LoadGenerator(client: client, connections: options.connections)
            let base = "http://127.0.0.1:\(ingestPort)"
            let warmup = pushes.prefix(min(500, pushes.count)).map { LoadGenerator.request($0, base: base, path: "/bench/noop") }
            _ = await load.run(warmup)

            progress("baseline: bare 204 route")
            let baseline = await load.run(pushes.map { LoadGenerator.request($0, base: base, path: "/bench/noop") })
            progress("ingest: verify + durable commit + 204")
            let started = ContinuousClock.now
            let ingest = await load.run(pushes.map { LoadGenerator.request($0, base: base) })
            progress("end to end: waiting for the sink to receive every delivery")
            let deadline = ContinuousClock.now + .seconds(options.withoutHook ? 0 : 300)
            while sinkCount.value < options.requests && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let endToEnd = ContinuousClock.now - started
            let delivered = sinkCount.value
            progress("admin: GET /v1/tasks/{id}")
            let lookups = (0..<max(1, options.requests / 4)).map { index in
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(adminPort)/v1/tasks/CreateFacesSearchingTask-bench-\(index * 4 % options.requests)")
                request.method = .GET
                return request
            }
            let admin = await load.run(lookups)
            progress("ingest latency at half the maximum rate")
            let halfRate = ingest.throughput / 2
            let paced = try (0..<max(1, options.requests / 2)).map { index in
                LoadGenerator.request(
                    try MNSPushBuilder(format: .xml, taskId: "CreateFacesSearchingTask-paced-\(index)", faces: 5, date: now, signingKey: key)
                        .build(), base: base)
            }
            let half = await load.run(paced, perSecond: halfRate)
            try await Task.sleep(for: .seconds(2))
            let memory = Self.memory(pid: process.processIdentifier)
            let seconds = Double(endToEnd.components.seconds) + Double(endToEnd.components.attoseconds) / 1e18
            return Self.report(
                options: options, baseline: baseline, ingest: ingest, half: half, halfRate: halfRate, admin: admin,
                delivered: delivered, endToEndSeconds: seconds, idleRSS: idleRSS, memory: memory)
    }

    static func report(
        options: Options, baseline: LoadGenerator.Result, ingest: LoadGenerator.Result, half: LoadGenerator.Result,
        halfRate: Double, admin: LoadGenerator.Result, delivered: Int, endToEndSeconds: Double, idleRSS: Int?,
        memory: (rss: Int?, peak: Int?)
    ) -> String {
        func row(_ name: String, _ result: LoadGenerator.Result, ratio: Bool) -> [String] {
            [
                name, String(format: "%.0f/s", result.throughput),
                ratio ? String(format: "%.2fx", result.throughput / max(baseline.throughput, 1)) : "1.00x",
                String(format: "%.2f", result.percentileMs(50)), String(format: "%.2f", result.percentileMs(90)),
                String(format: "%.2f", result.percentileMs(99)), String(format: "%.2f", result.percentileMs(99.9)),
                String(format: "%.2f", result.maxMs), "\(result.errors)",
            ]
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var lines = [
            "imm-gateway bench: \(RFC3339.format(Date())), \(cores) cores, \(options.requests) requests per phase, \(options.connections) connections, durability \(options.durability == "full" ? "synchronous=FULL" : "synchronous=NORMAL")",
            "",
            TextTable.render(
                headers: ["PHASE", "THROUGHPUT", "VS BASELINE", "P50 MS", "P90 MS", "P99 MS", "P99.9 MS", "MAX MS", "ERRORS"],
                rows: [
                    row("baseline (bare 204)", baseline, ratio: false), row("ingest (verify+commit)", ingest, ratio: true),
                    row(String(format: "ingest at %.0f/s (half max)", halfRate), half, ratio: true),
                    row("admin GET /v1/tasks/{id}", admin, ratio: true),
                ]),
            "",
            String(
                format: "end to end: %d of %d deliveries to the local sink in %.2f s since ingest began: %.0f deliveries/s",
                delivered, options.requests, endToEndSeconds, Double(delivered) / max(endToEndSeconds, 1e-9)),
            "gateway memory: idle RSS \(idleRSS.map { "\($0 / 1024) MB" } ?? "?") before load, RSS \(memory.rss.map { "\($0 / 1024) MB" } ?? "?") after, peak \(memory.peak.map { "\($0 / 1024) MB" } ?? "?")",
        ]
        lines.append("targets: ingest >= 0.50x baseline; p99 < 10 ms at half max; >= 5000 deliveries/s; peak RSS < 150 MB")
        return lines.joined(separator: "\n")
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
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ready.stream.makeAsyncIterator()
            guard let port = await iterator.next() else { throw BenchError("the sink did not start") }
            let report = try await body(port)
            group.cancelAll()
            return report
        }
    }

    /// Waits (at most 60 s) until the admin listener on `port` answers `/readyz` with 200.
    public static func waitReady(client: HTTPClient, port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let response = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz"), timeout: .seconds(2)),
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
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
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
