import AsyncHTTPClient
import Foundation
import IMMNotify
import NIOCore

extension BenchRunner {
    /// Loads an already-running gateway: the same phases as against a self-started one, except end
    /// to end (there is no sink hook to count deliveries at) and memory (not our process); the admin
    /// lookup runs only with an admin listener. The baseline uses `POST /bench/noop` when the target
    /// has the bench route, else the router's 404 for `GET /` (no handler runs either way).
    func runExternal(_ target: BenchTarget, progress: @escaping @Sendable (String) -> Void) async throws -> String {
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let taskPrefix = "CreateFacesSearchingTask-bench-\(run)-"
        let signer = PushSigner(key: target.signingKey, certificateURL: target.certificateURL, path: target.mnsPath)
        let client = LoadGenerator.makeClient(connections: options.connections)
        do {
            let baseline = try await probe(target, client: client, signer: signer)
            progress(
                "target \(target.ingestBase)\(target.mnsPath) accepts the signed pushes; baseline: \(baseline == .benchRoute ? "POST /bench/noop" : "GET / (404)")"
            )
            progress("generating \(options.requests) signed pushes")
            let pushes = try signer.pushes(options.requests, prefix: taskPrefix)
            let endpoints = Endpoints(
                ingestBase: target.ingestBase, baseline: baseline, adminBase: target.adminBase,
                adminToken: target.adminToken)
            let load = LoadGenerator(client: client, connections: options.connections)
            var figures = try await measure(
                load: load, endpoints: endpoints, pushes: pushes, signer: signer, taskPrefix: taskPrefix,
                sinkCount: nil, progress: progress)
            if baseline == .notFound {
                figures.notes.append(
                    "baseline: the target has no bench route (ingest.bench_route), so the router's 404 for GET / stands in for a bare 204"
                )
            }
            figures.notes.append("end to end: skipped (external target: no sink hook to count deliveries at)")
            if target.adminBase == nil { figures.notes.append("admin lookups: skipped (no --admin-target)") }
            figures.notes.append("gateway memory: unknown (external)")
            try await client.shutdown()
            return Self.report(
                title: "target \(target.ingestBase), durability unknown (external)", options: options, figures: figures)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Checks the target before loading it: one signed push must be stored (so the key and pin match
    /// and the clocks agree), and the admin listener, when named, must answer `/readyz`. Returns the
    /// baseline route to use.
    private func probe(_ target: BenchTarget, client: HTTPClient, signer: PushSigner) async throws -> Endpoints.Baseline
    {
        let check = try signer.pushes(1, prefix: "CreateFacesSearchingTask-bench-check-")[0]
        let answer: HTTPClientResponse
        do {
            answer = try await client.execute(
                LoadGenerator.request(check, base: target.ingestBase), timeout: .seconds(10))
        } catch {
            throw BenchError("cannot reach --target \(target.ingestBase): \(error)")
        }
        let body = String(buffer: try await answer.body.collect(upTo: 1 << 16))
        guard answer.status.code == 204 else {
            throw BenchError(
                "the target refused a signed push to \(target.mnsPath) (HTTP \(answer.status.code) \(body)): it must pin \(target.certificateURL) to the certificate of --key (mns.pinned_certificates) and have its clock within mns.max_clock_skew_seconds"
            )
        }
        if let adminBase = target.adminBase {
            var ready = HTTPClientRequest(url: adminBase + "/readyz")
            ready.method = .GET
            var status: UInt?
            if let response = try? await client.execute(ready, timeout: .seconds(10)) {
                status = response.status.code
                _ = try? await response.body.collect(upTo: 1 << 16)
            }
            guard status == 200 else {
                throw BenchError(
                    "--admin-target \(adminBase) does not answer GET /readyz with 200 (\(status.map(String.init) ?? "no answer"))"
                )
            }
        }
        let noop = try await client.execute(
            LoadGenerator.request(check, base: target.ingestBase, path: "/bench/noop"), timeout: .seconds(10))
        _ = try await noop.body.collect(upTo: 1 << 16)
        return noop.status.code == 204 ? .benchRoute : .notFound
    }
}
