import Foundation
import IMMNotify

/// Which stored events a bulk replay re-delivers. Every field is optional; together they narrow.
public struct ReplayFilter: Sendable, Codable, Equatable {
    /// Received at or after.
    public var since: Date?
    /// Received before.
    public var until: Date?
    /// Only these tasks.
    public var taskIds: [String]?
    /// Only events with this IMM status (`Succeeded`, `Failed`, `Running`; case-insensitive).
    public var status: String?
    /// Only this project.
    public var project: String?
    /// Only this dataset.
    public var dataset: String?
    /// Only tasks whose submission has this label, `key=value`.
    public var label: String?
    /// Only to this hook (otherwise: every enabled hook whose filter matches now).
    public var hook: String?
    /// Only events with a delivery in this state (`dead`, `failed`, …): redrive, to the hooks concerned.
    public var deliveryStatus: DeliveryStatus?

    /// Creates a filter.
    public init(
        since: Date? = nil, until: Date? = nil, taskIds: [String]? = nil, status: String? = nil, project: String? = nil,
        dataset: String? = nil, label: String? = nil, hook: String? = nil, deliveryStatus: DeliveryStatus? = nil
    ) {
        self.since = since
        self.until = until
        self.taskIds = taskIds
        self.status = status
        self.project = project
        self.dataset = dataset
        self.label = label
        self.hook = hook
        self.deliveryStatus = deliveryStatus
    }

    /// The JSON keys.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case since, until, status, project, dataset, label, hook
        case taskIds = "task_ids"
        case deliveryStatus = "delivery_status"
    }

    /// Decodes, with `since`/`until` as RFC 3339.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = IMMTime.parse(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "must be RFC 3339")
            }
            return date
        }
        since = try date(.since)
        until = try date(.until)

        taskIds = try container.decodeIfPresent([String].self, forKey: .taskIds)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        project = try container.decodeIfPresent(String.self, forKey: .project)
        dataset = try container.decodeIfPresent(String.self, forKey: .dataset)
        label = try container.decodeIfPresent(String.self, forKey: .label)
        hook = try container.decodeIfPresent(String.self, forKey: .hook)
        deliveryStatus = try container.decodeIfPresent(DeliveryStatus.self, forKey: .deliveryStatus)
        if let label, !label.contains("=") {
            throw DecodingError.dataCorruptedError(forKey: .label, in: container, debugDescription: "must be key=value")
        }
    }

    /// Encodes, with dates as RFC 3339.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(since.map(RFC3339.format), forKey: .since)
        try container.encodeIfPresent(until.map(RFC3339.format), forKey: .until)
        try container.encodeIfPresent(taskIds, forKey: .taskIds)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(project, forKey: .project)
        try container.encodeIfPresent(dataset, forKey: .dataset)
        try container.encodeIfPresent(label, forKey: .label)
        try container.encodeIfPresent(hook, forKey: .hook)
        try container.encodeIfPresent(deliveryStatus, forKey: .deliveryStatus)
    }
}

/// A stored bulk replay job.
public struct Replay: Sendable, Equatable {
    /// Its states.
    public enum State: String, Sendable, Codable {
        case running, completed, cancelled
    }

    /// The id.
    public var id: Int64
    /// Where it stands.
    public var state: State
    /// What it replays.
    public var filter: ReplayFilter
    /// Events enqueued per second at most (nil: as fast as the store allows).
    public var ratePerSecond: Double?
    /// Who asked for it (audit).
    public var requestedBy: String
    /// Events matched so far.
    public var matched: Int
    /// Deliveries enqueued so far.
    public var enqueued: Int
    /// Of its deliveries: how many were delivered.
    public var delivered: Int
    /// Of its deliveries: how many failed or died.
    public var failed: Int
    /// When it was asked for.
    public var createdAt: Date
    /// When it completed or was cancelled.
    public var finishedAt: Date?
    /// Why it stopped before completing, when the gateway stopped it (its hook was removed).
    public var stopReason: String?

    /// Creates a replay.
    public init(
        id: Int64, state: State, filter: ReplayFilter, ratePerSecond: Double?, requestedBy: String, matched: Int,
        enqueued: Int, delivered: Int, failed: Int, createdAt: Date, finishedAt: Date?, stopReason: String? = nil
    ) {
        self.id = id
        self.state = state
        self.filter = filter
        self.ratePerSecond = ratePerSecond
        self.requestedBy = requestedBy
        self.matched = matched
        self.enqueued = enqueued
        self.delivered = delivered
        self.failed = failed
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.stopReason = stopReason
    }
}
