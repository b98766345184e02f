import GatewayCore
import Hummingbird

/// `GET /healthz`: 200 when the database answers, 503 otherwise. Open without a token so probes work.
public struct HealthController<Context: RequestContext>: Sendable {
    let reader: any EventReader

    /// Creates the controller.
    public init(reader: any EventReader) { self.reader = reader }

    /// Registers the route.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.getAndHead("/healthz", use: health)
    }

    struct Health: Encodable {
        let status: String
        let database: String
    }

    /// Reports liveness and database reachability.
    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        do {
            try await reader.ping()
            return try JSONResponse.make(Health(status: "ok", database: "ok"))
        } catch {
            throw APIError(.serviceUnavailable, code: "database_unavailable", message: "database does not answer")
        }
    }
}
