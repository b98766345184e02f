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

    /// The `webhook-signature` header value for all active secrets, plus a `v1a` (Ed25519) entry
    /// when the hook has a signing key.
    public static func signatureHeader(
        id: String, timestamp: Int64, body: [UInt8], secrets: [String], ed25519Key: String? = nil
    ) -> String {
        var entries = secrets.compactMap { sign(id: id, timestamp: timestamp, body: body, secret: $0) }
        if let ed25519Key, let entry = signAsymmetric(id: id, timestamp: timestamp, body: body, privateKey: ed25519Key)
        {
            entries.append(entry)
        }
        return entries.joined(separator: " ")
    }

    /// A new Ed25519 private key, `whsk_` + Base64 of its 32 raw bytes.
    public static func generateSigningKey() -> String {
        "whsk_" + Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
    }

    /// The public key (`whpk_` + Base64) receivers verify `v1a` signatures with.
    public static func publicKey(forSigningKey key: String) -> String? {
        guard let privateKey = signingKey(key) else { return nil }
        return "whpk_" + privateKey.publicKey.rawRepresentation.base64EncodedString()
    }

    /// The `v1a,<signature>` entry: Ed25519 over `id.timestamp.body`.
    public static func signAsymmetric(id: String, timestamp: Int64, body: [UInt8], privateKey: String) -> String? {
        guard let key = signingKey(privateKey) else { return nil }
        var message = Array("\(id).\(timestamp).".utf8)
        message += body
        guard let signature = try? key.signature(for: message) else { return nil }
        return "v1a," + Data(signature).base64EncodedString()
    }

    private static func signingKey(_ text: String) -> Curve25519.Signing.PrivateKey? {
        guard text.hasPrefix("whsk_"), let raw = Data(base64Encoded: String(text.dropFirst(5))) else { return nil }
        return try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }
}
