import Foundation
import GatewayCore
import Hummingbird
import IMMNotify

/// The task query API: `GET /v1/tasks`, `/v1/tasks/{taskId}`, `/v1/tasks/{taskId}/faces`, `/v1/faces`.
public struct TasksController<Context: RequestContext>: Sendable {
    let store: any TaskStore & DeliveryStore

    /// Creates the controller.
    public init(store: any TaskStore & DeliveryStore) { self.store = store }

    /// Registers the routes.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.on(.get, "/v1/tasks", use: list)
        routes.on(.get, "/v1/tasks/:taskId", use: show)
        routes.on(.get, "/v1/tasks/:taskId/faces", use: taskFaces)
        routes.on(.get, "/v1/faces", use: facesByURI)
    }

    /// Lists tasks newest first with filters.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(
            request, allowed: ["status", "project", "dataset", "label", "since", "until", "limit", "cursor"])
        let filter = try Self.filter(query.values)
        let page = try await store.tasks(filter: filter, limit: try query.limit(), before: try query.cursor())
        return try JSONResponse.make(PageResponse("tasks", page.items.map(TaskDTO.init), nextCursor: page.nextCursor))
    }

    /// Shows a task with its submission, faces and events.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let taskId = try context.pathParameter("taskId")
        guard let detail = try await store.detail(taskId: taskId) else { throw APIError.notFound("no task \(taskId)") }
        return try JSONResponse.make(detail)
    }

    /// A task's normalized faces.
    @Sendable func taskFaces(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let taskId = try context.pathParameter("taskId")
        guard try await store.task(taskId: taskId) != nil else { throw APIError.notFound("no task \(taskId)") }
        let faces = try await store.faces(taskId: taskId)
        return try JSONResponse.make(PageResponse("faces", faces.map(FaceDTO.init), nextCursor: nil))
    }

    /// Which tasks matched an image: `GET /v1/faces?uri=oss://…`.
    @Sendable func facesByURI(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["uri", "limit", "cursor"])
        guard let uri = query.values["uri"], !uri.isEmpty else {
            throw APIError.badRequest("uri is required", code: "missing_parameter")
        }
        let page = try await store.faces(uri: uri, limit: try query.limit(), before: try query.cursor())
        return try JSONResponse.make(PageResponse("faces", page.items.map(FaceDTO.init), nextCursor: page.nextCursor))
    }

    static func filter(_ values: [String: String]) throws -> TaskFilter {
        var filter = TaskFilter()
        if let status = values["status"] {
            guard let state = TaskState(rawValue: status.lowercased()) else {
                throw APIError.badRequest(
                    "status must be one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", "))",
                    code: "invalid_status")
            }
            filter.state = state
        }
        filter.project = values["project"]
        filter.dataset = values["dataset"]
        if let label = values["label"] {
            guard let equals = label.firstIndex(of: "="), equals != label.startIndex else {
                throw APIError.badRequest("label must be key=value", code: "invalid_label")
            }
            filter.label = (String(label[..<equals]), String(label[label.index(after: equals)...]))
        }
        for (key, keyPath) in [("since", \TaskFilter.since), ("until", \TaskFilter.until)] {
            guard let text = values[key] else { continue }
            guard let date = IMMTime.parse(text) else {
                throw APIError.badRequest("\(key) must be an RFC 3339 timestamp", code: "invalid_time")
            }
            filter[keyPath: keyPath] = date
        }
        if let since = filter.since, let until = filter.until, since > until {
            throw APIError.badRequest("since is later than until: nothing could match", code: "invalid_time")
        }
        return filter
    }
}
