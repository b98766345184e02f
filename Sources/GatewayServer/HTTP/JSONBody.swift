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

    /// The fields of a body read by `object`, each taken with the JSON type it must have: a wrong
    /// type is a 400 naming the field, never a value read some other way (`"true"` is not true, and
    /// `{}` is not "no hook").
    struct Fields {
        let value: JSONValue

        /// A boolean field; nil when absent or null.
        func bool(_ key: String) throws -> Bool? {
            switch value[key] {
            case nil, .null?: return nil
            case .bool(let flag)?: return flag
            default: throw Self.wrongType(key, "true or false")
            }
        }

        /// A string field; nil when absent or null.
        func string(_ key: String) throws -> String? {
            switch value[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            default: throw Self.wrongType(key, "a string")
            }
        }

        /// A number field; nil when absent or null.
        func number(_ key: String) throws -> Double? {
            switch value[key] {
            case nil, .null?: return nil
            case .number(let number)?: return number
            default: throw Self.wrongType(key, "a number")
            }
        }

        private static func wrongType(_ key: String, _ expected: String) -> APIError {
            var error = APIError.badRequest("\(key) must be \(expected)", code: "invalid_request")
            error.field = key
            return error
        }
    }
}
