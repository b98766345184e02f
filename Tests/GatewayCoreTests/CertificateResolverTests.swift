import Foundation
import GatewayTestSupport
import Synchronization
import Testing

@testable import GatewayCore

@Suite("Certificate resolver")
struct CertificateResolverTests {
    /// Fails the first `failures` fetches, then serves the test certificate; counts every fetch.
    final class FlakyFetcher: CertificateFetcher {
        private let state: Mutex<(failuresLeft: Int, fetches: Int)>
        private let pem: [UInt8]

        init(failures: Int) throws {
            state = Mutex((failures, 0))
            pem = try Fixtures.testCertificatePEM()
        }

        var fetches: Int { state.withLock { $0.fetches } }

        func fetch(url: String) async throws -> [UInt8] {
            let fail = state.withLock { state in
                state.fetches += 1
                guard state.failuresLeft > 0 else { return false }
                state.failuresLeft -= 1
                return true
            }
            if fail { throw CertificateFetchError("unreachable") }
            return pem
        }
    }

    // MNS retries a refused push 3 times, 10–20 s apart, then drops it. A failed fetch remembered for
    // 60 s refused every retry without trying again: one network blip lost the message.
    @Test("a failed fetch is retried by the next MNS retry, 10 s later")
    func failureIsForgottenBeforeTheRetry() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_795_000_000))
        let fetcher = try FlakyFetcher(failures: 1)
        let resolver = CertificateResolver(pinned: [:], store: nil, fetcher: fetcher, clock: clock)
        let url = Fixtures.testCertificateURL
        await #expect(throws: CertificateFetchError.self) { try await resolver.certificate(for: url) }
        clock.advance(by: 1)
        // A flood right after the failure costs no fetch.
        await #expect(throws: CertificateFetchError.self) { try await resolver.certificate(for: url) }
        #expect(fetcher.fetches == 1)
        clock.advance(by: 9)
        _ = try await resolver.certificate(for: url)
        #expect(fetcher.fetches == 2)
    }

    @Test("forged pushes naming ever new URLs do not grow the failure memory without bound")
    func failureMemoryIsBounded() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_795_000_000))
        let fetcher = CountingCertificateFetcher()
        let resolver = CertificateResolver(pinned: [:], store: nil, fetcher: fetcher, clock: clock)
        for index in 0..<(CertificateResolver.maxEntries + 500) {
            _ = try? await resolver.certificate(for: "https://mnstest.oss-cn-hangzhou.aliyuncs.com/\(index).pem")
        }
        #expect(await resolver.rememberedFailures <= CertificateResolver.maxEntries)
        #expect(fetcher.requestedURLs.count == CertificateResolver.maxEntries + 500)
    }
}
