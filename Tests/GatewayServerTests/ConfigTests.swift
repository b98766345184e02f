import Foundation
import GatewayServer
import Testing

@Suite("Configuration loading")
struct ConfigTests {
    private func write(_ yaml: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imm-gateway-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("gateway.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("no file and no environment gives the embedded defaults")
    func defaults() throws {
        let config = try GatewayConfig.load(file: nil, environment: [:])
        #expect(config == GatewayConfig())
        #expect(config.database == "./imm-gateway.sqlite")
        #expect(config.ingest.listener == .init(host: "0.0.0.0", port: 8080))
        #expect(config.admin.listener == .init(host: "127.0.0.1", port: 8081))
        #expect(config.ingest.mnsPath == "/notifications")
        #expect(config.ingest.maxBodyBytes == 1_048_576)
        #expect(config.mns.maxClockSkewSeconds == 900)
        #expect(config.mns.pinnedCertificates.isEmpty)
        #expect(config.ingest.headerTimeoutSeconds == 10)
        #expect(config.ingest.bodyTimeoutSeconds == 20)
    }

    @Test("the slow-client deadlines come from the file and the environment")
    func deadlines() throws {
        let path = try write("ingest: { header_timeout_seconds: 5, body_timeout_seconds: 20 }")
        let fromFile = try GatewayConfig.load(file: path, environment: [:])
        #expect(fromFile.ingest.headerTimeoutSeconds == 5)
        #expect(fromFile.ingest.bodyTimeoutSeconds == 20)
        let fromEnvironment = try GatewayConfig.load(
            file: path, environment: ["IMM_GATEWAY_INGEST_HEADER_TIMEOUT_SECONDS": "3"])
        #expect(fromEnvironment.ingest.headerTimeoutSeconds == 3)
    }

    @Test("the sample config loads and pins the sample certificate relative to its folder")
    func sampleConfig() throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/imm-gateway.yaml").path
        let config = try GatewayConfig.load(file: samples, environment: [:])
        let pin = try #require(config.mns.pinnedCertificates.first)
        #expect(pin.url == "https://mnstest.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem")
        #expect(FileManager.default.fileExists(atPath: pin.file))
    }

    @Test("the file is read, the environment overrides it, and command-line overrides win")
    func precedence() throws {
        let path = try write(
            """
            database: /tmp/a.sqlite
            ingest: { host: 127.0.0.1, port: 9000, mns_path: /mns, max_body_bytes: 4096 }
            admin: { port: 9001 }
            mns:
              cert_hosts: [certs.example.com, other.example.com]
              pinned_certificates:
                - { url: "https://certs.example.com/c.pem", file: c.pem }
            eventbridge: { token: from-file }
            """)
        let config = try GatewayConfig.load(
            file: path,
            environment: [
                "IMM_GATEWAY_INGEST_PORT": "9100", "IMM_GATEWAY_EVENTBRIDGE_TOKEN": "from-env", "PATH": "/bin",
            ],
            overrides: ["ingest.port": "9200"])
        #expect(config.database == "/tmp/a.sqlite")
        #expect(config.ingest.listener.port == 9200)
        #expect(config.ingest.mnsPath == "/mns")
        #expect(config.ingest.maxBodyBytes == 4096)
        #expect(config.admin.listener.port == 9001)
        #expect(config.mns.certHosts == ["certs.example.com", "other.example.com"])
        #expect(config.eventBridge.token == "from-env")
        #expect(config.mns.pinnedCertificates.first?.file.hasSuffix("/c.pem") == true)
        #expect(config.mns.pinnedCertificates.first?.file.hasPrefix("/") == true)
    }

    @Test(
        "mistakes are errors that name the key",
        arguments: [
            ("ingest: { prot: 1 }", "ingest.prot"),
            ("ingest: { port: eighty }", "ingest.port"),
            ("durability: sometimes", "durability"),
            ("admin: { host: 0.0.0.0 }", "admin.token"),
            ("ingest: { mns_path: notifications }", "ingest.mns_path"),
            ("mns: { fetch_certificates: maybe }", "mns.fetch_certificates"),
            ("ingest: { header_timeout_seconds: 0 }", "ingest.header_timeout_seconds"),
            ("ingest: { body_timeout_seconds: forever }", "ingest.body_timeout_seconds"),
            ("log_level: verbose", "log_level"),
            ("mns: { signed_path: no-slash }", "mns.signed_path"),
            ("eventbridge: { target_url: not a url }", "eventbridge.target_url"),
            (#"mns: { cert_hosts: ["https://evil.example/x"] }"#, "mns.cert_hosts"),
            ("database: \"\"", "database"),
            (
                """
                hooks:
                  - { name: a, url: "https://a.example", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }
                  - { name: a, url: "https://b.example", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] }
                """, "'a' is declared twice"
            ),
        ])
    func mistakes(yaml: String, key: String) throws {
        let path = try write(yaml)
        let error = try #require(throws: ConfigurationError.self) {
            try GatewayConfig.load(file: path, environment: [:])
        }
        #expect(error.description.contains(key), "\(error.description)")
    }

    @Test("a YAML null is no value (the default), never the text '~' or 'null'")
    func yamlNull() throws {
        let path = try write("eventbridge: { token: ~ }\nadmin: { token: null }\ndatabase:\nlog_level: DEBUG")
        let config = try GatewayConfig.load(file: path, environment: [:])
        #expect(config.eventBridge.token == GatewayConfig().eventBridge.token)
        #expect(config.admin.token.isEmpty)
        #expect(config.database == GatewayConfig().database)
        #expect(
            try GatewayConfig.load(file: try write("eventbridge: { token: \"~\" }"), environment: [:])
                .eventBridge.token == "~", "a quoted '~' is the text")
    }

    @Test("a misspelt IMM_GATEWAY_ variable is an error, not silently ignored")
    func unknownVariable() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try GatewayConfig.load(file: nil, environment: ["IMM_GATEWAY_INGEST_PROT": "9000"])
        }
        #expect(error.description.contains("IMM_GATEWAY_INGEST_PROT"))
        _ = try GatewayConfig.load(file: nil, environment: ["IMM_GATEWAY_SERVER": "http://127.0.0.1:8081"])
    }

    @Test("an exposed admin listener with a token is fine")
    func exposedAdminWithToken() throws {
        let config = try GatewayConfig.load(
            file: nil, environment: ["IMM_GATEWAY_ADMIN_HOST": "0.0.0.0", "IMM_GATEWAY_ADMIN_TOKEN": "t"])
        #expect(config.admin.listener.host == "0.0.0.0")
    }
}
