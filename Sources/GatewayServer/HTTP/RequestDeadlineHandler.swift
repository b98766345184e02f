import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection that is too slow to send a request (slowloris): the request head must be
/// complete within `headTimeout` of the connection opening or, on a kept-alive connection, of the
/// first byte of the next request; the body must be complete within `bodyTimeout` of the head.
///
/// Hummingbird's idle timeout alone does not bound this: it restarts on every decoded request
/// part, so a client trickling a body a byte at a time holds a connection for as long as it likes.
/// Waiting for the first byte of a next request stays the idle timeout's job, so a kept-alive
/// connection is not cut shorter than `ingest.idle_timeout_seconds`.
///
/// It sits after the HTTP decoder and sees whole request parts; a small observer it installs at
/// the front of the pipeline tells it when raw bytes arrive between requests. A head deadline that
/// passes after bytes arrived, with no response pending, is answered `408` before the close; a
/// body deadline only closes (the route reading the body sees it fail).
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Deadline {
        case head
        case body
    }

    private let headTimeout: TimeAmount
    private let bodyTimeout: TimeAmount?
    private var timer: Scheduled<Void>?
    private var armed: Deadline?
    /// Requests whose head was read and whose response has not ended yet.
    private var pending = 0
    /// Between a request's head and its end.
    private var readingRequest = false
    /// Bytes of a next request arrived since the last head.
    private var bytesWaiting = false

    /// Creates a handler; `bodyTimeout` nil leaves the body to the idle timeout.
    init(headTimeout: TimeAmount, bodyTimeout: TimeAmount?) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(ByteObserver(self), position: .first)
        if context.channel.isActive { arm(context, .head) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        if armed == nil && pending == 0 { arm(context, .head) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            pending += 1
            readingRequest = true
            bytesWaiting = false
            cancel()
            if bodyTimeout != nil { arm(context, .body) }
        case .body:
            break
        case .end:
            readingRequest = false
            if armed == .body { cancel() }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            pending = max(0, pending - 1)
            if pending == 0 && bytesWaiting && armed == nil { arm(context, .head) }
        }
        context.write(data, promise: promise)
    }

    /// Raw bytes arrived (called by the observer before the decoder sees them).
    fileprivate func bytesArrived(_ context: ChannelHandlerContext) {
        guard !readingRequest else { return }
        bytesWaiting = true
        if pending == 0 && armed == nil { arm(context, .head) }
    }

    private func arm(_ context: ChannelHandlerContext, _ deadline: Deadline) {
        cancel()
        armed = deadline
        let delay = deadline == .head ? headTimeout : (bodyTimeout ?? headTimeout)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = bound.value
            handler.timer = nil
            handler.armed = nil
            handler.expired(context, deadline)
        }
    }

    private func expired(_ context: ChannelHandlerContext, _ deadline: Deadline) {
        guard context.channel.isActive else { return }
        if deadline == .head && pending == 0 && bytesWaiting {
            // No response is pending, so the 408 cannot interleave with one.
            let response = HTTPResponse(
                status: .requestTimeout, headerFields: [.connection: "close", .contentLength: "0"])
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.close(promise: nil)
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
        armed = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}

/// Sits in front of the HTTP decoder and tells the deadline handler that raw bytes arrived.
private final class ByteObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private weak var deadlines: RequestDeadlineHandler?
    private var deadlinesContext: ChannelHandlerContext?

    init(_ deadlines: RequestDeadlineHandler) { self.deadlines = deadlines }

    func handlerAdded(context: ChannelHandlerContext) {
        if let deadlines { deadlinesContext = try? context.pipeline.syncOperations.context(handler: deadlines) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadlinesContext = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let deadlines, let deadlinesContext { deadlines.bytesArrived(deadlinesContext) }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ByteObserver: Sendable {}
