import GatewayCore
import Synchronization

/// A certificate fetcher that serves fixed bytes for known URLs and counts every call, so tests can
/// prove that a URL was (or was never) fetched.
public final class CountingCertificateFetcher: CertificateFetcher {
    private let served: [String: [UInt8]]
    private let calls = Mutex<[String]>([])

    /// Serves `served[url]`, failing for any other URL.
    public init(served: [String: [UInt8]] = [:]) { self.served = served }

    /// Every URL asked for, in order.
    public var requestedURLs: [String] { calls.withLock { $0 } }

    /// Returns the served bytes or throws.
    public func fetch(url: String) async throws -> [UInt8] {
        calls.withLock { $0.append(url) }
        guard let bytes = served[url] else { throw CertificateFetchError("no certificate served at \(url)") }
        return bytes
    }
}
