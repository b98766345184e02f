import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatewayServer
import IMMNotify
import NIOCore

/// `imm-gateway sample`: signs a sample face-search push with the sample key at the current time and
/// sends it, or prints it. A pre-signed request goes stale after the Date window; this never does.
struct Sample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a sample IMM face-search push (MNS) with the sample key, now, and send or print it.")

    @Option(name: .long, help: "MNS body format: xml, json or simplified.")
    var format: String = "xml"

    @Option(name: .long, help: "Task status: Succeeded, Failed or Running.")
    var status: String = "Succeeded"

    @Option(name: .long, help: "TaskId (default: a new one).")
    var taskId: String?

    @Option(name: .long, help: "Number of similar faces in the result.")
    var faces: Int = 3

    @Option(name: .long, help: "Signing key PEM (default: Samples/certs/sample-mns-key.pem).")
    var key: String = "Samples/certs/sample-mns-key.pem"

    @Option(name: .long, help: "Where to send it.")
    var url: String = "http://127.0.0.1:8080/notifications"

    @Option(name: .long, help: "Print instead of sending: raw (an HTTP request) or curl (a command line).")
    var print: String?

    func run() async throws {
        guard let mnsFormat = MNSFormat(rawValue: format.lowercased()) else {
            throw ValidationError("--format must be xml, json or simplified")
        }
        guard let keyData = FileManager.default.contents(atPath: key) else {
            throw ValidationError("cannot read the signing key \(key) (run from the repository root, or pass --key)")
        }
        guard let target = URL(string: url), let host = target.host else { throw ValidationError("--url is not a URL") }
        let path = target.path.isEmpty ? "/notifications" : target.path
        let request = try MNSPushBuilder(
            format: mnsFormat, taskId: taskId ?? "CreateFacesSearchingTask-\(UUID().uuidString.lowercased())",
            status: status, faces: faces, date: Date(), signingKey: try RSASigningKey(pem: Array(keyData)),
            target: path + (target.query.map { "?\($0)" } ?? "")
        ).build()
        switch print {
        case "raw":
            Swift.print(String(decoding: request.serialized(), as: UTF8.self))
        case "curl":
            Swift.print(curlLine(request, url: url))
        case nil:
            try await send(request, host: host)
        case let other?:
            throw ValidationError("--print must be raw or curl, not \(other)")
        }
    }

    private func send(_ request: CapturedRequest, host: String) async throws {
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = .POST
        for header in request.headers where !["host", "content-length"].contains(header.name.lowercased()) {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let reply: OneShotHTTP.Reply
        do {
            reply = try await OneShotHTTP.execute(outgoing, timeout: .seconds(10), maxBytes: 1 << 20)
        } catch {
            FileHandle.standardError.write(Data("error: cannot reach \(url): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let text = String(decoding: reply.body, as: UTF8.self)
        Swift.print("HTTP \(reply.status)\(text.isEmpty ? "" : " \(text)")")
        if let eventId = reply.headers["x-imm-gateway-event-id"] { Swift.print("event id: \(eventId)") }
        if !(200..<300).contains(Int(reply.status)) { throw ExitCode(1) }
    }

    private func curlLine(_ request: CapturedRequest, url: String) -> String {
        func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var parts = ["curl -sS -i -X POST \(quote(url))"]
        for header in request.headers where !["host", "content-length"].contains(header.name.lowercased()) {
            parts.append("-H \(quote("\(header.name): \(header.value)"))")
        }
        parts.append("--data-binary \(quote(String(decoding: request.body, as: UTF8.self)))")
        return parts.joined(separator: " \\\n  ")
    }
}
