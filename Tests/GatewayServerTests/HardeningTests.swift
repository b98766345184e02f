import AsyncHTTPClient
import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IMMNotify
import Logging
import NIOCore
import Testing

@Suite("Hostile input at the HTTP layer")
struct HardeningTests {
    @Test("a head over the limits is a JSON 431, recorded; far over them the decoder refuses it")
    func headerLimits() async throws {
        var config = try TestGateway.config()
        config.ingest.maxHeaderBytes = 4096
        config.ingest.maxHeaderCount = 20
        let gateway = try await TestGateway.make(config)
        try await gateway.ingestApplication.test(.live) { client in
            let big = try await client.execute(
                uri: "/notifications", method: .post,
                headers: [HTTPField.Name("x-big")!: String(repeating: "a", count: 8192)])
            #expect(big.status == .requestHeaderFieldsTooLarge)
            #expect(big.errorCode == "headers_too_large")
            var many = HTTPFields()
            for index in 0..<40 { many.append(HTTPField(name: HTTPField.Name("x-h\(index)")!, value: "v")) }
            let crowded = try await client.execute(uri: "/notifications", method: .post, headers: many)
            #expect(crowded.status == .requestHeaderFieldsTooLarge)
            #expect(crowded.errorCode == "headers_too_large")
            // Far over the limit the decoder refuses the head before any handler runs.
            let huge = try? await client.execute(
                uri: "/notifications", method: .post,
                headers: [HTTPField.Name("x-huge")!: String(repeating: "a", count: 40_000)])
            #expect(huge == nil || huge?.status == .badRequest)
            // The hostile requests closed their connection; a new one is still served.
            let port = try #require(client.port)
            let fixture = try Fixtures.request("tampered-body")
            var fresh = HTTPClientRequest(url: "http://127.0.0.1:\(port)/notifications")
            fresh.method = .POST
            for header in fixture.headers where !["host", "content-length"].contains(header.name.lowercased()) {
                fresh.headers.add(name: header.name, value: header.value)
            }
            fresh.body = .bytes(ByteBuffer(bytes: fixture.body))
            let reply = try await OneShotHTTP.execute(fresh, timeout: .seconds(10), maxBytes: 1 << 16)
            #expect(reply.status == 403, "the listener still serves after hostile requests")
        }
        #expect(try await gateway.store.events(limit: 10, before: nil).items.isEmpty)
        // The admin listener's decoder enforces the limits exactly (no 431 route there).
        try await gateway.adminApplication.test(.live) { client in
            let big = try? await client.execute(
                uri: "/healthz", method: .get, headers: [HTTPField.Name("x-big")!: String(repeating: "a", count: 8192)])
            #expect(big == nil || big?.status == .badRequest, "\(String(describing: big?.status))")
        }
        let rejections = try await gateway.store.rejections(limit: 10, before: nil).items
        #expect(rejections.filter { $0.record.reason == "headers_too_large" }.count == 2)
        for rejection in rejections where rejection.record.reason == "headers_too_large" {
            // Recorded within the limits, not the whole oversized head.
            let headers = rejection.record.request.headers
            #expect(headers.count <= 20)
            #expect(headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } <= 4096)
        }
    }

    @Test("duplicate signature headers do not confuse verification: the first value is the one signed")
    func duplicateHeaders() async throws {
        let gateway = try await TestGateway.make()
        var request = try Fixtures.request("succeeded-xml")
        request.headers.append(.init(name: "Authorization", value: "AAAA"))
        let duplicated = request
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.send(duplicated)
            #expect(response.status == .noContent || response.status == .forbidden)
        }
        var forged = try Fixtures.request("succeeded-xml")
        forged.headers.insert(.init(name: "Authorization", value: "AAAA"), at: 0)
        let first = forged
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.send(first)
            #expect(response.status == .forbidden)
        }
    }

    @Test("a flood of forged pushes is refused cheaply: no certificate fetch, every one recorded")
    func forgeryFlood() async throws {
        let fetcher = CountingCertificateFetcher()
        var config = try TestGateway.config(pin: false)
        config.mns.fetchCertificates = true
        let gateway = try await TestGateway.make(config, overrides: .init(certificateFetcher: fetcher))
        let forged = try Fixtures.request("foreign-cert-host")
        try await gateway.ingestApplication.test(.router) { client in
            for _ in 0..<200 {
                let response = try await client.send(forged)
                #expect(response.status == .forbidden)
            }
        }
        #expect(fetcher.requestedURLs.isEmpty)
        #expect(try await gateway.store.rejections(limit: 500, before: nil).items.count == 200)
    }

    @Test("the JSON log handler writes one object per line with the metadata")
    func jsonLogs() {
        var handler = JSONLogHandler(label: "test")
        handler.logLevel = .debug
        handler[metadataKey: "gw.task.id"] = "T1"
        #expect(handler[metadataKey: "gw.task.id"] == "T1")
        #expect(handler.logLevel == .debug)
    }
}
