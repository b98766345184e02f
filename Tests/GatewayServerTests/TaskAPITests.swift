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
import Yams

@Suite("Submissions and task API")
struct TaskAPITests {
    private func post(_ client: some TestClientProtocol, _ json: String, token: String? = nil) async throws
        -> TestResponse
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(
            uri: "/v1/submissions", method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    @Test("POST /v1/submissions: 201, then 200 for the same body, 409 for a different one")
    func submissionLifecycle() async throws {
        let gateway = try await TestGateway.make()
        let body = """
            {"ProjectName":"photos-prod","DatasetName":"faces-2026","Sources":[{"URI":"oss://photos-bucket/query/selfie.jpg"}],
             "MaxResult":5,"UserData":"{\\"album\\":\\"a1\\"}","Notification":{"MNS":{"TopicName":"imm-faces"}},
             "TaskId":"CreateFacesSearchingTask-0001","EventId":"0ED-fixture0001","RequestId":"R1","labels":{"tenant":"acme"}}
            """
        try await gateway.adminApplication.test(.router) { client in
            let created = try await post(client, body)
            #expect(created.status == .created)
            let task = try JSONValue.parse(Array(created.body.readableBytesView))
            #expect(task["state"]?.stringValue == "submitted")
            #expect(task["labels"]?["tenant"]?.stringValue == "acme")
            #expect(task["submission"]?["MaxResult"]?.intValue == 5)
            #expect(try await post(client, body).status == .ok)
            let conflict = try await post(
                client, body.replacingOccurrences(of: "\"MaxResult\":5", with: "\"MaxResult\":6"))
            #expect(conflict.status == .conflict)
            #expect(conflict.errorCode == "submission_conflict")
            let (status, submission) = try await client.getJSON("/v1/submissions/CreateFacesSearchingTask-0001")
            #expect(status == .ok)
            #expect(
                submission["Sources"]?.arrayValue?.first?["URI"]?.stringValue == "oss://photos-bucket/query/selfie.jpg")
        }
        // The notification arrives after the submission: the task completes with its faces.
        _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
        try await gateway.adminApplication.test(.router) { client in
            let (status, task) = try await client.getJSON("/v1/tasks/CreateFacesSearchingTask-0001")
            #expect(status == .ok)
            #expect(task["state"]?.stringValue == "succeeded")
            #expect(task["faces"]?.arrayValue?.count == 5)
            #expect(task["faces"]?.arrayValue?.first?["boundary"]?["width"]?.intValue == 120)
            #expect(task["events"]?.arrayValue?.count == 1)
            #expect(task["deliveries"]?.arrayValue?.isEmpty == true)
            #expect(task["started_at"]?.stringValue == "2026-11-20T08:00:00.123Z")
            let (_, faces) = try await client.getJSON("/v1/tasks/CreateFacesSearchingTask-0001/faces")
            #expect(faces["faces"]?.arrayValue?.map { $0["rank"]?.intValue } == [1, 2, 3, 4, 5])
            let (_, byURI) = try await client.getJSON("/v1/faces?uri=oss://photos-bucket/album/0002.jpg")
            #expect(byURI["faces"]?.arrayValue?.first?["task_id"]?.stringValue == "CreateFacesSearchingTask-0001")
            let (_, list) = try await client.getJSON("/v1/tasks?status=succeeded&label=tenant=acme")
            #expect(list["tasks"]?.arrayValue?.count == 1)
        }
    }

    @Test(
        "invalid submissions are 400 naming the field",
        arguments: [
            (#"{"ProjectName":"p"}"#, "TaskId"),
            (#"{"TaskId":"T","MaxResult":101}"#, "MaxResult"),
            (#"{"TaskId":"T","MaxResult":"five"}"#, "MaxResult"),
            (#"{"TaskId":"T","Sources":[{"URI":"http://x/y"}]}"#, "Sources[0].URI"),
            (#"{"TaskId":"T","Taskid":"U"}"#, "Taskid"),
            (#"{"TaskId":"T","deadline":"tomorrow"}"#, "deadline"),
            (#"{"TaskId":"T","labels":{"a":1}}"#, "labels.a"),
            (#"{"TaskId":"T","MaxResult":5.5}"#, "MaxResult"),
            (#"{"TaskId":"T","Sources":[{"URI":"oss://b/o","Uri":"oss://b/p"}]}"#, "Sources[0].Uri"),
            (#"{"TaskId":"ctl\u0000x"}"#, "TaskId"),
        ])
    func invalidSubmission(json: String, field: String) async throws {
        let gateway = try await TestGateway.make()
        try await gateway.adminApplication.test(.router) { client in
            let response = try await post(client, json)
            #expect(response.status == .badRequest)
            let error = try JSONValue.parse(Array(response.body.readableBytesView))["error"]
            #expect(error?["field"]?.stringValue == field, "\(String(describing: error))")
            #expect(error?["message"]?.stringValue?.contains(field) == true)
        }
    }

    @Test("a member given twice in one body is 400, not whichever one a decoder keeps")
    func duplicateMembers() async throws {
        let gateway = try await TestGateway.make()
        try await gateway.adminApplication.test(.router) { client in
            let response = try await post(client, #"{"TaskId":"S-1","TaskId":"S-2"}"#)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_json")
        }
        #expect(try await gateway.store.submission(taskId: "S-1") == nil)
    }

    @Test("bad task queries are 400; unknown tasks 404")
    func badQueries() async throws {
        let gateway = try await TestGateway.make()
        try await gateway.adminApplication.test(.router) { client in
            for (uri, code) in [
                ("/v1/tasks?status=done", "invalid_status"), ("/v1/tasks?label=tenant", "invalid_label"),
                ("/v1/tasks?since=yesterday", "invalid_time"), ("/v1/tasks?colour=red", "unknown_parameter"),
                ("/v1/tasks?limit=1000", "invalid_limit"), ("/v1/faces", "missing_parameter"),
                ("/v1/tasks?status=running&status=succeeded", "repeated_parameter"),
                ("/v1/events?limit=1&limit=2", "repeated_parameter"), ("/v1/tasks/bad%zz", "invalid_path"),
                ("/v1/tasks?since=2026-02-30T00:00:00Z", "invalid_time"),
                ("/v1/tasks?since=2026-11-02T00:00:00Z&until=2026-11-01T00:00:00Z", "invalid_time"),
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.errorCode == code, "\(uri)")
            }
            for uri in ["/v1/tasks/nope", "/v1/tasks/nope/faces", "/v1/submissions/nope"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .notFound, "\(uri)")
            }
        }
    }

    @Test("an id that needs percent-encoding in a path is read back by its encoded form")
    func encodedPathIds() async throws {
        let gateway = try await TestGateway.make()
        try await gateway.adminApplication.test(.router) { client in
            for (taskId, encoded) in [("sp ace", "sp%20ace"), ("a/b", "a%2Fb"), ("ünï", "%C3%BCn%C3%AF")] {
                let (created, _) = try await client.send(.post, "/v1/submissions", #"{"TaskId":"\#(taskId)"}"#)
                #expect(created == .created, "\(taskId)")
                let (shown, body) = try await client.send(.get, "/v1/submissions/\(encoded)")
                #expect(shown == .ok, "\(encoded)")
                #expect(body["TaskId"]?.stringValue == taskId)
                #expect(try await client.send(.get, "/v1/tasks/\(encoded)").0 == .ok, "\(encoded)")
            }
        }
    }

    @Test("every registered admin route is in the OpenAPI document, and the document is served")
    func openAPICoverage() async throws {
        let gateway = try await TestGateway.make()
        let document = try #require(
            try Yams.load(yaml: OpenAPIController<BasicRequestContext>.document) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: Any])
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any])?.keys ?? [:].keys where method != "parameters" {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(gateway.adminRoutes.count >= 11)
        for route in gateway.adminRoutes {
            #expect(documented.contains(route), "route \(route) is not in openapi.yaml")
        }
        try await gateway.adminApplication.test(.router) { client in
            let response = try await client.execute(uri: "/v1/openapi.yaml", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            let unknown = try await client.execute(uri: "/v1/openapi.yaml?format=json", method: .get)
            #expect(unknown.status == .badRequest)
        }
    }

    @Test("with a token, every admin route but the probes refuses requests without it")
    func authOnEveryRoute() async throws {
        var config = try TestGateway.config()
        config.admin.token = "s3cret"
        let gateway = try await TestGateway.make(config)
        try await gateway.adminApplication.test(.router) { client in
            for route in gateway.adminRoutes {
                let parts = route.split(separator: " ")
                let method = HTTPRequest.Method(String(parts[0]))!
                let uri = String(parts[1]).replacingOccurrences(of: "{id}", with: "1")
                    .replacingOccurrences(of: "{taskId}", with: "T").replacingOccurrences(of: "{name}", with: "h")
                let response = try await client.execute(uri: uri, method: method)
                if uri == "/healthz" || uri == "/readyz" {
                    #expect(response.status == .ok)
                } else {
                    #expect(response.status == .unauthorized, "\(route)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer", "\(route)")
                }
            }
            #expect(try await post(client, #"{"TaskId":"T"}"#, token: "s3cret").status == .created)
        }
    }

    @Test("the expiry service moves overdue tasks on the injected clock")
    func expiryService() async throws {
        let clock = ManualClock(Fixtures.fixtureDate)
        let gateway = try await TestGateway.make(clock: clock)
        _ = try await gateway.store.recordSubmission(
            Submission(taskId: "T-exp", deadline: Fixtures.fixtureDate.addingTimeInterval(10)), at: clock.now())
        let service = TaskExpiryService(store: gateway.store, clock: clock, logger: .init(label: "test"))
        #expect(try await service.sweep() == 0)
        clock.advance(by: 11)
        #expect(try await service.sweep() == 1)
        #expect(try await gateway.store.task(taskId: "T-exp")?.state == .expired)
    }
}
