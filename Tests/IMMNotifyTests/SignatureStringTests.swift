import Foundation
import GatewayTestSupport
import IMMNotify
import Synchronization
import Testing

@Suite("Strings to sign, and EventBridge verification details")
struct SignatureStringTests {
    @Test("MNS string to sign: fixed lines, sorted lower-cased trimmed x-mns-* lines, target, no trailing newline")
    func mnsStringToSign() {
        let request = CapturedRequest(
            method: "post", target: "/n?a=1",
            headers: [
                .init(name: "X-MNS-Version", value: " 2015-06-06 "),
                .init(name: "Date", value: "Wed, 25 Nov 2026 05:00:00 GMT"),
                .init(name: "x-mns-b", value: "2"),
                .init(name: "x-mns-a", value: "1"),
                .init(name: "x-other", value: "ignored"),
            ],
            body: [])
        #expect(
            MNSSignature.stringToSign(request, signedTarget: nil)
                == "POST\n\n\nWed, 25 Nov 2026 05:00:00 GMT\nx-mns-a:1\nx-mns-b:2\nx-mns-version:2015-06-06\n/n?a=1")
        let rewritten = MNSSignature.stringToSign(request, signedTarget: "/public")
        #expect(rewritten.hasSuffix("x-mns-version:2015-06-06\n/public"))
        #expect(MNSSignature.stringToSign(request, signedTarget: "").hasSuffix("\n/n?a=1"))
    }

    @Test("the real 2023 push's string to sign has every header in order")
    func realStringToSign() throws {
        let request = try Fixtures.request("real-2023/request")
        let lines = MNSSignature.stringToSign(request, signedTarget: nil)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 + 9 + 1)
        #expect(lines[0] == "POST")
        #expect(lines[1] == "4CCBAD7AF2D23C2D00DDECCA59323A8C")
        #expect(lines[2] == "text/plain;charset=utf-8")
        #expect(lines[4] == "x-mns-message-id:250EB49D5F8D737A391C93C6ED165396")
        #expect(lines.last == "/notifications")
    }

    @Test("EventBridge strings to sign: with and without the trailing newline")
    func eventBridgeStrings() {
        let request = CapturedRequest(
            method: "POST", target: "/eb",
            headers: [
                .init(name: "x-eventbridge-signature-url", value: "https://c/x.pem"),
                .init(name: "x-eventbridge-signature-timestamp", value: "1"),
                .init(name: "x-eventbridge-hash-method", value: "SHA256"),
                .init(name: "x-eventbridge-signature-version", value: "v2"),
            ],
            body: Array("{}".utf8))
        let strings = EventBridgeSignature.stringsToSign(targetURL: "https://gw/eb", request: request)
        let expected =
            "https://gw/eb\nx-eventbridge-signature-timestamp: 1\nx-eventbridge-hash-method: SHA256\n"
            + "x-eventbridge-signature-version: v2\nx-eventbridge-signature-url: https://c/x.pem\n{}"
        #expect(strings.map { String(decoding: $0, as: UTF8.self) } == [expected, expected + "\n"])
    }

    @Test("EventBridge: token and V2 together; the newline variant; hash method; no fetch for a refused URL")
    func eventBridgeDetails() async throws {
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let pem = try Fixtures.testCertificatePEM()
        let certificateURL = "https://cn-shanghai-eventbridge.oss-cn-shanghai.aliyuncs.com/cert.pem"
        let target = "https://gateway.example.com/eventbridge"
        let policy = CertificateURLPolicy.eventBridge(extraHosts: [])
        let fetched = Mutex<[String]>([])
        func check(_ verifier: EventBridgeVerifier, _ request: CapturedRequest) async -> EventBridgeVerificationReport {
            await verifier.verify(request, now: Fixtures.fixtureDate) { url in
                fetched.withLock { $0.append(url) }
                return try RSACertificate(pem: pem)
            }
        }
        let both = EventBridgeVerifier(token: "t0k", targetURL: target, policy: policy)
        let signed = try CloudEventBuilder(
            taskId: "T", date: Fixtures.fixtureDate, token: "t0k", signature: (key, certificateURL, target)
        ).build()
        let report = await check(both, signed)
        #expect(report.authentic, "\(String(describing: report.failure))")
        #expect(report.method == "eventbridge-token+eventbridge-v2")
        #expect(report.certificateFingerprint?.count == 64)
        #expect(fetched.withLock { $0 } == [certificateURL])

        // Token alone is not enough when a target URL (V2) is configured.
        let tokenOnly = try CloudEventBuilder(taskId: "T", date: Fixtures.fixtureDate, token: "t0k").build()
        #expect(await check(both, tokenOnly).failure?.code == .missingCredentials)

        // The variant with a newline after the body is accepted too.
        var newline = signed
        newline.headers.removeAll { $0.name == "x-eventbridge-signature-v2" }
        let message = EventBridgeSignature.stringsToSign(targetURL: target, request: newline)[1]
        let signature = try key.sign(message: message, digest: .sha256)
        newline.headers.append(.init(name: "x-eventbridge-signature-v2", value: Data(signature).base64EncodedString()))
        #expect(await check(both, newline).authentic)

        var sha1 = signed
        sha1.headers = sha1.headers.map {
            $0.name == "x-eventbridge-hash-method" ? .init(name: $0.name, value: "SHA1") : $0
        }
        #expect(await check(both, sha1).failure?.code == .badSignature)

        // A V2 verifier against another target URL sees a bad signature.
        let elsewhere = EventBridgeVerifier(token: nil, targetURL: "https://other.example.com/eb", policy: policy)
        #expect(await check(elsewhere, signed).failure?.code == .badSignature)

        fetched.withLock { $0 = [] }
        let foreign = try CloudEventBuilder(
            taskId: "T", date: Fixtures.fixtureDate, token: "t0k",
            signature: (key, "https://cn-shanghai-eventbridge.oss-cn-shanghai.aliyuncs.com.evil.com/c.pem", target)
        ).build()
        #expect(await check(both, foreign).failure?.code == .certificateURLNotAllowed)
        #expect(fetched.withLock { $0 }.isEmpty)

        let unavailable = await both.verify(signed, now: Fixtures.fixtureDate) { _ in
            throw WireFormatError(.invalidCertificate, "offline")
        }
        #expect(unavailable.failure?.code == .certificateUnavailable)
    }

    @Test("constant-time token comparison")
    func constantTime() {
        #expect(EventBridgeVerifier.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!EventBridgeVerifier.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!EventBridgeVerifier.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!EventBridgeVerifier.constantTimeEqual([], Array("a".utf8)))
    }
}
