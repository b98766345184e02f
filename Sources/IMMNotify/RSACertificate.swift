import COpenSSL
import Crypto

/// An RSA public key taken from a certificate (or a bare public key), verified through the system
/// OpenSSL because swift-crypto refuses keys under 1024/2048 bits and MNS signs with a 512-bit key.
/// Nothing but the key is used: no chain, issuer, validity dates or minimum size are checked; the
/// allow-listed host the certificate came from is what makes it trusted.
public struct RSACertificate: Sendable {
    /// The public key.
    let key: OpenSSLKey
    /// The certificate's DER bytes (the SubjectPublicKeyInfo DER for a bare key).
    public let derBytes: [UInt8]
    /// Lower-case hex SHA-256 of `derBytes`, computed once: every verified push records it as
    /// evidence, and hashing and hex-formatting it per push was 0.8 % of ingest's CPU.
    public let sha256Fingerprint: String

    /// Reads a PEM `CERTIFICATE`, DER certificate bytes, or a PEM `PUBLIC KEY`.
    public init(pem bytes: [UInt8]) throws {
        ERR_clear_error()
        defer { ERR_clear_error() }
        if let (key, der) = Self.readCertificate(bytes) ?? Self.readPublicKey(bytes) {
            guard key.isRSA else { throw WireFormatError(.invalidCertificate, "the certificate's key is not RSA") }
            self.key = key
            self.derBytes = der
            self.sha256Fingerprint = Self.fingerprint(der)
            return
        }
        throw WireFormatError(.invalidCertificate, "not a PEM or DER X.509 certificate or public key")
    }

    private static func readCertificate(_ bytes: [UInt8]) -> (OpenSSLKey, [UInt8])? {
        var x509 = OpenSSLKey.withBIO(bytes) { bio in PEM_read_bio_X509(bio, nil, nil, nil) }
        if x509 == nil {
            x509 = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
                return d2i_X509(nil, &pointer, buffer.count)
            }
        }
        guard let x509 else { return nil }
        defer { X509_free(x509) }
        guard let publicKey = X509_get_pubkey(x509) else { return nil }
        let length = i2d_X509(x509, nil)
        guard length > 0 else {
            EVP_PKEY_free(publicKey)
            return nil
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_X509(x509, &pointer)
        }
        return (OpenSSLKey(publicKey), der)
    }

    private static func readPublicKey(_ bytes: [UInt8]) -> (OpenSSLKey, [UInt8])? {
        guard let publicKey = OpenSSLKey.withBIO(bytes, { bio in PEM_read_bio_PUBKEY(bio, nil, nil, nil) }) else {
            return nil
        }
        let key = OpenSSLKey(publicKey)
        let length = i2d_PUBKEY(publicKey, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_PUBKEY(publicKey, &pointer)
        }
        return (key, der)
    }

    /// The key size in bits.
    public var keyBits: Int { key.bits }

    private static func fingerprint(_ derBytes: [UInt8]) -> String {
        SHA256.hash(data: derBytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Verifies an RSASSA-PKCS1-v1_5 signature; false for any invalid or garbage signature.
    public func verify(signature: [UInt8], message: [UInt8], digest: SignatureDigest) -> Bool {
        guard !signature.isEmpty, let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            ERR_clear_error()
        }
        guard EVP_DigestVerifyInit(context, nil, OpenSSLKey.digest(digest), nil, key.pointer) == 1 else { return false }
        return signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count) == 1
            }
        }
    }
}
