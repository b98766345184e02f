import AsyncHTTPClient
import Foundation
import GatewayCore
import IMMNotify

/// Signs bench pushes: unique task ids, the current time, a key the gateway under test trusts.
struct PushSigner: Sendable {
    /// The key the gateway under test trusts.
    let key: RSASigningKey
    /// The certificate URL the pushes name (pinned to the key's certificate on the gateway).
    let certificateURL: String
    /// The MNS endpoint path (the signature covers it).
    let path: String

    /// `count` pushes for tasks `prefix0`, `prefix1`, …, dated now.
    func pushes(_ count: Int, prefix: String) throws -> [CapturedRequest] {
        let now = Date()
        return try (0..<count).map { index in
            try MNSPushBuilder(
                format: .xml, taskId: "\(prefix)\(index)", faces: 5, date: now, signingKey: key,
                certificateURL: certificateURL, target: path, album: BenchRunner.album
            ).build()
        }
    }
}

extension BenchRunner {
    /// Where one run sends its load.
    struct Endpoints: Sendable {
        /// The cheapest route the baseline can use.
        enum Baseline: Sendable {
            /// `POST /bench/noop` (`ingest.bench_route: true`): a bare 204.
            case benchRoute
            /// `GET /` answered 404 by the router: no handler runs (a target without the bench route).
            case notFound
        }

        /// The ingest listener: scheme, host and port.
        let ingestBase: String
        /// The route the baseline uses.
        let baseline: Baseline
        /// The admin listener, when the lookup phase runs.
        let adminBase: String?
        /// The admin bearer token, if needed.
        let adminToken: String?

        /// The baseline request sent in place of `push`.
        func baselineRequest(_ push: CapturedRequest) -> HTTPClientRequest {
            switch baseline {
            case .benchRoute: return LoadGenerator.request(push, base: ingestBase, path: "/bench/noop")
            case .notFound:
                var request = HTTPClientRequest(url: ingestBase + "/")
                request.method = .GET
                return request
            }
        }

        /// The statuses the baseline answers with when all is well.
        var baselineStatuses: Range<UInt> { baseline == .benchRoute ? 204..<205 : 404..<405 }

        /// What the report calls the baseline.
        var baselineLabel: String { baseline == .benchRoute ? "baseline (bare 204)" : "baseline (404 on GET /)" }
    }

    /// What one run measured; nil phases were skipped.
    struct Figures {
        /// What the report calls the baseline.
        var baselineLabel: String
        /// The baseline phase.
        var baseline: LoadGenerator.Result
        /// `POST /bench/unstored`: verify and decode as ingest does, store nothing (needs the bench
        /// route): ingest's ceiling without the database.
        var unstored: LoadGenerator.Result?
        /// Ingest flat out (on an empty database when there is a prefill).
        var ingest: LoadGenerator.Result
        /// The rate of the paced phase: half of `ingest`'s throughput.
        var halfRate: Double
        /// Ingest at `halfRate`, open loop.
        var half: LoadGenerator.Result
        /// Admin task lookups.
        var admin: LoadGenerator.Result?
        /// Deliveries the sink received and the seconds since ingest began.
        var endToEnd: (delivered: Int, seconds: Double)?
        /// Gateway memory in KiB: idle RSS, RSS after the load, peak.
        var memory: (idle: Int?, rss: Int?, peak: Int?)?
        /// CPU time per request (microseconds) of the gateway and of the loader, baseline and ingest
        /// phases: unlike throughput, little affected by other work on a shared machine.
        var cpu: (baseline: CPUCost, ingest: CPUCost)?
        /// The gateway's and the loader's CPU per request during `unstored`.
        var unstoredCPU: CPUCost?
        /// A backlog of deliveries drained by the dispatcher alone (no ingest meanwhile), and the CPU
        /// per delivery meanwhile (the loader's share is the sink's).
        var drain: (deliveries: Int, seconds: Double, cpu: CPUCost?)?
        /// The prefill and what was measured after it.
        var prefill: Prefill?
        /// The gateway's ingest commits during the half-max phase (when its metrics can be read).
        var halfCommits: BenchCommitStats?

        /// The prefill, then a baseline and ingest measured after it.
        struct Prefill {
            var result: BenchPrefill.Result
            /// The bare-204 baseline again, just before `ingest`.
            var baseline: LoadGenerator.Result
            /// Ingest on the prefilled database.
            var ingest: LoadGenerator.Result
            /// The gateway's CPU per push during `ingest`.
            var cpu: CPUCost
            /// Set when the gateway was still busy with the prefill when the wait before `ingest` ended.
            var busy: String?
            /// How much of the database the page cache held around `ingest` (see `BenchPageCache`).
            var pageCache: String?
        }
        /// Lines added after the figures (skipped phases, substitutions).
        var notes: [String] = []
    }

    /// The phases both modes share: baseline, ingest, end to end (when `sinkCount` is given), admin
    /// lookups (when there is an admin listener), ingest at half the measured maximum rate.
    func measure(
        load: LoadGenerator, endpoints: Endpoints, pushes: [CapturedRequest], signer: PushSigner, taskPrefix: String,
        sinkCount: SinkCounter?, gatewayPid: Int32? = nil, progress: @Sendable (String) -> Void
    ) async throws -> Figures {
        let base = endpoints.ingestBase
        let statuses = endpoints.baselineStatuses
        _ = await load.run(pushes.prefix(min(500, pushes.count)).map(endpoints.baselineRequest), expected: statuses)
        progress(endpoints.baselineLabel)
        let beforeBaseline = CPUSample(gatewayPid: gatewayPid)
        let baseline = await load.run(pushes.map(endpoints.baselineRequest), expected: statuses)
        let afterBaseline = CPUSample(gatewayPid: gatewayPid)
        var unstored: (result: LoadGenerator.Result, cpu: CPUCost)?
        if endpoints.baseline == .benchRoute {
            progress("verify + decode, no store: POST /bench/unstored")
            let before = CPUSample(gatewayPid: gatewayPid)
            let result = await load.run(
                pushes.map { LoadGenerator.request($0, base: base, path: "/bench/unstored") }, expected: 204..<205)
            unstored = (result, CPUCost(from: before, to: CPUSample(gatewayPid: gatewayPid), requests: pushes.count))
        }
        progress("ingest: verify + durable commit + 204")
        let beforeIngest = CPUSample(gatewayPid: gatewayPid)
        let started = ContinuousClock.now
        let ingest = await load.run(pushes.map { LoadGenerator.request($0, base: base) })
        let afterIngest = CPUSample(gatewayPid: gatewayPid)
        var endToEnd: (delivered: Int, seconds: Double)?
        if let sinkCount {
            progress("end to end: waiting for the sink to receive every delivery")
            let deadline = ContinuousClock.now + .seconds(300)
            while sinkCount.value < options.requests && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            endToEnd = (sinkCount.value, Self.seconds(ContinuousClock.now - started))
        }
        var drain: (deliveries: Int, seconds: Double, cpu: CPUCost?)?
        var busy: [String] = []
        if let sinkCount, let adminBase = endpoints.adminBase, sinkCount.value >= options.requests {
            progress("fan-out: the dispatcher alone drains a backlog of deliveries")
            drain = try await drainBacklog(
                load: load, base: base, adminBase: adminBase, signer: signer, taskPrefix: taskPrefix,
                sinkCount: sinkCount, gatewayPid: gatewayPid, busy: &busy)
        }
        var admin: LoadGenerator.Result?
        if let adminBase = endpoints.adminBase {
            if let note = try await Self.waitQuiet(gatewayPid: gatewayPid, before: "admin lookups") {
                busy.append(note)
            }
            progress("admin: GET /v1/tasks/{id}")
            let lookups = (0..<max(1, options.requests / 4)).map { index in
                var request = HTTPClientRequest(
                    url: "\(adminBase)/v1/tasks/\(taskPrefix)\(index * 4 % options.requests)")
                request.method = .GET
                if let token = endpoints.adminToken {
                    request.headers.add(name: "Authorization", value: "Bearer \(token)")
                }
                return request
            }
            admin = await load.run(lookups)
        }
        progress("ingest latency at half the maximum rate")
        let halfRate = ingest.throughput / 2
        let paced = try signer.pushes(max(1, options.requests / 2), prefix: taskPrefix + "paced-")
        if let note = try await Self.waitQuiet(gatewayPid: gatewayPid, before: "half max") { busy.append(note) }
        let commitsBefore = await scrapeCommits(load: load, endpoints: endpoints)
        let half = await load.run(paced.map { LoadGenerator.request($0, base: base) }, perSecond: halfRate)
        let commitsAfter = await scrapeCommits(load: load, endpoints: endpoints)
        var figures = Figures(
            baselineLabel: endpoints.baselineLabel, baseline: baseline, ingest: ingest, halfRate: halfRate, half: half,
            admin: admin, endToEnd: endToEnd)
        figures.drain = drain
        figures.unstored = unstored?.result
        if gatewayPid != nil { figures.unstoredCPU = unstored?.cpu }
        figures.notes += busy
        if let commitsBefore, let commitsAfter { figures.halfCommits = commitsAfter.since(commitsBefore) }
        if gatewayPid != nil {
            figures.cpu = (
                CPUCost(from: beforeBaseline, to: afterBaseline, requests: pushes.count),
                CPUCost(from: beforeIngest, to: afterIngest, requests: pushes.count)
            )
        }
        return figures
    }

    /// The gateway's commit metrics, when it has an admin listener to read them from.
    private func scrapeCommits(load: LoadGenerator, endpoints: Endpoints) async -> BenchCommitStats? {
        guard let adminBase = endpoints.adminBase else { return nil }
        return await BenchCommitStats.scrape(client: load.client, adminBase: adminBase, token: endpoints.adminToken)
    }

    /// Pauses the sink hook, ingests half a phase of pushes (their deliveries wait, paused), then
    /// resumes it and times the dispatcher until the sink has them all: fan-out capacity without
    /// ingest competing for the CPU.
    private func drainBacklog(
        load: LoadGenerator, base: String, adminBase: String, signer: PushSigner, taskPrefix: String,
        sinkCount: SinkCounter, gatewayPid: Int32?, busy: inout [String]
    ) async throws -> (deliveries: Int, seconds: Double, cpu: CPUCost?)? {
        func post(_ path: String) async throws -> Bool {
            var request = HTTPClientRequest(url: adminBase + path)
            request.method = .POST
            let response = try await load.client.execute(request, timeout: .seconds(30))
            for try await _ in response.body {}
            return response.status.code == 200
        }
        let count = max(1, options.requests / 2)
        let pushes = try signer.pushes(count, prefix: taskPrefix + "drain-")
        guard try await post("/v1/hooks/sink/disable") else { return nil }
        let ingested = await load.run(pushes.map { LoadGenerator.request($0, base: base) })
        let target = sinkCount.value + count - ingested.errors
        if let note = try await Self.waitQuiet(gatewayPid: gatewayPid, before: "fan-out alone") { busy.append(note) }
        let before = CPUSample(gatewayPid: gatewayPid)
        let started = ContinuousClock.now
        guard try await post("/v1/hooks/sink/enable") else { return nil }
        let deadline = started + .seconds(300)
        while sinkCount.value < target && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let seconds = Self.seconds(ContinuousClock.now - started)
        let delivered = count - ingested.errors - max(0, target - sinkCount.value)
        let cpu = gatewayPid.map { _ in
            CPUCost(from: before, to: CPUSample(gatewayPid: gatewayPid), requests: delivered)
        }
        return (delivered, seconds, cpu)
    }

    /// Waits (at most 15 s) until the gateway uses less than a tenth of a core over 250 ms, so each
    /// phase starts on an idle gateway: an ingest leaves its log to be copied into the database (the
    /// checkpoint, about 40 KB per push), and that copy, still running in the next phase, was counted
    /// as that phase's cost (fan-out alone: 319 us of gateway CPU per delivery, 196 once it waits).
    /// Returns a note for the report when the gateway was still busy at the end of the wait.
    static func waitQuiet(gatewayPid: Int32?, before phase: String) async throws -> String? {
        guard let gatewayPid else { return nil }
        let deadline = ContinuousClock.now + .seconds(15)
        var used = 0.0
        while ContinuousClock.now < deadline {
            let before = CPUSample(gatewayPid: gatewayPid).gateway ?? 0
            try await Task.sleep(for: .milliseconds(250))
            used = (CPUSample(gatewayPid: gatewayPid).gateway ?? 0) - before
            if used < 0.025 { return nil }
        }
        let share = String(format: "%.0f %%", used / 0.25 * 100)
        return
            "\(phase): the gateway was still busy (\(share) of a core) after 15 s of waiting; its leftover work is counted"
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Process CPU times (user + system, seconds) of the gateway and of this process at one moment.
struct CPUSample {
    let gateway: Double?
    let loader: Double?

    init(gatewayPid: Int32?) {
        gateway = gatewayPid.flatMap { Self.cpuSeconds(stat: "/proc/\($0)/stat") }
        loader = Self.cpuSeconds(stat: "/proc/self/stat")
    }

    /// utime + stime of `/proc/<pid>/stat`, in seconds (nil where /proc is missing).
    static func cpuSeconds(stat path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// CPU microseconds per request between two samples.
struct CPUCost {
    let gateway: Double
    let loader: Double

    init(from start: CPUSample, to end: CPUSample, requests: Int) {
        func perRequest(_ a: Double?, _ b: Double?) -> Double {
            guard let a, let b, requests > 0 else { return 0 }
            return (b - a) * 1_000_000 / Double(requests)
        }
        gateway = perRequest(start.gateway, end.gateway)
        loader = perRequest(start.loader, end.loader)
    }
}
