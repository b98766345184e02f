import AsyncHTTPClient
import Foundation
import GRDB
import GatewayServer
import GatewayTestSupport
import IMMNotify
import NIOCore
import Synchronization
import Testing

@Suite("Crash safety: kill -9 under load", .serialized)
struct CrashSafetyTests {
    /// The `imm-gateway` binary `swift test` built beside the test bundle.
    static var executable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("imm-gateway").path
    }

    @Test(
        "every push that got a 2xx is stored after kill -9, and every stored event is delivered at least once",
        .timeLimit(.minutes(3)))
    func killUnderLoad() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.executable), "build the imm-gateway product first")
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imm-crash-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let certificate = directory.appendingPathComponent("cert.pem")
            try Data(try Fixtures.testCertificatePEM()).write(to: certificate)
            let database = directory.appendingPathComponent("crash.sqlite").path
            let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
            let client = LoadGenerator.makeClient(connections: 8)
            let acked = Shared<Set<String>>([])
            do {
                for round in 0..<4 {
                    let (process, ingest, admin) = try await start(
                        database: database, certificate: certificate.path, sink: receiver.url, client: client)
                    if round == 3 {
                        // The last process runs to completion: everything stored must go out.
                        let deadline = ContinuousClock.now + .seconds(60)
                        while ContinuousClock.now < deadline {
                            if try await allDelivered(database: database, receiver: receiver) { break }
                            try await Task.sleep(for: .milliseconds(200))
                        }
                        kill(process.processIdentifier, SIGKILL)
                        process.waitUntilExit()
                        _ = admin
                        break
                    }
                    let sent = Shared(0)
                    let senders = Task {
                        await withTaskGroup(of: Void.self) { group in
                            for worker in 0..<8 {
                                group.addTask {
                                    for index in 0..<1000 {
                                        let messageId = String(format: "R%dW%dI%d", round, worker, index).padding(
                                            toLength: 32, withPad: "0", startingAt: 0)
                                        guard
                                            let push = try? MNSPushBuilder(
                                                format: .xml, taskId: "T-\(round)-\(worker)-\(index)", date: Date(),
                                                signingKey: key,
                                                messageId: messageId
                                            ).build()
                                        else { return }
                                        guard
                                            let response = try? await client.execute(
                                                LoadGenerator.request(push, base: "http://127.0.0.1:\(ingest)"),
                                                timeout: .seconds(5))
                                        else { return }
                                        if response.status.code == 204 { acked.withLock { _ = $0.insert(messageId) } }
                                        sent.withLock { $0 += 1 }
                                    }
                                }
                            }
                        }
                    }
                    while sent.withLock({ $0 }) < 150 { try await Task.sleep(for: .milliseconds(5)) }
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    await senders.value
                }
                let stored = try await Set(
                    DatabaseQueue(path: database).read { db in
                        try String.fetchAll(db, sql: "SELECT mnsMessageId FROM event WHERE mnsMessageId IS NOT NULL")
                    })
                let lost = acked.withLock { $0 }.subtracting(stored)
                #expect(acked.withLock { $0.count } >= 300, "three rounds of at least 100 acknowledged pushes each")
                #expect(lost.isEmpty, "acknowledged but not stored: \(lost.prefix(5))")
                #expect(try await allDelivered(database: database, receiver: receiver))
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    private func start(database: String, certificate: String, sink: String, client: HTTPClient) async throws
        -> (Process, Int, Int)
    {
        let ingest = try BenchRunner.freePort()
        let admin = try BenchRunner.freePort()
        let config = """
            database: \(database)
            log_level: critical
            ingest: { host: 127.0.0.1, port: \(ingest) }
            admin: { host: 127.0.0.1, port: \(admin) }
            mns:
              pinned_certificates: [{ url: "\(Fixtures.testCertificateURL)", file: "\(certificate)" }]
              fetch_certificates: false
            delivery: { allow_private_networks: true }
            hooks: [{ name: sink, url: "\(sink)", secrets: ["\(DeliveryTests.secret)"], timeout_seconds: 2 }]
            """
        let path = URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent(
            "gw-\(ingest).yaml"
        ).path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["serve", "--config", path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await BenchRunner.waitReady(client: client, port: admin)
        return (process, ingest, admin)
    }

    /// Whether the receiver got a delivery for every stored event (webhook ids are per event and hook).
    private func allDelivered(database: String, receiver: RecordingReceiver) async throws -> Bool {
        let events = try await DatabaseQueue(path: database).read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM event")
        }
        let received = Set(receiver.received.compactMap { $0.headers["webhook-id"] })
        return !events.isEmpty && events.allSatisfy { received.contains("msg_\($0)_1") }
    }
}

/// A value shared between tasks behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
