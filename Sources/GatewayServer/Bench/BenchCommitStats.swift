import AsyncHTTPClient
import Foundation
import NIOCore

/// The gateway's own view of its ingest commits (`imm_gateway_ingest_commit_seconds` and
/// `imm_gateway_ingest_commit_batch_size` from `/metrics`), compared before and after a phase: it
/// tells a tail made by the commit itself (a slow disk sync) from one made before or after it
/// (CPU, scheduling, the loader).
struct BenchCommitStats {
    /// Cumulative commit counts per histogram bucket: upper bound in seconds, commits at or under it.
    var buckets: [(upperBound: Double, count: Double)] = []
    /// Commits, their summed duration in seconds, and their summed batch sizes (writes).
    var commits: Double = 0
    var seconds: Double = 0
    var writes: Double = 0

    /// Reads the two metrics out of Prometheus text; nil when the text has no commit histogram.
    init?(prometheusText text: some StringProtocol) {
        for line in text.split(separator: "\n") where line.hasPrefix("imm_gateway_ingest_commit_") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let value = Double(parts[parts.count - 1]) else { continue }
            let name = parts[0]
            if name.hasPrefix("imm_gateway_ingest_commit_seconds_bucket{"),
                let range = name.range(of: #"le=""#)
            {
                let bound = name[range.upperBound...].prefix { $0 != "\"" }
                let upperBound = bound == "+Inf" ? Double.infinity : Double(bound)
                if let upperBound { buckets.append((upperBound, value)) }
            } else if name == "imm_gateway_ingest_commit_seconds_count" {
                commits = value
            } else if name == "imm_gateway_ingest_commit_seconds_sum" {
                seconds = value
            } else if name == "imm_gateway_ingest_commit_batch_size_sum" {
                writes = value
            }
        }
        guard !buckets.isEmpty else { return nil }
        buckets.sort { $0.upperBound < $1.upperBound }
    }

    private init() {}

    /// What happened between `earlier` and this reading.
    func since(_ earlier: Self) -> Self {
        var delta = Self()
        delta.commits = commits - earlier.commits
        delta.seconds = seconds - earlier.seconds
        delta.writes = writes - earlier.writes
        delta.buckets = buckets.map { bucket in
            let before = earlier.buckets.first { $0.upperBound == bucket.upperBound }?.count ?? 0
            return (bucket.upperBound, bucket.count - before)
        }
        return delta
    }

    /// The smallest bucket bound holding at least `fraction` of the commits (seconds; infinity
    /// when only the open bucket does).
    func bound(holding fraction: Double) -> Double {
        buckets.first { $0.count >= fraction * commits }?.upperBound ?? .infinity
    }

    /// Commits longer than `seconds` (a bucket bound).
    func slower(than seconds: Double) -> Int {
        let within = buckets.last { $0.upperBound <= seconds }?.count ?? 0
        return Int(commits - within)
    }

    /// One line for the report.
    func summary(phase: String) -> String {
        func milliseconds(_ seconds: Double) -> String {
            seconds.isFinite ? String(format: "%.0f ms", seconds * 1000) : "more than the largest bucket"
        }
        guard commits > 0 else { return "gateway ingest commits during \(phase): none" }
        return String(
            format:
                "gateway ingest commits during %@: %.0f (%.1f writes each, mean %.1f ms); 99%% within %@, %d over 50 ms, slowest within %@",
            phase, commits, writes / commits, 1000 * seconds / commits, milliseconds(bound(holding: 0.99)),
            slower(than: 0.05), milliseconds(bound(holding: 1)))
    }

    /// Scrapes `adminBase/metrics`; nil when it cannot be read.
    static func scrape(client: HTTPClient, adminBase: String, token: String?) async -> Self? {
        var request = HTTPClientRequest(url: adminBase + "/metrics")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        guard let response = try? await client.execute(request, timeout: .seconds(10)), response.status.code == 200,
            let body = try? await response.body.collect(upTo: 16 << 20)
        else { return nil }
        return Self(prometheusText: String(buffer: body))
    }
}
