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
}
