import Foundation
import IMMNotify
import Logging
import Metrics
import Synchronization

/// Finds the certificate for an allow-listed URL: operator pin, then memory, then the database,
/// then one HTTPS fetch (coalesced across concurrent requests, and remembered for a few seconds when
/// it fails so a flood of pushes naming a dead URL does not become a flood of fetches). A failure
/// is remembered for less time than MNS waits between retries (10–20 s): a push refused because a
/// fetch failed once is retried with a fresh fetch, not refused again until MNS drops it.
public actor CertificateResolver {
    private let pinned: [String: RSACertificate]
    private let store: (any CertificateStore)?
    private let fetcher: any CertificateFetcher
    private let clock: any WallClock
    private let failureTTL: TimeInterval
    private let logger: Logger
    /// Certificates already loaded, readable without entering the actor (every push asks).
    private let memory = Mutex<[String: RSACertificate]>([:])
    private var inFlight: [String: Task<RSACertificate, any Error>] = [:]
    private var failures: [String: (at: Date, reason: String)] = [:]
    private let fetches = Counter(label: "imm_gateway_certificate_fetches_total")
    private let hits = Counter(label: "imm_gateway_certificate_cache_hits_total")

    /// Creates a resolver. `pinned` maps certificate URLs to certificates that are never fetched.
    public init(
        pinned: [String: RSACertificate], store: (any CertificateStore)?, fetcher: any CertificateFetcher,
        clock: any WallClock = SystemWallClock(), failureTTL: TimeInterval = 5,
        logger: Logger = Logger(label: "imm-gateway.certificates")
    ) {
        var normalized: [String: RSACertificate] = [:]
        for (url, certificate) in pinned { normalized[Self.normalize(url)] = certificate }
        self.pinned = normalized
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.failureTTL = failureTTL
        self.logger = logger
    }

    /// The URL form used as the cache key (see `CertificateURLPolicy.canonical`): every spelling of
    /// one certificate URL, `http://` included, names one certificate.
    public static func normalize(_ url: String) -> String {
        CertificateURLPolicy.canonical(url)
    }

    /// The certificate for `url` when it is pinned or already loaded; nil when it must be loaded.
    /// Synchronous, so the common case costs no hop onto the actor.
    /// The verifiers pass the allow-list's canonical URL, so the URL itself is the key here: no
    /// parse per push (a miss goes on to `certificate(for:)`, which canonicalises).
    public nonisolated func known(_ url: String) -> RSACertificate? {
        guard let certificate = pinned[url] ?? memory.withLock({ $0[url] }) else { return nil }
        hits.increment()
        return certificate
    }

    /// The certificate for an allow-listed `url`: the known one without entering the actor, else
    /// loaded by it.
    @Sendable public nonisolated func resolve(_ url: String) async throws -> RSACertificate {
        if let certificate = known(url) { return certificate }
        return try await certificate(for: url)
    }

    /// Returns the certificate for an allow-listed `url`.
    public func certificate(for url: String) async throws -> RSACertificate {
        if let certificate = known(url) { return certificate }
        let key = Self.normalize(url)
        if key != url, let certificate = known(key) { return certificate }
        if let failure = failures[key], clock.now().timeIntervalSince(failure.at) < failureTTL {
            throw CertificateFetchError("recent fetch of \(key) failed: \(failure.reason)")
        }
        if let task = inFlight[key] { return try await task.value }
        // Single flight: concurrent pushes naming the same uncached URL await this one load. The task
        // is awaited right below (and by every waiter), never left running on its own.
        let task = Task { try await self.load(key) }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        do {
            let certificate = try await task.value
            memory.withLock { loaded in
                if loaded.count < Self.maxEntries { loaded[key] = certificate }
            }
            failures[key] = nil
            return certificate
        } catch {
            remember(failure: "\(error)", for: key)
            throw error
        }
    }

    /// The most certificates kept in memory, and the most failed URLs remembered: forged pushes may
    /// name any path on an allowed host, and none of them may grow the process without bound. A
    /// certificate past the cap is still served, from the database, on every push that names it.
    static let maxEntries = 1024

    /// Remembers a failed load; expired failures are dropped first, and all of them when the map is
    /// still full (the cost of forgetting is one fetch each).
    private func remember(failure reason: String, for key: String) {
        let now = clock.now()
        if failures.count >= Self.maxEntries {
            failures = failures.filter { now.timeIntervalSince($0.value.at) < failureTTL }
            if failures.count >= Self.maxEntries { failures.removeAll() }
        }
        failures[key] = (now, reason)
    }

    /// How many failed URLs are remembered (tests).
    var rememberedFailures: Int { failures.count }

    private func load(_ url: String) async throws -> RSACertificate {
        if let store, let stored = try? await store.loadCertificate(url: url),
            let certificate = try? RSACertificate(pem: stored)
        {
            hits.increment()
            return certificate
        }
        fetches.increment()
        logger.debug("fetching signing certificate", metadata: ["gw.cert.url": "\(url)"])
        let bytes = try await fetcher.fetch(url: url)
        let certificate = try RSACertificate(pem: bytes)
        if let store {
            do {
                try await store.saveCertificate(url: url, pem: bytes, fingerprint: certificate.sha256Fingerprint)
            } catch {
                logger.warning(
                    "could not persist certificate", metadata: ["gw.cert.url": "\(url)", "gw.error": "\(error)"])
            }
        }
        return certificate
    }
}
