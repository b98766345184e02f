/// One decoder the fuzzers drive. Each target takes the bytes as the gateway would receive them
/// (a request body, a message text, a fetched certificate, a whole request) and runs them through
/// the same calls ingest makes. Decoding errors are the expected answer to garbage and are ignored;
/// a trap, a hang or unbounded memory is a bug (libFuzzer sees those itself), and so is a broken
/// invariant, which `run` throws as a `FuzzFinding`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// An MNS push body in the XML format: the XML reader, then the whole push → envelope → content chain.
    case mnsXML = "mns-xml"
    /// An MNS push body in the JSON or SIMPLIFIED format: the JSON reader, then the same chain.
    case mnsJSON = "mns-json"
    /// The MNS `Message` text: an IMM envelope as JSON or Base64 of JSON, then its content.
    case immEnvelope = "imm-envelope"
    /// An IMM task content document (face-search results) as ingest, the store and the API use it.
    case faceContent = "face-content"
    /// An EventBridge CloudEvents body and the task content in its `data`.
    case cloudEvent = "cloudevent"
    /// Certificate bytes as fetched from an allow-listed URL: PEM or DER certificate, or PEM public key.
    case certificate
    /// A captured HTTP request through both signature verifiers (headers, certificate URL policy,
    /// `Date`, `Content-MD5`, Base64 signature, RSA) against a fixed certificate.
    case httpRequest = "http-request"

    /// Feeds `bytes` to this target's decoder; throws only when an invariant is broken.
    public func run(_ bytes: [UInt8]) async throws(FuzzFinding) {
        if try !runSynchronously(bytes) { try await Self.httpRequest(bytes) }
    }

    /// Runs the targets that need no Swift concurrency, so that libFuzzer's leak check finds every
    /// allocation of an input freed when it returns; false for the one that needs `run` (the
    /// verifiers are async because they may fetch a certificate).
    func runSynchronously(_ bytes: [UInt8]) throws(FuzzFinding) -> Bool {
        switch self {
        case .mnsXML: try Self.mnsXML(bytes)
        case .mnsJSON: try Self.mnsJSON(bytes)
        case .immEnvelope: try Self.immMessage(String(decoding: bytes, as: UTF8.self))
        case .faceContent: try Self.faceContent(bytes)
        case .cloudEvent: try Self.cloudEvent(bytes)
        case .certificate: Self.certificate(bytes)
        case .httpRequest: return false
        }
        return true
    }
}
