import Foundation

/// Where a delivery stands, as the API shows it.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first attempt.
    case pending
    /// Claimed by the dispatcher (leased until `lockedUntil`).
    case inFlight = "in_flight"
    /// The receiver answered 2xx.
    case delivered
    /// An attempt failed; another is scheduled.
    case failed
    /// Every retry failed; kept for inspection and replay.
    case dead
    /// The hook is disabled; it flows when the hook is enabled again.
    case paused
    /// Superseded (a `Running` after the task's terminal delivery succeeded); recorded, not sent.
    case skipped
    /// Was `dead`, then a replay sent the event to the hook again: the newer delivery carries it.
    /// No longer counted, listed or redriven as dead.
    case redriven
}

/// One event × hook delivery.
public struct Delivery: Sendable, Equatable {
    /// The row id.
    public var id: Int64
    /// The stored event it carries.
    public var eventId: Int64
    /// The hook it goes to.
    public var hookId: Int64
    /// The hook's name.
    public var hookName: String
    /// The task it belongs to (the ordering key), if any.
    public var taskId: String?
    /// The Standard Webhooks `webhook-id`, stable per event × hook.
    public var webhookId: String
    /// Where it stands.
    public var status: DeliveryStatus
    /// Attempts made.
    public var attempts: Int
    /// When the next attempt is due.
    public var nextAttemptAt: Date
    /// The last HTTP status received.
    public var lastStatusCode: Int?
    /// The last error.
    public var lastError: String?
    /// When it was created.
    public var createdAt: Date
    /// When it was delivered.
    public var deliveredAt: Date?

    /// Creates a delivery.
    public init(
        id: Int64, eventId: Int64, hookId: Int64, hookName: String, taskId: String?, webhookId: String,
        status: DeliveryStatus, attempts: Int, nextAttemptAt: Date, lastStatusCode: Int?, lastError: String?,
        createdAt: Date, deliveredAt: Date?
    ) {
        self.id = id
        self.eventId = eventId
        self.hookId = hookId
        self.hookName = hookName
        self.taskId = taskId
        self.webhookId = webhookId
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }

    /// The `webhook-id` of an event × hook.
    public static func webhookId(eventId: Int64, hookId: Int64) -> String { "msg_\(eventId)_\(hookId)" }
}

/// One HTTP try of a delivery.
public struct DeliveryAttempt: Sendable, Equatable {
    /// When it started.
    public var startedAt: Date
    /// How long it took, in milliseconds.
    public var durationMs: Int
    /// The status the receiver answered, if it answered.
    public var statusCode: Int?
    /// The first 4 KiB of the response body.
    public var responseBody: [UInt8]
    /// What went wrong, if anything (timeouts, refusals, connection errors).
    public var error: String?
    /// The receiver's `Retry-After`, in seconds, if it sent one (not stored).
    public var retryAfter: TimeInterval?

    /// Creates an attempt.
    public init(
        startedAt: Date, durationMs: Int, statusCode: Int?, responseBody: [UInt8], error: String?,
        retryAfter: TimeInterval? = nil
    ) {
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.statusCode = statusCode
        self.responseBody = responseBody
        self.error = error
        self.retryAfter = retryAfter
    }
}

/// What the dispatcher decided after an attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    /// 2xx.
    case delivered
    /// Try again at this time.
    case retry(at: Date)
    /// Retries exhausted.
    case dead
    /// 410 Gone: disable the hook; this delivery waits paused.
    case disableHook(reason: String)
    /// Not sent because a later state already went out.
    case skipped(reason: String)
}

/// One finished attempt to record: the delivery, the attempt (nil when not sent), the outcome.
public struct DeliveryFinish: Sendable {
    /// The delivery.
    public var deliveryId: Int64
    /// The HTTP try, if one was made.
    public var attempt: DeliveryAttempt?
    /// What happens next.
    public var outcome: DeliveryOutcome
    /// When it finished.
    public var at: Date
    /// The lease the finishing attempt held (`ClaimedDelivery.lease`): the finish applies only while
    /// the delivery is still in flight under that lease, so an attempt whose lease expired and was
    /// taken over cannot overwrite what the newer attempt records. Nil: no lease check.
    public var lease: Int64?

    /// Creates a finish record.
    public init(
        deliveryId: Int64, attempt: DeliveryAttempt?, outcome: DeliveryOutcome, at: Date, lease: Int64? = nil
    ) {
        self.deliveryId = deliveryId
        self.attempt = attempt
        self.outcome = outcome
        self.at = at
        self.lease = lease
    }
}

/// A claimed delivery with everything needed to send it.
public struct ClaimedDelivery: Sendable {
    /// The delivery.
    public var delivery: Delivery
    /// Its hook.
    public var hook: Hook
    /// The hook's active secrets, newest first.
    public var secrets: [String]
    /// The event it carries.
    public var event: DeliveredEvent
    /// The task's submission, if recorded.
    public var submission: Submission?

    /// The lease the claim wrote (`lockedUntil`, epoch milliseconds); nil when not claimed from
    /// the store (a test send).
    public var lease: Int64?

    /// Creates a claimed delivery.
    public init(
        delivery: Delivery, hook: Hook, secrets: [String], event: DeliveredEvent, submission: Submission?,
        lease: Int64? = nil
    ) {
        self.delivery = delivery
        self.hook = hook
        self.secrets = secrets
        self.event = event
        self.submission = submission
        self.lease = lease
    }
}

/// Filters of the delivery listing.
public struct DeliveryFilter: Sendable, Equatable {
    /// Only this hook.
    public var hook: String?
    /// Only this status.
    public var status: DeliveryStatus?
    /// Only this task.
    public var taskId: String?

    /// Creates a filter.
    public init(hook: String? = nil, status: DeliveryStatus? = nil, taskId: String? = nil) {
        self.hook = hook
        self.status = status
        self.taskId = taskId
    }
}

/// Hooks and deliveries: the durable queue the dispatcher works from.
public protocol DeliveryStore: Sendable {
    /// Every hook.
    func hooks() async throws -> [Hook]
    /// One hook by name.
    func hook(named name: String) async throws -> Hook?
    /// A hook's active secrets, newest first, at `now`.
    func secrets(hookId: Int64, at now: Date) async throws -> [String]
    /// Creates a hook with its secrets.
    func createHook(_ hook: Hook, secrets: [String], at now: Date) async throws -> Hook
    /// Replaces a hook's settings (not its secrets).
    func updateHook(_ hook: Hook, at now: Date) async throws -> Hook
    /// Deletes a hook and its deliveries.
    func deleteHook(named name: String) async throws
    /// Enables or disables a hook; enabling releases its paused deliveries.
    func setHookEnabled(named name: String, enabled: Bool, reason: String?, at now: Date) async throws -> Hook
    /// Adds a new secret; the others expire at `oldExpireAt`.
    func rotateSecret(named name: String, newSecret: String, oldExpireAt: Date, at now: Date) async throws -> Hook
    /// Claims up to `limit` due deliveries, respecting per-task order and per-hook capacity.
    func claimDueDeliveries(at now: Date, limit: Int, lease: TimeInterval, inFlight: [Int64: Int]) async throws
        -> [ClaimedDelivery]
    /// Extends an in-flight delivery's lease to `until` if it is still held under `lease`; returns
    /// the new lease, or nil when the lease was taken over.
    func renewLease(deliveryId: Int64, lease: Int64, until: Date) async throws -> Int64?
    /// Records many attempts in one transaction (the dispatcher batches concurrent finishes).
    func finishAll(_ finishes: [DeliveryFinish]) async throws
    /// Brings every hook's deliveries in line with its enabled flag (paused while disabled, due
    /// while enabled): finishes a settling pass a stopped process left half done.
    func settleHooks(at now: Date) async throws
    /// Whether a later terminal delivery for the same task and hook already succeeded.
    func isSuperseded(_ claimed: ClaimedDelivery) async throws -> Bool
    /// Deliveries newest first.
    func deliveries(filter: DeliveryFilter, limit: Int, before: Int64?) async throws -> Page<Delivery>
    /// One delivery with its attempts, oldest first.
    func delivery(id: Int64) async throws -> (Delivery, [DeliveryAttempt])?
}
