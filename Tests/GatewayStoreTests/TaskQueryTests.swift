import Foundation
import GRDB
import GatewayCore
import GatewayTestSupport
import Testing

@testable import GatewayStore

@Suite("Task listing: filters, pagination, query plans")
struct TaskQueryTests {
    let now = Fixtures.fixtureDate

    private func seed() async throws -> SQLiteStore {
        let store = try SQLiteStore()
        for index in 0..<12 {
            let project = index % 2 == 0 ? "even" : "odd"
            _ = try await store.recordSubmission(
                Submission(
                    taskId: "T\(index)", projectName: project, datasetName: index < 6 ? "d1" : "d2",
                    labels: ["tenant": index % 3 == 0 ? "acme" : "other"]),
                at: now.addingTimeInterval(Double(index) * 60))
        }
        for index in [1, 2, 3] {
            _ = try await store.commit([
                .notification(Records.notification(taskId: "T\(index)", project: index % 2 == 0 ? "even" : "odd"))
            ])
        }
        _ = try await store.commit([.notification(Records.notification(taskId: "T4", status: "Failed"))])
        _ = try await store.commit([.notification(Records.notification(taskId: "T5", status: "Running", faces: 0))])
        _ = try await store.commit([.notification(Records.notification(taskId: "X-orphan"))])
        return store
    }

    private func ids(_ store: SQLiteStore, _ filter: TaskFilter) async throws -> [String] {
        try await store.tasks(filter: filter, limit: 100, before: nil).items.map(\.taskId)
    }

    @Test("each filter alone and combined")
    func filters() async throws {
        let store = try await seed()
        #expect(try await ids(store, .init(state: .succeeded)) == ["T3", "T2", "T1"])
        #expect(try await ids(store, .init(state: .failed)) == ["T4"])
        #expect(try await ids(store, .init(state: .running)) == ["T5"])
        #expect(try await ids(store, .init(state: .unmatched)) == ["X-orphan"])
        #expect(try await ids(store, .init(state: .submitted)) == ["T11", "T10", "T9", "T8", "T7", "T6", "T0"])
        #expect(try await ids(store, .init(project: "odd")).count == 6)
        #expect(try await ids(store, .init(dataset: "d2")) == ["T11", "T10", "T9", "T8", "T7", "T6"])
        #expect(try await ids(store, .init(label: ("tenant", "acme"))) == ["T9", "T6", "T3", "T0"])
        #expect(try await ids(store, .init(state: .succeeded, label: ("tenant", "acme"))) == ["T3"])
        #expect(
            try await ids(store, .init(since: now.addingTimeInterval(120), until: now.addingTimeInterval(300)))
                == ["T4", "T3", "T2"])
        #expect(try await ids(store, .init(project: "nope")).isEmpty)
    }

    @Test("pagination while rows are inserted: no row skipped or repeated")
    func pagingUnderInserts() async throws {
        let store = try await seed()
        let before = try await ids(store, .init())
        var seen: [String] = []
        var cursor: Int64?
        var inserted = 0
        repeat {
            let page = try await store.tasks(filter: .init(), limit: 5, before: cursor)
            seen += page.items.map(\.taskId)
            cursor = page.nextCursor
            inserted += 1
            _ = try await store.recordSubmission(Submission(taskId: "NEW\(inserted)"), at: now)
        } while cursor != nil
        #expect(seen == before)
        #expect(Set(seen).count == seen.count)
    }

    @Test("with 100,000 tasks, lookups and filtered pages use indexes", .timeLimit(.minutes(2)))
    func queryPlansAtScale() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imm-scale-\(UUID()).sqlite").path
        let store = try SQLiteStore(path: path, durability: .normal)
        let states = TaskState.allCases
        try await store.writer.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO task (taskId, state, hasSubmission, projectName, datasetName, createdAt, updatedAt)
                    VALUES (?, ?, 1, ?, ?, ?, ?)
                    """)
            let label = try db.makeStatement(sql: "INSERT INTO taskLabel (taskId, key, value) VALUES (?, 'tenant', ?)")
            for index in 0..<100_000 {
                let taskId = "CreateFacesSearchingTask-\(index)"
                let created = 1_790_000_000_000 + Int64(index) * 1000
                try statement.execute(arguments: [
                    taskId, states[index % states.count].rawValue, "project-\(index % 20)", "dataset-\(index % 7)",
                    created, created,
                ])
                try label.execute(arguments: [taskId, "tenant-\(index % 50)"])
            }
        }
        let clock = ContinuousClock()
        let filters: [(String, TaskFilter)] = [
            ("status", .init(state: .succeeded)), ("project", .init(project: "project-3")),
            ("dataset", .init(dataset: "dataset-2")), ("label", .init(label: ("tenant", "tenant-7"))),
            ("since", .init(since: Date(timeIntervalSince1970: 1_790_050_000))),
        ]
        for (name, filter) in filters {
            let (sql, arguments) = SQLiteStore.taskQuery(filter: filter, limit: 50, before: nil)
            let plan = try await store.queryPlan(sql, arguments: arguments).joined(separator: " | ")
            #expect(
                plan.contains("USING INDEX") || plan.contains("USING INTEGER PRIMARY KEY")
                    || plan.contains("USING COVERING INDEX"), "\(name): \(plan)")
            #expect(!plan.contains("SCAN task ") || plan.contains("INDEX"), "\(name): \(plan)")
            let elapsed = try await clock.measure { _ = try await store.tasks(filter: filter, limit: 50, before: nil) }
            print("tasks.list filter=\(name) rows=100000 page=50 time=\(elapsed) plan=\(plan)")
        }
        let lookup = try await store.queryPlan(
            "SELECT * FROM task WHERE taskId = ?", arguments: ["CreateFacesSearchingTask-77777"])
        #expect(lookup.joined().contains("USING INDEX sqlite_autoindex_task_1"), "\(lookup)")
        let elapsed = try await clock.measure { _ = try await store.task(taskId: "CreateFacesSearchingTask-77777") }
        print("tasks.get rows=100000 time=\(elapsed)")
    }
}
