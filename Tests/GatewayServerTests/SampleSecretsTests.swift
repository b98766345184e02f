import Foundation
import GatewayTestSupport
import IMMNotify
import Logging
import Synchronization
import Testing

@testable import GatewayServer

@Suite("Sample secrets")
struct SampleSecretsTests {
    /// Keeps every message logged through it.
    final class Captured: Sendable {
        let messages = Mutex<[String]>([])
    }

    struct CapturingHandler: LogHandler {
        let captured: Captured
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { captured.messages.withLock { $0.append("\(event.message)") } }
    }

    @Test("the public sample certificate and the sample EventBridge token are warned about at start")
    func warned() throws {
        // The repository's own sample certificate, so the fingerprint constant cannot drift from it.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let pem = try Data(contentsOf: root.appendingPathComponent("Samples/certs/sample-mns-cert.pem"))
        let sample = try RSACertificate(pem: Array(pem))
        let captured = Captured()
        let logger = Logger(label: "test") { _ in CapturingHandler(captured: captured) }
        var config = GatewayConfig()
        config.eventBridge.token = "sample-eventbridge-token"
        warnAboutSampleSecrets(config, pinned: ["https://mnstest.example/c.pem": sample], logger: logger)
        let messages = captured.messages.withLock { $0 }
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.hasPrefix("SAMPLE") })

        let own = try RSACertificate(pem: try Fixtures.bytes("real-2023/cert.pem"))
        config.eventBridge.token = "my-own-token"
        let quiet = Captured()
        warnAboutSampleSecrets(
            config, pinned: ["https://x.example/c.pem": own],
            logger: Logger(label: "test") { _ in CapturingHandler(captured: quiet) })
        #expect(quiet.messages.withLock { $0 }.isEmpty)
    }
}
