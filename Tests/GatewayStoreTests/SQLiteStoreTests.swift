import Foundation
import GRDB
import GatewayCore
import GatewayStore
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("SQLite store")
struct SQLiteStoreTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("imm-store-\(UUID()).sqlite").path
    }

    private func record(messageId: String?, envelopeId: String?, taskId: String = "T-1") -> NotificationRecord {
        let request = CapturedRequest(
            method: "POST", target: "/notifications", headers: [.init(name: "Date", value: "x")], body: Array("b".utf8))
        return NotificationRecord(
            receivedAt: Date(timeIntervalSince1970: 1_800_000_000), channel: .mns, mnsMessageId: messageId,
            request: request,
            evidence: VerificationEvidence(
                method: "mns-rsa-sha1", certificateURL: nil, certificateFingerprint: nil, format: "xml"),
            decoded: DecodedNotification(
                source: "acs.imm", messageId: envelopeId, type: "imm:Task:FacesSearching", state: .undecodable))
    }

    @Test("a file database runs WAL with synchronous=FULL by default, NORMAL on request")
    func durability() async throws {
        let full = try SQLiteStore(path: temporaryPath())
        #expect(try await full.synchronousMode() == 2)
        let normal = try SQLiteStore(path: temporaryPath(), durability: .normal)
        #expect(try await normal.synchronousMode() == 1)
        // Delivery bookkeeping commits without a disk sync, then the writer is FULL again.
        _ = try await full.claimDueDeliveries(at: Date(), limit: 10, lease: 30, inFlight: [:])
        try await full.finishAll([])
        #expect(try await full.synchronousMode() == 2)
        #expect(
            try await full.appliedMigrations() == [
                "v1-ingest", "v2-tasks", "v3-deliveries", "v4-submission-wait", "v5-ed25519", "v6-replays",
                "v7-fewer-random-indexes", "v8-sequential-face-index", "v9-due-per-hook",
                "v10-envelope-id-not-unique", "v11-replay-ceiling", "v12-face-uri-by-id",
                "v13-redriven", "v14-face-task-key-unenforced", "v15-task-resultEventId", "v16-delivery-paused",
                "v17-event-joined-elsewhere", "v18-event-revision",
            ])
    }

    @Test(
        "dedup keys: (source, envelope id), then the MNS MessageId of an undecodable push; a batch sees its own earlier writes"
    )
    func dedup() async throws {
        let store = try SQLiteStore()
        let results = try await store.commit([
            .notification(record(messageId: "M1", envelopeId: "E1")),
            .notification(record(messageId: "M1", envelopeId: "E9")),
            .notification(record(messageId: "M2", envelopeId: "E1")),
            .notification(record(messageId: "M3", envelopeId: nil)),
            .notification(record(messageId: nil, envelopeId: "E4")),
            .notification(record(messageId: nil, envelopeId: "E4")),
            .notification(record(messageId: "M3", envelopeId: nil)),
            .notification(record(messageId: "M1", envelopeId: nil)),
        ])
        // A redelivered push repeats its body, so its envelope id: that is the key. The MNS
        // MessageId is one only when the envelope has no id (M1 with another envelope id is
        // another message; M1 without one is not the stored E1).
        #expect(
            results == [
                .stored(eventId: 1), .stored(eventId: 2), .duplicate(eventId: 1), .stored(eventId: 3),
                .stored(eventId: 4), .duplicate(eventId: 4), .duplicate(eventId: 3), .stored(eventId: 5),
            ])
        let event = try #require(try await store.event(id: 1))
        #expect(event.duplicateCount == 1)
        #expect(event.request.body == Array("b".utf8))
        #expect(event.request.headers == [.init(name: "Date", value: "x")])
    }

    @Test("a write that fails in a batch fails alone: the others commit and report their own result")
    func batchFailureIsolation() async throws {
        let path = temporaryPath()
        let store = try SQLiteStore(path: path)
        // A trigger makes one specific insert fail inside the batch transaction.
        let side = try DatabaseQueue(path: path)
        try await side.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER poison BEFORE INSERT ON event WHEN NEW.messageId = 'POISON'
                    BEGIN SELECT RAISE(ABORT, 'poisoned'); END
                    """)
        }
        try side.close()
        let results = try await store.commit([
            .notification(record(messageId: "M1", envelopeId: "E1")),
            .notification(record(messageId: "M2", envelopeId: "POISON")),
            .notification(record(messageId: "M3", envelopeId: "E3")),
        ])
        #expect(results.count == 3)
        #expect(results[0] == .stored(eventId: 1))
        guard case .failed(let reason) = results[1] else {
            Issue.record("the poisoned write should fail, got \(results[1])")
            return
        }
        #expect(reason.contains("poisoned"))
        #expect(results[2] == .stored(eventId: 2))
        #expect(try await store.events(limit: 10, before: nil).items.map(\.decoded.messageId) == ["E3", "E1"])
    }

    @Test("a claim hands out due deliveries oldest first up to its limit, one at a time per task, and leases them")
    func claimOrderLimitAndLease() async throws {
        let store = try SQLiteStore(path: temporaryPath())
        let hook = try await store.createHook(
            Hook(name: "h", url: "https://x.example", maxInFlight: 100),
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            at: Date(timeIntervalSince1970: 1_799_999_000))
        // Six events of tasks A, B, A, C, D, E: A's second one waits for its first.
        var writes: [IngestWrite] = []
        for (index, task) in ["A", "B", "A", "C", "D", "E"].enumerated() {
            var write = record(messageId: "M\(index)", envelopeId: "E\(index)")
            write.decoded = DecodedNotification(
                source: "acs.imm", messageId: "E\(index)", type: "imm:Task:FacesSearching",
                content: IMMTaskContent(json: .object(["TaskId": .string(task), "Status": .string("Running")])),
                contentText: #"{"TaskId":"\#(task)","Status":"Running"}"#, state: .decoded)
            write.receivedAt = write.receivedAt.addingTimeInterval(Double(index))
            writes.append(.notification(write))
        }
        _ = try await store.commit(writes)
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        func taskIds(_ claimed: [ClaimedDelivery]) -> [String?] { claimed.map(\.delivery.taskId) }
        let first = try await store.claimDueDeliveries(at: now, limit: 3, lease: 60, inFlight: [:])
        #expect(taskIds(first) == ["A", "B", "C"])
        #expect(first.allSatisfy { $0.hook.id == hook.id && $0.delivery.status == .inFlight })
        #expect(first.first?.event.decoded.content?.taskId == "A", "the stored content is parsed for the payload")
        // The rest, but not A's second delivery while its first is in flight.
        let second = try await store.claimDueDeliveries(at: now, limit: 10, lease: 60, inFlight: [hook.id: 3])
        #expect(taskIds(second) == ["D", "E"])
        #expect(try await store.claimDueDeliveries(at: now, limit: 10, lease: 60, inFlight: [hook.id: 5]).isEmpty)
        // The leases lapse (a killed process): the first claim's deliveries are due again, in order.
        let later = now.addingTimeInterval(3600)
        let again = try await store.claimDueDeliveries(at: later, limit: 2, lease: 60, inFlight: [:])
        #expect(again.map(\.delivery.id) == first.prefix(2).map(\.delivery.id))
    }

    @Test("a hook's backlog never hides another hook's deliveries: each takes its own free slots")
    func claimPerHook() async throws {
        let store = try SQLiteStore(path: temporaryPath())
        let secret = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
        let created = Date(timeIntervalSince1970: 1_799_999_000)
        let slow = try await store.createHook(
            Hook(name: "slow", url: "https://slow.example", maxInFlight: 2), secrets: secret, at: created)
        func events(_ range: Range<Int>) -> [IngestWrite] {
            range.map { index in
                var write = record(messageId: "M\(index)", envelopeId: "E\(index)")
                write.receivedAt = write.receivedAt.addingTimeInterval(Double(index))
                return .notification(write)
            }
        }
        // Forty deliveries for the slow hook come due first, then one event for both hooks.
        _ = try await store.commit(events(0..<40))
        let fast = try await store.createHook(
            Hook(name: "fast", url: "https://fast.example", maxInFlight: 8), secrets: secret, at: created)
        _ = try await store.commit(events(40..<41))
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        let claimed = try await store.claimDueDeliveries(at: now, limit: 4, lease: 60, inFlight: [:])
        #expect(claimed.filter { $0.hook.id == slow.id }.count == 2, "the slow hook gets its own two slots")
        #expect(claimed.filter { $0.hook.id == fast.id }.map(\.event.decoded.messageId) == ["E40"])
        // The slow hook is full: the next claim finds nothing for it.
        #expect(
            try await store.claimDueDeliveries(at: now, limit: 4, lease: 60, inFlight: [slow.id: 2, fast.id: 1]).isEmpty
        )
        // The global limit keeps the oldest due across hooks.
        let oldest = try await store.claimDueDeliveries(at: now, limit: 1, lease: 60, inFlight: [:])
        #expect(oldest.map(\.hook.id) == [slow.id])
    }

    @Test("a delivery whose stored content cannot be read is dead-lettered with the reason, not retried in silence")
    func unreadableClaim() async throws {
        let path = temporaryPath()
        let store = try SQLiteStore(path: path)
        _ = try await store.createHook(
            Hook(name: "h", url: "https://x.example", maxInFlight: 8),
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            at: Date(timeIntervalSince1970: 1_799_999_000))
        _ = try await store.commit([
            .notification(record(messageId: "M1", envelopeId: "E1")),
            .notification(record(messageId: "M2", envelopeId: "E2", taskId: "T-2")),
        ])
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE event SET parsedContent = 'not json' WHERE messageId = 'E1'")
        }
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        let claimed = try await store.claimDueDeliveries(at: now, limit: 8, lease: 60, inFlight: [:])
        #expect(claimed.map(\.event.decoded.messageId) == ["E2"], "the readable one still goes")
        let dead = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT status, lastError, lockedUntil FROM delivery WHERE status = 'dead'")
        }
        #expect(dead.count == 1)
        #expect((dead.first?["lastError"] as String?)?.contains("cannot be read") == true)
        #expect(dead.first?["lockedUntil"] == DatabaseValue.null)
        // Once every lease has ended, only the readable one is claimed again; the dead one stays dead.
        let later = try await store.claimDueDeliveries(
            at: now.addingTimeInterval(3600), limit: 8, lease: 60, inFlight: [:])
        #expect(later.map(\.event.decoded.messageId) == ["E2"])
    }

    @Test("finishes in one batch leave the hook as if applied in turn; a finish for a deleted delivery is a no-op")
    func finishBatchOrder() async throws {
        let store = try SQLiteStore(path: temporaryPath())
        _ = try await store.createHook(
            Hook(name: "h", url: "https://x.example", maxInFlight: 100),
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            at: Date(timeIntervalSince1970: 1_799_999_000))
        _ = try await store.commit(
            (0..<4).map { .notification(record(messageId: "M\($0)", envelopeId: "E\($0)")) })
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        let ids = try await store.claimDueDeliveries(at: now, limit: 10, lease: 60, inFlight: [:]).map(\.delivery.id)
        #expect(ids.count == 4)
        func attempt(_ status: Int) -> DeliveryAttempt {
            DeliveryAttempt(startedAt: now, durationMs: 3, statusCode: status, responseBody: [], error: nil)
        }
        func at(_ seconds: Double) -> Date { now.addingTimeInterval(seconds) }
        // Two successes, then a failure: the hook is failing since the failure.
        try await store.finishAll([
            DeliveryFinish(deliveryId: ids[0], attempt: attempt(200), outcome: .delivered, at: at(1)),
            DeliveryFinish(deliveryId: ids[1], attempt: attempt(200), outcome: .delivered, at: at(2)),
            DeliveryFinish(deliveryId: ids[2], attempt: attempt(500), outcome: .retry(at: at(60)), at: at(3)),
        ])
        var stored = try #require(try await store.hook(named: "h"))
        #expect(stored.lastSuccessAt == at(2))
        #expect(stored.failingSince == at(3))
        // A success after the failure clears it; a finish for a delivery that is gone changes nothing.
        try await store.finishAll([
            DeliveryFinish(deliveryId: 9_999, attempt: attempt(200), outcome: .delivered, at: at(4)),
            DeliveryFinish(deliveryId: ids[3], attempt: attempt(204), outcome: .delivered, at: at(5)),
        ])
        stored = try #require(try await store.hook(named: "h"))
        #expect(stored.lastSuccessAt == at(5))
        #expect(stored.failingSince == nil)
        let (delivered, attempts) = try #require(try await store.delivery(id: ids[3]))
        #expect(delivered.status == .delivered && delivered.attempts == 1 && attempts.map(\.statusCode) == [204])
        let (failed, _) = try #require(try await store.delivery(id: ids[2]))
        #expect(failed.status == .failed && failed.nextAttemptAt == at(60) && failed.lastStatusCode == 500)
        #expect(try await store.delivery(id: 9_999) == nil)
    }

    // A lease counted from the claim can expire while its attempt still waits (a hook's rate, DNS);
    // the delivery was claimed again, and both finishes applied: a late retry or dead overwrote
    // delivered, and attempts were counted twice.
    @Test("a finish under a lease that was taken over changes nothing; a renewal needs the lease it renews")
    func leaseTakenOver() async throws {
        let store = try SQLiteStore(path: temporaryPath())
        _ = try await store.createHook(
            Hook(name: "h", url: "https://x.example", timeoutSeconds: 5, maxInFlight: 100),
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], at: Date(timeIntervalSince1970: 1_799_999_000))
        _ = try await store.commit([.notification(record(messageId: "M", envelopeId: "E"))])
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        let first = try #require(try await store.claimDueDeliveries(at: now, limit: 1, lease: 0, inFlight: [:]).first)
        let late = now.addingTimeInterval(11)
        let second = try #require(try await store.claimDueDeliveries(at: late, limit: 1, lease: 0, inFlight: [:]).first)
        #expect(second.delivery.id == first.delivery.id)
        let firstLease = try #require(first.lease)
        #expect(firstLease != second.lease)
        #expect(try await store.renewLease(deliveryId: first.delivery.id, lease: firstLease, until: late) == nil)
        let attempt = DeliveryAttempt(startedAt: late, durationMs: 3, statusCode: 200, responseBody: [], error: nil)
        try await store.finishAll([
            DeliveryFinish(
                deliveryId: second.delivery.id, attempt: attempt, outcome: .delivered, at: late, lease: second.lease)
        ])
        let failure = DeliveryAttempt(startedAt: late, durationMs: 3, statusCode: 500, responseBody: [], error: nil)
        try await store.finishAll([
            DeliveryFinish(
                deliveryId: first.delivery.id, attempt: failure, outcome: .dead, at: late.addingTimeInterval(1),
                lease: first.lease)
        ])
        let (stored, attempts) = try #require(try await store.delivery(id: first.delivery.id))
        #expect(stored.status == .delivered)
        #expect(stored.attempts == 1)
        #expect(attempts.map(\.statusCode) == [200])
    }

    @Test("the background checkpointer copies the whole log while commits no longer checkpoint")
    func backgroundCheckpoint() async throws {
        let store = try SQLiteStore(path: temporaryPath())
        let checkpointer = try #require(try await Checkpointer(store: store))
        // Well past the 1,000 pages at which a commit would otherwise checkpoint by itself.
        let big = CapturedRequest(method: "POST", target: "/n", headers: [], body: Array(repeating: 65, count: 16_384))
        for batch in 0..<20 {
            _ = try await store.commit(
                (0..<20).map { index in
                    var write = record(messageId: "M\(batch)-\(index)", envelopeId: nil)
                    write.request = big
                    return .notification(write)
                })
        }
        let first = try await checkpointer.checkpoint(restartPages: .max)
        #expect(first.logPages > 1_000, "commits left the log to the checkpointer: \(first)")
        #expect(first.copiedPages == first.logPages)
        // Past the restart threshold, the next commit begins the log again: it shrinks to that commit.
        try await checkpointer.checkpoint(restartPages: 0)
        _ = try await store.commit([.notification(record(messageId: "after-restart", envelopeId: nil))])
        let restarted = try await checkpointer.checkpoint(restartPages: .max)
        #expect(restarted.logPages < 100, "the log started over: \(restarted)")
        try await checkpointer.stop()
        #expect(try await store.event(id: 1)?.request.body.count == 16_384)
        #expect(try await store.events(limit: 500, before: nil).items.count == 401)
        #expect(try await Checkpointer(store: try SQLiteStore()) == nil, "an in-memory store has no log")
    }

    @Test("a restart that meets a long reader gives up within milliseconds and never holds commits back")
    func restartYieldsToReaders() async throws {
        let path = temporaryPath()
        let store = try SQLiteStore(path: path)
        let checkpointer = try #require(try await Checkpointer(store: store))
        _ = try await store.commit([.notification(record(messageId: "before", envelopeId: nil))])
        // A reader (a backup, say) keeps a snapshot that lives in the log.
        let reader = try DatabaseQueue(path: path)
        let release = AsyncStream<Void>.makeStream()
        let reading = Task {
            try await reader.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event")
                let done = DispatchSemaphore(value: 0)
                Task {
                    for await _ in release.stream {}
                    done.signal()
                }
                done.wait()
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        _ = try await store.commit([.notification(record(messageId: "during", envelopeId: nil))])
        let clock = ContinuousClock()
        let restartTook = try await clock.measure { try await checkpointer.checkpoint(restartPages: 0) }
        // The writer's own busy timeout is 5 s; the restart waits for readers at most 2 ms. The bound
        // sits well under the busy timeout but far above 2 ms: a full parallel test run on two
        // cores can hold this task off the CPU for a second or more.
        let bound = Duration.seconds(3)
        #expect(restartTook < bound, "the restart waited \(restartTook) for the reader")
        let commitTook = try await clock.measure {
            _ = try await store.commit([.notification(record(messageId: "after", envelopeId: nil))])
        }
        #expect(commitTook < bound)
        release.continuation.finish()
        try await reading.value
        try await checkpointer.stop()
        #expect(try await store.events(limit: 10, before: nil).items.count == 3)
    }

    @Test("events and rejections page newest first without gaps or repeats")
    func paging() async throws {
        let store = try SQLiteStore()
        _ = try await store.commit((1...7).map { .notification(record(messageId: "M\($0)", envelopeId: nil)) })
        var seen: [Int64] = []
        var cursor: Int64?
        repeat {
            let page = try await store.events(limit: 3, before: cursor)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == [7, 6, 5, 4, 3, 2, 1])
    }

    @Test("rejections keep the truncated body and the original size")
    func rejection() async throws {
        let store = try SQLiteStore()
        let request = CapturedRequest(method: "POST", target: "/n", headers: [], body: Array(repeating: 65, count: 500))
        let record = RejectionRecord(
            receivedAt: Date(), channel: .mns, error: IngestError(.badSignature, "nope"), request: request,
            bodyLimit: 100)
        #expect(try await store.commit([.rejection(record)]) == [.recorded])
        let stored = try #require(try await store.rejections(limit: 10, before: nil).items.first)
        #expect(stored.record.request.body.count == 100)
        #expect(stored.record.bodySize == 500)
        #expect(stored.record.reason == "bad_signature")
        #expect(stored.record.httpStatus == 403)
    }

    @Test("certificates persist across reopening the file")
    func certificates() async throws {
        let path = temporaryPath()
        let pem = try Fixtures.testCertificatePEM()
        try await SQLiteStore(path: path).saveCertificate(url: "https://x/c.pem", pem: pem, fingerprint: "f")
        #expect(try await SQLiteStore(path: path).loadCertificate(url: "https://x/c.pem") == pem)
        #expect(try await SQLiteStore(path: path).loadCertificate(url: "https://x/other.pem") == nil)
    }
}
