import Foundation
import GatewayCore
import NIOCore
import NIOPosix
import Testing

@testable import GatewayServer

@Suite("Outbound deliveries against a receiver that stalls")
struct StalledBodyTests {
    /// Answers every request with a head announcing 100 bytes, sends two of them, then goes silent
    /// (the connection stays open).
    private final class StallingHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nok"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head)), promise: nil)
        }
    }

    // AsyncHTTPClient's request timeout ends with the response head; the body had no deadline, so
    // this receiver held a delivery and its in-flight slot until the process restarted.
    @Test("a body that stalls after the head ends the attempt at the hook's timeout")
    func stalledBody() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(StallingHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let transport = HTTPWebhookTransport(policy: NetworkPolicy(allowPrivateNetworks: true))
        let started = ContinuousClock.now
        let result = await transport.post(
            url: "http://127.0.0.1:\(port)/hook", headers: [("content-type", "application/json")],
            body: Array("{}".utf8),
            timeoutSeconds: 1)
        let elapsed = ContinuousClock.now - started
        try await server.close()
        #expect(result.statusCode == nil)
        #expect(result.error?.contains("timeout") == true, "\(result.error ?? "")")
        // Bounded, not timed: without the deadline this call never returns.
        #expect(elapsed < .seconds(30))
    }

    // The lookup ran before the deadline started: a resolver that took longer than the lease let the
    // delivery be claimed and sent by a second attempt while this one was still going to send it.
    @Test("a DNS lookup that does not answer ends the attempt at the hook's timeout, sending nothing")
    func slowLookup() async throws {
        let release = DispatchSemaphore(value: 0)
        let transport = HTTPWebhookTransport(policy: NetworkPolicy(allowPrivateNetworks: true)) { _ in
            _ = release.wait(timeout: .now() + 10)
            return .success(["127.0.0.1"])
        }
        let started = ContinuousClock.now
        let result = await transport.post(
            url: "http://slow-dns.example/hook", headers: [], body: Array("{}".utf8), timeoutSeconds: 1)
        let elapsed = ContinuousClock.now - started
        release.signal()
        #expect(result.statusCode == nil)
        #expect(result.error?.contains("timeout: DNS") == true, "\(result.error ?? "")")
        // Without the deadline the call waits for the lookup (10 s here).
        #expect(elapsed < .seconds(8))
    }
}
