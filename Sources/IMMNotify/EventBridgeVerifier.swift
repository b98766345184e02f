import Crypto
import Foundation

/// Verifies EventBridge HTTP-target requests: the shared token (when configured) and the V2
/// RSA-SHA256 signature (when a target URL is configured). With neither, nothing is accepted.
public struct EventBridgeVerifier: Sendable {
    /// The shared token every request must present, when configured (an empty token means none).
    let token: [UInt8]?
    /// The target URL as configured in EventBridge; when set, the V2 signature is required.
    let targetURL: String?
    /// The allow-list for `x-eventbridge-signature-url`.
    let policy: CertificateURLPolicy
    /// The largest accepted |timestamp − now|, in seconds.
    let maxTimestampSkew: TimeInterval

    /// Creates a verifier. A token, when given, is required on every request; a target URL, when
    /// given, makes the V2 signature required. With neither, every request fails as `notConfigured`.
    public init(
        token: String?, targetURL: String?, policy: CertificateURLPolicy, maxTimestampSkew: TimeInterval = 60
    ) {
        self.token = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        self.targetURL = targetURL.flatMap { $0.isEmpty ? nil : $0 }
        self.policy = policy
        self.maxTimestampSkew = maxTimestampSkew
    }

    /// Verifies `request` at `now`; `certificate` is asked only for allow-listed URLs.
    public func verify(
        _ request: CapturedRequest, now: Date, certificate: (String) async throws -> RSACertificate
    ) async -> EventBridgeVerificationReport {
        var report = EventBridgeVerificationReport()
        guard token != nil || targetURL != nil else {
            report.failure = .init(
                .notConfigured,
                "EventBridge ingest is not configured (set eventbridge.token or eventbridge.target_url)")
            return report
        }
        var methods: [String] = []
        if let token {
            guard let presented = request.header("x-eventbridge-signature-token") else {
                report.failure = .init(.missingCredentials, "missing x-eventbridge-signature-token")
                return report
            }
            guard Self.constantTimeEqual(Array(presented.utf8), token) else {
                report.failure = .init(.badToken, "x-eventbridge-signature-token does not match")
                return report
            }
            methods.append("eventbridge-token")
        }
        if let targetURL {
            let failure = await verifySignature(
                request, targetURL: targetURL, now: now, report: &report, certificate: certificate)
            if let failure {
                report.failure = failure
                return report
            }
            methods.append("eventbridge-v2")
        }
        report.method = methods.joined(separator: "+")
        return report
    }

    private func verifySignature(
        _ request: CapturedRequest, targetURL: String, now: Date, report: inout EventBridgeVerificationReport,
        certificate: (String) async throws -> RSACertificate
    ) async -> EventBridgeVerificationFailure? {
        guard let timestamp = request.header("x-eventbridge-signature-timestamp"),
            let signatureText = request.header("x-eventbridge-signature-v2"),
            let url = request.header("x-eventbridge-signature-url")
        else { return .init(.missingCredentials, "missing EventBridge V2 signature headers") }
        guard let millis = Double(timestamp.trimmingSpaces()),
            abs(now.timeIntervalSince1970 - millis / 1000) <= maxTimestampSkew
        else {
            return .init(
                .staleTimestamp,
                "x-eventbridge-signature-timestamp is more than \(maxTimestampSkew.wholeSeconds) s off")
        }
        if let method = request.header("x-eventbridge-hash-method"), method.uppercased() != "SHA256" {
            return .init(.badSignature, "unsupported x-eventbridge-hash-method '\(method)'")
        }
        report.certificateURL = url
        let fetchURL: String
        switch policy.check(url) {
        case .success(let allowed): fetchURL = allowed
        case .failure(let rejection): return .init(.certificateURLNotAllowed, rejection.reason)
        }
        let key: RSACertificate
        do {
            key = try await certificate(fetchURL)
        } catch {
            return .init(.certificateUnavailable, "certificate \(fetchURL) unavailable: \(error)")
        }
        report.certificateFingerprint = key.sha256Fingerprint
        guard let signature = Data(base64Encoded: signatureText.trimmingSpaces()) else {
            return .init(.badSignature, "x-eventbridge-signature-v2 is not Base64")
        }
        let candidates = EventBridgeSignature.stringsToSign(targetURL: targetURL, request: request)
        let signatureBytes = Array(signature)
        guard candidates.contains(where: { key.verify(signature: signatureBytes, message: $0, digest: .sha256) }) else {
            return .init(.badSignature, "the EventBridge V2 signature does not verify")
        }
        return nil
    }

    /// Compares two secrets in time independent of where they differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let da = Array(SHA256.hash(data: a))
        let db = Array(SHA256.hash(data: b))
        var difference: UInt8 = 0
        for index in 0..<da.count { difference |= da[index] ^ db[index] }
        return difference == 0
    }
}
