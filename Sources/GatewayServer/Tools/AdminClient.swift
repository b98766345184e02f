import AsyncHTTPClient
import Foundation
import GatewayCore
import IMMNotify
import NIOCore
import NIOHTTP1

/// The admin API as the CLI uses it: JSON in, JSON out, and every failure one clear line.
public struct AdminClient: Sendable {
    /// The admin base URL, e.g. `http://127.0.0.1:8081`.
    public let server: String
    /// The bearer token, if the gateway requires one.
    public let token: String?

    /// Creates a client.
    public init(server: String, token: String?) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// GETs `path` (with query) and returns the JSON body.
    public func get(_ path: String) async throws -> JSONValue {
        try await send(path, method: .GET, body: nil).1
    }

    /// POSTs a JSON body and returns the status and the JSON body.
    public func post(_ path: String, json: [UInt8]) async throws -> (Int, JSONValue) {
        try await send(path, method: .POST, body: json)
    }

    /// Sends `method` with an optional JSON body and returns the status and the JSON body.
    public func call(_ method: String, _ path: String, json: [UInt8]? = nil) async throws -> (Int, JSONValue) {
        try await send(path, method: HTTPMethod(rawValue: method), body: json)
    }

    private func send(_ path: String, method: HTTPMethod, body: [UInt8]?) async throws -> (Int, JSONValue) {
        var request = HTTPClientRequest(url: server + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let reply: OneShotHTTP.Reply
        do {
            reply = try await OneShotHTTP.execute(request, timeout: .seconds(120), maxBytes: 64 << 20)
        } catch {
            throw AdminClientError(message: "cannot reach the gateway admin API at \(server): \(error)")
        }
        let json = (try? JSONValue.parse(reply.body)) ?? .null
        guard (200..<300).contains(Int(reply.status)) else {
            let code = json["error"]?["code"]?.stringValue ?? "http_\(reply.status)"
            let message =
                json["error"]?["message"]?.stringValue ?? String(decoding: reply.body.prefix(200), as: UTF8.self)
            throw AdminClientError(message: "HTTP \(reply.status) \(code): \(message)")
        }
        return (Int(reply.status), json)
    }

    /// Percent-encodes a query value.
    public static func encode(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// Builds `?a=b&c=d` from the non-nil pairs (empty when none).
    public static func query(_ pairs: [(String, String?)]) -> String {
        let parts = pairs.compactMap { name, value in value.map { "\(name)=\(encode($0))" } }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}

/// A failed admin call, as one line for the terminal.
public struct AdminClientError: Error, Sendable, CustomStringConvertible {
    /// The line to print.
    public let message: String

    /// Creates the error.
    public init(message: String) { self.message = message }

    /// The line to print.
    public var description: String { message }
}
