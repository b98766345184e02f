/// MNS's string to sign (the "Topic message HTTP subscription signature" rules).
public enum MNSSignature {
    /// `METHOD\nContent-MD5\nContent-Type\nDate\n` + every `x-mns-*` header as
    /// `lowercasename:trimmedvalue\n`, sorted + the request target (or `signedTarget` when a proxy
    /// rewrote the path). No trailing newline; missing headers contribute empty strings.
    public static func stringToSign(_ request: CapturedRequest, signedTarget: String?) -> String {
        var text = request.method.uppercased() + "\n"
        text += (request.header("Content-MD5") ?? "") + "\n"
        text += (request.header("Content-Type") ?? "") + "\n"
        text += (request.header("Date") ?? "") + "\n"
        let mnsHeaders = request.headers
            .filter { $0.name.lowercased().hasPrefix("x-mns-") }
            .map { "\($0.name.lowercased()):\($0.value.trimmingSpaces())" }
            .sorted()
        for line in mnsHeaders { text += line + "\n" }
        if let signedTarget, !signedTarget.isEmpty {
            text += signedTarget
        } else {
            text += request.target
        }
        return text
    }
}
