import Foundation
import GRDB
import GatewayCore
import GatewayServer
import GatewayStore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IMMNotify
import NIOCore
import Testing

@Suite("Replay, reprocess, backup, retention, status", .serialized)
struct OperationsTests {
    /// A gateway with two hooks on one receiver and `count` stored face-search events.
    private func seeded(
        _ receiver: RecordingReceiver, count: Int, clock: ManualClock = ManualClock(Fixtures.fixtureDate)
    )
        async throws -> Gateway
    {
        var config = try TestGateway.config(hooks: [])
        config.hooks = [
            receiver.hook("a"),
            HookSpec(
                name: "b", url: receiver.url, secrets: [DeliveryTests.secret], filter: HookFilter(status: ["failed"])),
        ]
        let gateway = try await TestGateway.make(config, clock: clock)
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        for index in 0..<count {
            let push = try MNSPushBuilder(
                format: .simplified, taskId: "T-\(index)", status: index % 2 == 0 ? "Succeeded" : "Failed",
                date: Fixtures.fixtureDate, signingKey: key
            ).build()
            _ = await gateway.ingestor.ingestMNS(push)
            clock.advance(by: 1)
        }
        while try await gateway.dispatcher.runOnce() > 0 {}
        return gateway
    }

    @Test("replay one event to one hook and to all matching hooks, with the original webhook-id")
    func replayOne() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let gateway = try await seeded(receiver, count: 2)
            let before = receiver.received.count
            #expect(before == 3, "event 1 → a; event 2 → a and b")
            try await gateway.adminApplication.test(.router) { client in
                let (status, body) = try await client.send(.post, "/v1/events/2/replay", #"{"hook":"a"}"#)
                #expect(status == .accepted)
                #expect(body["deliveries"]?.intValue == 1)
                #expect(try await client.send(.post, "/v1/events/2/replay").1["deliveries"]?.intValue == 2)
                #expect(try await client.send(.post, "/v1/events/99/replay").0 == .notFound)
                #expect(try await client.send(.post, "/v1/events/2/replay", #"{"hook":"nope"}"#).0 == .notFound)
                // A field of the wrong JSON type is refused, never read some other way: `{}` used to
                // mean "no hook" (every hook), and "true" a real replay where a dry run was asked for.
                let wrong = [
                    ("/v1/events/2/replay", #"{"hook":{}}"#, "hook"),
                    ("/v1/replays", #"{"hook":"a","dry_run":"true"}"#, "dry_run"),
                    ("/v1/replays", #"{"hook":"a","rate_per_second":"5"}"#, "rate_per_second"),
                    // Out of range: 1e19 per second overflowed the batch size and trapped the
                    // gateway on every start while the replay stayed running.
                    ("/v1/replays", #"{"hook":"a","rate_per_second":1e19}"#, "rate_per_second"),
                    ("/v1/replays", #"{"hook":"a","rate_per_second":0}"#, "rate_per_second"),
                    ("/v1/replays", #"{"hook":"a","since":"garbage"}"#, "since"),
                    ("/v1/replays", #"{"since":"2026-11-02T00:00:00Z","until":"2026-11-01T00:00:00Z"}"#, "until"),
                    ("/v1/events/reprocess", #"{"replay":1}"#, "replay"),
                    ("/v1/backup", #"{"path":7}"#, "path"),
                ]
                for (path, body, field) in wrong {
                    let (status, answer) = try await client.send(.post, path, body)
                    #expect(status == .badRequest, "\(path) \(body)")
                    #expect(answer["error"]?["code"]?.stringValue == "invalid_request")
                    #expect(answer["error"]?["message"]?.stringValue?.hasPrefix(field) == true, "\(answer)")
                }
            }
            while try await gateway.dispatcher.runOnce() > 0 {}
            let replayed = receiver.received.dropFirst(before)
            #expect(replayed.count == 3)
            #expect(Set(replayed.compactMap { $0.headers["webhook-id"] }) == ["msg_2_1", "msg_2_2"])
        }
    }

    @Test("bulk replay by each filter; dry run changes nothing")
    func bulkFilters() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let gateway = try await seeded(receiver, count: 6)
            let cases: [(String, Int)] = [
                (#"{}"#, 6), (#"{"status":"failed"}"#, 3), (#"{"task_ids":["T-0","T-5"]}"#, 2),
                (#"{"project":"photos-prod"}"#, 6), (#"{"dataset":"other"}"#, 0), (#"{"hook":"b"}"#, 6),
                (#"{"since":"2026-11-25T05:00:02Z","until":"2026-11-25T05:00:04Z"}"#, 2),
                (#"{"delivery_status":"delivered","hook":"b"}"#, 3),
            ]
            _ = try await gateway.store.recordSubmission(
                Submission(taskId: "T-1", labels: ["tenant": "acme"]), at: Date())
            try await gateway.adminApplication.test(.router) { client in
                for (filter, expected) in cases {
                    var dry = filter
                    dry.removeLast()
                    dry += (filter == "{}" ? "" : ",") + #""dry_run":true}"#
                    let (status, body) = try await client.send(.post, "/v1/replays", dry)
                    #expect(status == .ok, "\(filter)")
                    #expect(body["matched"]?.intValue == expected, "\(filter): \(body)")
                }
                let (_, label) = try await client.send(.post, "/v1/replays", #"{"label":"tenant=acme","dry_run":true}"#)
                #expect(label["matched"]?.intValue == 1)
                #expect(label["sample"]?.arrayValue?.first?["task_id"]?.stringValue == "T-1")
                #expect(try await client.send(.post, "/v1/replays", #"{"colour":"red"}"#).0 == .badRequest)
                #expect(try await client.send(.post, "/v1/replays", #"{"since":"yesterday"}"#).0 == .badRequest)
            }
            #expect(try await gateway.store.replays(limit: 10, before: nil).items.isEmpty, "dry runs store nothing")
            let deliveries = try await gateway.store.deliveries(filter: .init(), limit: 100, before: nil).items.count
            #expect(deliveries == 9)

            let before = receiver.received.count
            try await gateway.adminApplication.test(.router) { client in
                let (status, job) = try await client.send(
                    .post, "/v1/replays", #"{"status":"failed","hook":"a","requested_by":"ops@example"}"#)
                #expect(status == .accepted)
                #expect(job["state"]?.stringValue == "running")
                #expect(job["requested_by"]?.stringValue == "ops@example")
            }
            while try await gateway.replays.step() > 0 {}
            while try await gateway.dispatcher.runOnce() > 0 {}
            #expect(receiver.received.count - before == 3)
            let job = try #require(try await gateway.store.replays(limit: 1, before: nil).items.first)
            #expect(job.state == .completed)
            #expect(job.matched == 3)
            #expect(job.enqueued == 3)
            #expect(job.delivered == 3)
        }
    }

    @Test("dead letters are redriven to the hook that lost them")
    func redrive() async throws {
        let receiver = RecordingReceiver()
        receiver.script([], fallback: .init(status: .internalServerError))
        let clock = ManualClock(Fixtures.fixtureDate)
        try await receiver.serve {
            var config = try TestGateway.config(hooks: [])
            var spec = receiver.hook("flaky")
            spec.retrySchedule = [1]
            config.hooks = [spec]
            let gateway = try await TestGateway.make(config, clock: clock)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            try await gateway.dispatcher.runOnce()
            clock.advance(by: 2)
            try await gateway.dispatcher.runOnce()
            #expect(
                try await gateway.store.deliveries(filter: .init(status: .dead), limit: 10, before: nil).items.count
                    == 1)
            receiver.script([], fallback: .init())
            _ = try await gateway.store.createReplay(
                ReplayFilter(deliveryStatus: .dead), ratePerSecond: nil, requestedBy: "test", at: clock.now())
            while try await gateway.replays.step() > 0 {}
            try await gateway.dispatcher.runOnce()
            let statuses = try await gateway.store.deliveries(filter: .init(), limit: 10, before: nil).items.map(
                \.status)
            #expect(statuses == [.delivered, .redriven])
            // The dead delivery was redriven: it is no longer listed or counted as dead, and a
            // second redrive finds nothing, instead of sending it again.
            #expect(
                try await gateway.store.deliveries(filter: .init(status: .dead), limit: 10, before: nil).items.isEmpty)
            #expect(try await gateway.store.statusSummary(at: clock.now()).hooks.map(\.dead) == [0])
            let again = try await gateway.store.createReplay(
                ReplayFilter(deliveryStatus: .dead), ratePerSecond: nil, requestedBy: "test", at: clock.now())
            while try await gateway.replays.step() > 0 {}
            #expect(try await gateway.store.replay(id: again.id)?.enqueued == 0)
            #expect(try await gateway.store.deliveries(filter: .init(), limit: 10, before: nil).items.count == 2)
        }
    }

    @Test("a bulk replay covers the events stored when it was asked for, not those that arrive meanwhile")
    func replayCeiling() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let gateway = try await seeded(receiver, count: 4)
            let replay = try await gateway.store.createReplay(
                ReplayFilter(hook: "a"), ratePerSecond: 1, requestedBy: "t", at: Date())
            try await gateway.replays.step()
            let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
            for index in 0..<3 {
                let push = try MNSPushBuilder(
                    format: .simplified, taskId: "T-late-\(index)", date: Fixtures.fixtureDate, signingKey: key
                ).build()
                _ = await gateway.ingestor.ingestMNS(push)
            }
            while try await gateway.replays.step() > 0 {}
            let done = try #require(try await gateway.store.replay(id: replay.id))
            #expect(done.state == .completed)
            #expect(done.matched == 4)
            #expect(done.enqueued == 4)
        }
    }

    @Test("a replay whose hook was removed stops with the reason; later replays still advance")
    func replayOfRemovedHook() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let gateway = try await seeded(receiver, count: 3)
            let orphan = try await gateway.store.createReplay(
                ReplayFilter(hook: "b"), ratePerSecond: 1, requestedBy: "t", at: Date())
            let other = try await gateway.store.createReplay(
                ReplayFilter(hook: "a"), ratePerSecond: nil, requestedBy: "t", at: Date())
            try await gateway.store.deleteHook(named: "b")
            while try await gateway.replays.step() > 0 {}
            let stopped = try #require(try await gateway.store.replay(id: orphan.id))
            #expect(stopped.state == .cancelled)
            #expect(stopped.stopReason?.contains("'b'") == true, "\(stopped.stopReason ?? "")")
            #expect(stopped.finishedAt != nil)
            #expect(try await gateway.store.replay(id: other.id)?.state == .completed)
            #expect(try await gateway.store.replay(id: other.id)?.enqueued == 3)
        }
    }

    @Test("a rate under one per tick runs at that rate; a stored out-of-range rate is clamped, never a trap")
    func fractionalAndStoredRates() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let gateway = try await seeded(receiver, count: 4)
            let slow = try await gateway.store.createReplay(
                ReplayFilter(hook: "a"), ratePerSecond: 0.5, requestedBy: "t", at: Date())
            try await gateway.replays.step()
            #expect(try await gateway.store.replay(id: slow.id)?.enqueued == 0, "half an event due after one tick")
            try await gateway.replays.step()
            #expect(try await gateway.store.replay(id: slow.id)?.enqueued == 1)
            _ = try await gateway.store.cancelReplay(id: slow.id, at: Date())
            // Stored by an older version that did not bound the rate.
            let huge = try await gateway.store.createReplay(
                ReplayFilter(hook: "a"), ratePerSecond: 1e19, requestedBy: "t", at: Date())
            while try await gateway.replays.step() > 0 {}
            #expect(try await gateway.store.replay(id: huge.id)?.enqueued == 4)
        }
    }

    @Test("cancel stops a replay mid-way; a restart resumes a running one without repeats or gaps")
    func cancelAndResume() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let gateway = try await seeded(receiver, count: 10)
            let replay = try await gateway.store.createReplay(
                ReplayFilter(hook: "a"), ratePerSecond: 3, requestedBy: "t", at: Date())
            try await gateway.replays.step()
            let cancelled = try await gateway.store.cancelReplay(id: replay.id, at: Date())
            #expect(cancelled.state == .cancelled)
            #expect(cancelled.enqueued == 3)
            try await gateway.replays.step()
            #expect(try await gateway.store.replay(id: replay.id)?.enqueued == 3)

            let resumable = try await gateway.store.createReplay(
                ReplayFilter(hook: "a"), ratePerSecond: 4, requestedBy: "t", at: Date())
            try await gateway.replays.step()
            // A new process on the same database picks the running replay up where it stopped.
            var config = gateway.config
            config.hooks = []
            let restarted = try await TestGateway.make(config)
            while try await restarted.replays.step() > 0 {}
            let done = try #require(try await restarted.store.replay(id: resumable.id))
            #expect(done.state == .completed)
            #expect(done.matched == 10)
            #expect(done.enqueued == 10)
            let tagged = try await restarted.store.deliveries(filter: .init(hook: "a"), limit: 100, before: nil).items
            let eventIds = tagged.filter { $0.id > 0 }.map(\.eventId)
            #expect(eventIds.count == 10 + 3 + 10, "10 original, 3 from the cancelled replay, 10 from the resumed one")
            #expect(Set(eventIds.suffix(10)).count == 10, "the resumed replay enqueued each event once")
        }
    }

    @Test("reprocess turns a stored undecodable event into a correlated task, and can fan it out")
    func reprocess() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            var config = try TestGateway.config(hooks: [])
            config.hooks = [
                HookSpec(
                    name: "a", url: receiver.url, secrets: [DeliveryTests.secret],
                    filter: HookFilter(status: ["succeeded"]))
            ]
            let gateway = try await TestGateway.make(config)
            // As an older gateway would have stored it: authentic, raw bytes kept, content not understood.
            let fixture = try Fixtures.request("succeeded-xml")
            let record = NotificationRecord(
                receivedAt: Fixtures.fixtureDate, channel: .mns, mnsMessageId: "A3207B84B43A46AA9B5E05AC2A8B3540",
                request: fixture,
                evidence: VerificationEvidence(
                    method: "mns-rsa-sha1", certificateURL: nil, certificateFingerprint: nil, format: "xml"),
                decoded: DecodedNotification(state: .undecodable, decodeError: "unknown shape"))
            _ = try await gateway.store.commit([.notification(record)])
            #expect(try await gateway.store.task(taskId: "CreateFacesSearchingTask-0001") == nil)
            #expect(try await gateway.store.deliveries(filter: .init(), limit: 10, before: nil).items.isEmpty)
            try await gateway.adminApplication.test(.router) { client in
                let (status, result) = try await client.send(.post, "/v1/events/reprocess", #"{"replay":true}"#)
                #expect(status == .ok)
                #expect(result["changed"]?.intValue == 1)
                #expect(result["deliveries"]?.intValue == 1)
            }
            let task = try #require(try await gateway.store.task(taskId: "CreateFacesSearchingTask-0001"))
            #expect(task.state == .unmatched)
            #expect(try await gateway.store.faces(taskId: "CreateFacesSearchingTask-0001").count == 5)
            #expect(try await gateway.store.event(id: 1)?.decoded.state == .decoded)
            #expect(try await gateway.store.event(id: 1)?.request == fixture)
            try await gateway.dispatcher.runOnce()
            #expect(receiver.received.count == 1)
        }
    }

    @Test("reprocess of an event already joined by EventId folds its results into that task, under a new webhook-id")
    func reprocessJoinedEvent() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let gateway = try await TestGateway.make(try TestGateway.config(hooks: [receiver.hook("all")]))
            let now = Fixtures.fixtureDate
            _ = try await gateway.store.recordSubmission(
                Submission(taskId: "MINE", eventId: "0ED-fixture0001"), at: now)
            // Stored by an older version: the envelope id was read (so it joined MINE), the content not.
            let record = NotificationRecord(
                receivedAt: now, channel: .mns, mnsMessageId: "A3207B84B43A46AA9B5E05AC2A8B3540",
                request: try Fixtures.request("succeeded-xml"),
                evidence: VerificationEvidence(
                    method: "mns-rsa-sha1", certificateURL: nil, certificateFingerprint: nil, format: "xml"),
                decoded: DecodedNotification(messageId: "0ED-fixture0001", state: .undecodable, decodeError: "old"))
            _ = try await gateway.store.commit([.notification(record)])
            #expect(try await gateway.store.task(taskId: "MINE")?.state == .submitted)
            let first = try #require(try await TestGateway.deliveries(of: gateway).first)
            let result = try await Reprocessor(store: gateway.store, clock: ManualClock(now)).run(fanOut: true)
            #expect(result.changed == 1)
            let mine = try #require(try await gateway.store.task(taskId: "MINE"))
            #expect(mine.state == .succeeded, "the task gets the results the event now carries")
            #expect(mine.resultEventId == 1)
            #expect(try await gateway.store.faces(taskId: "MINE").count == 5)
            let webhookIds = try await TestGateway.deliveries(of: gateway).map(\.webhookId)
            #expect(webhookIds.count == 2)
            #expect(Set(webhookIds).count == 2, "the decoded payload is not a repeat of \(first.webhookId)")
            // A later replay sends the decoded payload under the re-decoded id too, never the first one.
            _ = try await gateway.store.replayEvent(id: 1, hook: "all", at: now)
            let replayed = try #require(try await TestGateway.deliveries(of: gateway).first)
            #expect(replayed.webhookId != first.webhookId)
            #expect(replayed.webhookId.hasPrefix(first.webhookId + "_r"), "\(replayed.webhookId)")
            // Its own TaskId's submission, recorded later, takes it (a TaskId outranks an EventId).
            _ = try await gateway.store.recordSubmission(Submission(taskId: "CreateFacesSearchingTask-0001"), at: now)
            #expect(try await gateway.store.task(taskId: "CreateFacesSearchingTask-0001")?.state == .succeeded)
            #expect(try await gateway.store.faces(taskId: "CreateFacesSearchingTask-0001").count == 5)
            #expect(try await gateway.store.task(taskId: "MINE")?.state == .submitted)
            #expect(try await gateway.store.faces(taskId: "MINE").isEmpty)
        }
    }

    @Test("a backup taken under write load opens and holds what was committed before it")
    func backupUnderLoad() async throws {
        let gateway = try await TestGateway.make()
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        for index in 0..<50 {
            _ = await gateway.ingestor.ingestMNS(
                try MNSPushBuilder(format: .json, taskId: "B-\(index)", date: Fixtures.fixtureDate, signingKey: key)
                    .build())
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID()).sqlite").path
        let ingestor = gateway.ingestor
        async let load: Void = {
            for index in 50..<150 {
                _ = await ingestor.ingestMNS(
                    try MNSPushBuilder(format: .json, taskId: "B-\(index)", date: Fixtures.fixtureDate, signingKey: key)
                        .build())
            }
        }()
        let response = try await gateway.adminApplication.test(.router) { client in
            try await client.send(.post, "/v1/backup", #"{"path":"\#(path)"}"#)
        }
        try await load
        #expect(response.0 == .created)
        #expect((response.1["bytes"]?.intValue ?? 0) > 0)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600, "the copy is readable by its owner only")
        let copy = try DatabaseQueue(path: path)
        let (events, integrity) = try await copy.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0,
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        #expect(integrity == "ok")
        #expect(events >= 50 && events <= 150)
        let stored = try await copy.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task") ?? 0 }
        #expect(stored == events, "tasks and events are consistent in the copy")
        let again = try await gateway.adminApplication.test(.router) { client in
            try await client.send(.post, "/v1/backup", #"{"path":"\#(path)"}"#)
        }
        #expect(again.0 == .conflict)
        // A relative path would land wherever the gateway was started; a missing directory is the
        // caller's mistake, not a server error.
        for wrong in ["relative.sqlite", "/no/such/directory/b.sqlite"] {
            let refused = try await gateway.adminApplication.test(.router) { client in
                try await client.send(.post, "/v1/backup", #"{"path":"\#(wrong)"}"#)
            }
            #expect(refused.0 == .badRequest, "\(wrong)")
        }
    }

    @Test("retention deletes only what it should")
    func retention() async throws {
        let clock = ManualClock(Fixtures.fixtureDate)
        var config = try TestGateway.config()
        config.retention.eventsDays = 7
        config.retention.rejectionsMax = 2
        let gateway = try await TestGateway.make(config, clock: clock)
        _ = try await gateway.store.createHook(
            Hook(name: "h", url: "https://h.example"), secrets: [WebhookSigner.generateSecret()],
            at: Fixtures.fixtureDate)
        let old = Records.notification(taskId: "OLD", status: "Running", faces: 0, receivedAt: Fixtures.fixtureDate)
        let result = Records.notification(taskId: "RESULT", receivedAt: Fixtures.fixtureDate)
        let later = Records.notification(taskId: "LATER", status: "Running", faces: 0, receivedAt: Fixtures.fixtureDate)
        let recent = Records.notification(
            taskId: "NEW", status: "Running", faces: 0, receivedAt: Fixtures.fixtureDate.addingTimeInterval(8 * 86_400))
        _ = try await gateway.store.commit([
            .notification(old), .notification(result), .notification(later), .notification(recent),
        ])
        for name in ["tampered-body", "tampered-header", "tampered-signature"] {
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request(name))
        }
        // Every delivery delivered, but LATER's: a dead letter, which must stay visible and redrivable.
        let claimed = try await gateway.store.claimDueDeliveries(
            at: Fixtures.fixtureDate, limit: 10, lease: 30, inFlight: [:])
        try await gateway.store.finishAll(
            claimed.map { item in
                DeliveryFinish(
                    deliveryId: item.delivery.id, attempt: nil,
                    outcome: item.delivery.taskId == "LATER" ? .dead : .delivered, at: Fixtures.fixtureDate,
                    lease: item.lease)
            })
        clock.advance(by: 9 * 86_400)
        let deleted = try await gateway.retention.sweep(batch: 1)
        // Batches of one: the sweep's cursor goes on past the kept result event to the one after it.
        #expect(deleted == 2, "the old delivered Running event and the oldest rejection")
        let remaining = try await gateway.store.events(limit: 10, before: nil).items.map { $0.decoded.taskId }
        #expect(remaining == ["NEW", "LATER", "RESULT"])
        let dead = try await gateway.store.deliveries(filter: .init(status: .dead), limit: 10, before: nil).items
        #expect(dead.map(\.taskId) == ["LATER"])
        #expect(try await gateway.store.faces(taskId: "RESULT").count == 2)
        #expect(try await gateway.store.rejections(limit: 10, before: nil).items.count == 2)
    }

    @Test("status reports counts per state and per hook")
    func status() async throws {
        let receiver = RecordingReceiver()
        try await receiver.serve {
            let clock = ManualClock(Fixtures.fixtureDate)
            let gateway = try await seeded(receiver, count: 2, clock: clock)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("tampered-body"))
            // One more Failed push, not dispatched: pending for both hooks, 30 s old when asked.
            let push = try MNSPushBuilder(
                format: .simplified, taskId: "T-late", status: "Failed", date: Fixtures.fixtureDate,
                signingKey: try RSASigningKey(pem: try Fixtures.testKeyPEM())
            ).build()
            _ = await gateway.ingestor.ingestMNS(push)
            clock.advance(by: 30)
            try await gateway.adminApplication.test(.router) { client in
                let (status, body) = try await client.send(.get, "/v1/status")
                #expect(status == .ok)
                #expect(body["events"]?.intValue == 3)
                #expect(body["tasks"]?["unmatched"]?.intValue == 3)
                let hooks = body["hooks"]?.arrayValue ?? []
                #expect(hooks.count == 2)
                for hook in hooks {
                    #expect(hook["pending"]?.intValue == 1, "\(hook)")
                    #expect(hook["dead"]?.intValue == 0, "\(hook)")
                    #expect(hook["oldest_pending_age_seconds"]?.intValue == 30, "\(hook)")
                    #expect(hook["enabled"] == .bool(true), "\(hook)")
                }
                #expect(body["last_rejection"]?["reason"]?.stringValue == "content_md5_mismatch")
                #expect((body["database_bytes"]?.intValue ?? 0) > 0)
            }
        }
    }
}
