import Foundation
import GatewayCore
import Logging

/// Writes one JSON object per log line to standard error: `ts`, `level`, `label`, `message`, then the
/// metadata keys (`gw.task.id`, `hb.request.id`, …). For log shippers; `text` is the default.
public struct JSONLogHandler: LogHandler {
    private let label: String
    /// The level below which nothing is written.
    public var logLevel: Logger.Level = .info
    /// Metadata on every line of this logger.
    public var metadata: Logger.Metadata = [:]

    /// Creates a handler for `label`.
    public init(label: String) { self.label = label }

    /// Metadata access by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var object: [String: String] = [
            "ts": RFC3339.format(Date()), "level": event.level.rawValue, "label": label, "message": "\(event.message)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = "\(value)"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(object) else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }
}
