import Foundation
import IMMNotify

/// A refused request, kept (body truncated) so an operator can see what was refused and why.
public struct RejectionRecord: Sendable {
    /// When the gateway received it.
    public var receivedAt: Date
    /// The endpoint it was sent to.
    public var channel: IngestChannel
    /// The HTTP status the gateway answered.
    public var httpStatus: Int
    /// The machine-readable reason (the error code in the response).
    public var reason: String
    /// The human-readable reason.
    public var message: String
    /// The request with its body truncated to the configured cap.
    public var request: CapturedRequest
    /// The size of the body as received (or read before refusing), in bytes.
    public var bodySize: Int

    /// Creates a rejection record, truncating the body to `bodyLimit` bytes. `bodySize` is the size
    /// received when more was sent than `request.body` holds.
    public init(
        receivedAt: Date, channel: IngestChannel, error: IngestError, request: CapturedRequest, bodyLimit: Int,
        bodySize: Int? = nil
    ) {
        self.receivedAt = receivedAt
        self.channel = channel
        self.httpStatus = error.httpStatus
        self.reason = error.code.rawValue
        self.message = error.message
        self.bodySize = max(bodySize ?? 0, request.body.count)
        var truncated = request
        if truncated.body.count > bodyLimit {
            truncated.body = Array(truncated.body.prefix(max(0, bodyLimit)))
        }
        self.request = truncated
    }

    /// Creates a rejection record from stored values (the body already truncated).
    public init(
        receivedAt: Date, channel: IngestChannel, httpStatus: Int, reason: String, message: String,
        request: CapturedRequest, bodySize: Int
    ) {
        self.receivedAt = receivedAt
        self.channel = channel
        self.httpStatus = httpStatus
        self.reason = reason
        self.message = message
        self.request = request
        self.bodySize = bodySize
    }

    /// Whether the stored body is shorter than what was received.
    public var isTruncated: Bool { request.body.count < bodySize }
}
