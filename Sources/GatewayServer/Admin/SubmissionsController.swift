import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import IMMNotify

/// `POST /v1/submissions` and `GET /v1/submissions/{taskId}`: recording the `CreateFacesSearchingTask`
/// calls that notifications are joined to.
public struct SubmissionsController<Context: RequestContext>: Sendable {
    let store: any TaskStore & DeliveryStore
    let clock: any WallClock

    /// The largest submission body accepted.
    static var maxBodyBytes: Int { 256 * 1024 }

    /// Creates the controller.
    public init(store: any TaskStore & DeliveryStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// Registers the routes.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.on(.post, "/v1/submissions", use: create)
        routes.on(.get, "/v1/submissions/:taskId", use: show)
    }

    /// Records a submission: 201 when new, 200 when the same one was recorded before, 409 when a
    /// different one was, 400 naming the field when invalid.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let allowed = Set(Submission.CodingKeys.allCases.map(\.rawValue))
        let body = try await JSONBody.object(
            request, allowed: allowed, code: "invalid_submission", maxBytes: Self.maxBodyBytes
        ).value
        let submission = try JSONBody.decode(Submission.self, from: body, code: "invalid_submission")
        let outcome: SubmissionOutcome
        do {
            outcome = try await store.recordSubmission(submission, at: clock.now())
        } catch let error as SubmissionError {
            var apiError = APIError(
                error.code == .conflict ? .conflict : .badRequest, code: error.code.rawValue, message: error.message)
            apiError.field = error.field
            throw apiError
        }
        guard let detail = try await store.detail(taskId: submission.taskId) else {
            throw APIError(
                .internalServerError, code: "internal_error", message: "submission not readable after commit")
        }
        return try JSONResponse.make(detail, status: outcome == .created ? .created : .ok)
    }

    /// Shows the recorded submission, in IMM's casing.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let taskId = try context.pathParameter("taskId")
        guard let submission = try await store.submission(taskId: taskId) else {
            throw APIError.notFound("no submission for TaskId \(taskId)")
        }
        return try JSONResponse.make(submission)
    }
}
