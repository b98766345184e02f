import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IMMNotify
import NIOCore

/// Builds gateways for tests: a fresh temp-file database, ports 0, the fixture certificate pinned.
enum TestGateway {
    static func temporaryDatabase() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imm-gateway-tests")
        return directory.appendingPathComponent("\(UUID().uuidString).sqlite").path
    }

    static func pinnedCertificateFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imm-gateway-test-cert.pem").path
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: Data(try Fixtures.testCertificatePEM()))
        }
        return path
    }

    static func config(database: String = temporaryDatabase(), pin: Bool = true) throws -> GatewayConfig {
        var config = GatewayConfig()
        config.database = database
        config.ingest.listener = .init(host: "127.0.0.1", port: 0)
        config.admin.listener = .init(host: "127.0.0.1", port: 0)
        config.mns.fetchCertificates = false
        config.logLevel = "critical"
        if pin {
            config.mns.pinnedCertificates = [.init(url: Fixtures.testCertificateURL, file: try pinnedCertificateFile())]
        }
        config.eventBridge.token = "eb-token"
        return config
    }

    /// A config whose hooks may point at local receivers (private networks allowed, as in tests only).
    static func config(hooks: [HookSpec]) throws -> GatewayConfig {
        var config = try config()
        config.hooks = hooks
        config.delivery.allowPrivateNetworks = true
        return config
    }

    /// The gateway's deliveries, newest first (up to 100).
    static func deliveries(of gateway: Gateway) async throws -> [Delivery] {
        try await gateway.store.deliveries(filter: .init(), limit: 100, before: nil).items
    }

    static func make(
        _ config: GatewayConfig? = nil, clock: ManualClock = ManualClock(Fixtures.fixtureDate),
        overrides: GatewayOverrides = .init()
    ) async throws -> Gateway {
        try await buildGateway(config: try config ?? Self.config(), clock: clock, overrides: overrides)
    }
}

extension TestClientProtocol {
    /// Sends a captured request as it was captured (method, target, headers, body).
    func send(_ request: CapturedRequest) async throws -> TestResponse {
        var headers = HTTPFields()
        for header in request.headers
        where header.name.lowercased() != "host" && header.name.lowercased() != "content-length" {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return try await execute(
            uri: request.target, method: HTTPRequest.Method(request.method) ?? .post, headers: headers,
            body: ByteBuffer(bytes: request.body))
    }

    /// GETs `uri` and decodes the JSON body.
    func getJSON(_ uri: String, token: String? = nil) async throws -> (HTTPResponse.Status, JSONValue) {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await execute(uri: uri, method: .get, headers: headers)
        return (response.status, try JSONValue.parse(Array(response.body.readableBytesView)))
    }
}

extension TestResponse {
    /// The `error.code` of a JSON error body.
    var errorCode: String? {
        (try? JSONValue.parse(Array(body.readableBytesView)))?["error"]?["code"]?.stringValue
    }
}

extension TestClientProtocol {
    /// Sends `method uri` with an optional JSON body and decodes the JSON answer (null when none).
    func send(_ method: HTTPRequest.Method, _ uri: String, _ json: String? = nil) async throws -> (
        HTTPResponse.Status, JSONValue
    ) {
        let response = try await execute(
            uri: uri, method: method, headers: [.contentType: "application/json"],
            body: json.map { ByteBuffer(string: $0) })
        return (response.status, (try? JSONValue.parse(Array(response.body.readableBytesView))) ?? .null)
    }
}
