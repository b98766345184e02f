import HTTPTypes
import Hummingbird

/// Tells a wrong method from an unknown path: the router answers 404 to both, so `DELETE
/// /v1/events` looked like a missing route. A path that some route serves with another method is
/// 405 with an `Allow` header. Added last, so it sits inside `JSONErrorMiddleware` and sees the
/// router's own 404 (handlers' 404s are `APIError`s and pass through).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes as `(method, path segments)`, `:name` segments matching any one segment.
    let routes: [(method: HTTPRequest.Method, segments: [String])]

    /// Built from `RouteTable.routes` entries (`METHOD /path/{param}`).
    init(routes: [String]) {
        self.routes = routes.compactMap { route in
            let parts = route.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let method = HTTPRequest.Method(String(parts[0])) else { return nil }
            return (method, Self.segments(String(parts[1])))
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = allowedMethods(request.uri.path)
            guard !allowed.isEmpty else { throw error }
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            var refusal = APIError(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method.rawValue) is not allowed on \(request.uri.path); allowed: \(names)")
            refusal.headers[.allow] = names
            throw refusal
        }
    }

    /// The methods some route serves `path` with, in registration order.
    func allowedMethods(_ path: String) -> [HTTPRequest.Method] {
        let wanted = Self.segments(path)
        var methods: [HTTPRequest.Method] = []
        for route in routes where route.segments.count == wanted.count && !methods.contains(route.method) {
            let matches = zip(route.segments, wanted).allSatisfy { pattern, segment in
                pattern.hasPrefix("{") || pattern.hasPrefix(":") ? !segment.isEmpty : pattern == segment
            }
            if matches { methods.append(route.method) }
        }
        return methods
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
