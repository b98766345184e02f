import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IMMNotify
import NIOCore
import Testing

@Suite("Hooks API")
struct HooksAPITests {
    @Test("create shows the secret once; list and get never do; patch, disable, enable, rotate, delete")
    func lifecycle() async throws {
        let gateway = try await TestGateway.make()
        try await gateway.adminApplication.test(.router) { client in
            let (created, body) = try await client.send(
                .post, "/v1/hooks",
                #"{"name":"photos","url":"https://photos.example.com/imm","filter":{"status":["succeeded"]},"headers":{"Authorization":"Bearer x"}}"#
            )
            #expect(created == .created)
            let secret = try #require(body["secrets"]?.arrayValue?.first?.stringValue)
            #expect(WebhookSigner.isValidSecret(secret))
            #expect(body["hook"]?["headers"]?["Authorization"]?.stringValue == "***")
            let (_, list) = try await client.send(.get, "/v1/hooks")
            #expect(list["hooks"]?.arrayValue?.count == 1)
            #expect(!list.jsonText().contains(secret))
            let (_, shown) = try await client.send(.get, "/v1/hooks/photos")
            #expect(!shown.jsonText().contains(secret))
            #expect(shown["active_secrets"]?.intValue == 1)
            #expect(
                try await client.send(.post, "/v1/hooks", #"{"name":"photos","url":"https://x.example"}"#).0
                    == .conflict)

            let (patched, patchBody) = try await client.send(
                .patch, "/v1/hooks/photos", #"{"timeout_seconds":5,"max_in_flight":2}"#)
            #expect(patched == .ok)
            #expect(patchBody["timeout_seconds"]?.intValue == 5)
            #expect(
                try await client.send(
                    .patch, "/v1/hooks/photos", #"{"secrets":["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]}"#
                ).0 == .badRequest)
            #expect(
                try await client.send(.patch, "/v1/hooks/photos", #"{"timeout_seconds":0}"#).1["error"]?["field"]?
                    .stringValue == "timeout_seconds")
            // Wrong types and misspelt filter keys name the field; no decoder dump.
            let refused = [
                (#"{"enabled":"true"}"#, "enabled"), (#"{"timeout_seconds":"5"}"#, "timeout_seconds"),
                (#"{"filter":{"statuss":["succeeded"]}}"#, "filter.statuss"),
                (#"{"filter":{"status":["bogus"]}}"#, "filter.status"),
                (#"{"retry_schedule":[9223372036854775807]}"#, "retry_schedule[0]"),
                (#"{"retry_schedule":[5, 2592001]}"#, "retry_schedule"), (#"{"max_in_flight":1.5}"#, "max_in_flight"),
            ]
            for (patch, field) in refused {
                let (status, answer) = try await client.send(.patch, "/v1/hooks/photos", patch)
                #expect(status == .badRequest, "\(patch)")
                #expect(answer["error"]?["field"]?.stringValue == field, "\(patch): \(answer)")
                #expect(answer["error"]?["message"]?.stringValue?.contains("DecodingError") == false, "\(answer)")
            }

            #expect(try await client.send(.post, "/v1/hooks/photos/disable").1["enabled"] == .bool(false))
            #expect(try await client.send(.post, "/v1/hooks/photos/enable").1["enabled"] == .bool(true))

            let (rotated, rotation) = try await client.send(.post, "/v1/hooks/photos/rotate-secret")
            #expect(rotated == .ok)
            let newSecret = try #require(rotation["secret"]?.stringValue)
            #expect(newSecret != secret)
            #expect(rotation["hook"]?["active_secrets"]?.intValue == 2)

            #expect(try await client.send(.delete, "/v1/hooks/photos").0 == .noContent)
            #expect(try await client.send(.get, "/v1/hooks/photos").0 == .notFound)
            #expect(
                try await client.send(.post, "/v1/hooks", #"{"name":"x","url":"https://x.example","colour":"red"}"#).1[
                    "error"]?["field"]?.stringValue == "colour")
        }
        // After a rotation, both secrets sign for 24 h, then only the new one.
        let hook = try await gateway.store.createHook(
            Hook(name: "rot", url: "https://x.example"), secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            at: Fixtures.fixtureDate)
        _ = try await gateway.store.rotateSecret(
            named: "rot", newSecret: WebhookSigner.generateSecret(),
            oldExpireAt: Fixtures.fixtureDate.addingTimeInterval(86_400),
            at: Fixtures.fixtureDate)
        #expect(
            try await gateway.store.secrets(hookId: hook.id, at: Fixtures.fixtureDate.addingTimeInterval(3600)).count
                == 2)
        #expect(
            try await gateway.store.secrets(hookId: hook.id, at: Fixtures.fixtureDate.addingTimeInterval(90_000)).count
                == 1)
    }

    @Test("POST /v1/hooks/{name}/test sends a signed test event and shows the attempt")
    func testEndpoint() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let config = try TestGateway.config(hooks: [])
            let gateway = try await TestGateway.make(config)
            try await gateway.adminApplication.test(.router) { client in
                _ = try await client.send(.post, "/v1/hooks", #"{"name":"t","url":"\#(receiver.url)"}"#)
                let (status, attempt) = try await client.send(.post, "/v1/hooks/t/test")
                #expect(status == .ok)
                #expect(attempt["status_code"]?.intValue == 200)
            }
            let body = try JSONValue.parse(try #require(receiver.received.first).body)
            #expect(body["type"]?.stringValue == "imm.test")
            #expect(receiver.received.first?.headers["webhook-signature"]?.hasPrefix("v1,") == true)
        }
    }

    @Test("hooks declared in the config file are created at start and kept in step with it")
    func configuredHooks() async throws {
        var config = try TestGateway.config()
        config.hooks = [
            HookSpec(
                name: "cfg", url: "https://cfg.example.com/hook", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        ]
        let first = try await TestGateway.make(config)
        let created = try #require(try await first.store.hook(named: "cfg"))
        #expect(created.origin == "config")
        config.hooks[0].url = "https://cfg.example.com/v2"
        config.hooks[0].secrets = ["whsec_" + Data(repeating: 7, count: 24).base64EncodedString()]
        let second = try await TestGateway.make(config)
        #expect(try await second.store.hook(named: "cfg")?.url == "https://cfg.example.com/v2")
        #expect(try await second.store.secrets(hookId: created.id, at: Date()) == config.hooks[0].secrets)
        config.hooks[0].secrets = nil
        await #expect(throws: ConfigurationError.self) { try await TestGateway.make(config) }
    }

    @Test("the file is the source of truth for a configured hook: keys taken out are gone; the API may not edit it")
    func configuredHookIsTheFiles() async throws {
        var config = try TestGateway.config()
        var spec = HookSpec(
            name: "cfg", url: "https://cfg.example.com/hook", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            filter: HookFilter(status: ["succeeded"]))
        spec.headers = ["Authorization": "Bearer old-credential"]
        spec.timeoutSeconds = 5
        config.hooks = [spec]
        let first = try await TestGateway.make(config)
        try await first.adminApplication.test(.router) { client in
            // Edits that the next start would undo (or, for a rotated secret, drop) are refused.
            for (method, path, body) in [
                (HTTPRequest.Method.patch, "/v1/hooks/cfg", #"{"timeout_seconds":9}"#),
                (.post, "/v1/hooks/cfg/rotate-secret", ""), (.delete, "/v1/hooks/cfg", ""),
            ] {
                let (status, answer) = try await client.send(method, path, body.isEmpty ? nil : body)
                #expect(status == .conflict, "\(method) \(path)")
                #expect(answer["error"]?["code"]?.stringValue == "hook_from_config")
            }
            // Operations are allowed, and the operator's disable survives the next start.
            let (disabled, _) = try await client.send(.post, "/v1/hooks/cfg/disable")
            #expect(disabled == .ok)
        }
        config.hooks[0].headers = nil
        config.hooks[0].filter = nil
        config.hooks[0].timeoutSeconds = nil
        let second = try await TestGateway.make(config)
        let hook = try #require(try await second.store.hook(named: "cfg"))
        #expect(hook.headers.isEmpty, "a header taken out of the file is no longer sent")
        #expect(hook.filter == HookFilter())
        #expect(hook.timeoutSeconds == 15)
        #expect(!hook.enabled)
        // Taken out of the file: handed to the API, which may now remove it.
        config.hooks = []
        let third = try await TestGateway.make(config)
        #expect(try await third.store.hook(named: "cfg")?.origin == "api")
        try await third.adminApplication.test(.router) { client in
            let (removed, _) = try await client.send(.delete, "/v1/hooks/cfg")
            #expect(removed == .noContent)
        }
    }

    @Test("deliveries listing filters and detail with attempts; bad filters are 400")
    func deliveriesAPI() async throws {
        let gateway = try await TestGateway.make()
        _ = try await gateway.store.createHook(
            Hook(name: "h", url: "https://h.example"), secrets: [WebhookSigner.generateSecret()],
            at: Fixtures.fixtureDate)
        _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
        try await gateway.adminApplication.test(.router) { client in
            let (_, all) = try await client.send(
                .get, "/v1/deliveries?hook=h&status=pending&task=CreateFacesSearchingTask-0001")
            let item = try #require(all["deliveries"]?.arrayValue?.first)
            #expect(item["webhook_id"]?.stringValue == "msg_1_1")
            let (_, detail) = try await client.send(.get, "/v1/deliveries/\(item["id"]?.intValue ?? 0)")
            #expect(detail["attempts"]?.arrayValue?.isEmpty == true)
            #expect(try await client.send(.get, "/v1/deliveries?status=lost").0 == .badRequest)
            #expect(try await client.send(.get, "/v1/deliveries/77").0 == .notFound)
            let (_, task) = try await client.send(.get, "/v1/tasks/CreateFacesSearchingTask-0001")
            #expect(task["deliveries"]?.arrayValue?.first?["hook"]?.stringValue == "h")
        }
    }
}

@Suite("Ed25519 hooks over the API")
struct Ed25519HookTests {
    @Test("a hook created with ed25519 shows its public key and its deliveries carry a v1a entry")
    func v1a() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            var config = try TestGateway.config(hooks: [])
            var spec = receiver.hook("signed")
            spec.ed25519 = true
            config.hooks = [spec]
            let gateway = try await TestGateway.make(config)
            let publicKey = try await gateway.adminApplication.test(.router) { client in
                let response = try await client.execute(uri: "/v1/hooks/signed", method: .get)
                return try JSONValue.parse(Array(response.body.readableBytesView))["ed25519_public_key"]?.stringValue
            }
            #expect(publicKey?.hasPrefix("whpk_") == true)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            try await gateway.dispatcher.runOnce()
            let header = try #require(receiver.received.first?.headers["webhook-signature"])
            let schemes = header.split(separator: " ").compactMap { $0.split(separator: ",").first.map(String.init) }
            #expect(schemes.sorted() == ["v1", "v1a"])
        }
    }
}
