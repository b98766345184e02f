/// An HTTP request exactly as received (or as captured in a fixture file): method, target, ordered
/// headers and body bytes. It is what the gateway stores and what signatures are checked against.
public struct CapturedRequest: Sendable, Equatable, Codable {
    /// One header line, with the name's case as received.
    public struct Header: Sendable, Equatable, Codable {
        /// The header name.
        public var name: String
        /// The header value.
        public var value: String

        /// Creates a header.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The method, e.g. `POST`.
    public var method: String
    /// The request target: path plus `?query`, exactly as received.
    public var target: String
    /// The headers in the order received.
    public var headers: [Header]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a request.
    public init(method: String, target: String, headers: [Header], body: [UInt8]) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of the header `name` (case-insensitive), in order.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Header names compared ASCII case-insensitively, without allocating lowercased copies (the
    /// verifier looks up several headers per push).
    static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count
            && zip(a.utf8, b.utf8).allSatisfy { x, y in
                x == y || (x | 0x20 == y | 0x20 && (0x61...0x7A).contains(x | 0x20))
            }
    }

    /// Parses the fixture format: request line, headers, blank line, body (CRLF or LF line ends).
    /// The body is the rest of the input, cut to `Content-Length` when that is present and smaller.
    public static func parse(_ bytes: [UInt8]) throws -> CapturedRequest {
        var index = 0
        var lines: [String] = []
        while true {
            guard let newline = bytes[index...].firstIndex(of: 0x0A) else {
                throw WireFormatError(.malformedRequest, "no blank line between headers and body")
            }
            var end = newline
            if end > index && bytes[end - 1] == 0x0D { end -= 1 }
            let line = String(decoding: bytes[index..<end], as: UTF8.self)
            index = newline + 1
            if line.isEmpty { break }
            lines.append(line)
        }
        guard let requestLine = lines.first else { throw WireFormatError(.malformedRequest, "empty request") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2 else {
            throw WireFormatError(.malformedRequest, "request line '\(requestLine)' is not 'METHOD target HTTP/1.1'")
        }
        var headers: [Header] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw WireFormatError(.malformedRequest, "header line '\(line)' has no colon")
            }
            headers.append(
                Header(
                    name: String(line[..<colon]).trimmingSpaces(),
                    value: String(line[line.index(after: colon)...]).trimmingSpaces()))
        }
        var body = Array(bytes[index...])
        let request = CapturedRequest(method: String(parts[0]), target: String(parts[1]), headers: headers, body: [])
        if let length = request.header("Content-Length").flatMap({ Int($0) }), length >= 0, length < body.count {
            body = Array(body.prefix(length))
        }
        return CapturedRequest(method: request.method, target: request.target, headers: headers, body: body)
    }

    /// Writes the request back in the fixture format, with CRLF line ends.
    public func serialized() -> [UInt8] {
        var text = "\(method) \(target) HTTP/1.1\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }
}
