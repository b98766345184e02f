import GatewayCore
import Hummingbird

/// `GET /v1/deliveries` and `GET /v1/deliveries/{id}`.
public struct DeliveriesController<Context: RequestContext>: Sendable {
    let store: any DeliveryStore

    /// Creates the controller.
    public init(store: any DeliveryStore) { self.store = store }

    /// Registers the routes.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.on(.get, "/v1/deliveries", use: list)
        routes.on(.get, "/v1/deliveries/:id", use: show)
    }

    /// Lists deliveries newest first, filtered by hook, status or task.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["hook", "status", "task", "limit", "cursor"])
        var filter = DeliveryFilter(hook: query.values["hook"], taskId: query.values["task"])
        if let status = query.values["status"] {
            guard let parsed = DeliveryStatus(rawValue: status) else {
                throw APIError.badRequest(
                    "status must be one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))",
                    code: "invalid_status")
            }
            filter.status = parsed
        }
        let page = try await store.deliveries(filter: filter, limit: try query.limit(), before: try query.cursor())
        return try JSONResponse.make(
            PageResponse("deliveries", page.items.map { DeliveryDTO(delivery: $0) }, nextCursor: page.nextCursor))
    }

    /// One delivery with every attempt.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let text = try context.pathParameter("id")
        guard let id = Int64(text), id > 0 else {
            throw APIError.badRequest("delivery id must be a positive integer", code: "invalid_id")
        }
        guard let (delivery, attempts) = try await store.delivery(id: id) else {
            throw APIError.notFound("no delivery \(id)")
        }
        return try JSONResponse.make(DeliveryDTO(delivery: delivery, attempts: attempts))
    }
}
