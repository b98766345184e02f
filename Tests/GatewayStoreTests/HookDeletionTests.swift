import Foundation
import GRDB
import GatewayCore
import GatewayTestSupport
import IMMNotify
import Testing

@testable import GatewayStore

@Suite("Deleting a hook with many deliveries")
struct HookDeletionTests {
    @Test("a hook's deliveries go a batch per transaction, then the hook; another hook's stay")
    func batchedDeletion() async throws {
        let store = try SQLiteStore()
        for name in ["gone", "kept"] {
            _ = try await store.createHook(
                Hook(name: name, url: "https://\(name).example"), secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
                at: Fixtures.fixtureDate)
        }
        _ = try await store.commit((0..<25).map { .notification(Records.notification(taskId: "T-\($0)")) })
        let gone = try #require(try await store.hook(named: "gone"))
        try await store.deleteHook(named: "gone", batch: 10)
        #expect(try await store.hook(named: "gone") == nil)
        let left = try await store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT hookId, COUNT(*) AS n FROM delivery GROUP BY hookId").map {
                "\($0["hookId"] as Int64 == gone.id ? "gone" : "kept") \($0["n"] as Int)"
            }
        }
        #expect(left == ["kept 25"])
        // The name is free again.
        _ = try await store.createHook(
            Hook(name: "gone", url: "https://again.example"), secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            at: Fixtures.fixtureDate)
    }

    // Pausing or releasing a hook's deliveries was one UPDATE of them all, in the transaction
    // that flipped the hook (for a 410, the dispatcher's own): at a large backlog, seconds with the
    // database held.
    @Test("a hook's deliveries follow its enabled flag a batch per transaction, both ways")
    func settleInBatches() async throws {
        let store = try SQLiteStore()
        let hook = try await store.createHook(
            Hook(name: "h", url: "https://h.example"), secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            at: Fixtures.fixtureDate)
        _ = try await store.commit((0..<25).map { .notification(Records.notification(taskId: "T-\($0)")) })
        func statuses() async throws -> [String: Int] {
            try await store.writer.read { db in
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM delivery GROUP BY status") {
                    counts[row["status"]] = row["n"]
                }
                return counts
            }
        }
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE delivery SET status = 'failed' WHERE id % 3 = 0")
            try db.execute(sql: "UPDATE hook SET enabled = 0")
        }
        try await store.settleDeliveries(hookId: hook.id, at: Fixtures.fixtureDate, batch: 2)
        #expect(try await statuses() == ["paused": 25])
        try await store.writer.write { db in try db.execute(sql: "UPDATE hook SET enabled = 1") }
        try await store.settleDeliveries(hookId: hook.id, at: Fixtures.fixtureDate, batch: 2)
        #expect(try await statuses() == ["pending": 25])
    }
}
