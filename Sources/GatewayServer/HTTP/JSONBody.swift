import Hummingbird
import IMMNotify

/// Reads an admin request body as a JSON object whose keys must all be known, so a misspelt field
/// is a 400 naming it rather than a silently ignored setting. An empty body is an empty object.
enum JSONBody {
    static func object(
        _ request: Request, allowed: Set<String>, code: String = "invalid_request", maxBytes: Int = 256 * 1024
    )
        async throws -> (value: JSONValue, bytes: [UInt8])
    {
        let bytes = Array(try await request.body.collect(upTo: maxBytes).readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return (.object([:]), Array("{}".utf8))
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw APIError.badRequest("body is not JSON: \(error)", code: "invalid_json")
        }
        guard let members = value.objectValue else {
            throw APIError.badRequest("body must be a JSON object", code: "invalid_json")
        }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            var error = APIError.badRequest(
                "unknown field '\(unknown)'; known fields: \(allowed.sorted().joined(separator: ", "))", code: code)
            error.field = unknown
            throw error
        }
        return (value, bytes)
    }
}
