import GatewayCore
import Hummingbird

/// `GET /v1/events`, `GET /v1/events/{id}` and `GET /v1/rejections`.
public struct EventsController<Context: RequestContext>: Sendable {
    let reader: any EventReader

    /// Creates the controller.
    public init(reader: any EventReader) { self.reader = reader }

    /// Registers the routes.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.on(.get, "/v1/events", use: listEvents)
        routes.on(.get, "/v1/events/:id", use: showEvent)
        routes.on(.get, "/v1/rejections", use: listRejections)
    }

    /// Lists events newest first.
    @Sendable func listEvents(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["limit", "cursor"])
        let page = try await reader.events(limit: try query.limit(), before: try query.cursor())
        return try JSONResponse.make(
            PageResponse("events", page.items.map { EventDTO($0, detail: false) }, nextCursor: page.nextCursor))
    }

    /// Shows one event with its parsed form and raw request.
    @Sendable func showEvent(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let text = try context.pathParameter("id")
        guard let id = Int64(text), id > 0 else {
            throw APIError.badRequest("event id must be a positive integer, not '\(text)'", code: "invalid_id")
        }
        guard let event = try await reader.event(id: id) else { throw APIError.notFound("no event \(id)") }
        return try JSONResponse.make(EventDTO(event, detail: true))
    }

    /// Lists recorded refusals newest first.
    @Sendable func listRejections(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["limit", "cursor"])
        let page = try await reader.rejections(limit: try query.limit(), before: try query.cursor())
        return try JSONResponse.make(
            PageResponse("rejections", page.items.map(RejectionDTO.init), nextCursor: page.nextCursor))
    }
}
