import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

@testable import GatewayStore

@Suite("Readiness follows the ingest commits")
struct ReadinessTests {
    @Test("a failed ingest commit makes the probe fail until a later commit succeeds")
    func probeFollowsCommits() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ready-\(UUID()).sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.probeWritable()
        // As a full disk does: every commit fails while an empty write transaction still opens.
        try await store.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TEMP TRIGGER full BEFORE INSERT ON main.event
                    BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END
                    """)
        }
        await #expect(throws: (any Error).self) {
            _ = try await store.commit([.notification(Records.notification(taskId: "T-1"))])
        }
        let refusal = await #expect(throws: (any Error).self) { try await store.probeWritable() }
        #expect("\(refusal.map { "\($0)" } ?? "")".contains("the last ingest commit failed"))
        try await store.writer.write { db in try db.execute(sql: "DROP TRIGGER temp.full") }
        _ = try await store.commit([.notification(Records.notification(taskId: "T-2"))])
        try await store.probeWritable()
    }
}
