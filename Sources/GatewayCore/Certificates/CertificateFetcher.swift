/// Fetches a signing certificate over the network. Called only for URLs the allow-list accepted
/// and that no operator pinned; implementations must use HTTPS, follow no redirects, time out
/// quickly and cap the size.
public protocol CertificateFetcher: Sendable {
    /// Returns the certificate bytes (PEM or DER) served at `url`.
    func fetch(url: String) async throws -> [UInt8]
}

/// Persists fetched certificates so a restart needs no network.
public protocol CertificateStore: Sendable {
    /// The certificate stored for `url`, if any.
    func loadCertificate(url: String) async throws -> [UInt8]?
    /// Stores (or replaces) the certificate for `url`.
    func saveCertificate(url: String, pem: [UInt8], fingerprint: String) async throws
}

/// A fetcher for deployments that must never reach the network: every fetch fails.
public struct OfflineCertificateFetcher: CertificateFetcher {
    /// Creates the fetcher.
    public init() {}

    /// Always throws: fetching is disabled.
    public func fetch(url: String) async throws -> [UInt8] {
        throw CertificateFetchError("certificate fetching is disabled and \(url) is not pinned or cached")
    }
}

/// A certificate could not be fetched.
public struct CertificateFetchError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
