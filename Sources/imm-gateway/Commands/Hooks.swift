import ArgumentParser
import Foundation
import GatewayServer
import IMMNotify

/// `imm-gateway hooks list|add|update|remove|enable|disable|rotate-secret|test`.
struct Hooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage downstream hooks through the admin API.",
        subcommands: [
            List.self, Add.self, Update.self, Remove.self, Enable.self, Disable.self, RotateSecret.self, Test.self,
        ])

    /// The settings `add` and `update` share.
    struct Settings: ParsableArguments {
        @Option(help: "The http(s) URL to POST to.") var url: String?
        @Option(help: "Only these IMM statuses (repeatable): succeeded, failed, running.") var status: [String] = []
        @Option(help: "Only these projects (repeatable).") var project: [String] = []
        @Option(help: "Only these datasets (repeatable).") var dataset: [String] = []
        @Option(help: "Only tasks whose submission has this label, key=value (repeatable).") var label: [String] = []
        @Option(help: "Only these IMM task kinds (repeatable), e.g. FacesSearching.") var taskType: [String] = []
        @Option(help: "Per-request timeout in seconds.") var timeout: Int?
        @Option(help: "The most deliveries in flight to this hook.") var maxInFlight: Int?
        @Option(help: "Requests per second.") var rate: Double?
        @Option(help: "Retry delays in seconds, comma separated (e.g. 5,60,600).") var retrySchedule: String?
        @Option(help: "A static header, Name: value (repeatable).") var header: [String] = []

        func fields() throws -> [String: JSONValue] {
            var fields: [String: JSONValue] = [:]
            if let url { fields["url"] = .string(url) }
            var filter: [String: JSONValue] = [:]
            for (key, values) in [
                ("status", status), ("project", project), ("dataset", dataset), ("task_types", taskType),
            ]
            where !values.isEmpty {
                filter[key] = .array(values.map(JSONValue.string))
            }
            if !label.isEmpty { filter["labels"] = .object(try pairs(label, "=", "--label")) }
            if !filter.isEmpty { fields["filter"] = .object(filter) }
            if let timeout { fields["timeout_seconds"] = .number(Double(timeout)) }
            if let maxInFlight { fields["max_in_flight"] = .number(Double(maxInFlight)) }
            if let rate { fields["rate_per_second"] = .number(rate) }
            if let retrySchedule {
                let seconds = try retrySchedule.split(separator: ",").map { item -> JSONValue in
                    guard let value = Int(item.trimmingCharacters(in: .whitespaces)) else {
                        throw ValidationError("--retry-schedule takes seconds separated by commas")
                    }
                    return .number(Double(value))
                }
                fields["retry_schedule"] = .array(seconds)
            }
            if !header.isEmpty { fields["headers"] = .object(try pairs(header, ":", "--header")) }
            return fields
        }

        private func pairs(_ items: [String], _ separator: Character, _ flag: String) throws -> [String: JSONValue] {
            var result: [String: JSONValue] = [:]
            for item in items {
                guard let index = item.firstIndex(of: separator) else {
                    throw ValidationError("\(flag) takes key\(separator)value")
                }
                result[String(item[..<index]).trimmingCharacters(in: .whitespaces)] =
                    .string(String(item[item.index(after: index)...]).trimmingCharacters(in: .whitespaces))
            }
            return result
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List hooks.")
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            try await runAdmin { admin.print(try await admin.client.get("/v1/hooks"), AdminRendering.hookList) }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a hook; prints its secret once.")
        @Argument(help: "The hook's unique name.") var name: String
        @Option(help: "A signing secret whsec_… (default: generated).") var secret: String?
        @OptionGroup var settings: Settings
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            var fields = try settings.fields()
            guard fields["url"] != nil else { throw ValidationError("--url is required") }
            fields["name"] = .string(name)
            if let secret { fields["secrets"] = .array([.string(secret)]) }
            try await runAdmin {
                let (_, body) = try await admin.client.post(
                    "/v1/hooks", json: Array(JSONValue.object(fields).jsonText().utf8))
                admin.print(body, AdminRendering.hook)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a hook's settings.")
        @Argument(help: "The hook's name.") var name: String
        @OptionGroup var settings: Settings
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            let fields = try settings.fields()
            try await runAdmin {
                let (_, body) = try await admin.client.call(
                    "PATCH", "/v1/hooks/\(AdminClient.encode(name))",
                    json: Array(JSONValue.object(fields).jsonText().utf8))
                admin.print(body, AdminRendering.hook)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a hook and its deliveries.")
        @Argument(help: "The hook's name.") var name: String
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            try await runAdmin {
                _ = try await admin.client.call("DELETE", "/v1/hooks/\(AdminClient.encode(name))")
                print(admin.json ? "{}" : "removed \(name)")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a hook; paused deliveries flow again.")
        @Argument(help: "The hook's name.") var name: String
        @OptionGroup var admin: AdminOptions
        func run() async throws { try await action(admin, name, "enable", AdminRendering.hook) }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a hook; deliveries wait as paused.")
        @Argument(help: "The hook's name.") var name: String
        @OptionGroup var admin: AdminOptions
        func run() async throws { try await action(admin, name, "disable", AdminRendering.hook) }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret", abstract: "Add a new secret; old ones keep signing for 24 h.")
        @Argument(help: "The hook's name.") var name: String
        @OptionGroup var admin: AdminOptions
        func run() async throws { try await action(admin, name, "rotate-secret", AdminRendering.hook) }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a signed test event and show the attempt.")
        @Argument(help: "The hook's name.") var name: String
        @OptionGroup var admin: AdminOptions
        func run() async throws {
            try await action(admin, name, "test", AdminRendering.attempt) { attempt in
                // The receiver did not accept it: a script checking a hook must see a failure.
                guard let status = attempt["status_code"]?.intValue, (200..<300).contains(status) else {
                    throw AdminClientError(message: "the test event was not accepted")
                }
            }
        }
    }
}

/// `POST /v1/hooks/{name}/{verb}` and print the answer.
private func action(
    _ admin: AdminOptions, _ name: String, _ verb: String, _ render: (JSONValue) -> String,
    check: (JSONValue) throws -> Void = { _ in }
) async throws {
    try await runAdmin {
        let (_, body) = try await admin.client.post("/v1/hooks/\(AdminClient.encode(name))/\(verb)", json: [])
        admin.print(body, render)
        try check(body)
    }
}
