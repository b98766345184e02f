import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IMMNotify
import Testing

@Suite("MNS ingest over HTTP")
struct IngestRouteTests {
    @Test(
        "every valid fixture is acknowledged with 204 and stored with its raw bytes",
        arguments: [
            ("succeeded-xml", "CreateFacesSearchingTask-0001", "xml"),
            ("succeeded-json", "CreateFacesSearchingTask-0002", "json"),
            ("succeeded-simplified", "CreateFacesSearchingTask-0003", "simplified"),
            ("failed-xml", "CreateFacesSearchingTask-0004", "xml"),
        ])
    func acceptsValidFixture(name: String, taskId: String, format: String) async throws {
        let gateway = try await TestGateway.make()
        let fixture = try Fixtures.request(name)
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.send(fixture)
            #expect(response.status == .noContent)
            #expect(response.headers[HTTPField.Name("x-imm-gateway-duplicate")!] == nil)
        }
        let page = try await gateway.store.events(limit: 10, before: nil)
        let event = try #require(page.items.first)
        #expect(page.items.count == 1)
        #expect(event.decoded.taskId == taskId)
        #expect(event.evidence.format == format)
        #expect(event.evidence.certificateURL == Fixtures.testCertificateURL)
        #expect(event.evidence.certificateFingerprint?.count == 64)
        #expect(event.request.body == fixture.body)
        #expect(event.request.target == fixture.target)
        #expect(event.request.header("Authorization") == fixture.header("Authorization"))
        #expect(event.decoded.state == .decoded)
    }

    @Test(
        "forged and tampered pushes are refused with 403 and recorded",
        arguments: [
            ("tampered-body", "content_md5_mismatch"),
            ("tampered-header", "bad_signature"),
            ("tampered-signature", "bad_signature"),
            ("foreign-cert-host", "certificate_url_not_allowed"),
        ])
    func refusesForgery(name: String, code: String) async throws {
        let fetcher = CountingCertificateFetcher()
        var config = try TestGateway.config()
        config.mns.fetchCertificates = true
        let gateway = try await TestGateway.make(config, overrides: .init(certificateFetcher: fetcher))
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.send(try Fixtures.request(name))
            #expect(response.status == .forbidden)
            #expect(response.errorCode == code)
        }
        #expect(fetcher.requestedURLs.isEmpty, "no certificate may be fetched for a refused push")
        #expect(try await gateway.store.events(limit: 10, before: nil).items.isEmpty)
        let rejection = try #require(try await gateway.store.rejections(limit: 10, before: nil).items.first)
        #expect(rejection.record.reason == code)
        #expect(rejection.record.httpStatus == 403)
        #expect(rejection.record.request.body == (try Fixtures.request(name)).body)
    }

    @Test("every spelling of one certificate URL is one certificate: pinned, fetched once, stored once")
    func certificateURLSpellings() async throws {
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let spellings = [
            "https://MNSTEST.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem",
            "https://mNstest.oss-cn-hangzhou.aliyuncs.com/x509%5Fpublic_certificate.pem",
            "http://mnstest.oss-cn-hangzhou.aliyuncs.com/x509_public_certificat%65.pem",
        ]
        @Sendable func push(_ index: Int, _ url: String) throws -> CapturedRequest {
            try MNSPushBuilder(
                format: .xml, taskId: "T-spelling-\(index)", date: Fixtures.fixtureDate, signingKey: key,
                certificateURL: url
            ).build()
        }
        // Pinned (fetching off): each spelling finds the pinned certificate.
        let pinned = try await TestGateway.make()
        try await pinned.ingestApplication.test(.router) { client in
            for (index, url) in spellings.enumerated() {
                let response = try await client.send(try push(index, url))
                #expect(response.status == .noContent, "\(url): \(response.errorCode ?? "")")
            }
        }
        // Fetched: one fetch for all spellings.
        let fetcher = CountingCertificateFetcher(served: [
            Fixtures.testCertificateURL: try Fixtures.testCertificatePEM()
        ])
        var config = try TestGateway.config(pin: false)
        config.mns.fetchCertificates = true
        let fetching = try await TestGateway.make(config, overrides: .init(certificateFetcher: fetcher))
        try await fetching.ingestApplication.test(.router) { client in
            for (index, url) in spellings.enumerated() {
                let response = try await client.send(try push(index, url))
                #expect(response.status == .noContent, "\(url): \(response.errorCode ?? "")")
            }
        }
        #expect(fetcher.requestedURLs == [Fixtures.testCertificateURL])
    }

    @Test("a push without signature headers is 401")
    func missingSignatureHeaders() async throws {
        let gateway = try await TestGateway.make()
        var request = try Fixtures.request("succeeded-xml")
        request.headers.removeAll { $0.name.lowercased() == "authorization" }
        let unsigned = request
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.send(unsigned)
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "missing_signature_headers")
        }
        #expect(try await gateway.store.rejections(limit: 10, before: nil).items.count == 1)
    }

    @Test("a push whose Date is outside the window is 403 stale_date")
    func staleDate() async throws {
        let gateway = try await TestGateway.make(clock: ManualClock(Fixtures.fixtureDate.addingTimeInterval(16 * 60)))
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.send(try Fixtures.request("succeeded-xml"))
            #expect(response.status == .forbidden)
            #expect(response.errorCode == "stale_date")
        }
    }

    @Test("a body over the limit is 413 and recorded truncated")
    func bodyTooLarge() async throws {
        var config = try TestGateway.config()
        config.ingest.maxBodyBytes = 1024
        config.ingest.rejectionBodyBytes = 100
        let gateway = try await TestGateway.make(config)
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.send(try Fixtures.request("succeeded-xml"))
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
        }
        let rejection = try #require(try await gateway.store.rejections(limit: 10, before: nil).items.first)
        #expect(rejection.record.reason == "payload_too_large")
        #expect(rejection.record.request.body.count == 100)
        #expect(rejection.record.isTruncated)
    }

    @Test(
        "an authentic push in no format we read is stored whole as an undecodable event and acknowledged",
        arguments: ["<Notification><oops", "hello world", "[1,2]", #"{"MessageId":"JM1","Message":42}"#, ""])
    func unparsableWrapper(body: String) async throws {
        let gateway = try await TestGateway.make()
        let request = try SignedRequests.resigned(try Fixtures.request("succeeded-xml"), body: Array(body.utf8))
        try await gateway.ingestApplication.test(.router) { client in
            // MNS retries anything but a 2xx briefly and then drops the message: the only copy.
            let first = try await client.send(request)
            #expect(first.status == .noContent)
            // Its redelivery (same x-mns-message-id) is a duplicate, not a second event.
            let again = try await client.send(request)
            #expect(again.status == .noContent)
        }
        let events = try await gateway.store.events(limit: 10, before: nil).items
        try #require(events.count == 1)
        #expect(events[0].decoded.state == .undecodable)
        #expect(events[0].decoded.decodeError?.hasPrefix("MNS push body") == true)
        #expect(events[0].evidence.format == "unreadable")
        #expect(events[0].request.body == request.body)
        #expect(try await gateway.store.rejections(limit: 10, before: nil).items.isEmpty)
    }

    @Test("an authentic push whose IMM message cannot be decoded is stored, acknowledged and flagged")
    func undecodableMessage() async throws {
        let gateway = try await TestGateway.make()
        let body = #"{"TopicOwner":"1","MessageId":"UNDECODABLE-1","Message":"this is not an IMM message"}"#
        let request = try SignedRequests.resigned(try Fixtures.request("succeeded-json"), body: Array(body.utf8))
        try await gateway.ingestApplication.test(.router) { client in
            let sent = try await client.send(request)
            #expect(sent.status == .noContent)
        }
        let event = try #require(try await gateway.store.events(limit: 10, before: nil).items.first)
        #expect(event.decoded.state == .undecodable)
        #expect(event.mnsMessageId == "UNDECODABLE-1")
        #expect(event.request.body == request.body)
    }

    @Test("a retried push is 204 again, counted as a duplicate and never stored twice")
    func duplicateMessageId() async throws {
        let gateway = try await TestGateway.make()
        let fixture = try Fixtures.request("succeeded-xml")
        try await gateway.ingestApplication.test(.router) { client in
            let sent = try await client.send(fixture)
            #expect(sent.status == .noContent)
            let again = try await client.send(fixture)
            #expect(again.status == .noContent)
            #expect(again.headers[HTTPField.Name("x-imm-gateway-duplicate")!] == "true")
        }
        let page = try await gateway.store.events(limit: 10, before: nil)
        #expect(page.items.count == 1)
        #expect(page.items.first?.duplicateCount == 1)
    }

    @Test("the same IMM message under another MNS MessageId is a duplicate (envelope id)")
    func duplicateEnvelopeId() async throws {
        let gateway = try await TestGateway.make()
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let first = try MNSPushBuilder(
            format: .xml, taskId: "CreateFacesSearchingTask-dup", status: "Succeeded", eventId: "0ED-same",
            date: Fixtures.fixtureDate, signingKey: key, messageId: "AAAA0000000000000000000000000001"
        ).build()
        let second = try MNSPushBuilder(
            format: .json, taskId: "CreateFacesSearchingTask-dup", status: "Succeeded", eventId: "0ED-same",
            date: Fixtures.fixtureDate, signingKey: key, messageId: "AAAA0000000000000000000000000002"
        ).build()
        try await gateway.ingestApplication.test(.router) { client in
            let sent = try await client.send(first)
            #expect(sent.status == .noContent)
            let response = try await client.send(second)
            #expect(response.status == .noContent)
            #expect(response.headers[HTTPField.Name("x-imm-gateway-duplicate")!] == "true")
        }
        #expect(try await gateway.store.events(limit: 10, before: nil).items.count == 1)
    }

    // IMM's envelope id may equal the task's EventId, so a Running and a Succeeded message of one
    // task can share it. The second used to be answered as a duplicate and thrown away, results and all.
    @Test("a different message under a reused envelope id is stored, not taken for a duplicate")
    func reusedEnvelopeId() async throws {
        let gateway = try await TestGateway.make()
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let taskId = "CreateFacesSearchingTask-reused"
        let pushes = try [("Running", "1"), ("Succeeded", "2")].map { status, serial in
            try MNSPushBuilder(
                format: .xml, taskId: taskId, status: status, eventId: "0ED-reused", faces: 2,
                date: Fixtures.fixtureDate, signingKey: key, messageId: "BBBB000000000000000000000000000" + serial
            ).build()
        }
        try await gateway.ingestApplication.test(.router) { client in
            let running = try await client.send(pushes[0])
            #expect(running.status == .noContent)
            let succeeded = try await client.send(pushes[1])
            #expect(succeeded.status == .noContent)
            #expect(succeeded.headers[HTTPField.Name("x-imm-gateway-duplicate")!] == nil)
            let again = try await client.send(pushes[1])
            #expect(again.headers[HTTPField.Name("x-imm-gateway-duplicate")!] == "true")
        }
        #expect(try await gateway.store.events(limit: 10, before: nil).items.count == 2)
        let task = try #require(try await gateway.store.task(taskId: taskId))
        #expect(task.immStatus == .succeeded)
        #expect(task.resultEventId == 2)
        #expect(try await gateway.store.faces(taskId: taskId).count == 2)
    }

    @Test("when the commit fails the push is answered 503 and nothing is acknowledged")
    func ackAfterCommit() async throws {
        let failing = FailingIngestStore()
        let gateway = try await TestGateway.make(overrides: .init(ingestStore: failing))
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.send(try Fixtures.request("succeeded-xml"))
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "store_unavailable")
            #expect(response.headers[.retryAfter] != nil)
        }
        #expect(failing.commitAttempts >= 1)
        #expect(try await gateway.store.events(limit: 10, before: nil).items.isEmpty)
    }

    @Test("an unknown path answers a JSON 404")
    func unknownRoute() async throws {
        let gateway = try await TestGateway.make()
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.execute(uri: "/nope", method: .post)
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test(
        "the bench's POST /bench/unstored verifies and decodes as ingest does, stores and records nothing",
        arguments: [false, true])
    func unstoredBenchRoute(enabled: Bool) async throws {
        var config = try TestGateway.config()
        config.ingest.benchRoute = enabled
        let gateway = try await TestGateway.make(config)
        @Sendable func unstored(_ name: String) throws -> CapturedRequest {
            var request = try Fixtures.request(name)
            request.target = "/bench/unstored"
            return request
        }
        try await gateway.ingestApplication.test(.router) { client in
            let valid = try await client.send(try unstored("succeeded-xml"))
            #expect(valid.status == (enabled ? .noContent : .notFound))
            let forged = try await client.send(try unstored("tampered-signature"))
            #expect(forged.status == (enabled ? .forbidden : .notFound))
            if enabled { #expect(forged.errorCode == "bad_signature") }
        }
        #expect(try await gateway.store.events(limit: 10, before: nil).items.isEmpty)
        #expect(try await gateway.store.rejections(limit: 10, before: nil).items.isEmpty)
    }
}
