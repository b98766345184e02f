import Foundation
import GatewayServer
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("imm-gateway verify output")
struct VerificationSummaryTests {
    private func summary(_ name: String, now: Date, pem: [UInt8]) async throws -> VerificationSummary {
        let request = try Fixtures.request(name)
        let report = await MNSVerifier(policy: .mns(extraHosts: [])).verify(request, now: now, evaluateAll: true) { _ in
            try RSACertificate(pem: pem)
        }
        return VerificationSummary(report: report, request: request)
    }

    @Test("JSON has every documented key, null when not reached")
    func jsonShape() async throws {
        let real = try await summary(
            "real-2023/request", now: Fixtures.realDate, pem: try Fixtures.realCertificatePEM())
        let json = try JSONValue.parse(try real.jsonText())
        let keys = Set(try #require(json.objectValue).keys)
        for key in [
            "format", "certificate_url", "certificate_url_allowed", "signature_valid", "content_md5_valid",
            "date_within_window", "authentic", "task_id", "status",
        ] {
            #expect(keys.contains(key), "missing \(key)")
        }
        #expect(json["signature_valid"] == .bool(true))
        #expect(json["content_md5_valid"] == .bool(false))
        #expect(json["authentic"] == .bool(false))
        #expect(json["format"] == .null)
    }

    @Test("the step list of an authentic push names its task")
    func text() async throws {
        let valid = try await summary(
            "succeeded-xml", now: Fixtures.fixtureDate, pem: try Fixtures.testCertificatePEM())
        #expect(valid.authentic)
        let text = valid.text(now: Fixtures.fixtureDate, maxSkew: 900)
        #expect(text.contains("CreateFacesSearchingTask-0001"))
        #expect(text.contains("AUTHENTIC"))
        let forged = try await summary(
            "tampered-header", now: Fixtures.fixtureDate, pem: try Fixtures.testCertificatePEM())
        #expect(!forged.authentic)
        #expect(forged.text(now: Fixtures.fixtureDate, maxSkew: 900).contains("bad_signature"))
    }
}
