import Foundation

/// A source of wall-clock time, injected wherever a decision depends on "now" (signature windows,
/// deadlines, retry schedules) so tests can set the time instead of sleeping.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}

    /// The current system time.
    public func now() -> Date { Date() }
}
