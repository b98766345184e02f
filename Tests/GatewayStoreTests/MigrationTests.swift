import Foundation
import GRDB
import GatewayCore
import GatewayTestSupport
import IMMNotify
import Testing

@testable import GatewayStore

@Suite("Migrations of data already stored")
struct MigrationTests {
    @Test("v13 turns dead letters already sent again into redriven, and leaves the others dead")
    func redrivenDeadLetters() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imm-v13-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let store = try SQLiteStore(path: path)
            _ = try await store.createHook(
                Hook(name: "h", url: "https://x.example"), secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
                at: Fixtures.fixtureDate)
            _ = try await store.commit([
                .notification(Records.notification(taskId: "T-1")), .notification(Records.notification(taskId: "T-2")),
            ])
            // As a database written before v13: both deliveries died, the first was then sent again
            // (a newer delivery of its event to the hook), and the second never was.
            try await store.writer.write { db in
                try db.execute(sql: "UPDATE delivery SET status = 'dead'")
                try db.execute(
                    sql: """
                        INSERT INTO delivery (eventId, hookId, taskId, webhookId, status, nextAttemptAt, createdAt,
                            updatedAt)
                        SELECT eventId, hookId, taskId, webhookId, 'delivered', nextAttemptAt, createdAt, updatedAt
                        FROM delivery WHERE taskId = 'T-1'
                        """)
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v13-redriven'")
            }
        }
        let reopened = try SQLiteStore(path: path)
        let statuses = try await reopened.deliveries(filter: .init(), limit: 10, before: nil).items.map {
            "\($0.taskId ?? "-") \($0.status.rawValue)"
        }
        #expect(statuses == ["T-1 delivered", "T-2 dead", "T-1 redriven"])
    }

    // With face.taskId a foreign key to task and no index on it, deleting one task (an unmatched task
    // a submission took the events of) scanned every face row while holding the writer.
    @Test("v14 leaves face's task id unenforced: a task deletion no longer scans the faces")
    func faceTaskKeyUnenforced() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("imm-v14-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteStore(path: path)
        _ = try await store.commit([.notification(Records.notification(taskId: "T-1", faces: 3))])
        try await store.writer.read { db in
            let parents = try Row.fetchAll(db, sql: "PRAGMA foreign_key_list(face)").map { $0["table"] as String }
            #expect(parents == ["event"])
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pragma_foreign_key_check") == 0)
            let definition = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'face'") ?? ""
            #expect(definition.contains("taskId TEXT NOT NULL,"), "\(definition)")
        }
        #expect(try await store.faces(taskId: "T-1").count == 3)
        // Reopening runs no migration again and reads the edited definition.
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.faces(taskId: "T-1").count == 3)
    }
}
