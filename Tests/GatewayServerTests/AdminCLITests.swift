import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("The CLI's admin client and renderings against a live gateway")
struct AdminCLITests {
    @Test("submit, then tasks list/show and events list/show, with and without a token")
    func roundTrip() async throws {
        var config = try TestGateway.config()
        config.admin.token = "cli-token"
        let gateway = try await TestGateway.make(config)
        _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
        try await gateway.running { _, admin in
            let client = AdminClient(server: "http://127.0.0.1:\(admin)/", token: "cli-token")
            let submission =
                #"{"TaskId":"CreateFacesSearchingTask-0001","ProjectName":"photos-prod","labels":{"tenant":"acme"}}"#
            let (status, task) = try await client.post("/v1/submissions", json: Array(submission.utf8))
            #expect(status == 201)
            #expect(task["state"]?.stringValue == "succeeded")

            let list = AdminRendering.taskList(
                try await client.get("/v1/tasks" + AdminClient.query([("label", "tenant=acme")])))
            #expect(list.contains("CreateFacesSearchingTask-0001"))
            #expect(list.contains("succeeded"))
            let shown = AdminRendering.task(try await client.get("/v1/tasks/CreateFacesSearchingTask-0001"))
            #expect(shown.contains("faces (5)"))
            #expect(shown.contains("tenant=acme"))
            #expect(shown.contains("oss://photos-bucket/album/0004.jpg"))
            let events = AdminRendering.eventList(try await client.get("/v1/events"))
            #expect(events.contains("0ED-fixture0001") == false)
            #expect(events.contains("CreateFacesSearchingTask-0001"))
            let event = AdminRendering.event(try await client.get("/v1/events/1"))
            #expect(event.contains("POST /notifications"))
            #expect(event.contains("x-mns-message-id: A3207B84B43A46AA9B5E05AC2A8B3540"))

            let anonymous = AdminClient(server: "http://127.0.0.1:\(admin)", token: nil)
            let error = await #expect(throws: AdminClientError.self) { try await anonymous.get("/v1/tasks") }
            #expect(error?.message.contains("401") == true)
            let missing = await #expect(throws: AdminClientError.self) { try await client.get("/v1/tasks/nope") }
            #expect(missing?.message == "HTTP 404 not_found: no task nope")
        }
        let offline = AdminClient(server: "http://127.0.0.1:9", token: nil)
        let unreachable = await #expect(throws: AdminClientError.self) { try await offline.get("/v1/tasks") }
        #expect(unreachable?.message.contains("cannot reach") == true)
    }

    @Test("hooks test exits 1 when the receiver refuses the test event, 0 when it accepts it")
    func hooksTestExitCode() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CrashSafetyTests.executable))
        let receiver = RecordingReceiver()
        receiver.script([.init(status: .internalServerError)])
        try await receiver.serve {
            let gateway = try await TestGateway.make(try TestGateway.config(hooks: [receiver.hook("sink")]))
            try await gateway.running { _, admin in
                func run() async throws -> Int32 {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: CrashSafetyTests.executable)
                    process.arguments = ["hooks", "test", "sink", "--server", "http://127.0.0.1:\(admin)"]
                    process.standardOutput = FileHandle.nullDevice
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
                    return process.terminationStatus
                }
                let refused = try await run()
                #expect(refused == 1, "the receiver answered 500")
                let accepted = try await run()
                #expect(accepted == 0, "the receiver answered 200")
            }
        }
    }

    @Test("a second gateway on the same database refuses to start; the first goes on", .timeLimit(.minutes(1)))
    func oneGatewayPerDatabase() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CrashSafetyTests.executable))
        let database = TestGateway.temporaryDatabase()
        func serve() throws -> (Process, Pipe) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CrashSafetyTests.executable)
            process.arguments = ["serve", "--database", database, "--ingest-port", "0", "--admin-port", "0"]
            process.environment = ["PATH": "/usr/bin:/bin"]
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            return (process, errors)
        }
        let (first, _) = try serve()
        defer { first.terminate() }
        // The first creates the database file and locks it in one step: once the file exists (and a
        // moment more), a second one must be refused.
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: database) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        var refusal = ""
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            let (second, errors) = try serve()
            while second.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            if second.isRunning {
                second.terminate()
                continue
            }
            refusal = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if second.terminationStatus == 1 && refusal.contains("already serving") { break }
        }
        #expect(refusal.contains("another imm-gateway is already serving the database"), "\(refusal)")
        #expect(first.isRunning, "the first gateway goes on")
    }

    @Test("tables align their columns")
    func table() {
        let text = TextTable.render(headers: ["A", "LONGER"], rows: [["wide cell", "x"], ["y", "z"]])
        #expect(text == "A          LONGER\nwide cell  x\ny          z")
    }
}
