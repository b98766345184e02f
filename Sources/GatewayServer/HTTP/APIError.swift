import Foundation
import GatewayCore
import Hummingbird

/// An error the HTTP layer answers with a status and the JSON body `{"error":{"code","message"}}`.
public struct APIError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A stable machine-readable code.
    public let code: String
    /// A message for the caller.
    public let message: String
    /// Extra response headers.
    public var headers: HTTPFields = [:]
    /// The request field at fault, for validation errors.
    public var field: String?

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The JSON body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The encoded `{"error":{"code","message"}}` document.
    public var body: [UInt8] {
        struct Envelope: Encodable {
            struct Detail: Encodable {
                let code: String
                let message: String
                let field: String?
            }
            let error: Detail
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(
            (try? encoder.encode(Envelope(error: .init(code: code, message: message, field: field)))) ?? Data())
    }

    /// 400 with code `invalid_request`.
    public static func badRequest(_ message: String, code: String = "invalid_request") -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    /// 404 with code `not_found`.
    public static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    /// The refusal of an ingest request, with the status MNS and EventBridge act on.
    public init(_ error: IngestError) {
        self.init(HTTPResponse.Status(code: error.httpStatus), code: error.code.rawValue, message: error.message)
        if error.isRetryable { headers[.retryAfter] = "10" }
    }
}
