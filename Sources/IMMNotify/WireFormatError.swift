/// A wire-format input could not be read: the message says where and why.
public struct WireFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable {
        /// A captured HTTP request is not request line, headers, blank line, body.
        case malformedRequest
        /// The XML is not well formed, or uses a DTD or an unknown entity.
        case malformedXML
        /// The JSON is not well formed, or not the expected kind of value.
        case malformedJSON
        /// The body is none of the known formats.
        case unknownFormat
        /// A required field is absent.
        case missingField
        /// The bytes are not a usable certificate or public key.
        case invalidCertificate
        /// The bytes are not a usable private key, or signing failed.
        case invalidKey
        /// XML or JSON nests deeper than the parser allows.
        case tooDeep
    }

    /// The kind of failure.
    public let code: Code
    /// What was wrong.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
