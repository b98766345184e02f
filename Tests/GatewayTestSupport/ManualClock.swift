import Foundation
import GatewayCore
import Synchronization

/// A wall clock tests set and advance by hand, so time-dependent code runs without sleeping.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    /// Creates a clock reading `date`.
    public init(_ date: Date) { current = Mutex(date) }

    /// The time the clock was set to.
    public func now() -> Date { current.withLock { $0 } }

    /// Sets the time.
    public func set(_ date: Date) { current.withLock { $0 = date } }

    /// Moves the time forward by `seconds`.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
