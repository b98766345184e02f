import AsyncHTTPClient
import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import IMMNotify
import NIOCore
import NIOHTTP1
import Testing

@Suite("End to end: real listeners, real HTTP client, real SQLite file")
struct EndToEndTests {
    private func post(_ request: CapturedRequest, port: Int) async throws -> (UInt, [UInt8]) {
        var outgoing = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(request.target)")
        outgoing.method = .POST
        for header in request.headers where !["host", "content-length"].contains(header.name.lowercased()) {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        // The deadline counts from the queue of the client's pool (8 connections per host): the 200
        // concurrent pushes below wait their turn there, on a machine shared with the whole suite.
        let response = try await HTTPClient.shared.execute(outgoing, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, Array(body.readableBytesView))
    }

    private func get(_ path: String, port: Int) async throws -> JSONValue {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
        #expect(response.status == .ok)
        return try JSONValue.parse(Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
    }

    @Test("push over HTTP, read it back over HTTP, restart, still there; the certificate survives the restart too")
    func pushRestartAndReadBack() async throws {
        var config = try TestGateway.config(pin: false)
        config.mns.fetchCertificates = true
        let fetcher = CountingCertificateFetcher(served: [
            Fixtures.testCertificateURL: try Fixtures.testCertificatePEM()
        ])
        let first = try await TestGateway.make(config, overrides: .init(certificateFetcher: fetcher))
        try await first.running { ingest, admin in
            let (status, _) = try await post(try Fixtures.request("succeeded-xml"), port: ingest)
            #expect(status == 204)
            let (duplicate, _) = try await post(try Fixtures.request("succeeded-xml"), port: ingest)
            #expect(duplicate == 204)
            let (forged, body) = try await post(try Fixtures.request("tampered-signature"), port: ingest)
            #expect(forged == 403)
            #expect((try? JSONValue.parse(body))?["error"]?["code"]?.stringValue == "bad_signature")
            let events = try await get("/v1/events", port: admin)
            #expect(events["events"]?.arrayValue?.count == 1)
            #expect(events["events"]?.arrayValue?.first?["task_id"]?.stringValue == "CreateFacesSearchingTask-0001")
        }
        #expect(fetcher.requestedURLs == [Fixtures.testCertificateURL])

        // Second process: nothing can be fetched now, so verification must use the stored certificate.
        let offline = CountingCertificateFetcher()
        let second = try await TestGateway.make(config, overrides: .init(certificateFetcher: offline))
        try await second.running { ingest, admin in
            let (status, _) = try await post(try Fixtures.request("succeeded-json"), port: ingest)
            #expect(status == 204)
            let events = try await get("/v1/events", port: admin)
            #expect(
                events["events"]?.arrayValue?.map { $0["task_id"]?.stringValue } == [
                    "CreateFacesSearchingTask-0002", "CreateFacesSearchingTask-0001",
                ])
            #expect(events["events"]?.arrayValue?.last?["duplicate_count"]?.intValue == 1)
        }
        #expect(offline.requestedURLs.isEmpty)
    }

    @Test("concurrent pushes are group-committed: every one stored, in fewer transactions than requests")
    func groupCommitUnderConcurrency() async throws {
        let config = try TestGateway.config()
        let counting = CountingIngestStore(wrapping: try GatewayStoreFactory.open(config))
        let gateway = try await TestGateway.make(config, overrides: .init(ingestStore: counting))
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let pushes = try (0..<200).map { index in
            try MNSPushBuilder(
                format: .xml, taskId: "CreateFacesSearchingTask-c\(index)", status: "Succeeded",
                date: Fixtures.fixtureDate, signingKey: key
            ).build()
        }
        try await gateway.running { ingest, _ in
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for push in pushes { group.addTask { try await post(push, port: ingest).0 } }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 204 })
        }
        #expect(counting.writesCommitted == 200)
        #expect(counting.commits < 200, "expected batching, got \(counting.commits) commits for 200 writes")
        #expect(try await gateway.store.events(limit: 500, before: nil).items.count == 200)
    }
}
