import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IMMNotify
import Testing

@Suite("EventBridge ingest over HTTP")
struct EventBridgeRouteTests {
    @Test("a token-authenticated CloudEvent is stored once, decoded, deduplicated on (source, id)")
    func tokenAccepted() async throws {
        let gateway = try await TestGateway.make()
        let event = try CloudEventBuilder(
            taskId: "CreateFacesSearchingTask-eb", eventId: "eb-1", date: Fixtures.fixtureDate, token: "eb-token"
        ).build()
        try await gateway.ingestApplication.test(.router) { client in
            let first = try await client.send(event)
            #expect(first.status == .noContent)
            let again = try await client.send(event)
            #expect(again.status == .noContent)
            #expect(again.headers[HTTPField.Name("x-imm-gateway-duplicate")!] == "true")
        }
        let stored = try #require(try await gateway.store.events(limit: 10, before: nil).items.first)
        #expect(try await gateway.store.events(limit: 10, before: nil).items.count == 1)
        #expect(stored.channel == .eventbridge)
        #expect(stored.evidence.method == "eventbridge-token")
        #expect(stored.decoded.taskId == "CreateFacesSearchingTask-eb")
        #expect(stored.decoded.state == .decoded)
        #expect(stored.decoded.content?.faceResults?.first?.faces.count == 2)
    }

    @Test("wrong token 403, no token 401, unconfigured endpoint 403, broken body 400")
    func refusals() async throws {
        let gateway = try await TestGateway.make()
        let wrong = try CloudEventBuilder(taskId: "T", date: Fixtures.fixtureDate, token: "nope").build()
        let none = try CloudEventBuilder(taskId: "T", date: Fixtures.fixtureDate).build()
        var broken = try CloudEventBuilder(taskId: "T", date: Fixtures.fixtureDate, token: "eb-token").build()
        broken.body = Array("{not json".utf8)
        let brokenRequest = broken
        try await gateway.ingestApplication.test(.router) { client in
            let badToken = try await client.send(wrong)
            #expect(badToken.status == .forbidden)
            #expect(badToken.errorCode == "bad_token")
            let missing = try await client.send(none)
            #expect(missing.status == .unauthorized)
            #expect(missing.errorCode == "missing_credentials")
            // Authentic but unreadable: stored as an undecodable event, never refused.
            let unreadable = try await client.send(brokenRequest)
            #expect(unreadable.status == .noContent)
        }
        #expect(try await gateway.store.rejections(limit: 10, before: nil).items.count == 2)
        let stored = try #require(try await gateway.store.events(limit: 10, before: nil).items.first)
        #expect(stored.decoded.state == .undecodable)
        #expect(stored.request.body == Array("{not json".utf8))

        var config = try TestGateway.config()
        config.eventBridge.token = ""
        let unconfigured = try await TestGateway.make(config)
        let event = try CloudEventBuilder(taskId: "T", date: Fixtures.fixtureDate, token: "eb-token").build()
        try await unconfigured.ingestApplication.test(.router) { client in
            let response = try await client.send(event)
            #expect(response.status == .forbidden)
            #expect(response.errorCode == "endpoint_not_configured")
        }
    }
}
