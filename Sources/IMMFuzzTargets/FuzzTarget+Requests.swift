import Foundation
import IMMNotify

/// The request-level decoders: certificate bytes, and whole requests through both verifiers.
extension FuzzTarget {
    /// `certificate`: bytes as fetched from a certificate URL, read and then used to verify.
    static func certificate(_ bytes: [UInt8]) {
        guard let certificate = try? RSACertificate(pem: bytes) else { return }
        _ = certificate.sha256Fingerprint
        // Whatever key was read must also be usable: verify the input's tail as a signature over it.
        let signature = Array(bytes.suffix(max(1, certificate.keyBits / 8)))
        _ = certificate.verify(signature: signature, message: bytes, digest: .sha1)
        _ = certificate.verify(signature: signature, message: bytes, digest: .sha256)
    }

    /// `http-request`: a captured request through both verifiers, every check evaluated.
    static func httpRequest(_ bytes: [UInt8]) async throws(FuzzFinding) {
        guard let request = try? CapturedRequest.parse(bytes) else { return }
        // `imm-gateway sample` prints requests in this form and `imm-gateway verify` reads them back.
        guard (try? CapturedRequest.parse(request.serialized())) == request else {
            throw FuzzFinding("a captured request does not survive serialized() and parse()")
        }
        let certificate = verifyingCertificate
        _ = await mnsVerifier.verify(request, now: verificationTime, evaluateAll: true) { _ in try certificate.get() }
        _ = await eventBridgeVerifier.verify(request, now: verificationTime) { _ in try certificate.get() }
    }

    /// The fixtures' `Date` (2026-11-25T05:00:00Z), so seeds built from them reach the later checks.
    private static let verificationTime = Date(timeIntervalSince1970: 1_795_582_800)

    private static let mnsVerifier = MNSVerifier(policy: .mns(extraHosts: []))

    private static let eventBridgeVerifier = EventBridgeVerifier(
        token: "fuzz-token", targetURL: "https://gateway.example.com/eventbridge",
        policy: .eventBridge(extraHosts: []))

    /// Every allow-listed URL resolves to the certificate Alibaba served for the real 2023 push
    /// (512-bit RSA), so the real request in the corpus verifies all the way through.
    private static let verifyingCertificate = Result { try RSACertificate(pem: Array(alibabaCertificatePEM.utf8)) }

    private static let alibabaCertificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIICiDCCAjKgAwIBAgIJAL+acWZrTrlfMA0GCSqGSIb3DQEBBQUAMGMxCzAJBgNV
        BAYTAjg2MREwDwYDVQQIEwhaaGVqaWFuZzERMA8GA1UEBxMISGFuZ3pob3UxDzAN
        BgNVBAoTBkFsaXl1bjEMMAoGA1UECxMDTW5zMQ8wDQYDVQQDEwZub3RpZnkwHhcN
        MTUwNzAyMDIwNjE2WhcNMTYwNzAxMDIwNjE2WjBjMQswCQYDVQQGEwI4NjERMA8G
        A1UECBMIWmhlamlhbmcxETAPBgNVBAcTCEhhbmd6aG91MQ8wDQYDVQQKEwZBbGl5
        dW4xDDAKBgNVBAsTA01uczEPMA0GA1UEAxMGbm90aWZ5MFwwDQYJKoZIhvcNAQEB
        BQADSwAwSAJBALX0sFVowct1NAQjDyYSUf0rp1rOHLkz4kp0zNWcDyXMXa5PzsPU
        UwJXaLwhvNCDLLWuiLK6Oh5elmOmL8Gy/5MCAwEAAaOByDCBxTAdBgNVHQ4EFgQU
        kEah2o9HpCUCxhN/fY3kUtPkP4owgZUGA1UdIwSBjTCBioAUkEah2o9HpCUCxhN/
        fY3kUtPkP4qhZ6RlMGMxCzAJBgNVBAYTAjg2MREwDwYDVQQIEwhaaGVqaWFuZzER
        MA8GA1UEBxMISGFuZ3pob3UxDzANBgNVBAoTBkFsaXl1bjEMMAoGA1UECxMDTW5z
        MQ8wDQYDVQQDEwZub3RpZnmCCQC/mnFma065XzAMBgNVHRMEBTADAQH/MA0GCSqG
        SIb3DQEBBQUAA0EAluPg+k0Fc7WRcpP78+eLptYD8an7YOapUdNUmT2/SQC5BZ+t
        cyWFit5pAEipngFL105d7AuW2AtwqG0FgV0ipw==
        -----END CERTIFICATE-----
        """
}
