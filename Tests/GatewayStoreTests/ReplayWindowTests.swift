import Foundation
import GatewayCore
import GatewayTestSupport
import IMMNotify
import Testing

@testable import GatewayStore

@Suite("Bulk replays under the write lock")
struct ReplayWindowTests {
    // A filter that matches few events (a redrive of a handful of dead letters) used to read every
    // event after the cursor in one write transaction, holding up every ingest commit meanwhile.
    @Test("a replay step reads a bounded window of events per transaction and still finds sparse matches")
    func sparseMatches() async throws {
        let store = try SQLiteStore()
        _ = try await store.createHook(
            Hook(name: "h", url: "https://x.example"), secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            at: Fixtures.fixtureDate)
        let total = Int(SQLiteStore.replayScanWindow) * 2 + 10
        var next = 0
        while next < total {
            let writes = (next..<min(total, next + 1_000)).map { index in
                IngestWrite.notification(
                    Records.notification(taskId: "T-\(index)", status: "Running", eventId: "E-\(index)", faces: 0))
            }
            _ = try await store.commit(writes)
            next += writes.count
        }
        let wanted = ["T-3", "T-\(total - 2)"]
        let replay = try await store.createReplay(
            ReplayFilter(taskIds: wanted), ratePerSecond: nil, requestedBy: "test", at: Fixtures.fixtureDate)
        // One window: the first match, and the cursor stops at the window's end, not the table's.
        let (running, matched) = try await store.advanceReplayWindow(
            id: replay.id, batch: 500, at: Fixtures.fixtureDate)
        #expect(running && matched == 1)
        let cursor = try await store.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT cursor FROM replay WHERE id = ?", arguments: [replay.id])
        }
        #expect(cursor == SQLiteStore.replayScanWindow)
        // A step goes on window after window until it has its batch or the replay's end.
        #expect(try await store.advanceReplay(id: replay.id, batch: 500, at: Fixtures.fixtureDate) == false)
        let done = try #require(try await store.replay(id: replay.id))
        #expect(done.state == .completed)
        #expect(done.matched == 2 && done.enqueued == 2)
    }
}
