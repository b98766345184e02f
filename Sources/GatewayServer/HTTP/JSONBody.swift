import Foundation
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
            value = try JSONValue.parse(bytes, rejectingDuplicateKeys: true)
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

    /// Decodes a body whose keys `object` already checked into `type`; a value of the wrong type or
    /// shape is a 400 with `code` naming the field (`Sources[0].URI`), never a decoder's dump.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, code: String) throws -> T {
        do {
            return try JSONValueDecoder().decode(type, from: value)
        } catch let error as DecodingError {
            let (field, message) = fieldAndMessage(error)
            var apiError = APIError.badRequest(field.isEmpty ? message : "\(field): \(message)", code: code)
            apiError.field = field.isEmpty ? nil : field
            throw apiError
        }
    }

    /// `field: message` for a decoding error, e.g. `retry_schedule[0]: must be a whole number…`.
    static func describe(_ error: DecodingError) -> String {
        let (field, message) = fieldAndMessage(error)
        return field.isEmpty ? message : "\(field): \(message)"
    }

    private static func fieldAndMessage(_ error: DecodingError) -> (String, String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: ".")).replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context): return (path(context.codingPath + [key]), "is required")
        case .typeMismatch(let type, let context): return (path(context.codingPath), "must be \(name(type))")
        case .valueNotFound(let type, let context): return (path(context.codingPath), "must be \(name(type))")
        case .dataCorrupted(let context): return (path(context.codingPath), context.debugDescription)
        @unknown default: return ("", "\(error)")
        }
    }

    private static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String: String].Type: "an object of strings"
        case is [String].Type: "a list of strings"
        case is [Int].Type: "a list of integers"
        default: "\(type)"
        }
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
