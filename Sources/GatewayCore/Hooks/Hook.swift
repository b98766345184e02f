import Foundation

/// A downstream receiver of signed, versioned task payloads.
public struct Hook: Sendable, Equatable {
    /// The row id.
    public var id: Int64
    /// The unique name operators refer to it by.
    public var name: String
    /// The `http` or `https` URL deliveries are POSTed to.
    public var url: String
    /// Whether deliveries flow (a disabled hook's deliveries wait as `paused`).
    public var enabled: Bool
    /// Which notifications it receives.
    public var filter: HookFilter
    /// Per-request timeout.
    public var timeoutSeconds: Int
    /// The most deliveries in flight to it at once.
    public var maxInFlight: Int
    /// The most requests per second, if limited.
    public var ratePerSecond: Double?
    /// Its own retry schedule (seconds), overriding the global one.
    public var retrySchedule: [Int]?
    /// Static headers added to every request.
    public var headers: [String: String]
    /// Why it was disabled, when the gateway disabled it.
    public var disabledReason: String?
    /// The last successful delivery.
    public var lastSuccessAt: Date?
    /// When it started failing without a success since.
    public var failingSince: Date?
    /// When it was created.
    public var createdAt: Date
    /// Where it was declared: `config` or `api`.
    public var origin: String
    /// The Ed25519 private key (`whsk_` + Base64) when the hook also gets `v1a` signatures.
    public var ed25519Key: String?

    /// Creates a hook.
    public init(
        id: Int64 = 0, name: String, url: String, enabled: Bool = true, filter: HookFilter = HookFilter(),
        timeoutSeconds: Int = 15, maxInFlight: Int = 8, ratePerSecond: Double? = nil, retrySchedule: [Int]? = nil,
        headers: [String: String] = [:], disabledReason: String? = nil, lastSuccessAt: Date? = nil,
        failingSince: Date? = nil, createdAt: Date = Date(), origin: String = "api", ed25519Key: String? = nil
    ) {
        self.ed25519Key = ed25519Key
        self.id = id
        self.name = name
        self.url = url
        self.enabled = enabled
        self.filter = filter
        self.timeoutSeconds = timeoutSeconds
        self.maxInFlight = maxInFlight
        self.ratePerSecond = ratePerSecond
        self.retrySchedule = retrySchedule
        self.headers = headers
        self.disabledReason = disabledReason
        self.lastSuccessAt = lastSuccessAt
        self.failingSince = failingSince
        self.createdAt = createdAt
        self.origin = origin
    }

    /// Headers every delivery request gets from the gateway itself (framing and signatures).
    public static let reservedHeaders: Set<String> = [
        "host", "content-length", "content-type", "transfer-encoding", "connection", "te", "trailer", "upgrade",
        "webhook-id", "webhook-timestamp", "webhook-signature",
    ]

    /// RFC 9110 token characters, the only ones a header name may hold.
    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII
            && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
    }

    /// The requests per second a hook may be limited to.
    public static let rateRange = 0.01...10_000.0

    /// Checks the fields an operator sets, naming the first one at fault.
    public func validate() throws(HookError) {
        guard (1...64).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw .invalid("name", "must be 1–64 characters of letters, digits, '-', '_', '.'") }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else { throw .invalid("url", "must be an http or https URL") }
        guard components.user == nil, components.password == nil else {
            throw .invalid("url", "must not carry credentials; use headers")
        }
        // A percent-encoded host decodes to one name for the address check and may be resolved as
        // another by the HTTP client.
        guard components.percentEncodedHost?.contains("%") != true else {
            throw .invalid("url", "the host must not be percent-encoded")
        }
        guard (1...300).contains(timeoutSeconds) else { throw .invalid("timeout_seconds", "must be 1–300") }
        guard (1...1000).contains(maxInFlight) else { throw .invalid("max_in_flight", "must be 1–1000") }
        if let ratePerSecond, !Self.rateRange.contains(ratePerSecond) {
            throw .invalid("rate_per_second", "must be \(Self.rateRange.lowerBound)–\(Int(Self.rateRange.upperBound))")
        }
        if let retrySchedule, let problem = RetryPolicy.problem(in: retrySchedule) {
            throw .invalid("retry_schedule", problem)
        }
        try filter.validate()
        for (name, value) in headers {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(Self.isTokenCharacter) else {
                throw .invalid("headers", "'\(name)' is not a header name")
            }
            guard !Self.reservedHeaders.contains(name.lowercased()) else {
                throw .invalid("headers", "'\(name)' is set by the gateway and cannot be overridden")
            }
            guard value.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }) else {
                throw .invalid("headers", "the value of '\(name)' holds a control character (CR, LF, NUL…)")
            }
        }
    }
}

/// A hook operation that cannot be done.
public struct HookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reasons.
    public enum Code: String, Sendable {
        case invalid = "invalid_hook"
        case notFound = "hook_not_found"
        case conflict = "hook_exists"
        case fromConfig = "hook_from_config"
    }

    /// The reason.
    public let code: Code
    /// The field at fault.
    public let field: String?
    /// What is wrong.
    public let message: String

    /// A field-level validation error.
    public static func invalid(_ field: String, _ message: String) -> HookError {
        HookError(code: .invalid, field: field, message: "\(field): \(message)")
    }

    /// No hook of that name.
    public static func notFound(_ name: String) -> HookError {
        HookError(code: .notFound, field: nil, message: "no hook named '\(name)'")
    }

    /// A hook of that name exists.
    public static func conflict(_ name: String) -> HookError {
        HookError(code: .conflict, field: "name", message: "a hook named '\(name)' already exists")
    }

    /// A hook the config file declares: its settings and secrets are the file's.
    public static func fromConfig(_ name: String, _ what: String) -> HookError {
        HookError(
            code: .fromConfig, field: nil,
            message: "hook '\(name)' is declared in the config file, which is applied at every start: \(what) there")
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
