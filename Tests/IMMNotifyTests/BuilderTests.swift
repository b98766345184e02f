import Foundation
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("Signed request builders round-trip through the verifiers")
struct BuilderTests {
    @Test("a built push of each format verifies and parses back", arguments: MNSFormat.allCases)
    func mnsRoundTrip(format: MNSFormat) async throws {
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let request = try MNSPushBuilder(
            format: format, taskId: "CreateFacesSearchingTask-rt", status: "Succeeded", faces: 4,
            date: Fixtures.fixtureDate, signingKey: key
        ).build()
        let pem = try Fixtures.testCertificatePEM()
        let report = await MNSVerifier(policy: .mns(extraHosts: [])).verify(request, now: Fixtures.fixtureDate) { _ in
            try RSACertificate(pem: pem)
        }
        #expect(report.authentic, "\(String(describing: report.failure))")
        let push = try MNSPush.parse(body: request.body)
        #expect(push.format == format)
        let content = IMMTaskContent(json: try #require(try IMMEnvelope.decode(message: push.message).content))
        #expect(content.taskId == "CreateFacesSearchingTask-rt")
        #expect(content.faceResults?.first?.faces.count == 4)
    }

    @Test("a generated key signs and its self-signed certificate verifies")
    func generatedKey() async throws {
        let key = try RSASigningKey.generate(bits: 1024)
        let certificate = try RSACertificate(pem: try key.selfSignedCertificatePEM(commonName: "bench"))
        #expect(certificate.keyBits == 1024)
        let message = Array("payload".utf8)
        #expect(certificate.verify(signature: try key.sign(message: message, digest: .sha1), message: message, digest: .sha1))
        #expect(!certificate.verify(signature: try key.sign(message: message, digest: .sha1), message: Array("other".utf8), digest: .sha1))
    }

    @Test("EventBridge: token, V2 signature, and their failures")
    func eventBridge() async throws {
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let pem = try Fixtures.testCertificatePEM()
        let certificateURL = "https://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/cert.pem"
        let target = "https://gateway.example.com/eventbridge"
        let policy = CertificateURLPolicy.eventBridge(extraHosts: [])
        func check(_ verifier: EventBridgeVerifier, _ request: CapturedRequest, now: Date = Fixtures.fixtureDate) async
            -> EventBridgeVerificationReport
        {
            await verifier.verify(request, now: now) { _ in try RSACertificate(pem: pem) }
        }
        let tokenOnly = EventBridgeVerifier(token: "t0k", targetURL: nil, policy: policy)
        let withToken = try CloudEventBuilder(taskId: "T", date: Fixtures.fixtureDate, token: "t0k").build()
        #expect(await check(tokenOnly, withToken).method == "eventbridge-token")
        let wrong = try CloudEventBuilder(taskId: "T", date: Fixtures.fixtureDate, token: "nope").build()
        #expect(await check(tokenOnly, wrong).failure?.code == .badToken)
        let none = try CloudEventBuilder(taskId: "T", date: Fixtures.fixtureDate).build()
        #expect(await check(tokenOnly, none).failure?.code == .missingCredentials)

        let signed = EventBridgeVerifier(token: nil, targetURL: target, policy: policy)
        let good = try CloudEventBuilder(
            taskId: "T", date: Fixtures.fixtureDate, signature: (key, certificateURL, target)).build()
        let report = await check(signed, good)
        #expect(report.authentic, "\(String(describing: report.failure))")
        #expect(report.method == "eventbridge-v2")
        #expect(await check(signed, good, now: Fixtures.fixtureDate.addingTimeInterval(120)).failure?.code == .staleTimestamp)
        var tampered = good
        tampered.body[tampered.body.count - 2] ^= 1
        #expect(await check(signed, tampered).failure?.code == .badSignature)
        let foreign = try CloudEventBuilder(
            taskId: "T", date: Fixtures.fixtureDate, signature: (key, "https://evil.example.com/c.pem", target)).build()
        #expect(await check(signed, foreign).failure?.code == .certificateURLNotAllowed)
        let unconfigured = EventBridgeVerifier(token: nil, targetURL: nil, policy: policy)
        #expect(await check(unconfigured, withToken).failure?.code == .notConfigured)
    }
}
