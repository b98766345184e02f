import NIOCore
import NIOPosix
import Synchronization

/// A raw TCP connection to a local listener, for tests that misbehave below HTTP (slow clients): it
/// writes exactly the bytes it is given and records what the server sends and when it closes.
final class RawConnection: Sendable {
    private struct State {
        var received: [UInt8] = []
        var closedAt: ContinuousClock.Instant?
    }

    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let state = Mutex(State())
        let opening: String?
        init(opening: String?) { self.opening = opening }
        func channelActive(context: ChannelHandlerContext) {
            if let opening { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: opening)), promise: nil) }
            context.fireChannelActive()
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(unwrapInboundIn(data).readableBytesView)
            state.withLock { $0.received += bytes }
        }
        func channelInactive(context: ChannelHandlerContext) {
            state.withLock { $0.closedAt = .now }
        }
    }

    private let channel: any Channel
    private let recorder: Recorder
    /// When the connection was opened.
    let openedAt: ContinuousClock.Instant

    private init(channel: any Channel, recorder: Recorder, openedAt: ContinuousClock.Instant) {
        self.channel = channel
        self.recorder = recorder
        self.openedAt = openedAt
    }

    /// Connects to `127.0.0.1:port` and, from the event loop as soon as it is connected, sends
    /// `opening`. Sent from the test's task instead, a full parallel test run on two cores could
    /// hold that task off the CPU past a one-second deadline before the first byte went out.
    static func open(port: Int, sending opening: String? = nil) async throws -> RawConnection {
        let recorder = Recorder(opening: opening)
        let openedAt = ContinuousClock.now
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(recorder) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, recorder: recorder, openedAt: openedAt)
    }

    /// Writes `text` as it is; false once the connection is closed.
    @discardableResult
    func send(_ text: String) async -> Bool {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
            return true
        } catch {
            return false
        }
    }

    /// Everything the server sent so far, as text.
    var received: String { String(decoding: recorder.state.withLock { $0.received }, as: UTF8.self) }

    /// How long after opening the server closed the connection, or nil while it is open.
    var closedAfter: Duration? { recorder.state.withLock { $0.closedAt }.map { $0 - openedAt } }

    /// Sends `byte` every `interval` until the server closes the connection or `limit` passes since
    /// opening; returns how long after opening it was closed (nil: still open at the limit).
    func trickle(_ byte: String, every interval: Duration, limit: Duration) async throws -> Duration? {
        while ContinuousClock.now - openedAt < limit {
            if let closedAfter { return closedAfter }
            try await Task.sleep(for: interval)
            _ = await send(byte)
        }
        return closedAfter
    }

    /// Waits (at most `limit`) until the received text contains `needle` `times` times.
    func waitFor(_ needle: String, times: Int = 1, limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        func found() -> Bool { received.components(separatedBy: needle).count - 1 >= times }
        while ContinuousClock.now < deadline && !found() && closedAfter == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        return found()
    }

    /// Closes the connection (if the server has not).
    func close() async {
        try? await channel.close()
    }
}
