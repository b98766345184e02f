import ArgumentParser
import GatewayServer

/// `imm-gateway tasks list|show`.
struct Tasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Query tasks through the admin API.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tasks, newest first.")
        @Option(help: "submitted, running, succeeded, failed, expired or unmatched.") var status: String?
        @Option(help: "ProjectName.") var project: String?
        @Option(help: "DatasetName.") var dataset: String?
        @Option(help: "A submission label, key=value.") var label: String?
        @Option(help: "First seen at or after (RFC 3339).") var since: String?
        @Option(help: "First seen before (RFC 3339).") var until: String?
        @Option(help: "Page size (1-500).") var limit: Int?
        @Option(help: "The next_cursor of the previous page.") var cursor: String?
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let query = AdminClient.query([
                ("status", status), ("project", project), ("dataset", dataset), ("label", label), ("since", since),
                ("until", until), ("limit", limit.map(String.init)), ("cursor", cursor),
            ])
            try await runAdmin { admin.print(try await admin.client.get("/v1/tasks" + query), AdminRendering.taskList) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one task: state, faces, events.")
        @Argument(help: "The TaskId.") var taskId: String
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await runAdmin {
                admin.print(try await admin.client.get("/v1/tasks/" + AdminClient.encode(taskId)), AdminRendering.task)
            }
        }
    }
}

/// `imm-gateway events list|show`.
struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Query stored notifications through the admin API.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored notifications, newest first.")
        @Option(help: "Page size (1-500).") var limit: Int?
        @Option(help: "The next_cursor of the previous page.") var cursor: String?
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            let query = AdminClient.query([("limit", limit.map(String.init)), ("cursor", cursor)])
            try await runAdmin {
                admin.print(try await admin.client.get("/v1/events" + query), AdminRendering.eventList)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one notification with its raw request.")
        @Argument(help: "The event id.") var id: Int
        @OptionGroup var admin: AdminOptions

        func run() async throws {
            try await runAdmin { admin.print(try await admin.client.get("/v1/events/\(id)"), AdminRendering.event) }
        }
    }
}
