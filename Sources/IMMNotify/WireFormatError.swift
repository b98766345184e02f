/// A wire-format input could not be read: the message says where and why.
public struct WireFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable {
        case malformedRequest, malformedXML, malformedJSON, unknownFormat, missingField, invalidCertificate, invalidKey
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
