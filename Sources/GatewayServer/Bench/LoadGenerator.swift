import AsyncHTTPClient
import Foundation
import Histogram
import IMMNotify
import NIOCore

/// Sends prepared requests over `connections` keep-alive connections and measures latency with an
/// HdrHistogram. Closed loop (each connection sends its next request when the last answered) for
/// throughput; open loop (a fixed schedule, latency measured from the scheduled time so a stall is
/// not hidden) for latency at a given rate.
public struct LoadGenerator: Sendable {
    /// The measurements of one run.
    struct Result {
        let requests: Int
        let errors: Int
        let seconds: Double
        let histogram: Histogram<UInt64>

        var throughput: Double { Double(requests) / max(seconds, 1e-9) }
        func percentileMs(_ p: Double) -> Double { Double(histogram.valueAtPercentile(p)) / 1000 }
        var maxMs: Double { Double(histogram.max) / 1000 }
    }

    let client: HTTPClient
    let connections: Int

    /// A client for load: `connections` keep-alive connections per host.
    public static func makeClient(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(30)))
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.tracing.tracer = nil  // see HTTPWebhookTransport: the loader shares the gateway's cores
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends every request once; `perSecond` (open loop) paces them, nil runs flat out. An answer
    /// whose status is not `expected` counts as an error.
    func run(
        _ requests: [HTTPClientRequest], perSecond: Double? = nil, expected: Range<UInt> = 200..<300
    ) async -> Result {
        let next = SinkCounter()
        let errors = SinkCounter()
        let start = ContinuousClock.now
        let histograms = await withTaskGroup(of: Histogram<UInt64>.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var histogram = Histogram<UInt64>(
                        highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
                    while true {
                        let index = next.increment()
                        guard index < requests.count else { break }
                        var begin = ContinuousClock.now
                        if let perSecond {
                            let scheduled = start + .seconds(Double(index) / perSecond)
                            if scheduled > begin { try? await Task.sleep(until: scheduled) }
                            begin = scheduled
                        }
                        do {
                            let response = try await client.execute(requests[index], timeout: .seconds(30))
                            for try await _ in response.body {}
                            if !expected.contains(response.status.code) { errors.increment() }
                        } catch {
                            errors.increment()
                        }
                        let elapsed = ContinuousClock.now - begin
                        _ = histogram.record(
                            UInt64(
                                max(
                                    1,
                                    elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds
                                        / 1_000_000_000_000)))
                    }
                    return histogram
                }
            }
            var merged = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
            for await histogram in group { merged.add(histogram) }
            return merged
        }
        let elapsed = ContinuousClock.now - start
        return Result(
            requests: requests.count, errors: errors.value,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            histogram: histograms)
    }

    /// An HTTP request for a captured one, sent to `base` (scheme, host and port).
    public static func request(_ captured: CapturedRequest, base: String, path: String? = nil) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: base + (path ?? captured.target))
        request.method = .POST
        for header in captured.headers where !["host", "content-length"].contains(header.name.lowercased()) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: captured.body))
        return request
    }
}
