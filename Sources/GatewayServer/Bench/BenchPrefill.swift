import Foundation
import GatewayCore
import GatewayStore
import IMMNotify

/// Fills a database with stored events as ingest stores them, fast, for `imm-gateway bench
/// --prefill`: each event is a signed face-search push (5 faces, its own task) parsed and decoded by
/// the ingest code and written through the store's own ingest commit, thousands per transaction,
/// while the next batch is signed and decoded on every core.
public struct BenchPrefill: Sendable {
    /// What a fill did.
    public struct Result: Sendable {
        /// Events stored.
        public let events: Int
        /// How long it took.
        public let seconds: Double
        /// The database size afterwards.
        public let databaseBytes: Int64
    }

    /// The key the stored pushes were signed with.
    let signingKey: RSASigningKey
    /// The certificate URL they name.
    let certificateURL: String
    /// The SHA-256 fingerprint stored as verification evidence.
    let fingerprint: String?
    /// Events per transaction.
    let batchSize: Int

    /// Creates a filler signing with `signingKey`; `certificate` supplies the stored fingerprint.
    public init(signingKey: RSASigningKey, certificateURL: String, certificate: RSACertificate?, batchSize: Int = 5_000)
    {
        self.signingKey = signingKey
        self.certificateURL = certificateURL
        self.fingerprint = certificate?.sha256Fingerprint
        self.batchSize = max(1, batchSize)
    }

    /// Stores `count` events in `store`, received over the 30 days before `now`; `progress` hears
    /// about every 100,000 (and the end).
    public func fill(
        _ store: SQLiteStore, count: Int, now: Date = Date(), progress: @Sendable (String) -> Void = { _ in }
    ) async throws -> Result {
        let started = ContinuousClock.now
        let span: TimeInterval = 30 * 86_400
        let first = now.addingTimeInterval(-span)
        let step = span / Double(max(count, 1))
        var next = try await records(0..<min(batchSize, count), first: first, step: step)
        var stored = 0
        var reported = 0
        while !next.isEmpty {
            let batch = next
            async let committed = store.commit(batch.map { IngestWrite.notification($0) })
            let upcoming = stored + batch.count
            next = try await records(upcoming..<min(upcoming + batchSize, count), first: first, step: step)
            for result in try await committed {
                if case .failed(let reason) = result {
                    throw BenchError("prefill: an event could not be stored: \(reason)")
                }
            }
            stored = upcoming
            if stored - reported >= 100_000 || stored == count {
                reported = stored
                let seconds = BenchRunner.seconds(ContinuousClock.now - started)
                progress(
                    String(
                        format: "prefill: %d of %d events stored (%.0f/s)", stored, count,
                        Double(stored) / max(seconds, 1e-9)))
            }
        }
        let seconds = BenchRunner.seconds(ContinuousClock.now - started)
        let summary = try await store.statusSummary(at: now)
        return Result(events: stored, seconds: seconds, databaseBytes: summary.databaseBytes)
    }

    /// The records for `range` (event `i` received at `first + i * step`), signed, parsed and decoded
    /// on every core, in order.
    func records(
        _ range: Range<Int>, first: Date, step: TimeInterval
    ) async throws -> [NotificationRecord] {
        guard !range.isEmpty else { return [] }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = (range.count + workers - 1) / workers
        return try await withThrowingTaskGroup(of: (Int, [NotificationRecord]).self) { group in
            for worker in 0..<workers {
                let lower = range.lowerBound + worker * chunk
                let upper = min(lower + chunk, range.upperBound)
                guard lower < upper else { continue }
                group.addTask {
                    (worker, try (lower..<upper).map { try self.record(at: first + step * Double($0)) })
                }
            }
            var parts: [(Int, [NotificationRecord])] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// One event as ingest would record it after verification.
    private func record(at date: Date) throws -> NotificationRecord {
        // Random ids, as IMM and MNS make them: the unique indexes on them then grow the way they do
        // in production (inserts all over the key space), not as one tidy run.
        let request = try MNSPushBuilder(
            format: .xml, taskId: "CreateFacesSearchingTask-prefill-\(UUID().uuidString.lowercased())", faces: 5,
            date: date, signingKey: signingKey, certificateURL: certificateURL, album: BenchRunner.album
        ).build()
        let push = try MNSPush.parse(body: request.body)
        return NotificationRecord(
            receivedAt: date, channel: .mns, mnsMessageId: nonEmpty(push.messageId), request: request,
            evidence: VerificationEvidence(
                method: "mns-rsa-sha1", certificateURL: certificateURL, certificateFingerprint: fingerprint,
                format: push.format.rawValue),
            decoded: NotificationDecoder.decode(push))
    }
}
