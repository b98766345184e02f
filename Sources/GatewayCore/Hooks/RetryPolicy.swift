import Foundation
import IMMNotify

/// Retry timing as data: a schedule of delays (seconds) with ±20 % jitter, and `Retry-After`
/// honoured (clamped) on 429 and 503.
public struct RetryPolicy: Sendable, Equatable {
    /// The default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    public static let defaultSchedule = [5, 300, 1800, 7200, 18_000, 36_000, 36_000]

    /// The longest delay a schedule may hold: 30 days (a hook is auto-disabled long before).
    public static let maxDelaySeconds = 30 * 86_400
    /// The most retries a schedule may hold.
    public static let maxRetries = 100

    /// Checks a schedule an operator wrote; the message says what is wrong.
    public static func problem(in schedule: [Int]) -> String? {
        guard !schedule.isEmpty, schedule.count <= maxRetries else {
            return "must be a list of 1–\(maxRetries) delays in seconds"
        }
        guard let bad = schedule.first(where: { !(0...maxDelaySeconds).contains($0) }) else { return nil }
        return "\(bad) is out of range: each delay must be 0–\(maxDelaySeconds) seconds (30 days)"
    }

    /// Delays before each retry; its length is the number of retries.
    public var schedule: [Int]
    /// The jitter fraction (0.2 = ±20 %).
    public var jitter: Double
    /// The longest `Retry-After` honoured, in seconds.
    public var maxRetryAfter: Int

    /// Creates a policy.
    public init(schedule: [Int] = RetryPolicy.defaultSchedule, jitter: Double = 0.2, maxRetryAfter: Int = 86_400) {
        self.schedule = schedule
        self.jitter = jitter
        self.maxRetryAfter = maxRetryAfter
    }

    /// The delay before retry number `attempt` (1 = after the first failure), or nil when exhausted.
    public func delay(
        afterAttempt attempt: Int, retryAfter: TimeInterval? = nil, random: Double = Double.random(in: -1...1)
    )
        -> TimeInterval?
    {
        guard attempt >= 1, attempt <= schedule.count else { return nil }
        if let retryAfter { return min(max(retryAfter, 0), TimeInterval(maxRetryAfter)) }
        let base = TimeInterval(min(max(schedule[attempt - 1], 0), Self.maxDelaySeconds))
        return max(0, base * (1 + jitter * max(-1, min(1, random))))
    }

    /// Parses `Retry-After`: delta seconds or an HTTP date (relative to `now`).
    public static func parseRetryAfter(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return TimeInterval(max(0, seconds)) }
        if let date = HTTPDate.parse(value) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }
}
