import Foundation
import GatewayCore

/// A hook as an operator writes it: in the config file's `hooks:` list, or as the body of
/// `POST /v1/hooks` / `PATCH /v1/hooks/{name}` (snake_case keys; every key but name and url optional).
public struct HookSpec: Sendable, Codable, Equatable {
    /// The unique name.
    public var name: String?
    /// The http(s) URL.
    public var url: String?
    /// Signing secrets (`whsec_` + Base64); one is generated when none is given.
    public var secrets: [String]?
    /// Whether deliveries flow.
    public var enabled: Bool?
    /// Which notifications it receives.
    public var filter: HookFilter?
    /// Per-request timeout in seconds (default 15).
    public var timeoutSeconds: Int?
    /// The most deliveries in flight to it (default 8).
    public var maxInFlight: Int?
    /// Requests per second, if limited.
    public var ratePerSecond: Double?
    /// Its own retry schedule in seconds.
    public var retrySchedule: [Int]?
    /// Static headers for every request.
    public var headers: [String: String]?
    /// Also sign with Ed25519 (`v1a`); the public key is shown by the API.
    public var ed25519: Bool?

    /// The keys, as written.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, url, secrets, enabled, filter, headers
        case timeoutSeconds = "timeout_seconds"
        case maxInFlight = "max_in_flight"
        case ratePerSecond = "rate_per_second"
        case retrySchedule = "retry_schedule"
        case ed25519
    }

    /// Creates a spec.
    public init(name: String? = nil, url: String? = nil, secrets: [String]? = nil, filter: HookFilter? = nil) {
        self.name = name
        self.url = url
        self.secrets = secrets
        self.filter = filter
    }

    /// The hook this spec describes, on top of `base` (an existing hook for PATCH, defaults otherwise).
    public func applied(to base: Hook?, origin: String) throws(HookError) -> Hook {
        guard let name = name ?? base?.name else { throw .invalid("name", "is required") }
        guard let url = url ?? base?.url else { throw .invalid("url", "is required") }
        var hook = base ?? Hook(name: name, url: url, origin: origin)
        hook.url = url
        hook.origin = origin
        if let enabled { hook.enabled = enabled }
        if let filter { hook.filter = filter }
        if let timeoutSeconds { hook.timeoutSeconds = timeoutSeconds }
        if let maxInFlight { hook.maxInFlight = maxInFlight }
        if let ratePerSecond { hook.ratePerSecond = ratePerSecond }
        if let retrySchedule { hook.retrySchedule = retrySchedule }
        if let headers { hook.headers = headers }
        if let ed25519 {
            hook.ed25519Key = ed25519 ? (hook.ed25519Key ?? WebhookSigner.generateSigningKey()) : nil
        }
        for secret in secrets ?? [] where !WebhookSigner.isValidSecret(secret) {
            throw .invalid("secrets", "each secret must be 'whsec_' followed by Base64 of at least 16 bytes")
        }
        try hook.validate()
        return hook
    }
}
