import Foundation
import GatewayTestSupport
import IMMNotify
import Synchronization
import Testing

@Suite("MNS signature verification against the fixtures")
struct MNSVerifierTests {
    let verifier = MNSVerifier(policy: .mns(extraHosts: []))

    private func verify(
        _ name: String, now: Date = Fixtures.fixtureDate, certificate: [UInt8]? = nil, evaluateAll: Bool = false
    ) async throws -> (MNSVerificationReport, [String]) {
        let request = try Fixtures.request(name)
        let pem = try certificate ?? Fixtures.testCertificatePEM()
        let asked = Mutex<[String]>([])
        let report = await verifier.verify(request, now: now, evaluateAll: evaluateAll) { url in
            asked.withLock { $0.append(url) }
            return try RSACertificate(pem: pem)
        }
        return (report, asked.withLock { $0 })
    }

    @Test("the four valid fixtures are authentic", arguments: Fixtures.acceptedNames)
    func valid(name: String) async throws {
        let (report, asked) = try await verify(name)
        #expect(report.authentic, "\(String(describing: report.failure))")
        #expect(report.signatureValid == true)
        #expect(report.contentMD5Valid == true)
        #expect(report.dateWithinWindow == true)
        #expect(report.certificateURL == Fixtures.testCertificateURL)
        #expect(asked == [Fixtures.testCertificateURL])
    }

    @Test(
        "tampered and foreign fixtures fail with the right reason",
        arguments: [
            ("tampered-body", MNSVerificationFailure.Code.contentMD5Mismatch),
            ("tampered-header", .badSignature),
            ("tampered-signature", .badSignature),
            ("foreign-cert-host", .certificateURLNotAllowed),
        ])
    func refused(name: String, code: MNSVerificationFailure.Code) async throws {
        let (report, asked) = try await verify(name)
        #expect(!report.authentic)
        #expect(report.failure?.code == code)
        if code == .certificateURLNotAllowed {
            #expect(asked.isEmpty, "a disallowed certificate URL must never be fetched")
            #expect(report.certificateURLAllowed == false)
        }
    }

    @Test("evaluateAll runs every step but still never fetches a foreign URL")
    func evaluateAll() async throws {
        let (body, _) = try await verify("tampered-body", evaluateAll: true)
        #expect(body.signatureValid == true)
        #expect(body.contentMD5Valid == false)
        let (foreign, asked) = try await verify("foreign-cert-host", evaluateAll: true)
        #expect(asked.isEmpty)
        #expect(foreign.signatureValid == nil)
        #expect(foreign.contentMD5Valid == true)
    }

    @Test("the real 2023 Alibaba push verifies with its 512-bit certificate; its unpublished body cannot match MD5")
    func realPush() async throws {
        let (report, _) = try await verify(
            "real-2023/request", now: Fixtures.realDate, certificate: try Fixtures.realCertificatePEM(),
            evaluateAll: true)
        #expect(report.signatureValid == true)
        #expect(report.contentMD5Valid == false)
        #expect(report.dateWithinWindow == true)
        #expect(!report.authentic)
    }

    @Test("both certificates are 512-bit RSA")
    func keySizes() throws {
        #expect(try RSACertificate(pem: try Fixtures.testCertificatePEM()).keyBits == 512)
        #expect(try RSACertificate(pem: try Fixtures.realCertificatePEM()).keyBits == 512)
        #expect(try RSACertificate(pem: try Fixtures.testCertificatePEM()).sha256Fingerprint.count == 64)
    }

    @Test("a Date outside the window is stale, either side")
    func staleDate() async throws {
        let (late, _) = try await verify("succeeded-xml", now: Fixtures.fixtureDate.addingTimeInterval(16 * 60))
        #expect(late.failure?.code == .staleDate)
        let (early, _) = try await verify("succeeded-xml", now: Fixtures.fixtureDate.addingTimeInterval(-16 * 60))
        #expect(early.failure?.code == .staleDate)
        let (edge, _) = try await verify("succeeded-xml", now: Fixtures.fixtureDate.addingTimeInterval(14 * 60))
        #expect(edge.authentic)
    }

    @Test("missing headers, garbage signatures and unusable certificates fail cleanly")
    func brokenInputs() async throws {
        var request = try Fixtures.request("succeeded-xml")
        request.headers.removeAll { $0.name == "Authorization" }
        let missing = await verifier.verify(request, now: Fixtures.fixtureDate) { _ in
            try RSACertificate(pem: try Fixtures.testCertificatePEM())
        }
        #expect(missing.failure?.code == .missingSignatureHeaders)

        var garbage = try Fixtures.request("succeeded-xml")
        garbage.headers = garbage.headers.map { $0.name == "Authorization" ? .init(name: $0.name, value: "AAAA") : $0 }
        let bad = await verifier.verify(garbage, now: Fixtures.fixtureDate) { _ in
            try RSACertificate(pem: try Fixtures.testCertificatePEM())
        }
        #expect(bad.failure?.code == .badSignature)

        let unavailable = await verifier.verify(try Fixtures.request("succeeded-xml"), now: Fixtures.fixtureDate) { _ in
            throw WireFormatError(.invalidCertificate, "offline")
        }
        #expect(unavailable.failure?.code == .certificateUnavailable)
        #expect(throws: WireFormatError.self) { try RSACertificate(pem: Array("not a certificate".utf8)) }
    }

    @Test("a rewritten path verifies only with the signed path configured")
    func signedPath() async throws {
        var request = try Fixtures.request("succeeded-xml")
        request.target = "/internal/mns"
        let pem = try Fixtures.testCertificatePEM()
        let plain = await verifier.verify(request, now: Fixtures.fixtureDate) { _ in try RSACertificate(pem: pem) }
        #expect(plain.failure?.code == .badSignature)
        let mapped = await MNSVerifier(policy: .mns(extraHosts: []), signedTarget: "/notifications")
            .verify(request, now: Fixtures.fixtureDate) { _ in try RSACertificate(pem: pem) }
        #expect(mapped.authentic)
    }

    @Test("Date, certificate URL and Content-MD5 header problems get their own codes")
    func headerProblems() async throws {
        let pem = try Fixtures.testCertificatePEM()
        func run(_ request: CapturedRequest, evaluateAll: Bool = false) async -> MNSVerificationReport {
            await verifier.verify(request, now: Fixtures.fixtureDate, evaluateAll: evaluateAll) { _ in
                try RSACertificate(pem: pem)
            }
        }
        func replacing(_ name: String, with value: String?) throws -> CapturedRequest {
            var request = try Fixtures.request("succeeded-xml")
            request.headers = request.headers.compactMap { header in
                guard header.name.lowercased() == name.lowercased() else { return header }
                return value.map { CapturedRequest.Header(name: header.name, value: $0) }
            }
            return request
        }
        let badDate = await run(try replacing("Date", with: "tomorrow"))
        #expect(badDate.failure?.code == .staleDate)
        #expect(badDate.dateWithinWindow == false)

        let badURL = await run(try replacing("x-mns-signing-cert-url", with: "%%% not base64"))
        #expect(badURL.failure?.code == .malformedHeader)

        let noMD5 = await run(try replacing("Content-MD5", with: nil))
        #expect(noMD5.failure?.code == .contentMD5Mismatch)
        #expect(noMD5.signatureValid == nil, "stops before fetching the certificate")

        let noDate = await run(try replacing("Date", with: nil))
        #expect(noDate.failure?.code == .missingSignatureHeaders)
        #expect(noDate.certificateURLAllowed == nil)

        // Base64 of the digest is as good as hex, but the header is signed: the signature no longer verifies.
        let base64MD5 = await run(try replacing("Content-MD5", with: "Wjq8Y7wMJuoEsgz4OvU+Ag=="), evaluateAll: true)
        #expect(base64MD5.contentMD5Valid == true)
        #expect(base64MD5.failure?.code == .badSignature)
    }

    @Test("evaluateAll on a stale push still reports every other check")
    func staleEvaluateAll() async throws {
        let (report, asked) = try await verify(
            "succeeded-json", now: Fixtures.fixtureDate.addingTimeInterval(3600), evaluateAll: true)
        #expect(report.failure?.code == .staleDate)
        #expect(report.dateWithinWindow == false)
        #expect(report.contentMD5Valid == true)
        #expect(report.signatureValid == true)
        #expect(report.certificateURLAllowed == true)
        #expect(asked.count == 1)
        #expect(!report.authentic)
    }

    @Test("a report survives JSON encoding (the offline verify CLI prints it)")
    func reportCodable() async throws {
        let (report, _) = try await verify("tampered-header", evaluateAll: true)
        let data = try JSONEncoder().encode(report)
        #expect(try JSONDecoder().decode(MNSVerificationReport.self, from: data) == report)
        #expect(report.failure?.description.hasPrefix("badSignature: ") == true)
    }
}
