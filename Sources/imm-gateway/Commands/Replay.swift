import ArgumentParser
import Foundation
import GatewayServer
import IMMNotify

/// `imm-gateway replay EVENT_ID [--hook]` or `imm-gateway replay --since … [filters]`: re-deliver
/// stored events through the admin API, with live progress for bulk replays.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay one stored event, or start a bulk replay (with --since/--until and filters).")

    @Argument(help: "The event id to replay (omit for a bulk replay).") var eventId: Int?
    @Option(help: "Only this hook.") var hook: String?
    @Option(help: "Received at or after (RFC 3339).") var since: String?
    @Option(help: "Received before (RFC 3339).") var until: String?
    @Option(help: "Only these TaskIds (repeatable).") var taskId: [String] = []
    @Option(help: "Only events with this IMM status (Succeeded, Failed, Running).") var status: String?
    @Option(help: "Only this project.") var project: String?
    @Option(help: "Only this dataset.") var dataset: String?
    @Option(help: "Only tasks with this submission label, key=value.") var label: String?
    @Option(help: "Only events with a delivery in this state (e.g. dead: redrive dead letters).") var deliveryStatus:
        String?
    @Option(help: "Events enqueued per second.") var rate: Double?
    @Flag(help: "Count and sample what would be replayed; change nothing.") var dryRun = false
    @Flag(help: "Start the replay and return without following its progress.") var detach = false
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        let client = admin.client
        try await runAdmin {
            if let eventId {
                let body = hook.map { JSONValue.object(["hook": .string($0)]).jsonText() } ?? "{}"
                let (_, result) = try await client.post("/v1/events/\(eventId)/replay", json: Array(body.utf8))
                admin.print(result) {
                    "replayed event \(eventId): \(AdminRendering.text($0["deliveries"])) deliveries enqueued"
                }
                return
            }
            var fields: [String: JSONValue] = [:]
            let pairs: [(String, String?)] = [
                ("hook", hook), ("since", since), ("until", until), ("status", status), ("project", project),
                ("dataset", dataset), ("label", label), ("delivery_status", deliveryStatus),
            ]
            for (key, value) in pairs { if let value { fields[key] = .string(value) } }
            if !taskId.isEmpty { fields["task_ids"] = .array(taskId.map(JSONValue.string)) }
            if let rate { fields["rate_per_second"] = .number(rate) }
            if dryRun { fields["dry_run"] = .bool(true) }
            fields["requested_by"] = .string("cli: \(ProcessInfo.processInfo.environment["USER"] ?? "unknown")")
            let (_, created) = try await client.post(
                "/v1/replays", json: Array(JSONValue.object(fields).jsonText().utf8))
            if dryRun {
                admin.print(created) { body in
                    "dry run: \(AdminRendering.text(body["matched"])) events would be replayed\n"
                        + AdminRendering.eventRows(body["sample"]?.arrayValue ?? [])
                }
                return
            }
            guard let id = created["id"]?.intValue else {
                throw AdminClientError(message: "the gateway returned no replay id")
            }
            if detach || admin.json {
                admin.print(created, AdminRendering.replay)
                return
            }
            try await follow(id, client: client)
        }
    }

    /// Polls the replay until it stops: a progress bar on a terminal, plain lines otherwise.
    private func follow(_ id: Int, client: AdminClient) async throws {
        let terminal = isatty(STDOUT_FILENO) == 1
        var last = ""
        while true {
            let replay = try await client.get("/v1/replays/\(id)")
            let line = AdminRendering.progress(replay)
            if terminal {
                print("\r\(line)", terminator: "")
                FileHandle.standardOutput.synchronizeFile()
            } else if line != last {
                print(line)
            }
            last = line
            if replay["state"]?.stringValue != "running" {
                if terminal { print("") }
                print("replay \(id) \(AdminRendering.text(replay["state"]))")
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// `imm-gateway replays list|show|cancel`.
struct Replays: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bulk replay jobs.", subcommands: [List.self, Show.self, Cancel.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List replays, newest first.")
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            try await runAdmin { admin.print(try await admin.client.get("/v1/replays"), AdminRendering.replayList) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a replay and its progress.")
        @Argument(help: "The replay id.") var id: Int
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            try await runAdmin { admin.print(try await admin.client.get("/v1/replays/\(id)"), AdminRendering.replay) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a running replay.")
        @Argument(help: "The replay id.") var id: Int
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            try await runAdmin {
                admin.print(try await admin.client.post("/v1/replays/\(id)/cancel", json: []).1, AdminRendering.replay)
            }
        }
    }
}

/// `imm-gateway backup FILE`: a consistent copy taken by the running gateway.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask the running gateway for a consistent online copy of its database (written on its host).")
    @Argument(help: "The new file to write (must not exist).") var file: String
    @OptionGroup var admin: AdminOptions
    func run() async throws {
        try await runAdmin {
            // The gateway writes it; a relative name means the caller's directory (the admin API is
            // on the same host unless configured otherwise).
            let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
            let body = JSONValue.object(["path": .string(path)]).jsonText()
            let (_, result) = try await admin.client.post("/v1/backup", json: Array(body.utf8))
            admin.print(result) {
                "backup written to \(AdminRendering.text($0["path"])) (\(AdminRendering.text($0["bytes"])) bytes, \(AdminRendering.text($0["duration_ms"])) ms)"
            }
        }
    }
}

/// `imm-gateway status`: one screen of operational facts.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Listeners, database size, task states, delivery backlog.")
    @OptionGroup var admin: AdminOptions
    func run() async throws {
        try await runAdmin { admin.print(try await admin.client.get("/v1/status"), AdminRendering.status) }
    }
}
