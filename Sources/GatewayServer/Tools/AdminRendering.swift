import IMMNotify

/// Human renderings of admin API responses for the CLI (`--json` prints the response itself).
public enum AdminRendering {
    /// A JSON value as table text: `-` for null or empty.
    public static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: "-"
        case .string(let text)?: text.isEmpty ? "-" : text
        case let other?: other.stringValue ?? other.jsonText()
        }
    }

    /// `tasks list`.
    public static func taskList(_ body: JSONValue) -> String {
        let rows = (body["tasks"]?.arrayValue ?? []).map { task in
            ["task_id", "state", "project", "dataset", "created_at", "last_event_at"].map { text(task[$0]) }
        }
        return TextTable.render(
            headers: ["TASK ID", "STATE", "PROJECT", "DATASET", "CREATED", "LAST EVENT"], rows: rows)
            + footer(body)
    }

    /// `tasks show`.
    public static func task(_ body: JSONValue) -> String {
        var lines = [
            "task id          \(text(body["task_id"]))", "state            \(text(body["state"]))",
            "IMM status       \(text(body["imm_status"]))", "project          \(text(body["project"]))",
            "dataset          \(text(body["dataset"]))", "submitted        \(text(body["submitted_at"]))",
            "IMM start / end  \(text(body["started_at"])) / \(text(body["ended_at"]))",
            "first notified   \(text(body["first_notified_at"]))", "last event       \(text(body["last_event_at"]))",
            "deadline         \(text(body["deadline"]))",
        ]
        if body["code"] != nil && body["code"] != .null {
            lines.append("error            \(text(body["code"])): \(text(body["message"]))")
        }
        let labels = (body["labels"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map {
            "\($0.key)=\(text($0.value))"
        }
        lines.append("labels           \(labels.isEmpty ? "-" : labels.joined(separator: ", "))")
        let faces = (body["faces"]?.arrayValue ?? []).map { face in
            [
                text(face["source_index"]), text(face["rank"]), text(face["similarity"]), text(face["uri"]),
                text(face["face_id"]),
            ]
        }
        lines.append("")
        lines.append("faces (\(faces.count))")
        if !faces.isEmpty {
            lines.append(TextTable.render(headers: ["SOURCE", "RANK", "SIMILARITY", "URI", "FACE ID"], rows: faces))
        }
        let events = body["events"]?.arrayValue ?? []
        lines.append("")
        lines.append("events (\(events.count))")
        if !events.isEmpty { lines.append(eventRows(events)) }
        return lines.joined(separator: "\n")
    }

    /// `events list`.
    public static func eventList(_ body: JSONValue) -> String {
        eventRows(body["events"]?.arrayValue ?? []) + footer(body)
    }

    /// `events show`.
    public static func event(_ body: JSONValue) -> String {
        var lines = [
            "id               \(text(body["id"]))", "received         \(text(body["received_at"]))",
            "channel / format \(text(body["channel"])) / \(text(body["format"]))",
            "MNS message id   \(text(body["mns_message_id"]))", "message id       \(text(body["message_id"]))",
            "type             \(text(body["type"]))", "task id          \(text(body["task_id"]))",
            "status           \(text(body["status"]))", "decode state     \(text(body["decode_state"]))",
            "duplicates       \(text(body["duplicate_count"]))",
            "verified by      \(text(body["evidence"]?["method"])) \(text(body["evidence"]?["certificate_url"]))",
        ]
        if let raw = body["raw_request"] {
            lines.append("")
            lines.append("\(text(raw["method"])) \(text(raw["target"]))")
            for header in raw["headers"]?.arrayValue ?? [] {
                lines.append("\(text(header["name"])): \(text(header["value"]))")
            }
            lines.append("")
            lines.append(text(raw["body"]))
        }
        return lines.joined(separator: "\n")
    }

    /// Events as table rows.
    public static func eventRows(_ events: [JSONValue]) -> String {
        let rows = events.map { event in
            ["id", "received_at", "channel", "format", "task_id", "status", "decode_state"].map { text(event[$0]) }
        }
        return TextTable.render(
            headers: ["ID", "RECEIVED", "CHANNEL", "FORMAT", "TASK ID", "STATUS", "DECODED"], rows: rows)
    }

    static func footer(_ body: JSONValue) -> String {
        guard let cursor = body["next_cursor"]?.stringValue else { return "" }
        return "\n(more: --cursor \(cursor))"
    }

    /// `hooks list`.
    public static func hookList(_ body: JSONValue) -> String {
        let rows = (body["hooks"]?.arrayValue ?? []).map { hook in
            [
                text(hook["name"]), hook["enabled"] == .bool(true) ? "enabled" : "disabled", text(hook["url"]),
                text(hook["origin"]), text(hook["last_success_at"]), text(hook["disabled_reason"]),
            ]
        }
        return TextTable.render(
            headers: ["NAME", "STATE", "URL", "FROM", "LAST SUCCESS", "DISABLED BECAUSE"], rows: rows)
    }

    /// One hook, and any secrets the answer carries (creation and rotation only).
    public static func hook(_ body: JSONValue) -> String {
        let hook = body["hook"] ?? body
        var lines = [
            "name             \(text(hook["name"]))", "url              \(text(hook["url"]))",
            "enabled          \(text(hook["enabled"]))", "filter           \(hook["filter"]?.jsonText() ?? "{}")",
            "timeout / max    \(text(hook["timeout_seconds"])) s / \(text(hook["max_in_flight"])) in flight",
            "retry schedule   \(hook["retry_schedule"].flatMap { $0 == .null ? nil : $0.jsonText() } ?? "default")",
            "active secrets   \(text(hook["active_secrets"]))", "last success     \(text(hook["last_success_at"]))",
        ]
        if let reason = hook["disabled_reason"], reason != .null { lines.append("disabled because \(text(reason))") }
        for secret in body["secrets"]?.arrayValue ?? [] {
            lines.append("secret           \(text(secret))   (shown once: store it now)")
        }
        if let secret = body["secret"] {
            lines.append("new secret       \(text(secret))   (shown once: store it now)")
            lines.append("old secrets sign until \(text(body["previous_secrets_expire_at"]))")
        }
        return lines.joined(separator: "\n")
    }

    /// An attempt (`hooks test`).
    public static func attempt(_ body: JSONValue) -> String {
        [
            "status           \(text(body["status_code"]))", "duration         \(text(body["duration_ms"])) ms",
            "error            \(text(body["error"]))", "response         \(text(body["response_body"]))",
        ].joined(separator: "\n")
    }

    /// A replay's one-line progress.
    public static func progress(_ replay: JSONValue) -> String {
        let matched = replay["matched"]?.intValue ?? 0
        let enqueued = replay["enqueued"]?.intValue ?? 0
        let delivered = replay["delivered"]?.intValue ?? 0
        let failed = replay["failed"]?.intValue ?? 0
        let width = 20
        let filled = enqueued == 0 ? 0 : min(width, delivered * width / max(1, enqueued))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return
            "[\(bar)] \(text(replay["state"])): matched \(matched), enqueued \(enqueued), delivered \(delivered), failed \(failed)"
    }

    /// `replays show`.
    public static func replay(_ body: JSONValue) -> String {
        [
            "replay           \(text(body["id"]))", "state            \(text(body["state"]))",
            "filter           \(body["filter"]?.jsonText() ?? "{}")",
            "rate             \(text(body["rate_per_second"]))/s",
            "requested by     \(text(body["requested_by"])) at \(text(body["created_at"]))",
            "progress         matched \(text(body["matched"])), enqueued \(text(body["enqueued"])), delivered \(text(body["delivered"])), failed \(text(body["failed"]))",
            "finished         \(text(body["finished_at"]))",
        ].joined(separator: "\n")
    }

    /// `replays list`.
    public static func replayList(_ body: JSONValue) -> String {
        let rows = (body["replays"]?.arrayValue ?? []).map { replay in
            ["id", "state", "matched", "enqueued", "delivered", "failed", "requested_by", "created_at"].map {
                text(replay[$0])
            }
        }
        return TextTable.render(
            headers: ["ID", "STATE", "MATCHED", "ENQUEUED", "DELIVERED", "FAILED", "BY", "CREATED"], rows: rows)
    }

    /// `status`.
    public static func status(_ body: JSONValue) -> String {
        var lines = [
            "ingest listener  \(text(body["ingest"]))", "admin listener   \(text(body["admin"]))",
            "database         \(text(body["database"])) (\(text(body["database_bytes"])) bytes)",
            "events stored    \(text(body["events"]))", "running replays  \(text(body["running_replays"]))",
        ]
        let tasks = (body["tasks"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \(text($0.value))" }
        lines.append("tasks            \(tasks.isEmpty ? "none" : tasks.joined(separator: ", "))")
        if let rejection = body["last_rejection"], rejection != .null {
            lines.append("last rejection   \(text(rejection["reason"])) at \(text(rejection["at"]))")
        } else {
            lines.append("last rejection   none")
        }
        let hooks = (body["hooks"]?.arrayValue ?? []).map { hook in
            [
                text(hook["name"]), hook["enabled"] == .bool(true) ? "enabled" : "disabled",
                text(hook["pending"]),
                text(hook["dead"]), text(hook["paused"]), text(hook["oldest_pending_age_seconds"]),
            ]
        }
        lines.append("")
        lines.append(
            TextTable.render(
                headers: ["HOOK", "STATE", "PENDING", "DEAD", "PAUSED", "OLDEST PENDING (s)"], rows: hooks))
        return lines.joined(separator: "\n")
    }
}
