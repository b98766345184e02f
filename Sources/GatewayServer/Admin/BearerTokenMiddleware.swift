import Foundation
import Hummingbird
import IMMNotify

/// Requires `Authorization: Bearer <admin.token>` on every admin route except the open paths
/// (`/healthz` and `/readyz`, for load-balancer probes). With no token configured it lets everything through,
/// which the configuration allows only on a loopback listener.
public struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let openPaths: Set<String>

    /// Creates the middleware; an empty token disables the check.
    public init(token: String, openPaths: Set<String> = ["/healthz", "/readyz"]) {
        self.token = Array(token.utf8)
        self.openPaths = openPaths
    }

    /// Checks the token, then runs the next responder.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard !token.isEmpty, !openPaths.contains(request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            var error = APIError(.unauthorized, code: "unauthorized", message: "missing bearer token")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        let presented = Array(header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces).utf8)
        guard EventBridgeVerifier.constantTimeEqual(presented, token) else {
            var error = APIError(.unauthorized, code: "unauthorized", message: "invalid bearer token")
            error.headers[.wwwAuthenticate] = #"Bearer error="invalid_token""#
            throw error
        }
        return try await next(request, context)
    }

}
