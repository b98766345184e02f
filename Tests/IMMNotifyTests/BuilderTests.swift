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
        let signature = try key.sign(message: message, digest: .sha1)
        #expect(certificate.verify(signature: signature, message: message, digest: .sha1))
        #expect(!certificate.verify(signature: signature, message: Array("other".utf8), digest: .sha1))
        #expect(!certificate.verify(signature: signature, message: message, digest: .sha256))
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
            taskId: "T", date: Fixtures.fixtureDate, signature: (key, certificateURL, target)
        ).build()
        let report = await check(signed, good)
        #expect(report.authentic, "\(String(describing: report.failure))")
        #expect(report.method == "eventbridge-v2")
        let late = await check(signed, good, now: Fixtures.fixtureDate.addingTimeInterval(120))
        #expect(late.failure?.code == .staleTimestamp)
        var tampered = good
        tampered.body[tampered.body.count - 2] ^= 1
        #expect(await check(signed, tampered).failure?.code == .badSignature)
        let foreign = try CloudEventBuilder(
            taskId: "T", date: Fixtures.fixtureDate, signature: (key, "https://evil.example.com/c.pem", target)
        ).build()
        #expect(await check(signed, foreign).failure?.code == .certificateURLNotAllowed)
        let unconfigured = EventBridgeVerifier(token: nil, targetURL: nil, policy: policy)
        #expect(await check(unconfigured, withToken).failure?.code == .notConfigured)
    }

    @Test("built pushes carry the fixture headers and any status", arguments: ["Succeeded", "Failed", "Running"])
    func statuses(status: String) async throws {
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let request = try MNSPushBuilder(
            format: .xml, taskId: "CreateFacesSearchingTask-s", status: status, eventId: "0ED-e1",
            date: Fixtures.fixtureDate, signingKey: key, messageId: "00112233445566778899AABBCCDDEEFF",
            target: "/hook?x=1"
        ).build()
        #expect(request.target == "/hook?x=1")
        #expect(request.header("Date") == "Wed, 25 Nov 2026 05:00:00 GMT")
        #expect(request.header("Content-Type") == "text/xml;charset=utf-8")
        #expect(request.header("Content-MD5") == ContentMD5.hexUpper(request.body))
        #expect(request.header("x-mns-message-id") == "00112233445566778899AABBCCDDEEFF")
        #expect(request.header("x-mns-version") == "2015-06-06")
        #expect(request.header("Content-Length") == String(request.body.count))
        let fixtureNames = Set(try Fixtures.request("succeeded-xml").headers.map { $0.name.lowercased() })
        #expect(Set(request.headers.map { $0.name.lowercased() }) == fixtureNames)
        let url = Data(base64Encoded: request.header("x-mns-signing-cert-url") ?? "")
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(url == Fixtures.testCertificateURL)

        let pem = try Fixtures.testCertificatePEM()
        let report = await MNSVerifier(policy: .mns(extraHosts: [])).verify(request, now: Fixtures.fixtureDate) { _ in
            try RSACertificate(pem: pem)
        }
        #expect(report.authentic)
        let push = try MNSPush.parse(body: request.body)
        #expect(push.messageId == "00112233445566778899AABBCCDDEEFF")
        #expect(push.messageMD5 == ContentMD5.hexUpper(Array(push.message.utf8)))
        let envelope = try IMMEnvelope.decode(message: push.message)
        #expect(envelope.id == "0ED-e1")
        #expect(envelope.type == "imm:Task:FacesSearching")
        #expect(envelope.time == "1795582800000")
        // IMM double-encodes: the content arrives as a JSON string, not an object.
        #expect(envelope.contentText?.hasPrefix("{") == true)
        let content = IMMTaskContent(json: try #require(envelope.content))
        #expect(content.status == status)
        #expect(content.taskId == "CreateFacesSearchingTask-s")
        #expect((content.faceResults != nil) == (status == "Succeeded"))
    }

    @Test("defaults: random 32 upper-hex message ids, 3 faces, /notifications, the test certificate URL")
    func defaults() throws {
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let builder = MNSPushBuilder(format: .json, taskId: "T", date: Fixtures.fixtureDate, signingKey: key)
        #expect(builder.faces == 3)
        #expect(builder.target == "/notifications")
        #expect(builder.certificateURL == Fixtures.testCertificateURL)
        #expect(builder.messageId.count == 32)
        #expect(builder.messageId.allSatisfy { $0.isHexDigit && !$0.isLowercase })
        #expect(
            builder.messageId
                != MNSPushBuilder(
                    format: .json, taskId: "T", date: Fixtures.fixtureDate, signingKey: key
                ).messageId)
        let push = try MNSPush.parse(body: builder.build().body)
        let content = IMMTaskContent(json: try #require(try IMMEnvelope.decode(message: push.message).content))
        #expect(content.faceResults?.first?.faces.count == 3)
    }

    @Test("an arbitrary message with XML specials survives the XML wrapper and still verifies")
    func xmlEscaping() async throws {
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let message = #"{"id":"<&>","content":"a]]>b &amp; \"q\""}"#
        let request = try MNSPushBuilder(format: .xml, taskId: "T", date: Fixtures.fixtureDate, signingKey: key)
            .build(message: message)
        #expect(try MNSPush.parse(body: request.body).message == message)
        let pem = try Fixtures.testCertificatePEM()
        let report = await MNSVerifier(policy: .mns(extraHosts: [])).verify(request, now: Fixtures.fixtureDate) { _ in
            try RSACertificate(pem: pem)
        }
        #expect(report.authentic)
    }
}
