/// EventBridge's V2 string to sign.
public enum EventBridgeSignature {
    /// The header names that enter the signature, in order.
    public static let signedHeaders = [
        "x-eventbridge-signature-timestamp", "x-eventbridge-hash-method", "x-eventbridge-signature-version",
        "x-eventbridge-signature-url", "x-eventbridge-signature-token",
    ]

    /// Both variants the sources disagree on: the target URL, the `name: value` header lines, the
    /// body; with and without a newline after the body.
    public static func stringsToSign(targetURL: String, request: CapturedRequest) -> [[UInt8]] {
        var lines = [targetURL]
        for name in signedHeaders {
            if let value = request.header(name) { lines.append("\(name): \(value)") }
        }
        let head = Array((lines.joined(separator: "\n") + "\n").utf8) + request.body
        return [head, head + [0x0A]]
    }
}
