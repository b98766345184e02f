import Foundation
import GatewayCore
import IMMNotify
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Sends due deliveries: claims them from the store with a lease (a crash mid-flight means a retry
/// after the lease, never a loss), signs and POSTs them, records every attempt, and reschedules,
/// dead-letters or disables per the retry policy. Bounded by a global cap and each hook's
/// `max_in_flight`; per task and hook, deliveries go out in order, one at a time.
public final class DeliveryDispatcher: Service, Sendable {
    /// Settings of the dispatcher.
    public struct Settings: Sendable {
        /// The global retry policy (a hook's own schedule overrides it).
        public var retry = RetryPolicy()
        /// The most deliveries in flight at once, all hooks together.
        public var maxInFlight = 64
        /// How often to look for due deliveries when idle.
        public var pollInterval: Duration = .milliseconds(100)
        /// A hook failing this long without a success is disabled.
        public var autoDisableAfter: TimeInterval = 5 * 24 * 3600
        /// How long graceful shutdown waits for in-flight requests.
        public var shutdownGrace: Duration = .seconds(10)

        /// The defaults.
        public init() {}
    }

    private let store: any DeliveryStore
    private let transport: any WebhookTransport
    private let clock: any WallClock
    private let settings: Settings
    private let logger: Logger
    private let inFlight = Mutex<[Int64: Int]>([:])
    /// Concurrent finishes share one transaction (under `synchronous=FULL` each would be a disk sync).
    private let finisher: GroupBatcher<DeliveryFinish, Bool>
    private let lastSend = Mutex<[Int64: ContinuousClock.Instant]>([:])

    /// Creates a dispatcher.
    public init(
        store: any DeliveryStore, transport: any WebhookTransport, clock: any WallClock, settings: Settings = .init(),
        logger: Logger
    ) {
        self.store = store
        self.transport = transport
        self.clock = clock
        self.settings = settings
        self.logger = logger
        self.finisher = GroupBatcher(maxBatch: 256) { finishes in
            try await store.finishAll(finishes)
            return Array(repeating: true, count: finishes.count)
        }
    }

    private var inFlightTotal: Int { inFlight.withLock { $0.values.reduce(0, +) } }

    /// Claims what is due now and delivers it, waiting for every send: one deterministic step, for
    /// tests on an injected clock. Returns how many deliveries it handled.
    @discardableResult
    public func runOnce() async throws -> Int {
        let claimed = try await claim(limit: settings.maxInFlight)
        await withTaskGroup(of: Void.self) { group in
            for item in claimed { group.addTask { await self.deliver(item) } }
        }
        return claimed.count
    }

    /// Runs until graceful shutdown: stops claiming then, and waits (bounded) for in-flight sends.
    /// Sends run in a discarding task group, so a finished send leaves nothing behind (a plain task
    /// group keeps every child's result until it is awaited, which grew memory with every delivery).
    ///
    /// When it starts it also settles every hook's deliveries (finishing a flip's settling that a
    /// stopped process left half done), alongside the sends: a large backlog takes a while, claims
    /// pick up what it releases, and a graceful shutdown cancels it between batches (an async GRDB
    /// access throws once its task is cancelled).
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                do {
                    try await self.store.settleHooks(at: self.clock.now())
                } catch {
                    guard !Task.isCancelled else { return }
                    self.logger.warning("settling hooks' deliveries failed", metadata: ["gw.error": "\(error)"])
                }
            }
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let busy = inFlightTotal
                let free = settings.maxInFlight - busy
                var claimed: [ClaimedDelivery] = []
                // Claim in batches: with sends in flight, wait until a quarter of the slots are free
                // (one claim transaction per freed slot cost more than the sends themselves).
                let claiming = free > 0 && (busy == 0 || free >= max(1, settings.maxInFlight / 4))
                if claiming {
                    do {
                        claimed = try await claim(limit: free)
                    } catch {
                        logger.warning("delivery claim failed", metadata: ["gw.error": "\(error)"])
                    }
                }
                for item in claimed { group.addTask { await self.deliver(item) } }
                if claimed.isEmpty || free <= claimed.count {
                    // Nothing due: poll. Waiting for slots or all slots filled: look again soon.
                    let interval = claiming && claimed.isEmpty ? settings.pollInterval : .milliseconds(2)
                    _ = try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                }
            }
            // Graceful shutdown: in-flight sends get a grace period, then are cancelled; their leases
            // make them due again after a restart.
            let deadline = ContinuousClock.now + settings.shutdownGrace
            while inFlightTotal > 0 && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            group.cancelAll()
        }
        await transport.shutdown()
    }

    private func claim(limit: Int) async throws -> [ClaimedDelivery] {
        let snapshot = inFlight.withLock { $0 }
        // The lease is the hook's timeout plus a margin (set per delivery by the store): a killed
        // process's deliveries are due again soon after, and a live attempt is never claimed twice.
        let claimed = try await store.claimDueDeliveries(at: clock.now(), limit: limit, lease: 0, inFlight: snapshot)
        inFlight.withLock { counts in
            for item in claimed { counts[item.delivery.hookId, default: 0] += 1 }
        }
        return claimed
    }

    private func deliver(_ item: ClaimedDelivery) async {
        defer {
            inFlight.withLock { counts in
                counts[item.delivery.hookId, default: 1] -= 1
                if counts[item.delivery.hookId] == 0 { counts[item.delivery.hookId] = nil }
            }
        }
        let delivery = item.delivery
        var lease = item.lease
        do {
            if try await store.isSuperseded(item) {
                _ = try await finisher.submit(
                    DeliveryFinish(
                        deliveryId: delivery.id, attempt: nil,
                        outcome: .skipped(reason: "superseded: the task's terminal delivery already succeeded"),
                        at: clock.now(), lease: lease))
                return
            }
            // The lease was counted from the claim; a wait for the hook's rate is added to it
            // before the wait begins, so the delivery is never due again (and claimed a second
            // time, reserving a later slot, whose wait outlasted its lease in turn: a slow hook
            // sent nothing after its first delivery) while this attempt is still to come. A lease
            // already taken over means another attempt owns the delivery: no send.
            // The lease is also renewed when the claim itself waited (a busy writer) or the check
            // above took so long (over 4 of the lease's 5 s margin) that the attempt could outlive
            // it: rarely, since each renewal is a write of its own when the writer is already busy.
            let wait = reserveRateSlot(item.hook)
            let needed = Self.seconds(wait) + TimeInterval(item.hook.timeoutSeconds + 5)
            if let held = lease,
                wait > .zero
                    || Date(timeIntervalSince1970: Double(held) / 1000).timeIntervalSince(clock.now()) < needed - 4
            {
                let until = clock.now().addingTimeInterval(needed)
                guard let renewed = try await store.renewLease(deliveryId: delivery.id, lease: held, until: until)
                else { return }
                lease = renewed
            }
            if wait > .zero { try await Task.sleep(for: wait) }
            let attempt = await send(item)
            // Cut short by a shutdown, not answered by the receiver: not an attempt to count
            // against the schedule (two deploys during a slow send dead-lettered a delivery). The
            // lease makes it due again after the restart. A success that beat the cancel stands.
            if Task.isCancelled && !(200..<300).contains(attempt.statusCode ?? 0) {
                logger.info(
                    "delivery interrupted by shutdown; due again after its lease",
                    metadata: ["gw.delivery.id": "\(delivery.id)", "gw.hook": "\(item.hook.name)"])
                return
            }
            let outcome = decide(item, attempt: attempt)
            _ = try await finisher.submit(
                DeliveryFinish(
                    deliveryId: delivery.id, attempt: attempt, outcome: outcome, at: clock.now(), lease: lease))
            record(item, attempt: attempt, outcome: outcome)
        } catch is CancellationError {
            // Shutdown during a wait for the rate: the lease makes the delivery due again.
        } catch {
            // The lease makes the delivery due again; nothing is lost.
            logger.warning(
                "delivery bookkeeping failed", metadata: ["gw.delivery.id": "\(delivery.id)", "gw.error": "\(error)"])
        }
    }

    /// Signs and POSTs a claimed delivery; also used by `POST /v1/hooks/{name}/test`.
    func send(_ item: ClaimedDelivery) async -> DeliveryAttempt {
        let body = DeliveryPayload.body(
            event: item.event, webhookId: item.delivery.webhookId, submission: item.submission)
        return await Self.post(
            hook: item.hook, secrets: item.secrets, webhookId: item.delivery.webhookId, body: body, clock: clock,
            transport: transport)
    }

    /// Sends a signed `imm.test` event to `hook` (not stored as a delivery) and returns the attempt.
    public func sendTest(hook: Hook, secrets: [String]) async -> DeliveryAttempt {
        let id = "msg_test_\(UUID().uuidString.lowercased())"
        let body = JSONValue.object([
            "type": .string("imm.test"), "id": .string(id), "timestamp": .string(RFC3339.format(clock.now())),
            "version": .number(Double(DeliveryPayload.version)),
            "data": .object(["message": .string("test event from imm-gateway"), "hook": .string(hook.name)]),
        ]).jsonText()
        return await Self.post(
            hook: hook, secrets: secrets, webhookId: id, body: Array(body.utf8), clock: clock, transport: transport)
    }

    /// POSTs a Standard Webhooks request to `hook` and returns the attempt.
    static func post(
        hook: Hook, secrets: [String], webhookId: String, body: [UInt8], clock: any WallClock,
        transport: any WebhookTransport
    ) async -> DeliveryAttempt {
        let started = clock.now()
        let timestamp = Int64(started.timeIntervalSince1970)
        // The hook's own headers, minus those the gateway sets (a hook stored before validation
        // refused them must not smuggle a second Content-Length or signature in).
        var headers: [(String, String)] = hook.headers.filter { !Hook.reservedHeaders.contains($0.key.lowercased()) }
            .sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if !headers.contains(where: { $0.0.lowercased() == "user-agent" }) {
            headers.append(("User-Agent", "imm-gateway/\(GatewayInfo.version)"))
        }
        headers += [
            ("Content-Type", "application/json"),
            ("webhook-id", webhookId), ("webhook-timestamp", String(timestamp)),
            (
                "webhook-signature",
                WebhookSigner.signatureHeader(
                    id: webhookId, timestamp: timestamp, body: body, secrets: secrets, ed25519Key: hook.ed25519Key)
            ),
        ]
        let wall = ContinuousClock.now
        let result = await transport.post(
            url: hook.url, headers: headers, body: body, timeoutSeconds: hook.timeoutSeconds)
        let elapsed = ContinuousClock.now - wall
        let ms = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        return DeliveryAttempt(
            startedAt: started, durationMs: ms, statusCode: result.statusCode, responseBody: result.body,
            error: result.error
                ?? (result.statusCode.map { (200..<300).contains($0) } == false
                    ? "HTTP \(result.statusCode ?? 0)" : nil),
            retryAfter: RetryPolicy.parseRetryAfter(result.headers["retry-after"], now: started))
    }

    /// The outcome of an attempt under the retry policy.
    func decide(_ item: ClaimedDelivery, attempt: DeliveryAttempt) -> DeliveryOutcome {
        let now = clock.now()
        if let status = attempt.statusCode, (200..<300).contains(status) { return .delivered }
        if attempt.statusCode == 410 { return .disableHook(reason: "the receiver answered 410 Gone") }
        if let since = item.hook.failingSince, now.timeIntervalSince(since) >= settings.autoDisableAfter {
            return .disableHook(reason: "no successful delivery since \(RFC3339.format(since))")
        }
        let policy =
            item.hook.retrySchedule.map { RetryPolicy(schedule: $0, jitter: settings.retry.jitter) } ?? settings.retry
        let honoured = attempt.statusCode == 429 || attempt.statusCode == 503 ? attempt.retryAfter : nil
        guard let delay = policy.delay(afterAttempt: item.delivery.attempts + 1, retryAfter: honoured) else {
            return .dead
        }
        return .retry(at: now.addingTimeInterval(delay))
    }

    /// Reserves the hook's next send slot at its rate; returns how long to wait for it.
    private func reserveRateSlot(_ hook: Hook) -> Duration {
        guard let rate = hook.ratePerSecond, rate > 0 else { return .zero }
        // Clamped: a rate stored before validation bounded it must not trap here.
        let spacing = Duration.seconds(1 / min(max(rate, Hook.rateRange.lowerBound), Hook.rateRange.upperBound))
        let wait: Duration = lastSend.withLock { last in
            let now = ContinuousClock.now
            let next = max(now, (last[hook.id] ?? now - spacing) + spacing)
            last[hook.id] = next
            return next - now
        }
        return wait
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }

    private func record(_ item: ClaimedDelivery, attempt: DeliveryAttempt, outcome: DeliveryOutcome) {
        let label: String
        switch outcome {
        case .delivered: label = "delivered"
        case .retry: label = "failed"
        case .dead: label = "dead"
        case .disableHook: label = "hook_disabled"
        case .skipped: label = "skipped"
        }
        Counter(label: "imm_gateway_deliveries_total", dimensions: [("hook", item.hook.name), ("outcome", label)])
            .increment()
        Timer(label: "imm_gateway_delivery_duration_seconds", dimensions: [("hook", item.hook.name)])
            .recordMilliseconds(attempt.durationMs)
        logger.debug(
            "delivery attempted",
            metadata: [
                "gw.delivery.id": "\(item.delivery.id)", "gw.hook": "\(item.hook.name)", "gw.outcome": "\(label)",
                "gw.status": "\(attempt.statusCode.map(String.init) ?? "-")",
            ])
    }
}
