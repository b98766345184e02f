import Foundation
import GatewayCore
import GatewayStore
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("Submissions, correlation and task state")
struct TaskCorrelationTests {
    let now = Fixtures.fixtureDate

    private func ingest(_ store: SQLiteStore, _ record: NotificationRecord) async throws -> Int64 {
        let results = try await store.commit([.notification(record)])
        switch results.first {
        case .stored(let id)?, .duplicate(let id)?: return id
        default: throw CancellationError()
        }
    }

    /// The parts of a task that must not depend on arrival order.
    private func view(_ store: SQLiteStore, _ taskId: String) async throws -> [String] {
        let task = try #require(try await store.task(taskId: taskId))
        let faces = try await store.faces(taskId: taskId)
        let events = try await store.events(taskId: taskId)
        return [
            task.state.rawValue, task.immStatus?.rawValue ?? "-", "\(task.hasSubmission)", task.projectName ?? "-",
            "\(task.startedAt?.timeIntervalSince1970 ?? 0)", "\(task.endedAt?.timeIntervalSince1970 ?? 0)",
            "\(faces.map { "\($0.sourceIndex)/\($0.rank)/\($0.uri ?? "")/\($0.similarity ?? 0)" })",
            "\(events.count)", "\(task.labels)",
        ]
    }

    @Test("submission then notification, and notification then submission, give the same task")
    func bothOrders() async throws {
        let submission = Submission(
            taskId: "T-order", eventId: "EV-order", projectName: "photos-prod", labels: ["tenant": "acme"])
        let record = Records.notification(taskId: "T-order", eventId: "EV-order", faces: 3)

        let first = try SQLiteStore()
        #expect(try await first.recordSubmission(submission, at: now) == .created)
        #expect(try await first.task(taskId: "T-order")?.state == .submitted)
        _ = try await ingest(first, record)

        let second = try SQLiteStore()
        _ = try await ingest(second, record)
        #expect(try await second.task(taskId: "T-order")?.state == .unmatched)
        #expect(try await second.recordSubmission(submission, at: now) == .created)

        #expect(try await view(first, "T-order") == view(second, "T-order"))
        #expect(try await first.task(taskId: "T-order")?.state == .succeeded)
        #expect(try await first.faces(taskId: "T-order").count == 3)
        #expect(try await first.task(taskId: "T-order")?.firstNotifiedAt == now)
    }

    @Test("a notification without TaskId joins its submission by EventId, in both orders")
    func eventIdFallback() async throws {
        let submission = Submission(taskId: "T-ev", eventId: "EV-fallback")
        let record = Records.notification(taskId: nil, eventId: "EV-fallback")

        let first = try SQLiteStore()
        _ = try await first.recordSubmission(submission, at: now)
        let eventId = try await ingest(first, record)
        #expect(try await first.event(id: eventId)?.decoded.taskId == nil)
        #expect(try await first.events(taskId: "T-ev").map(\.id) == [eventId])
        #expect(try await first.task(taskId: "T-ev")?.state == .succeeded)

        let second = try SQLiteStore()
        _ = try await ingest(second, record)
        #expect(try await second.tasks(filter: .init(), limit: 10, before: nil).items.isEmpty)
        _ = try await second.recordSubmission(submission, at: now)
        #expect(try await view(first, "T-ev") == view(second, "T-ev"))
    }

    // Submission first, the notification joins it by EventId (its own TaskId has no submission);
    // notification first, it used to stay with an unmatched task of its own TaskId for ever.
    @Test("a notification whose TaskId no submission names joins the submission of its EventId, in both orders")
    func eventIdOutranksUnsubmittedTaskId() async throws {
        let submission = Submission(taskId: "T-submitted", eventId: "EV-shared")
        let record = Records.notification(taskId: "T-other", eventId: "EV-shared", faces: 2)

        let first = try SQLiteStore()
        _ = try await first.recordSubmission(submission, at: now)
        _ = try await ingest(first, record)

        let second = try SQLiteStore()
        _ = try await ingest(second, record)
        #expect(try await second.task(taskId: "T-other")?.state == .unmatched)
        _ = try await second.recordSubmission(submission, at: now)

        #expect(try await first.task(taskId: "T-other") == nil)
        #expect(try await second.task(taskId: "T-other") == nil, "the unmatched task held only this event")
        #expect(try await view(first, "T-submitted") == view(second, "T-submitted"))
        #expect(try await second.task(taskId: "T-submitted")?.state == .succeeded)
        #expect(try await second.faces(taskId: "T-submitted").count == 2)
    }

    /// A notification, a submission naming it by EventId and a submission of its own TaskId: a
    /// TaskId outranks an EventId, so in every order the notification ends with its own TaskId's
    /// submission and the other waits. (Notification first, then the EventId submission, then the
    /// TaskId one used to leave it with the EventId submission.)
    @Test("a submission of the notification's own TaskId wins over one naming its EventId, in all six orders")
    func taskIdOutranksEventIdInEveryOrder() async throws {
        enum Arrival: CaseIterable { case notification, byEventId, byTaskId }
        let record = Records.notification(taskId: "T-own", eventId: "EV-both", faces: 3)
        let orders: [[Arrival]] = [
            [.notification, .byEventId, .byTaskId], [.notification, .byTaskId, .byEventId],
            [.byEventId, .notification, .byTaskId], [.byEventId, .byTaskId, .notification],
            [.byTaskId, .notification, .byEventId], [.byTaskId, .byEventId, .notification],
        ]
        var views: [[String]] = []
        for order in orders {
            let store = try SQLiteStore()
            for arrival in order {
                switch arrival {
                case .notification: _ = try await ingest(store, record)
                case .byEventId:
                    _ = try await store.recordSubmission(Submission(taskId: "T-mine", eventId: "EV-both"), at: now)
                case .byTaskId: _ = try await store.recordSubmission(Submission(taskId: "T-own"), at: now)
                }
            }
            #expect(try await store.task(taskId: "T-own")?.state == .succeeded, "\(order)")
            #expect(try await store.faces(taskId: "T-own").count == 3, "\(order)")
            #expect(try await store.task(taskId: "T-mine")?.state == .submitted, "\(order)")
            #expect(try await store.faces(taskId: "T-mine").isEmpty, "\(order)")
            #expect(try await store.events(taskId: "T-mine").isEmpty, "\(order)")
            views.append(try await view(store, "T-own") + view(store, "T-mine"))
        }
        for (order, view) in zip(orders, views) { #expect(view == views[0], "\(order)") }
    }

    // The unmatched task keeps another event of its own: the moved event's faces and outcome used to
    // stay with it, so both tasks listed the faces (twice for the submitted one: faces are found by
    // the result event) and the unmatched one still claimed to have succeeded.
    @Test("an event that joins a submission takes its faces and outcome from the unmatched task it leaves")
    func movedEventTakesItsFaces() async throws {
        let submission = Submission(taskId: "T-submitted", eventId: "EV-shared")
        let running = Records.notification(taskId: "T-other", status: "Running", eventId: "EV-running", faces: 0)
        let succeeded = Records.notification(taskId: "T-other", eventId: "EV-shared", faces: 2)

        let first = try SQLiteStore()
        _ = try await first.recordSubmission(submission, at: now)
        _ = try await ingest(first, running)
        _ = try await ingest(first, succeeded)

        let second = try SQLiteStore()
        _ = try await ingest(second, running)
        _ = try await ingest(second, succeeded)
        #expect(try await second.task(taskId: "T-other")?.immStatus == .succeeded)
        _ = try await second.recordSubmission(submission, at: now)

        for store in [first, second] {
            #expect(try await store.faces(taskId: "T-submitted").count == 2)
            #expect(try await store.faces(taskId: "T-other").isEmpty)
            let byImage = try await store.faces(uri: "oss://photos-bucket/album/0000.jpg", limit: 10, before: nil)
            #expect(byImage.items.map(\.taskId) == ["T-submitted"])
            let other = try #require(try await store.task(taskId: "T-other"))
            #expect(other.state == .unmatched)
            #expect(other.immStatus == .running)
            #expect(other.resultEventId == nil)
            #expect(try await store.events(taskId: "T-other").count == 1)
        }
        #expect(try await view(first, "T-submitted") == view(second, "T-submitted"))
        #expect(try await view(first, "T-other") == view(second, "T-other"))
    }

    @Test("a Running after Succeeded, and a duplicate, never move a terminal task; every event is kept")
    func terminalIsSticky() async throws {
        let store = try SQLiteStore()
        _ = try await store.recordSubmission(Submission(taskId: "T-sticky"), at: now)
        _ = try await ingest(store, Records.notification(taskId: "T-sticky", status: "Running", faces: 0))
        #expect(try await store.task(taskId: "T-sticky")?.state == .running)
        let done = Records.notification(taskId: "T-sticky", status: "Succeeded", faces: 2)
        _ = try await ingest(store, done)
        _ = try await ingest(store, Records.notification(taskId: "T-sticky", status: "Running", faces: 0))
        _ = try await ingest(store, Records.notification(taskId: "T-sticky", status: "Failed", faces: 0))
        _ = try await ingest(store, done)
        let task = try #require(try await store.task(taskId: "T-sticky"))
        #expect(task.state == .succeeded)
        #expect(task.code == nil)
        #expect(try await store.events(taskId: "T-sticky").count == 4)
        #expect(try await store.faces(taskId: "T-sticky").count == 2)
    }

    @Test("a failed task keeps IMM's Code and Message")
    func failure() async throws {
        let store = try SQLiteStore()
        _ = try await store.recordSubmission(Submission(taskId: "T-fail"), at: now)
        _ = try await ingest(store, Records.notification(taskId: "T-fail", status: "Failed"))
        let task = try #require(try await store.task(taskId: "T-fail"))
        #expect(task.state == .failed)
        #expect(task.code == "ResourceNotFound")
        #expect(task.message?.isEmpty == false)
    }

    @Test("the deadline expires open tasks on an injected clock; a late terminal notification still wins")
    func expiry() async throws {
        let store = try SQLiteStore()
        let clock = ManualClock(now)
        _ = try await store.recordSubmission(
            Submission(taskId: "T-late", deadline: now.addingTimeInterval(60)), at: now)
        _ = try await store.recordSubmission(Submission(taskId: "T-default"), at: now)
        clock.advance(by: 30)
        #expect(try await store.expireOverdueTasks(at: clock.now()) == 0)
        clock.advance(by: 31)
        #expect(try await store.expireOverdueTasks(at: clock.now()) == 1)
        #expect(try await store.task(taskId: "T-late")?.state == .expired)
        #expect(try await store.task(taskId: "T-default")?.state == .submitted)
        #expect(try await store.task(taskId: "T-default")?.deadline == now.addingTimeInterval(7 * 24 * 3600))
        _ = try await ingest(store, Records.notification(taskId: "T-late", receivedAt: clock.now()))
        #expect(try await store.task(taskId: "T-late")?.state == .succeeded)
    }

    @Test("submissions are idempotent on TaskId: the same again is unchanged, a different one conflicts")
    func idempotency() async throws {
        let store = try SQLiteStore()
        let submission = Submission(taskId: "T-idem", projectName: "p", maxResult: 5)
        #expect(try await store.recordSubmission(submission, at: now) == .created)
        #expect(try await store.recordSubmission(submission, at: now.addingTimeInterval(5)) == .unchanged)
        var changed = submission
        changed.maxResult = 6
        await #expect(throws: SubmissionError.conflict(taskId: "T-idem")) {
            try await store.recordSubmission(changed, at: now)
        }
        #expect(try await store.submission(taskId: "T-idem") == submission)
    }

    @Test(
        "validation names the field",
        arguments: [
            (Submission(taskId: " "), "TaskId"),
            (Submission(taskId: "T", maxResult: 101), "MaxResult"),
            (Submission(taskId: "T", maxResult: -1), "MaxResult"),
            (Submission(taskId: "T", userData: String(repeating: "x", count: 2049)), "UserData"),
            (
                Submission(taskId: "T", sources: [.init(uri: "oss://bucket/a.jpg"), .init(uri: "https://x/y.jpg")]),
                "Sources[1].URI"
            ),
            (Submission(taskId: "T", sources: [.init(uri: "oss://bucket/")]), "Sources[0].URI"),
            (Submission(taskId: "T", labels: ["bad key": "v"]), "labels"),
        ])
    func validation(submission: Submission, field: String) async throws {
        let store = try SQLiteStore()
        let error = await #expect(throws: SubmissionError.self) {
            try await store.recordSubmission(submission, at: now)
        }
        #expect(error?.field == field)
        #expect(error?.code == .invalid)
    }

    @Test("faces are found by image URI")
    func facesByURI() async throws {
        let store = try SQLiteStore()
        _ = try await ingest(store, Records.notification(taskId: "T-a", faces: 2))
        _ = try await ingest(store, Records.notification(taskId: "T-b", faces: 1))
        let page = try await store.faces(uri: "oss://photos-bucket/album/0000.jpg", limit: 10, before: nil)
        #expect(page.items.map(\.taskId) == ["T-b", "T-a"])
        #expect(
            try await store.faces(uri: "oss://photos-bucket/album/0001.jpg", limit: 10, before: nil).items.map(\.taskId)
                == ["T-a"])
    }
}
