import COpenSSL

/// Owns an OpenSSL `EVP_PKEY`.
///
/// `@unchecked Sendable` is safe because the key is never mutated after creation, and OpenSSL
/// allows concurrent use of one `EVP_PKEY` from several threads for verify and sign operations,
/// each of which builds its own `EVP_MD_CTX`.
final class OpenSSLKey: @unchecked Sendable {
    /// The owned key; freed with the instance.
    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (one reference, released in `deinit`).
    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    /// Releases the key.
    deinit { EVP_PKEY_free(pointer) }

    /// The key size in bits.
    var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }

    /// Whether the key is RSA.
    var isRSA: Bool { EVP_PKEY_get_base_id(pointer) == EVP_PKEY_RSA }

    /// The OpenSSL digest for `digest`.
    static func digest(_ digest: SignatureDigest) -> OpaquePointer? {
        switch digest {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        }
    }

    /// Runs `body` with a read-only memory BIO over `bytes`.
    static func withBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) -> T?) -> T? {
        bytes.withUnsafeBytes { buffer -> T? in
            guard let base = buffer.baseAddress, let length = Int32(exactly: buffer.count),
                let bio = BIO_new_mem_buf(base, length)
            else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// Reads everything written to a memory BIO.
    static func drain(_ bio: OpaquePointer) -> [UInt8] {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
            if count <= 0 { break }
            output += chunk[0..<Int(count)]
        }
        return output
    }
}
