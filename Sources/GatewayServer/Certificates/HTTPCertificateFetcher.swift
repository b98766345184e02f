import AsyncHTTPClient
import GatewayCore
import NIOCore

/// Fetches signing certificates over HTTPS with no redirects, a short timeout and a size cap. It is
/// only ever handed URLs the allow-list accepted (and upgraded to https). Fetches are rare (once per
/// certificate URL, then memory and the database answer), so each uses its own short-lived client
/// (`OneShotHTTP`) and nothing outlives the request.
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
        let reply = try await OneShotHTTP.execute(HTTPClientRequest(url: url), timeout: timeout, maxBytes: maxBytes)
        guard reply.status == 200 else {
            throw CertificateFetchError("certificate URL \(url) answered HTTP \(reply.status)")
        }
        return reply.body
    }
}
