/// Why a certificate URL was refused before any fetch.
public struct CertificateURLRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the URL.
    public let reason: String

    /// Creates a rejection.
    public init(reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}
