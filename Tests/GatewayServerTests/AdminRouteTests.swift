import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Hummingbird
import HummingbirdTesting
import IMMNotify
import Prometheus
import Testing

@Suite("Admin API")
struct AdminRouteTests {
    private func seeded(_ config: GatewayConfig? = nil) async throws -> Gateway {
        let gateway = try await TestGateway.make(config)
        for name in ["succeeded-xml", "succeeded-json", "succeeded-simplified", "failed-xml", "tampered-body"] {
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request(name))
        }
        return gateway
    }

    @Test("events list newest first, pages with an opaque cursor, and shows the parsed event with its raw request")
    func eventsListAndDetail() async throws {
        let gateway = try await seeded()
        try await gateway.adminApplication.test(.router) { client in
            let (status, first) = try await client.getJSON("/v1/events?limit=3")
            #expect(status == .ok)
            let events = try #require(first["events"]?.arrayValue)
            #expect(
                events.map { $0["task_id"]?.stringValue } == [
                    "CreateFacesSearchingTask-0004", "CreateFacesSearchingTask-0003", "CreateFacesSearchingTask-0002",
                ])
            let cursor = try #require(first["next_cursor"]?.stringValue)
            let (_, second) = try await client.getJSON("/v1/events?limit=3&cursor=\(cursor)")
            #expect(
                second["events"]?.arrayValue?.map { $0["task_id"]?.stringValue } == ["CreateFacesSearchingTask-0001"])
            #expect(second["next_cursor"] == .null || second["next_cursor"] == nil)

            let id = try #require(events.last?["id"]?.intValue)
            let (detailStatus, detail) = try await client.getJSON("/v1/events/\(id)")
            #expect(detailStatus == .ok)
            #expect(detail["status"]?.stringValue == "Succeeded")
            #expect(detail["raw_request"]?["method"]?.stringValue == "POST")
            #expect(detail["raw_request"]?["body_encoding"]?.stringValue == "utf8")
            #expect(detail["content"]?["TaskId"]?.stringValue == "CreateFacesSearchingTask-0002")
            // The content text verbatim: exactly the `content` string of the envelope in the raw body.
            let body = try #require(detail["raw_request"]?["body"]?.stringValue)
            let push = try MNSPush.parse(body: Array(body.utf8))
            let sent = try IMMEnvelope.decode(message: push.message).contentText
            #expect(detail["content_text"]?.stringValue == sent)
            let faces = try #require(detail["task"]?["results"]?.arrayValue?.first?["faces"]?.arrayValue)
            #expect(faces.count == 5)
            #expect(faces.first?["similarity"]?.doubleValue == 0.99)
            #expect(
                faces.first?["boundary"]?["Width"]?.intValue == 120
                    || faces.first?["boundary"]?["width"]?.intValue == 120)
        }
    }

    @Test("rejections are listed with their reason")
    func rejections() async throws {
        let gateway = try await seeded()
        try await gateway.adminApplication.test(.router) { client in
            let (status, body) = try await client.getJSON("/v1/rejections")
            #expect(status == .ok)
            let items = try #require(body["rejections"]?.arrayValue)
            #expect(items.count == 1)
            #expect(items.first?["reason"]?.stringValue == "content_md5_mismatch")
            #expect(items.first?["http_status"]?.intValue == 403)
        }
    }

    @Test("bad queries are 400 with a JSON error, unknown ids 404")
    func badQueries() async throws {
        let gateway = try await seeded()
        try await gateway.adminApplication.test(.router) { client in
            #expect(try await client.execute(uri: "/v1/events?limt=3", method: .get).errorCode == "unknown_parameter")
            #expect(try await client.execute(uri: "/v1/events?limit=0", method: .get).errorCode == "invalid_limit")
            #expect(try await client.execute(uri: "/v1/events?limit=501", method: .get).errorCode == "invalid_limit")
            #expect(try await client.execute(uri: "/v1/events?cursor=zzz", method: .get).errorCode == "invalid_cursor")
            #expect(try await client.execute(uri: "/v1/events/abc", method: .get).errorCode == "invalid_id")
            let missing = try await client.execute(uri: "/v1/events/999", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")
        }
    }

    @Test("a wrong method is 405 with Allow, an unknown path 404; HEAD answers like GET without a body")
    func methods() async throws {
        let gateway = try await seeded()
        try await gateway.adminApplication.test(.router) { client in
            for (uri, method, allow) in [
                ("/v1/events", HTTPRequest.Method.delete, "GET"), ("/healthz", .post, "GET, HEAD"),
                ("/v1/hooks/photos", .put, "GET, PATCH, DELETE"), ("/v1/events/1/replay", .get, "POST"),
            ] {
                let response = try await client.execute(uri: uri, method: method)
                #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(response.errorCode == "method_not_allowed")
                #expect(response.headers[.allow] == allow, "\(method) \(uri)")
            }
            #expect(try await client.execute(uri: "/v1/nothing", method: .delete).status == .notFound)
            let head = try await client.execute(uri: "/healthz", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
        }
        try await gateway.ingestApplication.test(.router) { client in
            let response = try await client.execute(uri: "/notifications", method: .get)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST")
        }
    }

    @Test("with a token every admin route but /healthz requires it")
    func bearerToken() async throws {
        var config = try TestGateway.config()
        config.admin.token = "s3cret"
        let gateway = try await seeded(config)
        try await gateway.adminApplication.test(.router) { client in
            for uri in ["/v1/events", "/v1/events/1", "/v1/rejections"] {
                let denied = try await client.execute(uri: uri, method: .get)
                #expect(denied.status == .unauthorized, "\(uri)")
                #expect(denied.errorCode == "unauthorized")
                let wrong = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer nope"])
                #expect(wrong.status == .unauthorized, "\(uri)")
                #expect(wrong.headers[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
                let allowed = try await client.execute(
                    uri: uri, method: .get, headers: [.authorization: "Bearer s3cret"])
                #expect(allowed.status == .ok, "\(uri)")
            }
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
    }

    @Test("healthz reports the database")
    func health() async throws {
        let gateway = try await TestGateway.make()
        try await gateway.adminApplication.test(.router) { client in
            let (status, body) = try await client.getJSON("/healthz")
            #expect(status == .ok)
            #expect(body["database"]?.stringValue == "ok")
        }
    }
}

@Suite("Metrics and readiness")
struct MetricsTests {
    @Test("/metrics serves Prometheus text with the backlog gauges; /readyz is open and ready")
    func metrics() async throws {
        var config = try TestGateway.config()
        config.admin.token = "t"
        config.hooks = [HookSpec(name: "h", url: "https://h.example", secrets: [DeliveryTests.secret])]
        let gateway = try await TestGateway.make(
            config, overrides: .init(metricsRegistry: PrometheusCollectorRegistry()))
        _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
        try await gateway.adminApplication.test(.router) { client in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .unauthorized)
            let response = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer t"])
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(text.contains(#"imm_gateway_deliveries_pending{hook="h"} 1"#), "\(text)")
            #expect(text.contains(#"imm_gateway_tasks{state="unmatched"} 1"#))
            #expect(text.contains("# HELP imm_gateway_events_stored"))
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
        }
        // A removed hook's gauges go with it, or a backlog alert would fire for a hook that is gone.
        config.hooks = []
        try await gateway.store.deleteHook(named: "h")
        try await gateway.adminApplication.test(.router) { client in
            let response = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer t"])
            let text = String(buffer: response.body)
            #expect(!text.contains(#"hook="h""#), "\(text)")
        }
    }
}
