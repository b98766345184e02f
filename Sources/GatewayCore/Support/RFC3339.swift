import Foundation
import IMMNotify

/// RFC 3339 UTC timestamps with milliseconds, the one form every API time uses.
public enum RFC3339 {
    /// Formats `date`, e.g. `2026-11-25T05:00:00.000Z`.
    public static func format(_ date: Date) -> String { IMMTime.format(date) }
}
