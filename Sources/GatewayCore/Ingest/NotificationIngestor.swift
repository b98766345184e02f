import Foundation
import IMMNotify
import Logging
import Metrics

/// The ingest pipeline shared by both listeners and every test: authenticate, decode, commit, and
/// only then report success. Refusals are recorded (body truncated) before they are answered.
public struct NotificationIngestor: Sendable {
    private let mnsVerifier: MNSVerifier
    private let eventBridgeVerifier: EventBridgeVerifier
    private let certificates: CertificateResolver
    private let committer: GroupCommitter
    private let clock: any WallClock
    private let rejectionBodyLimit: Int
    private let logger: Logger

    /// Creates the pipeline.
    public init(
        mnsVerifier: MNSVerifier, eventBridgeVerifier: EventBridgeVerifier, certificates: CertificateResolver,
        committer: GroupCommitter, clock: any WallClock, rejectionBodyLimit: Int = 64 * 1024,
        logger: Logger = Logger(label: "imm-gateway.ingest")
    ) {
        self.mnsVerifier = mnsVerifier
        self.eventBridgeVerifier = eventBridgeVerifier
        self.certificates = certificates
        self.committer = committer
        self.clock = clock
        self.rejectionBodyLimit = rejectionBodyLimit
        self.logger = logger
    }

    /// Authenticates, decodes and durably stores an MNS push.
    public func ingestMNS(_ request: CapturedRequest, logger: Logger? = nil) async -> Result<IngestOutcome, IngestError>
    {
        let logger = logger ?? self.logger
        let receivedAt = clock.now()
        switch await authenticateMNS(request, at: receivedAt) {
        case .success(let record): return await store(record, logger: logger)
        case .failure(let error):
            return await refuse(request, channel: .mns, at: receivedAt, error: error, logger: logger)
        }
    }

    /// Verifies and decodes an MNS push, storing and recording nothing: the record `ingestMNS`
    /// would commit, or why it would refuse the push. The bench's `POST /bench/unstored` runs this
    /// alone, to measure ingest's ceiling without the database.
    public func authenticateMNS(_ request: CapturedRequest) async -> Result<NotificationRecord, IngestError> {
        await authenticateMNS(request, at: clock.now())
    }

    private func authenticateMNS(_ request: CapturedRequest, at receivedAt: Date) async -> Result<
        NotificationRecord, IngestError
    > {
        let certificates = self.certificates
        let report = await mnsVerifier.verify(request, now: receivedAt, certificate: certificates.resolve)
        if let failure = report.failure { return .failure(IngestError(failure)) }
        // An authentic body in no format we read is still stored and acknowledged, as an
        // undecodable event (MNS would retry it briefly, then drop the only copy); `reprocess` can
        // decode it after an upgrade.
        let push = Result { try MNSPush.parse(body: request.body) }
        let evidence = VerificationEvidence(
            method: "mns-rsa-sha1", certificateURL: report.certificateURL,
            certificateFingerprint: report.certificateFingerprint,
            format: (try? push.get())?.format.rawValue ?? Self.unreadableFormat)
        return .success(
            NotificationRecord(
                receivedAt: receivedAt, channel: .mns,
                mnsMessageId: nonEmpty((try? push.get())?.messageId) ?? nonEmpty(request.header("x-mns-message-id")),
                request: request, evidence: evidence,
                decoded: Self.decoded(push, "MNS push body", NotificationDecoder.decode)))
    }

    /// Authenticates, decodes and durably stores an EventBridge CloudEvent.
    public func ingestEventBridge(_ request: CapturedRequest, logger: Logger? = nil) async -> Result<
        IngestOutcome, IngestError
    > {
        let logger = logger ?? self.logger
        let receivedAt = clock.now()
        let certificates = self.certificates
        let report = await eventBridgeVerifier.verify(request, now: receivedAt, certificate: certificates.resolve)
        if let failure = report.failure {
            return await refuse(
                request, channel: .eventbridge, at: receivedAt, error: IngestError(failure), logger: logger)
        }
        let event = Result { try CloudEvent.parse(body: request.body) }
        let evidence = VerificationEvidence(
            method: report.method, certificateURL: report.certificateURL,
            certificateFingerprint: report.certificateFingerprint,
            format: (try? event.get()) == nil ? Self.unreadableFormat : "cloudevents")
        let record = NotificationRecord(
            receivedAt: receivedAt, channel: .eventbridge, mnsMessageId: nil, request: request, evidence: evidence,
            decoded: Self.decoded(event, "EventBridge body", NotificationDecoder.decode))
        return await store(record, logger: logger)
    }

    /// Records a request refused before it could be verified (for example, a body over the size
    /// limit, of which `bodySize` bytes were sent or announced).
    public func refuse(
        _ request: CapturedRequest, channel: IngestChannel, error: IngestError, bodySize: Int? = nil
    ) async -> Result<IngestOutcome, IngestError> {
        await refuse(request, channel: channel, at: clock.now(), error: error, bodySize: bodySize)
    }

    /// The `format` of an authentic event whose body is in no format the gateway reads.
    static let unreadableFormat = "unreadable"

    /// The decoded form of a parsed body, or an undecodable one that says why the body did not parse.
    private static func decoded<Body>(
        _ parsed: Result<Body, any Error>, _ what: String, _ decode: (Body) -> DecodedNotification
    ) -> DecodedNotification {
        switch parsed {
        case .success(let body): decode(body)
        case .failure(let error): DecodedNotification(state: .undecodable, decodeError: "\(what): \(error)")
        }
    }

    private func store(_ record: NotificationRecord, logger: Logger) async -> Result<IngestOutcome, IngestError> {
        let channel = record.channel.rawValue
        do {
            switch try await committer.submit(.notification(record)) {
            case .stored(let id):
                Counter(label: "imm_gateway_ingest_accepted_total", dimensions: [("channel", channel)]).increment()
                logger.debug(
                    "notification stored",
                    metadata: ["gw.event.id": "\(id)", "gw.task.id": "\(record.decoded.taskId ?? "")"])
                return .success(.stored(eventId: id))
            case .duplicate(let id):
                Counter(label: "imm_gateway_ingest_duplicates_total", dimensions: [("channel", channel)]).increment()
                logger.debug("duplicate notification", metadata: ["gw.event.id": "\(id)"])
                return .success(.duplicate(eventId: id))
            case .failed(let reason):
                logger.error("notification write failed", metadata: ["gw.error": "\(reason)"])
                return .failure(.storeUnavailable)
            case .recorded:
                logger.error("notification write recorded as a rejection")
                return .failure(.storeUnavailable)
            }
        } catch {
            // The detail (SQLite's own message) goes to the log, not to the public listener's caller.
            logger.error("notification commit failed", metadata: ["gw.error": "\(error)"])
            return .failure(.storeUnavailable)
        }
    }

    private func refuse(
        _ request: CapturedRequest, channel: IngestChannel, at receivedAt: Date, error: IngestError,
        bodyLimit: Int? = nil, bodySize: Int? = nil, logger: Logger? = nil
    ) async -> Result<IngestOutcome, IngestError> {
        let logger = logger ?? self.logger
        Counter(
            label: "imm_gateway_ingest_rejections_total",
            dimensions: [("channel", channel.rawValue), ("reason", error.code.rawValue)]
        ).increment()
        logger.debug("notification refused", metadata: ["gw.reason": "\(error.code.rawValue)"])
        let record = RejectionRecord(
            receivedAt: receivedAt, channel: channel, error: error, request: request,
            bodyLimit: bodyLimit ?? rejectionBodyLimit, bodySize: bodySize)
        do {
            _ = try await committer.submit(.rejection(record))
        } catch {
            logger.error("rejection could not be recorded", metadata: ["gw.error": "\(error)"])
        }
        return .failure(error)
    }
}
