import AsyncHTTPClient
import NIOCore

/// One outbound request on a client of its own, shut down before returning. For rare calls
/// (certificate fetches, CLI admin calls) where a long-lived client would need a lifecycle owner.
/// Connection failures fail at once instead of being retried until the deadline.
public enum OneShotHTTP {
    /// A response: status and body.
    public struct Reply: Sendable {
        /// The HTTP status code.
        public let status: UInt
        /// The response headers, names lower-cased (the last value wins).
        public let headers: [String: String]
        /// The body, up to the cap.
        public let body: [UInt8]
    }

    /// Sends `request` and reads at most `maxBytes` of the answer.
    public static func execute(_ request: HTTPClientRequest, timeout: TimeAmount, maxBytes: Int) async throws -> Reply {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: timeout))
        configuration.httpVersion = .http1Only
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: maxBytes)
            try await client.shutdown()
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            return Reply(status: response.status.code, headers: headers, body: Array(body.readableBytesView))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
