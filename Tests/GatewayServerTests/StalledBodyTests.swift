import Foundation
import GatewayCore
import GatewayServer
import NIOCore
import NIOPosix
import Testing

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
}
