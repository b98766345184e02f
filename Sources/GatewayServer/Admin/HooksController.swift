import Foundation
import GatewayCore
import GatewayStore
import Hummingbird
import IMMNotify

/// Hook management: `GET/POST /v1/hooks`, `GET/PATCH/DELETE /v1/hooks/{name}`, and
/// `POST /v1/hooks/{name}/enable|disable|rotate-secret|test`. Secrets appear only in the answers to
/// creation and rotation.
public struct HooksController<Context: RequestContext>: Sendable {
    let store: SQLiteStore
    let dispatcher: DeliveryDispatcher
    let clock: any WallClock

    /// How long a rotated-out secret keeps signing.
    static var rotationOverlap: TimeInterval { 24 * 3600 }

    /// Creates the controller.
    public init(store: SQLiteStore, dispatcher: DeliveryDispatcher, clock: any WallClock) {
        self.store = store
        self.dispatcher = dispatcher
        self.clock = clock
    }

    /// Registers the routes.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.on(.get, "/v1/hooks", use: list)
        routes.on(.post, "/v1/hooks", use: create)
        routes.on(.get, "/v1/hooks/:name", use: show)
        routes.on(.patch, "/v1/hooks/:name", use: update)
        routes.on(.delete, "/v1/hooks/:name", use: remove)
        routes.on(.post, "/v1/hooks/:name/enable", use: enable)
        routes.on(.post, "/v1/hooks/:name/disable", use: disable)
        routes.on(.post, "/v1/hooks/:name/rotate-secret", use: rotateSecret)
        routes.on(.post, "/v1/hooks/:name/test", use: test)
    }

    private func dto(_ hook: Hook) async throws -> HookDTO {
        HookDTO(hook: hook, secretCount: try await store.secrets(hookId: hook.id, at: clock.now()).count)
    }

    private func existing(_ context: Context) async throws -> Hook {
        let name = try context.pathParameter("name")
        guard let hook = try await store.hook(named: name) else { throw APIError(HookError.notFound(name)) }
        return hook
    }

    /// Settings, secrets and existence of a hook the config file declares are the file's: an edit
    /// here would be undone (or, for a rotated secret, silently dropped) at the next start.
    /// Enabling, disabling and testing it are operations, and allowed.
    private static func refuseConfigured(_ hook: Hook, _ what: String) throws {
        if hook.origin == "config" { throw APIError(HookError.fromConfig(hook.name, what)) }
    }

    private func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as HookError {
            throw APIError(error)
        }
    }

    /// Lists hooks.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        var items: [HookDTO] = []
        for hook in try await store.hooks() { items.append(try await dto(hook)) }
        return try JSONResponse.make(PageResponse("hooks", items, nextCursor: nil))
    }

    struct Created: Encodable {
        let hook: HookDTO
        let secrets: [String]
    }

    /// Creates a hook; its secrets (given or generated) are returned this once.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let spec = try await Self.decode(request)
        return try await run {
            let hook = try spec.applied(to: nil, origin: "api")
            let secrets = spec.secrets?.isEmpty == false ? spec.secrets ?? [] : [WebhookSigner.generateSecret()]
            let created = try await store.createHook(hook, secrets: secrets, at: clock.now())
            return try JSONResponse.make(Created(hook: try await dto(created), secrets: secrets), status: .created)
        }
    }

    /// Shows a hook.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        return try JSONResponse.make(try await dto(try await existing(context)))
    }

    /// Changes a hook's settings (not its secrets: rotate those).
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let hook = try await existing(context)
        let spec = try await Self.decode(request)
        try Self.refuseConfigured(hook, "change its settings")
        if spec.secrets != nil {
            throw APIError.badRequest(
                "secrets cannot be patched; use POST /v1/hooks/{name}/rotate-secret", code: "invalid_hook")
        }
        if let name = spec.name, name != hook.name {
            throw APIError.badRequest("a hook cannot be renamed", code: "invalid_hook")
        }
        return try await run {
            var updated = try await store.updateHook(try spec.applied(to: hook, origin: hook.origin), at: clock.now())
            if let enabled = spec.enabled, enabled != hook.enabled {
                updated = try await store.setHookEnabled(
                    named: hook.name, enabled: enabled, reason: "operator", at: clock.now())
            }
            return try JSONResponse.make(try await dto(updated))
        }
    }

    /// Deletes a hook and its deliveries.
    @Sendable func remove(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let hook = try await existing(context)
        try Self.refuseConfigured(
            hook, "remove it (a hook taken out of the file can be removed here after the next start)")
        try await run { try await store.deleteHook(named: hook.name) }
        return Response(status: .noContent)
    }

    /// Enables a hook; its paused deliveries flow again.
    @Sendable func enable(_ request: Request, context: Context) async throws -> Response {
        try await setEnabled(true, request, context)
    }

    /// Disables a hook; its deliveries wait as `paused`.
    @Sendable func disable(_ request: Request, context: Context) async throws -> Response {
        try await setEnabled(false, request, context)
    }

    private func setEnabled(_ enabled: Bool, _ request: Request, _ context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let hook = try await existing(context)
        let updated = try await store.setHookEnabled(
            named: hook.name, enabled: enabled, reason: "operator", at: clock.now())
        return try JSONResponse.make(try await dto(updated))
    }

    struct Rotated: Encodable {
        let hook: HookDTO
        let secret: String
        let previousSecretsExpireAt: String
        enum CodingKeys: String, CodingKey {
            case hook, secret
            case previousSecretsExpireAt = "previous_secrets_expire_at"
        }
    }

    /// Adds a new secret; the old ones keep signing alongside it for 24 hours.
    @Sendable func rotateSecret(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let hook = try await existing(context)
        try Self.refuseConfigured(hook, "rotate its secret by listing the new one before the old in its secrets")
        let now = clock.now()
        let secret = WebhookSigner.generateSecret()
        let expiry = now.addingTimeInterval(Self.rotationOverlap)
        _ = try await store.rotateSecret(named: hook.name, newSecret: secret, oldExpireAt: expiry, at: now)
        return try JSONResponse.make(
            Rotated(hook: try await dto(hook), secret: secret, previousSecretsExpireAt: RFC3339.format(expiry)))
    }

    /// Sends a signed test event to the hook and shows the attempt.
    @Sendable func test(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let hook = try await existing(context)
        let attempt = await dispatcher.sendTest(
            hook: hook, secrets: try await store.secrets(hookId: hook.id, at: clock.now()))
        return try JSONResponse.make(AttemptDTO(attempt: attempt))
    }

    static func decode(_ request: Request) async throws -> HookSpec {
        let allowed = Set(HookSpec.CodingKeys.allCases.map(\.rawValue))
        let body = try await JSONBody.object(request, allowed: allowed, code: "invalid_hook", maxBytes: 64 * 1024)
            .value
        return try JSONBody.decode(HookSpec.self, from: body, code: "invalid_hook")
    }
}
