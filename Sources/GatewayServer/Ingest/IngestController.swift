import GatewayCore
import HTTPTypes
import Hummingbird
import IMMNotify
import NIOCore

/// The public ingest routes: MNS pushes and EventBridge events. A 2xx is sent only after the
/// notification is durably committed; a failed commit is a 503 so the sender retries.
public struct IngestController<Context: RequestContext>: Sendable {
    let ingestor: NotificationIngestor
    let mnsPath: String
    let eventBridgePath: String
    let maxBodyBytes: Int
    let maxHeaderBytes: Int
    let maxHeaderCount: Int

    /// Creates the controller.
    public init(
        ingestor: NotificationIngestor, mnsPath: String, eventBridgePath: String, maxBodyBytes: Int,
        maxHeaderBytes: Int = 65_536, maxHeaderCount: Int = 100
    ) {
        self.ingestor = ingestor
        self.mnsPath = mnsPath
        self.eventBridgePath = eventBridgePath
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
    }

    /// How far past the configured header limits the HTTP decoder itself lets a head through:
    /// within it, an oversized head gets a JSON 431 and is recorded like any refusal; beyond it
    /// (abuse, not a misconfigured sender) the decoder refuses it with a bare 400 and closes.
    public static var decoderHeaderAllowance: Int { 4 }

    /// Registers the routes.
    public func addRoutes(to router: Router<Context>) {
        router.post(RouterPath(mnsPath), use: receiveMNS)
        router.post(RouterPath(eventBridgePath), use: receiveEventBridge)
    }

    /// `POST {mns_path}`: one MNS push.
    @Sendable func receiveMNS(_ request: Request, context: Context) async throws -> Response {
        try await receive(request, channel: .mns) { await ingestor.ingestMNS($0, logger: context.logger) }
    }

    /// `POST {eventbridge_path}`: one EventBridge CloudEvent.
    @Sendable func receiveEventBridge(_ request: Request, context: Context) async throws -> Response {
        try await receive(request, channel: .eventbridge) {
            await ingestor.ingestEventBridge($0, logger: context.logger)
        }
    }

    /// `POST /bench/unstored` (`ingest.bench_route: true` only): an MNS push read, checked,
    /// verified and decoded exactly as `POST {mns_path}` does it, then answered 204 (event id 0)
    /// without being stored. A push that fails verification gets its usual error status and is not
    /// recorded; one over the size limits is refused and recorded as on the MNS route, since that
    /// check comes first and is shared. `imm-gateway bench` times it
    /// beside the bare 204 and real ingest, so a report shows how much of ingest's cost is the
    /// database. The signature is checked against `mns_path`, the path the pushes were signed for.
    public func addUnstoredBenchRoute(to router: Router<Context>) {
        router.post("/bench/unstored") { request, _ -> Response in
            try await receive(request, channel: .mns) { captured in
                var captured = captured
                captured.target = mnsPath
                return await ingestor.authenticateMNS(captured).map { _ in .stored(eventId: 0) }
            }
        }
    }

    private func receive(
        _ request: Request, channel: IngestChannel,
        ingest: (CapturedRequest) async -> Result<IngestOutcome, IngestError>
    ) async throws -> Response {
        let (captured, complete) = try await capture(request)
        if let problem = headerProblem(request) {
            let error = IngestError.headersTooLarge(problem)
            // Recorded within the limits: the head of an unauthenticated request up to four times
            // them, stored for every refusal, would let a flood write that much per request.
            var kept = captured
            var budget = maxHeaderBytes
            kept.headers = Array(
                captured.headers.prefix(maxHeaderCount).prefix { header in
                    budget -= header.name.utf8.count + header.value.utf8.count + 4
                    return budget >= 0
                })
            _ = await ingestor.refuse(kept, channel: channel, error: error, bodySize: captured.body.count)
            throw APIError(error)
        }
        guard complete else {
            let error = IngestError.payloadTooLarge(limit: maxBodyBytes)
            let declared = request.headers[.contentLength].flatMap(Int.init)
            _ = await ingestor.refuse(
                captured, channel: channel, error: error, bodySize: max(declared ?? 0, captured.body.count + 1))
            throw APIError(error)
        }
        switch await ingest(captured) {
        case .success(let outcome):
            var headers: HTTPFields = [:]
            headers[HTTPField.Name("x-imm-gateway-event-id")!] = String(outcome.eventId)
            if case .duplicate = outcome { headers[HTTPField.Name("x-imm-gateway-duplicate")!] = "true" }
            return Response(status: .noContent, headers: headers)
        case .failure(let error):
            throw APIError(error)
        }
    }

    /// Why the head is over the configured limits (size counts names, values and `: ` + CRLF per
    /// field, as the HTTP decoder does), or nil.
    private func headerProblem(_ request: Request) -> String? {
        let count = request.headers.count
        if count > maxHeaderCount { return "have \(count) fields; at most \(maxHeaderCount) are accepted" }
        let bytes = request.headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
        if bytes > maxHeaderBytes { return "are \(bytes) bytes; at most \(maxHeaderBytes) are accepted" }
        return nil
    }

    /// Reads the request into a `CapturedRequest`, stopping once the body passes the limit (the
    /// second value is false then, and the body holds the first `maxBodyBytes` bytes). Nothing past
    /// the limit is buffered, whatever Content-Length announces.
    private func capture(_ request: Request) async throws -> (CapturedRequest, Bool) {
        var headers: [CapturedRequest.Header] = []
        if let authority = request.head.authority { headers.append(.init(name: "Host", value: authority)) }
        for field in request.headers { headers.append(.init(name: field.name.rawName, value: field.value)) }
        var captured = CapturedRequest(
            method: request.method.rawValue, target: request.head.path ?? "/", headers: headers, body: [])
        for try await buffer in request.body {
            if captured.body.count + buffer.readableBytes > maxBodyBytes {
                captured.body.append(contentsOf: buffer.readableBytesView.prefix(maxBodyBytes - captured.body.count))
                return (captured, false)
            }
            captured.body.append(contentsOf: buffer.readableBytesView)
        }
        return (captured, true)
    }
}
