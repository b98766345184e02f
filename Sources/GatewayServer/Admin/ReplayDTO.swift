import Foundation
import GatewayCore
import GatewayStore

/// The JSON form of a replay job.
struct ReplayDTO: Encodable {
    let replay: Replay

    enum CodingKeys: String, CodingKey {
        case id, state, filter, matched, enqueued, delivered, failed
        case ratePerSecond = "rate_per_second"
        case requestedBy = "requested_by"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case stopReason = "stop_reason"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(replay.id, forKey: .id)
        try container.encode(replay.state.rawValue, forKey: .state)
        try container.encode(replay.filter, forKey: .filter)
        try container.encode(replay.matched, forKey: .matched)
        try container.encode(replay.enqueued, forKey: .enqueued)
        try container.encode(replay.delivered, forKey: .delivered)
        try container.encode(replay.failed, forKey: .failed)
        try container.encode(replay.ratePerSecond, forKey: .ratePerSecond)
        try container.encode(replay.requestedBy, forKey: .requestedBy)
        try container.encode(RFC3339.format(replay.createdAt), forKey: .createdAt)
        try container.encode(replay.finishedAt.map(RFC3339.format), forKey: .finishedAt)
        try container.encode(replay.stopReason, forKey: .stopReason)
    }
}

/// The JSON form of `GET /v1/status`.
struct StatusDTO: Encodable {
    let summary: StatusSummary
    let config: GatewayConfig

    enum CodingKeys: String, CodingKey {
        case ingest, admin, database, events, tasks, hooks
        case databaseBytes = "database_bytes"
        case lastRejection = "last_rejection"
        case runningReplays = "running_replays"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("\(config.ingest.listener.host):\(config.ingest.listener.port)", forKey: .ingest)
        try container.encode("\(config.admin.listener.host):\(config.admin.listener.port)", forKey: .admin)
        try container.encode(config.database, forKey: .database)
        try container.encode(summary.databaseBytes, forKey: .databaseBytes)
        try container.encode(summary.events, forKey: .events)
        try container.encode(summary.tasks, forKey: .tasks)
        try container.encode(summary.runningReplays, forKey: .runningReplays)
        // Counts as numbers and the flag as a boolean (they were strings, which a JSON consumer had
        // to parse back); no pending delivery is null.
        try container.encode(summary.hooks.map(HookStatusDTO.init), forKey: .hooks)
        try container.encode(
            summary.lastRejectionReason.map {
                ["reason": $0, "at": summary.lastRejectionAt.map(RFC3339.format) ?? ""]
            },
            forKey: .lastRejection)
    }
}

/// One hook's line of `/v1/status`: counts as numbers, the flag as a boolean, no pending delivery
/// as null.
struct HookStatusDTO: Encodable {
    let hook: StatusSummary.HookCounts

    init(_ hook: StatusSummary.HookCounts) { self.hook = hook }

    enum CodingKeys: String, CodingKey {
        case name, enabled, pending, dead, paused
        case oldestPendingAgeSeconds = "oldest_pending_age_seconds"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hook.name, forKey: .name)
        try container.encode(hook.enabled, forKey: .enabled)
        try container.encode(hook.pending, forKey: .pending)
        try container.encode(hook.dead, forKey: .dead)
        try container.encode(hook.paused, forKey: .paused)
        try container.encode(hook.oldestPendingAgeSeconds, forKey: .oldestPendingAgeSeconds)
    }
}
