import COpenSSL

/// An RSA private key for signing sample pushes, benchmark traffic and test requests.
public struct RSASigningKey: Sendable {
    /// The private key.
    let key: OpenSSLKey

    /// Reads a PEM private key (PKCS#1 or PKCS#8).
    public init(pem: [UInt8]) throws {
        ERR_clear_error()
        defer { ERR_clear_error() }
        guard let pointer = OpenSSLKey.withBIO(pem, { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }) else {
            throw WireFormatError(.invalidKey, "not a PEM private key")
        }
        key = OpenSSLKey(pointer)
        guard key.isRSA else { throw WireFormatError(.invalidKey, "the private key is not RSA") }
    }

    private init(key: OpenSSLKey) { self.key = key }

    /// Generates a fresh RSA key of `bits` bits (512 to 16384).
    public static func generate(bits: Int) throws -> RSASigningKey {
        guard (512...16_384).contains(bits) else {
            throw WireFormatError(.invalidKey, "RSA key size \(bits) is outside 512...16384 bits")
        }
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw WireFormatError(.invalidKey, "cannot create a key generation context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var pointer: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)) == 1,
            EVP_PKEY_generate(context, &pointer) == 1, let pointer
        else {
            ERR_clear_error()
            throw WireFormatError(.invalidKey, "RSA key generation failed")
        }
        return RSASigningKey(key: OpenSSLKey(pointer))
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5.
    public func sign(message: [UInt8], digest: SignatureDigest) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw WireFormatError(.invalidKey, "out of memory") }
        defer {
            EVP_MD_CTX_free(context)
            ERR_clear_error()
        }
        guard EVP_DigestSignInit(context, nil, OpenSSLKey.digest(digest), nil, key.pointer) == 1 else {
            throw WireFormatError(.invalidKey, "cannot initialise signing")
        }
        var length = 0
        let ok = message.withUnsafeBufferPointer { msg in
            EVP_DigestSign(context, nil, &length, msg.baseAddress, msg.count) == 1
        }
        guard ok, length > 0 else { throw WireFormatError(.invalidKey, "cannot size the signature") }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = signature.withUnsafeMutableBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestSign(context, sig.baseAddress, &length, msg.baseAddress, msg.count) == 1
            }
        }
        guard signed else { throw WireFormatError(.invalidKey, "signing failed") }
        return Array(signature.prefix(length))
    }

    /// A self-signed certificate (PEM) for this key, valid for a year.
    public func selfSignedCertificatePEM(commonName: String) throws -> [UInt8] {
        guard let x509 = X509_new() else { throw WireFormatError(.invalidCertificate, "out of memory") }
        defer {
            X509_free(x509)
            ERR_clear_error()
        }
        X509_set_version(x509, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(x509), 1)
        X509_gmtime_adj(X509_getm_notBefore(x509), 0)
        X509_gmtime_adj(X509_getm_notAfter(x509), 365 * 24 * 3600)
        X509_set_pubkey(x509, key.pointer)
        let name = X509_get_subject_name(x509)
        // 0x1001 is MBSTRING_ASC, a macro Swift cannot import.
        X509_NAME_add_entry_by_txt(name, "CN", 0x1001, commonName, -1, -1, 0)
        X509_set_issuer_name(x509, name)
        guard X509_sign(x509, key.pointer, EVP_sha256()) > 0, let bio = BIO_new(BIO_s_mem()) else {
            throw WireFormatError(.invalidCertificate, "cannot sign the certificate")
        }
        defer { BIO_free(bio) }
        guard PEM_write_bio_X509(bio, x509) == 1 else {
            throw WireFormatError(.invalidCertificate, "cannot write the certificate")
        }
        return OpenSSLKey.drain(bio)
    }
}
