import Foundation

/// Seconds for messages.
extension TimeInterval {
    /// The interval rounded down to whole seconds, as text; never traps (infinite or huge values print as is).
    var wholeSeconds: String {
        guard let seconds = Int(exactly: rounded(.towardZero)) else { return "\(self)" }
        return String(seconds)
    }
}
