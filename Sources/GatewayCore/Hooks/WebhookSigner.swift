import Crypto
import Foundation

/// Standard Webhooks signing: `webhook-signature: v1,<base64 HMAC-SHA256(secret, "id.timestamp.body")>`,
/// one entry per active secret, space separated. Secrets are `whsec_` + Base64 of the key bytes.
public enum WebhookSigner {
    /// A new random secret (24 bytes, like Svix's).
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }

    /// The key bytes of a `whsec_` secret; nil when it is not valid Base64.
    public static func key(_ secret: String) -> [UInt8]? {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
        return Data(base64Encoded: encoded).map(Array.init)
    }

    /// Whether `secret` is usable.
    public static func isValidSecret(_ secret: String) -> Bool {
        secret.hasPrefix("whsec_") && (key(secret)?.count ?? 0) >= 16
    }

    /// The `v1,<signature>` entry for one secret.
    public static func sign(id: String, timestamp: Int64, body: [UInt8], secret: String) -> String? {
        guard let key = key(secret) else { return nil }
        var message = Array("\(id).\(timestamp).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The `webhook-signature` header value for all active secrets.
    public static func signatureHeader(id: String, timestamp: Int64, body: [UInt8], secrets: [String]) -> String {
        secrets.compactMap { sign(id: id, timestamp: timestamp, body: body, secret: $0) }.joined(separator: " ")
    }
}
