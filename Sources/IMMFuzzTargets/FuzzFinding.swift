/// A broken invariant found by a fuzz target: the input decoded, but the result is inconsistent
/// in a way the gateway depends on (stored text that does not read back, content the API cannot
/// encode, a request that does not survive its own serialization).
public struct FuzzFinding: Error, Sendable, CustomStringConvertible {
    /// What was broken.
    public let message: String

    /// Creates a finding.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
