import HTTPTypes
import Hummingbird

/// Registers routes on a router and remembers them, so the OpenAPI document can be checked against
/// what the server really serves (Hummingbird's router does not list its routes).
public final class RouteTable<Context: RequestContext> {
    /// The router routes are added to.
    public let router: Router<Context>
    /// Every registered route as `METHOD /path/{param}`, in registration order.
    public private(set) var routes: [String] = []

    /// Wraps `router`.
    public init(router: Router<Context>) { self.router = router }

    /// Adds a route.
    public func on(
        _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        router.on(RouterPath(path), method: method, use: handler)
        let openAPIPath = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
        routes.append("\(method.rawValue) \(openAPIPath)")
    }

    /// Adds a `GET` route and a `HEAD` route answered by the same handler without the body (for
    /// HEAD-based probes; the router does not derive one from the other).
    public func getAndHead(
        _ path: String, use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) {
        on(.get, path, use: handler)
        on(.head, path) { request, context in
            var response = try await handler(request, context)
            response.body = ResponseBody()
            return response
        }
    }
}
