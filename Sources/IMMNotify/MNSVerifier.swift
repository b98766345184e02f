import Foundation

/// Verifies an MNS push exactly as the spec says, cheapest checks first so a flood of forgeries costs
/// little: headers, certificate URL allow-list (before any fetch), Date window, Content-MD5, then the
/// certificate and the RSA-SHA1 signature.
public struct MNSVerifier: Sendable {
    /// The certificate URL allow-list.
    public let policy: CertificateURLPolicy
    /// The largest accepted |Date − now|, in seconds.
    public let maxClockSkew: TimeInterval
    /// The path MNS signed, when a proxy rewrote it.
    public let signedTarget: String?

    /// Creates a verifier.
    public init(policy: CertificateURLPolicy, maxClockSkew: TimeInterval = 900, signedTarget: String? = nil) {
        self.policy = policy
        self.maxClockSkew = maxClockSkew
        self.signedTarget = signedTarget
    }

    /// Verifies `request` at time `now`. `certificate` is asked only for allow-listed URLs. With
    /// `evaluateAll` every check runs (for operators); otherwise it stops at the first failure.
    public func verify(
        _ request: CapturedRequest, now: Date, evaluateAll: Bool = false,
        certificate: (String) async throws -> RSACertificate
    ) async -> MNSVerificationReport {
        var report = MNSVerificationReport()
        let missing = ["Authorization", "x-mns-signing-cert-url", "Date"].filter {
            (request.header($0) ?? "").isEmpty
        }
        if !missing.isEmpty {
            report.fail(.missingSignatureHeaders, "missing \(missing.joined(separator: ", "))")
            if !evaluateAll || missing.contains("x-mns-signing-cert-url") { return report }
        }
        // 1. The certificate URL, checked before anything is fetched.
        let encodedURL = (request.header("x-mns-signing-cert-url") ?? "").trimmingSpaces()
        guard let urlData = Data(base64Encoded: encodedURL), let url = String(data: urlData, encoding: .utf8) else {
            report.fail(.malformedHeader, "x-mns-signing-cert-url is not Base64 of a URL")
            report.certificateURLAllowed = false
            return report
        }
        report.certificateURL = url
        var fetchURL: String?
        switch policy.check(url) {
        case .success(let allowed):
            report.certificateURLAllowed = true
            fetchURL = allowed
        case .failure(let rejection):
            report.certificateURLAllowed = false
            report.fail(.certificateURLNotAllowed, rejection.reason)
            if !evaluateAll { return report }
        }
        // 2. The Date window.
        if let dateText = request.header("Date") {
            if let date = HTTPDate.parse(dateText) {
                let skew = abs(date.timeIntervalSince(now))
                report.dateWithinWindow = skew <= maxClockSkew
                if skew > maxClockSkew {
                    report.fail(
                        .staleDate,
                        "Date is \(skew.wholeSeconds) s from the gateway clock (limit \(maxClockSkew.wholeSeconds) s)")
                }
            } else {
                report.dateWithinWindow = false
                report.fail(.staleDate, "Date '\(dateText)' is not an RFC 1123 date")
            }
            if report.failure != nil && !evaluateAll { return report }
        }
        // 3. Content-MD5 against the body (the signature covers the header, not the body).
        let md5Header = request.header("Content-MD5")
        let md5OK = md5Header.map { ContentMD5.matches(header: $0, body: request.body) } ?? request.body.isEmpty
        report.contentMD5Valid = md5OK
        if !md5OK {
            report.fail(
                .contentMD5Mismatch,
                md5Header == nil ? "Content-MD5 is missing" : "Content-MD5 does not match the body")
            if !evaluateAll { return report }
        }
        // 4. The certificate (never fetched for a refused URL), then the signature.
        guard let fetchURL else { return report }
        let key: RSACertificate
        do {
            key = try await certificate(fetchURL)
        } catch {
            report.fail(.certificateUnavailable, "certificate \(fetchURL) unavailable: \(error)")
            return report
        }
        report.certificateFingerprint = key.sha256Fingerprint
        guard let authorization = request.header("Authorization"),
            let signature = Data(base64Encoded: authorization.trimmingSpaces())
        else {
            report.signatureValid = false
            report.fail(.badSignature, "Authorization is not a Base64 signature")
            return report
        }
        let message = Array(MNSSignature.stringToSign(request, signedTarget: signedTarget).utf8)
        let valid = key.verify(signature: Array(signature), message: message, digest: .sha1)
        report.signatureValid = valid
        if !valid { report.fail(.badSignature, "the RSA-SHA1 signature does not verify") }
        return report
    }
}
