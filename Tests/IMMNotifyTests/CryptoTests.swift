import Foundation
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("RSA over the system OpenSSL: 512-bit keys, SHA-1, every input form")
struct CryptoTests {
    /// The fixture key converted to PKCS#1 (`openssl rsa -traditional`), to prove both PEM forms load.
    static let pkcs1KeyPEM = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIBPAIBAAJBAN+ImCR1JWVIv8CQsCiBs48SXCjk7zwUOT9Cw6XsScaZ/U/y9zrc
        9/X9LHtUE7SJeeJqjUH1er41IjE0Qkntd1sCAwEAAQJAPM3oLMqc4H84gcYZ1Prq
        //kLjqgvl1Uc+WNM2v56VwYcJri95J5cjuSjMCBvo++0tG/2qlUnrA7XfJlYPzJQ
        gQIhAPF8Mrr3X1WaSKDWpwsynhKwwF3AFqTkEAQx+x45cUwbAiEA7PgrhrsM6wvN
        VIDaPhvik6MLLFRWMpZmfdS0eAVctcECIQDwWpvrt/ftrgiH/d55qMHo/IAbT+u5
        5z2Bz3WQmcAI7QIhAJCNiq+zZtvy5RxJRdhhVkPNT8GI6NQPHxJfMH+OddGBAiEA
        yXiZDnIcljPULG1j1hlDZ7Ou8rUUaAaPBgPpn//jsQs=
        -----END RSA PRIVATE KEY-----

        """

    /// The fixture certificate's public key (`openssl x509 -noout -pubkey`).
    static let publicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAN+ImCR1JWVIv8CQsCiBs48SXCjk7zwU
        OT9Cw6XsScaZ/U/y9zrc9/X9LHtUE7SJeeJqjUH1er41IjE0Qkntd1sCAwEAAQ==
        -----END PUBLIC KEY-----

        """

    @Test("fingerprints are SHA-256 of the certificate DER, as `openssl x509 -outform DER | sha256sum` prints")
    func fingerprints() throws {
        let test = try RSACertificate(pem: try Fixtures.testCertificatePEM())
        #expect(test.sha256Fingerprint == "94e3d0787bbb1d646f93bfeca7645d88c921bcffa0f7b727997ba08148d206a9")
        let real = try RSACertificate(pem: try Fixtures.realCertificatePEM())
        #expect(real.sha256Fingerprint == "3f7edc3c7b871726fc961494a4f264d5403084f129c78bf6ef84672482e3e103")
        #expect(real.keyBits == 512)
    }

    @Test("a certificate loads from PEM, from DER and as a bare PUBLIC KEY; all verify the same signature")
    func inputForms() throws {
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let message = Array("POST\n\n\n\n/notifications".utf8)
        let signature = try key.sign(message: message, digest: .sha1)
        #expect(signature.count == 64)
        let fromPEM = try RSACertificate(pem: try Fixtures.testCertificatePEM())
        let fromDER = try RSACertificate(pem: fromPEM.derBytes)
        let bare = try RSACertificate(pem: Array(Self.publicKeyPEM.utf8))
        #expect(fromDER.derBytes == fromPEM.derBytes)
        #expect(bare.keyBits == 512)
        #expect(bare.derBytes != fromPEM.derBytes)
        for certificate in [fromPEM, fromDER, bare] {
            #expect(certificate.verify(signature: signature, message: message, digest: .sha1))
        }
    }

    @Test("PKCS#1 and PKCS#8 forms of one key make identical (deterministic) signatures")
    func keyForms() throws {
        let pkcs8 = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let pkcs1 = try RSASigningKey(pem: Array(Self.pkcs1KeyPEM.utf8))
        let message = Array("hello".utf8)
        for digest in [SignatureDigest.sha1, .sha256] {
            #expect(try pkcs8.sign(message: message, digest: digest) == pkcs1.sign(message: message, digest: digest))
        }
        #expect(throws: WireFormatError.self) { try RSASigningKey(pem: Array("nope".utf8)) }
        #expect(throws: WireFormatError.self) { try RSASigningKey(pem: try Fixtures.testCertificatePEM()) }
        #expect(throws: WireFormatError.self) { try RSASigningKey.generate(bits: 64) }
    }

    @Test("garbage signatures of any length are false, never a crash")
    func garbageSignatures() throws {
        let certificate = try RSACertificate(pem: try Fixtures.testCertificatePEM())
        let message = Array("x".utf8)
        var generator = SplitMix64(seed: 7)
        for length in [0, 1, 63, 64, 65, 128, 4096] {
            let garbage = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            #expect(!certificate.verify(signature: garbage, message: message, digest: .sha1))
            #expect(!certificate.verify(signature: garbage, message: message, digest: .sha256))
        }
        #expect(!certificate.verify(signature: [UInt8](repeating: 0xFF, count: 64), message: [], digest: .sha1))
    }

    @Test(
        "certificate input that is not a certificate or key throws",
        arguments: [
            "", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "\u{0}\u{1}\u{2}",
        ])
    func invalidCertificates(text: String) {
        #expect(throws: WireFormatError.self) { try RSACertificate(pem: Array(text.utf8)) }
    }

    @Test("a generated self-signed certificate parses and reports its key size")
    func generated() throws {
        let key = try RSASigningKey.generate(bits: 512)
        let pem = try key.selfSignedCertificatePEM(commonName: "bench")
        #expect(String(decoding: pem, as: UTF8.self).hasPrefix("-----BEGIN CERTIFICATE-----"))
        let certificate = try RSACertificate(pem: pem)
        #expect(certificate.keyBits == 512)
        let signature = try key.sign(message: [1, 2, 3], digest: .sha256)
        #expect(certificate.verify(signature: signature, message: [1, 2, 3], digest: .sha256))
    }
}
