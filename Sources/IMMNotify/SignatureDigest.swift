/// The digest of an RSASSA-PKCS1-v1_5 signature.
public enum SignatureDigest: String, Sendable {
    /// SHA-1, used by MNS.
    case sha1
    /// SHA-256, used by EventBridge's V2 signature.
    case sha256
}
