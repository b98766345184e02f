import Crypto
import Foundation
import GatewayCore
import GatewayServer
import GatewayStore
import GatewayTestSupport
import HTTPTypes
import IMMNotify
import Testing

@Suite("Fan-out to real local receivers", .serialized)
struct DeliveryTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    private func gateway(
        hooks: [HookSpec], clock: ManualClock = ManualClock(Fixtures.fixtureDate), allowPrivate: Bool = true
    ) async throws -> Gateway {
        var config = try TestGateway.config()
        config.hooks = hooks
        config.delivery.allowPrivateNetworks = allowPrivate
        return try await TestGateway.make(config, clock: clock)
    }

    /// Verifies a Standard Webhooks signature independently of the gateway's signer.
    private func verifySignature(_ received: RecordingReceiver.Received, secret: String = secret) -> Bool {
        guard let id = received.headers["webhook-id"], let timestamp = received.headers["webhook-timestamp"],
            let header = received.headers["webhook-signature"],
            let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count)))
        else { return false }
        let signed = Data("\(id).\(timestamp).".utf8) + Data(received.body)
        let expected =
            "v1,"
            + Data(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))).base64EncodedString()
        return header.split(separator: " ").contains { $0 == expected }
    }

    private func deliveries(_ gateway: Gateway) async throws -> [Delivery] {
        try await TestGateway.deliveries(of: gateway)
    }

    @Test("success: one signed, versioned POST per event with the face results; attempt recorded")
    func success() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let gateway = try await gateway(hooks: [receiver.hook("photos")])
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            #expect(try await deliveries(gateway).map(\.status) == [.pending])
            #expect(try await gateway.dispatcher.runOnce() == 1)
            let request = try #require(receiver.received.first)
            #expect(verifySignature(request))
            #expect(request.headers["webhook-id"] == "msg_1_1")
            #expect(request.headers["user-agent"]?.hasPrefix("imm-gateway/") == true)
            #expect(request.headers["content-type"] == "application/json")
            let body = try JSONValue.parse(request.body)
            #expect(body["type"]?.stringValue == "imm.faces_search.succeeded")
            #expect(body["version"]?.intValue == 1)
            #expect(body["data"]?["task_id"]?.stringValue == "CreateFacesSearchingTask-0001")
            #expect(body["data"]?["event_id"]?.stringValue == "0ED-fixture0001")
            #expect(body["data"]?["results"]?.arrayValue?.first?["faces"]?.arrayValue?.count == 5)
            #expect(
                body["data"]?["results"]?.arrayValue?.first?["faces"]?.arrayValue?.first?["boundary"]?["width"]?
                    .intValue == 120)
            let delivery = try #require(try await deliveries(gateway).first)
            #expect(delivery.status == .delivered)
            let (_, attempts) = try #require(try await gateway.store.delivery(id: delivery.id))
            #expect(attempts.count == 1)
            #expect(attempts.first?.statusCode == 200)
            #expect(String(decoding: attempts.first?.responseBody ?? [], as: UTF8.self) == "ok")
        }
    }

    @Test("500 then success: retried on the schedule (±20 %), on the injected clock")
    func retryThenSuccess() async throws {
        let receiver = RecordingReceiver()
        receiver.script([.init(status: .internalServerError)])
        let clock = ManualClock(Fixtures.fixtureDate)
        try await receiver.serve {
            let gateway = try await gateway(hooks: [receiver.hook("photos")], clock: clock)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            try await gateway.dispatcher.runOnce()
            let failed = try #require(try await deliveries(gateway).first)
            #expect(failed.status == .failed)
            let delay = failed.nextAttemptAt.timeIntervalSince(clock.now())
            #expect(delay >= 4 && delay <= 6, "first retry after 5 s ± 20 %, got \(delay)")
            #expect(try await gateway.dispatcher.runOnce() == 0, "not due yet")
            clock.advance(by: 6.1)
            #expect(try await gateway.dispatcher.runOnce() == 1)
            let delivered = try #require(try await deliveries(gateway).first)
            #expect(delivered.status == .delivered)
            #expect(delivered.attempts == 2)
            #expect(receiver.received.count == 2)
            #expect(receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"])
        }
    }

    @Test("a timeout is a failed attempt with a clear error")
    func timeout() async throws {
        let receiver = RecordingReceiver()
        receiver.script([.init(delay: .seconds(3))])
        try await receiver.serve {
            let gateway = try await gateway(hooks: [receiver.hook("slow") { $0.timeoutSeconds = 1 }])
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            try await gateway.dispatcher.runOnce()
            let delivery = try #require(try await deliveries(gateway).first)
            #expect(delivery.status == .failed)
            #expect(delivery.lastError?.contains("timeout") == true, "\(delivery.lastError ?? "")")
        }
    }

    @Test("429 with Retry-After is honoured")
    func retryAfter() async throws {
        let receiver = RecordingReceiver()
        receiver.script([.init(status: .tooManyRequests, headers: ["Retry-After": "120"])])
        let clock = ManualClock(Fixtures.fixtureDate)
        try await receiver.serve {
            let gateway = try await gateway(hooks: [receiver.hook("busy")], clock: clock)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            try await gateway.dispatcher.runOnce()
            let delivery = try #require(try await deliveries(gateway).first)
            #expect(delivery.status == .failed)
            #expect(delivery.lastStatusCode == 429)
            #expect(delivery.nextAttemptAt == clock.now().addingTimeInterval(120))
        }
    }

    @Test("exhausted retries end dead, visible, never dropped")
    func exhaustion() async throws {
        let receiver = RecordingReceiver()
        receiver.script([], fallback: .init(status: .internalServerError))
        let clock = ManualClock(Fixtures.fixtureDate)
        try await receiver.serve {
            let gateway = try await gateway(
                hooks: [receiver.hook("broken") { $0.retrySchedule = [1, 1] }], clock: clock)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            for _ in 0..<3 {
                try await gateway.dispatcher.runOnce()
                clock.advance(by: 2)
            }
            let delivery = try #require(try await deliveries(gateway).first)
            #expect(delivery.status == .dead)
            #expect(delivery.attempts == 3)
            #expect(
                try await gateway.store.deliveries(filter: .init(status: .dead), limit: 10, before: nil).items.count
                    == 1)
            #expect(try await gateway.dispatcher.runOnce() == 0)
        }
    }

    @Test("per task and hook, deliveries go out in event order; a Running after the terminal one is skipped")
    func ordering() async throws {
        let receiver = RecordingReceiver()
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        @Sendable func push(_ status: String) throws -> CapturedRequest {
            try MNSPushBuilder(
                format: .xml, taskId: "T-order", status: status, date: Fixtures.fixtureDate, signingKey: key
            )
            .build()
        }
        try await receiver.serve {
            let gateway = try await gateway(hooks: [receiver.hook("ordered")])
            _ = await gateway.ingestor.ingestMNS(try push("Running"))
            _ = await gateway.ingestor.ingestMNS(try push("Succeeded"))
            #expect(try await gateway.dispatcher.runOnce() == 1, "the Succeeded delivery waits for the Running one")
            #expect(try await gateway.dispatcher.runOnce() == 1)
            let types = receiver.received.compactMap { try? JSONValue.parse($0.body)["type"]?.stringValue }
            #expect(types == ["imm.faces_search.running", "imm.faces_search.succeeded"])
            _ = await gateway.ingestor.ingestMNS(try push("Running"))
            #expect(try await gateway.dispatcher.runOnce() == 1)
            #expect(receiver.received.count == 2, "the late Running is not sent")
            #expect(try await deliveries(gateway).first?.status == .skipped)
        }
    }

    @Test("a hook's max_in_flight above 8 is the concurrency its receiver sees")
    func maxInFlightIsConcurrency() async throws {
        let receiver = RecordingReceiver()
        receiver.script([], fallback: .init(delay: .seconds(2)))
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        try await receiver.serve {
            let gateway = try await gateway(hooks: [receiver.hook("wide") { $0.maxInFlight = 16 }])
            for index in 0..<16 {
                let push = try MNSPushBuilder(
                    format: .xml, taskId: "T-wide-\(index)", date: Fixtures.fixtureDate, signingKey: key
                ).build()
                _ = await gateway.ingestor.ingestMNS(push)
            }
            #expect(try await gateway.dispatcher.runOnce() == 16)
            let arrivals = receiver.received.map(\.at).sorted()
            #expect(arrivals.count == 16)
            // All 16 are sent at once; with 8 connections the second 8 would arrive 2 s later.
            if let first = arrivals.first, let last = arrivals.last {
                #expect(last - first < .milliseconds(1500), "\(last - first)")
            }
        }
    }

    @Test("a slow hook does not delay a fast one")
    func slowDoesNotBlockFast() async throws {
        let slow = RecordingReceiver()
        slow.script([], fallback: .init(delay: .seconds(2)))
        let fast = RecordingReceiver()
        try await slow.serve {
            try await fast.serve {
                let gateway = try await gateway(hooks: [slow.hook("a-slow"), fast.hook("b-fast")])
                _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
                let started = ContinuousClock.now
                try await gateway.dispatcher.runOnce()
                let fastAt = try #require(fast.received.first?.at)
                #expect(fastAt - started < .seconds(1), "fast hook waited \(fastAt - started)")
                #expect(try await deliveries(gateway).allSatisfy { $0.status == .delivered })
            }
        }
    }

    @Test("SSRF: loopback destinations are refused with a clear reason, by address and by name")
    func ssrf() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let byName = receiver.url.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            let gateway = try await gateway(
                hooks: [receiver.hook("by-address"), HookSpec(name: "by-name", url: byName, secrets: [Self.secret])],
                allowPrivate: false)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            try await gateway.dispatcher.runOnce()
            #expect(receiver.received.isEmpty)
            let errors = try await deliveries(gateway).compactMap(\.lastError)
            #expect(errors.count == 2)
            #expect(errors.allSatisfy { $0.contains("refused:") && $0.contains("loopback") }, "\(errors)")
        }
    }

    @Test("a delivery claimed by a gateway that died is delivered after its lease, by the next process")
    func crashMidFlight() async throws {
        let receiver = RecordingReceiver()
        let clock = ManualClock(Fixtures.fixtureDate)
        try await receiver.serve {
            var config = try TestGateway.config()
            config.hooks = [receiver.hook("photos")]
            config.delivery.allowPrivateNetworks = true
            let first = try await TestGateway.make(config, clock: clock)
            _ = await first.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            // The first process claims the delivery and dies before sending it.
            let claimed = try await first.store.claimDueDeliveries(at: clock.now(), limit: 10, lease: 60, inFlight: [:])
            #expect(claimed.count == 1)
            let second = try await TestGateway.make(config, clock: clock)
            #expect(try await second.dispatcher.runOnce() == 0, "still leased")
            clock.advance(by: 61)
            #expect(try await second.dispatcher.runOnce() == 1)
            #expect(receiver.received.count == 1)
            #expect(try await deliveries(second).first?.status == .delivered)
        }
    }
}

@Suite("Waiting for the submission before delivering", .serialized)
struct SubmissionWaitTests {
    @Test("an unmatched notification's deliveries wait; the submission releases them with its labels")
    func waitsForSubmission() async throws {
        let receiver = RecordingReceiver()
        let clock = ManualClock(Fixtures.fixtureDate)
        try await receiver.serve {
            var config = try TestGateway.config()
            config.waitForSubmissionSeconds = 60
            config.delivery.allowPrivateNetworks = true
            var acme = receiver.hook("acme")
            acme.filter = HookFilter(labels: ["tenant": "acme"])
            var other = receiver.hook("other")
            other.filter = HookFilter(labels: ["tenant": "other"])
            config.hooks = [acme, other, receiver.hook("all")]
            let gateway = try await TestGateway.make(config, clock: clock)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            #expect(try await gateway.dispatcher.runOnce() == 0, "waiting for the submission")
            _ = try await gateway.store.recordSubmission(
                Submission(taskId: "CreateFacesSearchingTask-0001", labels: ["tenant": "acme"]), at: clock.now())
            #expect(try await gateway.dispatcher.runOnce() == 2)
            let bodies = receiver.received.compactMap { try? JSONValue.parse($0.body) }
            #expect(bodies.allSatisfy { $0["data"]?["matched"] == .bool(true) })
            #expect(bodies.allSatisfy { $0["data"]?["submission"]?["labels"]?["tenant"]?.stringValue == "acme" })
            let statuses = try await gateway.store.deliveries(filter: .init(), limit: 10, before: nil).items
                .map { "\($0.hookName)=\($0.status.rawValue)" }.sorted()
            #expect(statuses == ["acme=delivered", "all=delivered", "other=skipped"])
        }
    }

    @Test("without a submission they go out after the wait, marked unmatched")
    func goesOutAnyway() async throws {
        let receiver = RecordingReceiver()
        let clock = ManualClock(Fixtures.fixtureDate)
        try await receiver.serve {
            var config = try TestGateway.config()
            config.waitForSubmissionSeconds = 60
            config.delivery.allowPrivateNetworks = true
            config.hooks = [receiver.hook("all")]
            let gateway = try await TestGateway.make(config, clock: clock)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            clock.advance(by: 61)
            #expect(try await gateway.dispatcher.runOnce() == 1)
            let body = try JSONValue.parse(try #require(receiver.received.first).body)
            #expect(body["data"]?["matched"] == .bool(false))
            #expect(body["data"]?["submission"] == .null)
        }
    }
}
