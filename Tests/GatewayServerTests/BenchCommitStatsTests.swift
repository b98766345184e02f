import Testing

@testable import GatewayServer

@Suite("bench: the gateway's commit histogram around a phase")
struct BenchCommitStatsTests {
    /// `/metrics` as swift-prometheus writes it: cumulative buckets, then sum and count.
    static func metrics(buckets: [(String, Int)], sum: Double, count: Int, writes: Int) -> String {
        var lines = ["# TYPE imm_gateway_ingest_commit_seconds histogram"]
        lines += buckets.map { #"imm_gateway_ingest_commit_seconds_bucket{le="\#($0.0)"} \#($0.1)"# }
        lines.append(#"imm_gateway_ingest_commit_seconds_bucket{le="+Inf"} \#(count)"#)
        lines.append("imm_gateway_ingest_commit_seconds_sum \(sum)")
        lines.append("imm_gateway_ingest_commit_seconds_count \(count)")
        lines.append("imm_gateway_ingest_commit_batch_size_sum \(writes)")
        lines.append("imm_gateway_ingest_commit_batch_size_count \(count)")
        lines.append(#"hb_requests_total{method="POST"} 9"#)
        return lines.joined(separator: "\n")
    }

    @Test("the phase's commits are the difference of two scrapes, with their tail by bucket")
    func delta() throws {
        let before = try #require(
            BenchCommitStats(
                prometheusText: Self.metrics(
                    buckets: [("0.005", 90), ("0.01", 100), ("0.05", 100), ("0.25", 100)], sum: 0.3, count: 100,
                    writes: 400)))
        // 200 more commits: 190 under 5 ms, 7 under 10 ms, 2 under 50 ms and one stall under 250 ms.
        let after = try #require(
            BenchCommitStats(
                prometheusText: Self.metrics(
                    buckets: [("0.005", 280), ("0.01", 297), ("0.05", 299), ("0.25", 300)], sum: 1.1, count: 300,
                    writes: 700)))
        let phase = after.since(before)
        #expect(phase.commits == 200 && phase.writes == 300)
        #expect(phase.bound(holding: 0.95) == 0.005)
        #expect(phase.bound(holding: 0.98) == 0.01)
        #expect(phase.bound(holding: 0.99) == 0.05)
        #expect(phase.bound(holding: 1) == 0.25)
        #expect(phase.slower(than: 0.05) == 1)
        #expect(
            phase.summary(phase: "x")
                == "gateway ingest commits during x: 200 (1.5 writes each, mean 4.0 ms); 99% within 50 ms, 1 over 50 ms, slowest within 250 ms"
        )
    }

    @Test("text without the commit histogram reads as nothing; a phase without commits says so")
    func absent() throws {
        #expect(BenchCommitStats(prometheusText: #"hb_requests_total{method="POST"} 9"#) == nil)
        let stats = try #require(
            BenchCommitStats(prometheusText: Self.metrics(buckets: [("0.005", 1)], sum: 0.001, count: 1, writes: 1)))
        #expect(stats.since(stats).summary(phase: "x") == "gateway ingest commits during x: none")
    }
}
