import Foundation
import GatewayCore
import GatewayStore
import Hummingbird
import IMMNotify

/// The operator's toolbox: replay (one event or in bulk), reprocess, backup and status.
public struct OperationsController<Context: RequestContext>: Sendable {
    let store: SQLiteStore
    let clock: any WallClock
    let config: GatewayConfig

    /// Creates the controller.
    public init(store: SQLiteStore, clock: any WallClock, config: GatewayConfig) {
        self.store = store
        self.clock = clock
        self.config = config
    }

    /// Registers the routes.
    public func addRoutes(to routes: RouteTable<Context>) {
        routes.on(.post, "/v1/events/reprocess", use: reprocess)
        routes.on(.post, "/v1/events/:id/replay", use: replayEvent)
        routes.on(.post, "/v1/replays", use: createReplay)
        routes.on(.get, "/v1/replays", use: listReplays)
        routes.on(.get, "/v1/replays/:id", use: showReplay)
        routes.on(.post, "/v1/replays/:id/cancel", use: cancelReplay)
        routes.on(.post, "/v1/backup", use: backup)
        routes.on(.get, "/v1/status", use: status)
    }

    private func body(_ request: Request, allowed: Set<String>) async throws -> JSONBody.Fields {
        JSONBody.Fields(value: try await JSONBody.object(request, allowed: allowed).value)
    }

    private func id(_ context: Context, _ what: String) throws -> Int64 {
        let text = try context.pathParameter("id")
        guard let id = Int64(text), id > 0 else {
            throw APIError.badRequest("\(what) id must be a positive integer, not '\(text)'", code: "invalid_id")
        }
        return id
    }

    private func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as HookError {
            throw APIError(error)
        } catch let error as ReplayError {
            throw APIError.notFound(error.description)
        }
    }

    struct Enqueued: Encodable {
        let eventId: Int64
        let deliveries: Int
        enum CodingKeys: String, CodingKey {
            case deliveries
            case eventId = "event_id"
        }
    }

    /// `POST /v1/events/{id}/replay` `{"hook": "name"?}`.
    @Sendable func replayEvent(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let eventId = try id(context, "event")
        let hook = try await body(request, allowed: ["hook"]).string("hook")
        let count = try await mapping { try await store.replayEvent(id: eventId, hook: hook, at: clock.now()) }
        return try JSONResponse.make(Enqueued(eventId: eventId, deliveries: count), status: .accepted)
    }

    struct DryRun: Encodable {
        let dryRun = true
        let matched: Int
        let sample: [EventDTO]
        enum CodingKeys: String, CodingKey {
            case matched, sample
            case dryRun = "dry_run"
        }
    }

    /// `POST /v1/replays`: a filter, `rate_per_second`, `dry_run`, `requested_by`.
    @Sendable func createReplay(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let allowed = Set(
            ReplayFilter.CodingKeys.allCases.map(\.rawValue) + ["rate_per_second", "dry_run", "requested_by"])
        let fields = try await body(request, allowed: allowed)
        var filterFields = fields.value.objectValue ?? [:]
        for key in ["rate_per_second", "dry_run", "requested_by"] { filterFields[key] = nil }
        let filter = try JSONBody.decode(ReplayFilter.self, from: .object(filterFields), code: "invalid_request")
        // Here, not in the decoder: replays stored before this check are decoded too, and must load.
        if let since = filter.since, let until = filter.until, since > until {
            var error = APIError.badRequest(
                "until: is earlier than since: nothing could match", code: "invalid_request")
            error.field = "until"
            throw error
        }
        let rate = try fields.number("rate_per_second")
        if let rate, !ReplayService.rateRange.contains(rate) {
            var error = APIError.badRequest(
                "rate_per_second must be \(ReplayService.rateRange.lowerBound)–\(Int(ReplayService.rateRange.upperBound))",
                code: "invalid_request")
            error.field = "rate_per_second"
            throw error
        }
        if try fields.bool("dry_run") == true {
            let preview = try await mapping { try await store.previewReplay(filter) }
            return try JSONResponse.make(
                DryRun(matched: preview.count, sample: preview.sample.map { EventDTO($0, detail: false) }))
        }
        let requestedBy =
            try fields.string("requested_by") ?? request.headers[.userAgent].map { "user-agent: \($0)" }
            ?? "admin API"
        let replay = try await mapping {
            try await store.createReplay(
                filter, ratePerSecond: rate, requestedBy: requestedBy, at: clock.now())
        }
        return try JSONResponse.make(ReplayDTO(replay: replay), status: .accepted)
    }

    /// `GET /v1/replays`.
    @Sendable func listReplays(_ request: Request, context: Context) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["limit", "cursor"])
        let page = try await store.replays(limit: try query.limit(), before: try query.cursor())
        return try JSONResponse.make(
            PageResponse("replays", page.items.map(ReplayDTO.init), nextCursor: page.nextCursor))
    }

    /// `GET /v1/replays/{id}`: state and progress.
    @Sendable func showReplay(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let replayId = try id(context, "replay")
        guard let replay = try await store.replay(id: replayId) else {
            throw APIError.notFound("no replay \(replayId)")
        }
        return try JSONResponse.make(ReplayDTO(replay: replay))
    }

    /// `POST /v1/replays/{id}/cancel`.
    @Sendable func cancelReplay(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let replayId = try id(context, "replay")
        let replay = try await mapping { try await store.cancelReplay(id: replayId, at: clock.now()) }
        return try JSONResponse.make(ReplayDTO(replay: replay))
    }

    /// `POST /v1/events/reprocess` `{"decode_state": "undecodable", "replay": false}`.
    @Sendable func reprocess(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let fields = try await body(request, allowed: ["decode_state", "replay"])
        var state = DecodeState.undecodable
        if let text = try fields.string("decode_state") {
            guard let parsed = DecodeState(rawValue: text) else {
                throw APIError.badRequest(
                    "decode_state must be undecodable, generic or decoded", code: "invalid_request")
            }
            state = parsed
        }
        let result = try await Reprocessor(store: store, clock: clock).run(
            state: state, fanOut: try fields.bool("replay") ?? false)
        return try JSONResponse.make(result)
    }

    struct BackupResult: Encodable {
        let path: String
        let bytes: Int64
        let durationMs: Int
        enum CodingKeys: String, CodingKey {
            case path, bytes
            case durationMs = "duration_ms"
        }
    }

    /// `POST /v1/backup` `{"path": "/backups/gw.sqlite"}`: a consistent online copy.
    @Sendable func backup(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        guard let path = try await body(request, allowed: ["path"]).string("path"), !path.isEmpty else {
            throw APIError.badRequest("path is required", code: "invalid_request")
        }
        // Written by the gateway, on its host: a relative path would land in whatever directory the
        // gateway was started from, not where the caller meant.
        guard path.hasPrefix("/") else {
            throw APIError.badRequest(
                "path must be absolute (the file is written on the gateway's host), not '\(path)'",
                code: "invalid_request")
        }
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw APIError.badRequest(
                "directory \(directory) does not exist on the gateway's host", code: "invalid_request")
        }
        let started = ContinuousClock.now
        let bytes: Int64
        do {
            bytes = try await store.backup(to: path)
        } catch let error as ReplayError {
            throw APIError(.conflict, code: "backup_refused", message: error.description)
        } catch {
            throw APIError(.internalServerError, code: "backup_failed", message: "backup to \(path) failed: \(error)")
        }
        let elapsed = ContinuousClock.now - started
        return try JSONResponse.make(
            BackupResult(
                path: path, bytes: bytes,
                durationMs: Int(
                    elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)),
            status: .created
        )
    }

    /// `GET /v1/status`.
    @Sendable func status(_ request: Request, context: Context) async throws -> Response {
        _ = try QueryParameters(request, allowed: [])
        let summary = try await store.statusSummary(at: clock.now())
        return try JSONResponse.make(StatusDTO(summary: summary, config: config))
    }
}
