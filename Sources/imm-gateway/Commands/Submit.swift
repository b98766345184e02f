import ArgumentParser
import Foundation
import GatewayServer
import IMMNotify

/// `imm-gateway submit`: records a CreateFacesSearchingTask call through the admin API.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a CreateFacesSearchingTask call (from flags, or a JSON file in IMM's casing).")

    @Option(name: .long, help: "JSON file with the submission (IMM's field names); flags override its fields.")
    var file: String?
    @Option(name: .long, help: "TaskId returned by IMM (required unless in --file).")
    var taskId: String?
    @Option(name: .long, help: "EventId returned by IMM.")
    var eventId: String?
    @Option(name: .long, help: "RequestId returned by IMM.")
    var requestId: String?
    @Option(name: .long, help: "ProjectName.")
    var project: String?
    @Option(name: .long, help: "DatasetName.")
    var dataset: String?
    @Option(name: .long, help: "A source image URI, oss://bucket/object (repeatable).")
    var source: [String] = []
    @Option(name: .long, help: "MaxResult (0-100).")
    var maxResult: Int?
    @Option(name: .long, help: "UserData (at most 2048 bytes).")
    var userData: String?
    @Option(name: .long, help: "A label key=value (repeatable).")
    var label: [String] = []
    @Option(name: .long, help: "When to stop waiting, RFC 3339 (default: 7 days).")
    var deadline: String?
    @OptionGroup var admin: AdminOptions

    func run() async throws {
        var fields: [String: JSONValue] = [:]
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            guard let object = (try? JSONValue.parse(Array(data)))?.objectValue else {
                throw ValidationError("\(file) is not a JSON object")
            }
            fields = object
        }
        let flags: [(String, String?)] = [
            ("TaskId", taskId), ("EventId", eventId), ("RequestId", requestId), ("ProjectName", project),
            ("DatasetName", dataset), ("UserData", userData), ("deadline", deadline),
        ]
        for (key, value) in flags { if let value { fields[key] = .string(value) } }
        if let maxResult { fields["MaxResult"] = .number(Double(maxResult)) }
        if !source.isEmpty { fields["Sources"] = .array(source.map { .object(["URI": .string($0)]) }) }
        if !label.isEmpty {
            var labels = fields["labels"]?.objectValue ?? [:]
            for pair in label {
                guard let equals = pair.firstIndex(of: "=") else { throw ValidationError("--label must be key=value") }
                labels[String(pair[..<equals])] = .string(String(pair[pair.index(after: equals)...]))
            }
            fields["labels"] = .object(labels)
        }
        guard fields["TaskId"] != nil else { throw ValidationError("--task-id (or TaskId in --file) is required") }
        try await runAdmin {
            let (status, body) = try await admin.client.post(
                "/v1/submissions", json: Array(JSONValue.object(fields).jsonText().utf8))
            if !admin.json { print(status == 201 ? "recorded" : "already recorded (unchanged)") }
            admin.print(body, AdminRendering.task)
        }
    }
}
