import Foundation
import GatewayServer
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A real local HTTP server that records every request and answers from a script, standing in for
/// a downstream hook in end-to-end tests.
final class RecordingReceiver: Sendable {
    struct Reply: Sendable {
        var status: HTTPResponse.Status = .ok
        var headers: [String: String] = [:]
        var delay: Duration = .zero
        var body = "ok"
    }

    struct Received: Sendable {
        let headers: [String: String]
        let body: [UInt8]
        let at: ContinuousClock.Instant
    }

    private let state = Mutex<(script: [Reply], fallback: Reply, received: [Received])>(([], Reply(), []))
    private let portBox = Mutex<Int?>(nil)

    /// Replies used in order; after the script runs out, `fallback` answers.
    func script(_ replies: [Reply], fallback: Reply = Reply()) {
        state.withLock {
            $0.script = replies
            $0.fallback = fallback
        }
    }

    var received: [Received] { state.withLock { $0.received } }

    var url: String { "http://127.0.0.1:\(portBox.withLock { $0 } ?? 0)/hook" }

    /// A hook spec posting to this receiver, signed with the test secret.
    func hook(_ name: String, configure: (inout HookSpec) -> Void = { _ in }) -> HookSpec {
        var spec = HookSpec(name: name, url: url, secrets: [DeliveryTests.secret])
        configure(&spec)
        return spec
    }

    private func next() -> Reply {
        state.withLock { state in state.script.isEmpty ? state.fallback : state.script.removeFirst() }
    }

    /// Runs the receiver for the duration of `body`.
    func serve(_ body: @Sendable () async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            self.state.withLock { $0.received.append(Received(headers: headers, body: bytes, at: .now)) }
            let reply = self.next()
            if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
            var fields = HTTPFields()
            for (name, value) in reply.headers { fields[HTTPField.Name(name)!] = value }
            return Response(
                status: reply.status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: reply.body)))
        }
        let ready = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "recording-receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        try await services.running {
            var iterator = ready.stream.makeAsyncIterator()
            let port = await iterator.next()
            portBox.withLock { $0 = port }
            try await body()
        }
    }
}
