import Foundation
import GatewayCore
import GatewayStore
import IMMNotify

#if canImport(Glibc)
    import Glibc
#endif

/// `imm-gateway bench --store-only`: the store's ingest commit alone, without HTTP or a gateway
/// process. Signed five-face pushes are parsed and decoded first (as ingest records them after
/// verification), then committed through `SQLiteStore.commit` in batches the size group commit
/// forms at the bench's default load, one batch at a time, and the bench process's own CPU time
/// (user and system, from `getrusage`) is divided by the events stored.
///
/// Nothing else runs in the process meanwhile, so the figure is the writer's cost per stored push:
/// steadier than any throughput on a shared machine, and the one to steer database work by (the
/// full bench cannot see a 10 % change in it through a noisy host).
struct BenchStoreCommit: Sendable {
    /// What a run measured.
    struct Result: Sendable {
        /// Events stored.
        let events: Int
        /// Events per transaction.
        let batchSize: Int
        /// CPU (user + system) per event, microseconds.
        let cpuMicroseconds: Double
        /// The system (kernel) part of it.
        let systemMicroseconds: Double
        /// Events stored per second of wall time.
        let eventsPerSecond: Double
    }

    let events: Int
    let batchSize: Int
    let durability: SQLiteStore.Durability

    /// Stores `events` fresh events in a new database at `path` and measures the commits.
    func run(path: String, progress: @escaping @Sendable (String) -> Void) async throws -> Result {
        let key = try RSASigningKey.generate(bits: 1024)
        let filler = BenchPrefill(
            signingKey: key, certificateURL: MNSPushBuilder.defaultCertificateURL, certificate: nil)
        progress("store commit alone: signing and decoding \(events) pushes")
        let records = try await filler.records(0..<events, first: Date(), step: 0.001)
        let store = try SQLiteStore(path: path, durability: durability)
        progress("store commit alone: committing them in batches of \(batchSize)")
        let started = (Self.usage(), ContinuousClock.now)
        var next = 0
        while next < records.count {
            let batch = records[next..<min(records.count, next + batchSize)].map { IngestWrite.notification($0) }
            for result in try await store.commit(batch) {
                if case .failed(let reason) = result { throw BenchError("store commit alone: \(reason)") }
            }
            next += batch.count
        }
        let ended = (Self.usage(), ContinuousClock.now)
        let count = Double(max(1, records.count))
        return Result(
            events: records.count, batchSize: batchSize,
            cpuMicroseconds: (ended.0.total - started.0.total) / count,
            systemMicroseconds: (ended.0.system - started.0.system) / count,
            eventsPerSecond: count / max(BenchRunner.seconds(ended.1 - started.1), 1e-9))
    }

    /// The process's CPU time so far, microseconds.
    private static func usage() -> (total: Double, system: Double) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func micros(_ time: timeval) -> Double { Double(time.tv_sec) * 1_000_000 + Double(time.tv_usec) }
        return (micros(usage.ru_utime) + micros(usage.ru_stime), micros(usage.ru_stime))
    }

    /// The report line.
    static func report(_ result: Result, durability: SQLiteStore.Durability) -> String {
        let figures = String(
            format: "%.0f us CPU per event (system %.0f), %.0f events/s", result.cpuMicroseconds,
            result.systemMicroseconds, result.eventsPerSecond)
        return "store commit alone (no HTTP): \(figures), \(result.events) events in batches of \(result.batchSize), "
            + "synchronous=\(durability == .full ? "FULL" : "NORMAL")"
    }
}
