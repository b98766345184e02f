import Foundation
import Hummingbird

/// Validated query parameters: unknown names are rejected (a typo must not silently widen a query),
/// and limits and cursors are checked.
struct QueryParameters {
    let values: [String: String]

    init(_ request: Request, allowed: Set<String>) throws {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let key = String(name)
            guard allowed.contains(key) else {
                throw APIError.badRequest(
                    "unknown query parameter '\(key)'; allowed: \(allowed.sorted().joined(separator: ", "))",
                    code: "unknown_parameter")
            }
            // A repeated parameter is refused, not read as its last value: `status=running&status=
            // succeeded` would otherwise quietly drop the filter its author meant.
            guard values.updateValue(String(value), forKey: key) == nil else {
                var error = APIError.badRequest(
                    "query parameter '\(key)' is given more than once; give it once", code: "repeated_parameter")
                error.field = key
                throw error
            }
        }
        self.values = values
    }

    func limit(default value: Int = 50, max: Int = 500) throws -> Int {
        guard let text = values["limit"] else { return value }
        guard let limit = Int(text), (1...max).contains(limit) else {
            throw APIError.badRequest("limit must be an integer from 1 to \(max)", code: "invalid_limit")
        }
        return limit
    }

    func cursor() throws -> Int64? {
        guard let text = values["cursor"] else { return nil }
        guard let id = Cursor.decode(text) else {
            throw APIError.badRequest("cursor is not one this server issued", code: "invalid_cursor")
        }
        return id
    }
}

/// Opaque pagination cursors: Base64URL of `id:<n>`, so clients do not build them by hand.
enum Cursor {
    static func encode(_ id: Int64) -> String {
        Data("id:\(id)".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Int64? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8),
            decoded.hasPrefix("id:"), let id = Int64(decoded.dropFirst(3)), id > 0
        else { return nil }
        return id
    }
}

extension RequestContext {
    /// The path parameter `name`, percent-decoded: an id recorded as `sp ace` is read back at
    /// `/v1/tasks/sp%20ace` (the router hands parameters over still encoded).
    func pathParameter(_ name: String) throws -> String {
        let raw = parameters.get(name) ?? ""
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.badRequest("the path segment '\(raw)' is not valid percent-encoding", code: "invalid_path")
        }
        return decoded
    }
}
