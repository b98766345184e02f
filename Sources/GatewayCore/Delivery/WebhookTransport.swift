/// What one outbound POST produced.
public struct TransportResult: Sendable, Equatable {
    /// The status code, when the receiver answered.
    public var statusCode: Int?
    /// Response headers, names lower-cased.
    public var headers: [String: String]
    /// The first bytes of the response body (at most 4 KiB).
    public var body: [UInt8]
    /// Why there was no answer (refused destination, timeout, DNS or connection error).
    public var error: String?

    /// Creates a result.
    public init(statusCode: Int?, headers: [String: String] = [:], body: [UInt8] = [], error: String? = nil) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
        self.error = error
    }
}

/// The outbound HTTP seam of the dispatcher: production checks the destination address and posts
/// with AsyncHTTPClient; tests can substitute a recorder.
public protocol WebhookTransport: Sendable {
    /// POSTs `body` to `url` with `headers`, within `timeoutSeconds`.
    func post(url: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Int) async -> TransportResult
    /// Releases connections; called once when the dispatcher stops.
    func shutdown() async
}

/// Facts about this build that go on the wire.
public enum GatewayInfo {
    /// The gateway version (`User-Agent: imm-gateway/<version>`).
    public static let version = "0.1.0"
}
