import Crypto
import Foundation

/// The `Content-MD5` header against the body. MNS has been seen sending 32 upper-case hex digits;
/// older docs show Base64 of the lower-case hex string; RFC 1864 says Base64 of the raw digest.
public enum ContentMD5 {
    /// Whether `header` is the MD5 of `body` in any of the accepted encodings.
    public static func matches(header: String, body: [UInt8]) -> Bool {
        let digest = Array(Insecure.MD5.hash(data: body))
        let hex = hexLower(digest)
        let value = header.trimmingSpaces()
        if value.lowercased() == hex { return true }
        guard let decoded = Data(base64Encoded: value) else { return false }
        return Array(decoded) == digest || String(decoding: decoded, as: UTF8.self).lowercased() == hex
    }

    /// The MD5 of `body` as 32 upper-case hex digits, as MNS sends it.
    public static func hexUpper(_ body: [UInt8]) -> String {
        hexLower(Array(Insecure.MD5.hash(data: body))).uppercased()
    }

    /// Lower-case hex of `bytes`.
    static func hexLower(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
