import Foundation
import GatewayCore
import IMMNotify

/// The JSON form of a hook. Secrets are never included (only counted); header values are redacted
/// because they often carry credentials.
struct HookDTO: Encodable {
    let hook: Hook
    let secretCount: Int

    enum CodingKeys: String, CodingKey {
        case name, url, enabled, filter, headers, origin
        case timeoutSeconds = "timeout_seconds"
        case maxInFlight = "max_in_flight"
        case ratePerSecond = "rate_per_second"
        case retrySchedule = "retry_schedule"
        case disabledReason = "disabled_reason"
        case lastSuccessAt = "last_success_at"
        case failingSince = "failing_since"
        case createdAt = "created_at"
        case secretCount = "active_secrets"
        case ed25519PublicKey = "ed25519_public_key"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hook.name, forKey: .name)
        try container.encode(hook.url, forKey: .url)
        try container.encode(hook.enabled, forKey: .enabled)
        try container.encode(hook.filter, forKey: .filter)
        try container.encode(hook.headers.mapValues { _ in "***" }, forKey: .headers)
        try container.encode(hook.origin, forKey: .origin)
        try container.encode(hook.timeoutSeconds, forKey: .timeoutSeconds)
        try container.encode(hook.maxInFlight, forKey: .maxInFlight)
        try container.encode(hook.ratePerSecond, forKey: .ratePerSecond)
        try container.encode(hook.retrySchedule, forKey: .retrySchedule)
        try container.encode(hook.disabledReason, forKey: .disabledReason)
        try container.encode(hook.lastSuccessAt.map(RFC3339.format), forKey: .lastSuccessAt)
        try container.encode(hook.failingSince.map(RFC3339.format), forKey: .failingSince)
        try container.encode(RFC3339.format(hook.createdAt), forKey: .createdAt)
        try container.encode(secretCount, forKey: .secretCount)
        try container.encode(
            hook.ed25519Key.flatMap(WebhookSigner.publicKey(forSigningKey:)), forKey: .ed25519PublicKey)
    }
}

/// The JSON form of a delivery, with its attempts in the detail view.
struct DeliveryDTO: Encodable {
    let delivery: Delivery
    var attempts: [DeliveryAttempt]?

    enum CodingKeys: String, CodingKey {
        case id, hook, status, attempts
        case eventId = "event_id"
        case taskId = "task_id"
        case webhookId = "webhook_id"
        case attemptCount = "attempt_count"
        case nextAttemptAt = "next_attempt_at"
        case lastStatusCode = "last_status_code"
        case lastError = "last_error"
        case createdAt = "created_at"
        case deliveredAt = "delivered_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(delivery.id, forKey: .id)
        try container.encode(delivery.hookName, forKey: .hook)
        try container.encode(delivery.status.rawValue, forKey: .status)
        try container.encode(delivery.eventId, forKey: .eventId)
        try container.encode(delivery.taskId, forKey: .taskId)
        try container.encode(delivery.webhookId, forKey: .webhookId)
        try container.encode(delivery.attempts, forKey: .attemptCount)
        try container.encode(RFC3339.format(delivery.nextAttemptAt), forKey: .nextAttemptAt)
        try container.encode(delivery.lastStatusCode, forKey: .lastStatusCode)
        try container.encode(delivery.lastError, forKey: .lastError)
        try container.encode(RFC3339.format(delivery.createdAt), forKey: .createdAt)
        try container.encode(delivery.deliveredAt.map(RFC3339.format), forKey: .deliveredAt)
        if let attempts { try container.encode(attempts.map(AttemptDTO.init), forKey: .attempts) }
    }
}

/// The JSON form of one HTTP try.
struct AttemptDTO: Encodable {
    let attempt: DeliveryAttempt

    enum CodingKeys: String, CodingKey {
        case error
        case startedAt = "started_at"
        case durationMs = "duration_ms"
        case statusCode = "status_code"
        case responseBody = "response_body"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(RFC3339.format(attempt.startedAt), forKey: .startedAt)
        try container.encode(attempt.durationMs, forKey: .durationMs)
        try container.encode(attempt.statusCode, forKey: .statusCode)
        try container.encode(String(decoding: attempt.responseBody, as: UTF8.self), forKey: .responseBody)
        try container.encode(attempt.error, forKey: .error)
    }
}

extension APIError {
    /// The answer to a hook operation that cannot be done.
    init(_ error: HookError) {
        switch error.code {
        case .invalid: self.init(.badRequest, code: error.code.rawValue, message: error.message)
        case .notFound: self.init(.notFound, code: error.code.rawValue, message: error.message)
        case .conflict, .fromConfig: self.init(.conflict, code: error.code.rawValue, message: error.message)
        }
        field = error.field
    }
}
