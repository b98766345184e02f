import GRDB
import GatewayStore
import Testing

@Suite("Query plans of the hot and the maintenance paths")
struct QueryPlanTests {
    @Test("every event and delivery lookup on the ingest, correlation and claim paths uses an index")
    func eventLookupPlans() async throws {
        let store = try SQLiteStore()
        // Each lookup must search the index named: one that narrows to a few rows, not one that
        // walks a range growing with the table (a hook's or a source's whole history).
        let lookups: [(String, StatementArguments, String)] = [
            (
                "SELECT id FROM event WHERE mnsMessageId = ? AND messageId IS NULL", ["M"],
                "event_mnsMessageId_undecoded"
            ),
            ("SELECT id FROM event WHERE messageId = ? AND source = ?", ["E", "acs.imm"], "event_messageId_source"),
            (SQLiteStore.facesOfTaskSQL, ["T"], "face_eventId"),
            (SQLiteStore.facesOfURISQL, ["oss://b/a.jpg", 9, 51], "face_uri"),
            // The lookup SQLite's foreign key check runs for each deleted event (the retention sweep).
            ("SELECT 1 FROM task WHERE resultEventId = ?", [7], "task_resultEventId"),
            (
                "SELECT id FROM event WHERE messageId = ? AND +correlatedTaskId IS NULL ORDER BY id", ["E"],
                "event_messageId_source"
            ),
            ("SELECT * FROM event WHERE correlatedTaskId = ? ORDER BY id", ["T"], "event_correlatedTaskId"),
            (
                "SELECT 1 FROM event WHERE source = ? AND messageId = ? AND id <> ?", ["acs.imm", "E", 1],
                "event_messageId_source"
            ),
            (
                """
                SELECT 1 FROM delivery JOIN event ON event.id = delivery.eventId
                WHERE +delivery.hookId = ? AND delivery.taskId = ? AND delivery.status = 'delivered'
                    AND event.status IN ('Succeeded', 'Failed') LIMIT 1
                """, [1, "T"], "delivery_taskId"
            ),
            (
                "SELECT * FROM delivery WHERE hookId = ? AND id < ? ORDER BY id DESC LIMIT 50", [1, 9],
                "delivery_hookId"
            ),
            ("SELECT * FROM delivery WHERE taskId = ? ORDER BY id DESC LIMIT 500", ["T"], "delivery_taskId"),
            (
                """
                SELECT hookId, status, COUNT(*) AS n, MIN(createdAt) AS oldest FROM delivery
                WHERE status IN ('pending', 'failed', 'in_flight', 'paused', 'dead') GROUP BY hookId, status
                """, [], "delivery_status"
            ),
            // Settling a hook reads exactly the deliveries it moves, never another hook's.
            (SQLiteStore.settleSQL(enabled: true), [1, 2_000], "delivery_paused"),
            (SQLiteStore.settleSQL(enabled: false), [1, 2_000], "delivery_hookDue"),
        ]
        for (sql, arguments, index) in lookups {
            let plan = try await store.queryPlan(sql, arguments: arguments).joined(separator: " | ")
            #expect(plan.contains("INDEX \(index) "), "\(sql): \(plan)")
            #expect(
                !["SCAN event", "SCAN delivery", "SCAN face", "SCAN task"].contains { plan.contains($0) },
                "\(sql): \(plan)")
            if sql == SQLiteStore.facesOfURISQL {
                // A page of a popular image's faces is read in index order, not all of them sorted.
                #expect(!plan.contains("TEMP B-TREE"), "\(sql): \(plan)")
            }
        }
        // The retention sweep walks the events by id from its cursor and checks each through an
        // index: never a list of every task's result event, never a scan.
        let sweep = try await store.queryPlan(SQLiteStore.purgeableEventsSQL, arguments: [1, 1, 0, 500]).joined(
            separator: " | ")
        for index in [
            "SEARCH event USING INTEGER PRIMARY KEY (rowid>?)", "INDEX task_resultEventId (resultEventId=?)",
            "INDEX face_eventId (eventId=?)", "INDEX delivery_event (eventId=?)",
        ] {
            #expect(sweep.contains(index), "\(sweep)")
        }
        #expect(!sweep.contains("LIST SUBQUERY") && !sweep.contains("SCAN"), "\(sweep)")
        // The claim walks the partial indexes of due and expired deliveries (in order, stopping at
        // the limit), never delivery_status (every pending delivery, then a sort), and checks for
        // an earlier unfinished delivery of the same task through delivery_taskId.
        let claim = try await store.queryPlan(SQLiteStore.claimSQL, arguments: [1, 0, 4, 1, 0, 1]).joined(
            separator: " | ")
        for index in [
            "delivery_hookDue (hookId=? AND nextAttemptAt<?)", "delivery_inFlight (lockedUntil<?)",
            "delivery_taskId (taskId=?",
        ] {
            #expect(claim.contains("INDEX \(index)"), "\(claim)")
        }
        #expect(!claim.contains("delivery_status") && !claim.contains("SCAN delivery"), "\(claim)")
    }
}
