/// The configuration cannot be used; the message names the key and what is wrong with it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the key.
    public let description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
