import AsyncHTTPClient
import GatewayCore
import NIOCore

/// Fetches signing certificates over HTTPS with no redirects, a short timeout and a size cap. It is
/// only ever handed URLs the allow-list accepted (and upgraded to https). Fetches are rare (once per
/// certificate URL, then memory and the database answer), so each uses its own short-lived client
/// and nothing outlives the request.
public struct HTTPCertificateFetcher: CertificateFetcher {
    let timeout: TimeAmount
    let maxBytes: Int

    /// Creates a fetcher.
    public init(timeout: TimeAmount = .seconds(5), maxBytes: Int = 64 * 1024) {
        self.timeout = timeout
        self.maxBytes = maxBytes
    }

    /// Fetches the certificate at `url`.
    public func fetch(url: String) async throws -> [UInt8] {
        guard url.lowercased().hasPrefix("https://") else {
            throw CertificateFetchError("refusing to fetch a certificate over a non-https URL: \(url)")
        }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: timeout, read: timeout))
        configuration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let bytes = try await get(url, client: client)
            try await client.shutdown()
            return bytes
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func get(_ url: String, client: HTTPClient) async throws -> [UInt8] {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: timeout)
        guard response.status == .ok else {
            throw CertificateFetchError("certificate URL \(url) answered HTTP \(response.status.code)")
        }
        let body = try await response.body.collect(upTo: maxBytes)
        return Array(body.readableBytesView)
    }
}
