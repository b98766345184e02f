import ArgumentParser
import Foundation
import GatewayCore
import GatewayServer
import IMMNotify

/// `imm-gateway verify FILE`: checks a captured MNS push offline, step by step.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a captured raw MNS push request (the fixture format) step by step; exit 0 only when authentic."
    )

    @Argument(help: "A raw HTTP request: request line, headers, blank line, body.")
    var file: String

    @Option(name: .long, help: "PEM certificate to verify with (otherwise the allow-listed URL is fetched).")
    var cert: String?

    @Option(name: .long, help: "The current time as RFC 3339 (default: now), for the Date window.")
    var now: String?

    @Option(name: .long, help: "Largest accepted Date skew in seconds.")
    var maxSkew: Int = 900

    @Option(name: .long, help: "The public path MNS signed, when a proxy rewrote it.")
    var signedPath: String?

    @Option(name: .long, help: "Extra allowed certificate host (repeatable).")
    var certHost: [String] = []

    @Flag(name: .long, help: "Print one JSON object instead of the step list.")
    var json = false

    func run() async throws {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let request = try CapturedRequest.parse(Array(bytes))
        let clock: Date
        if let now {
            guard let parsed = IMMTime.parse(now) else { throw ValidationError("--now must be RFC 3339, not '\(now)'") }
            clock = parsed
        } else {
            clock = Date()
        }
        let pinned: RSACertificate?
        if let cert {
            guard let data = FileManager.default.contents(atPath: cert) else {
                throw ValidationError("cannot read \(cert)")
            }
            pinned = try RSACertificate(pem: Array(data))
        } else {
            pinned = nil
        }
        let verifier = MNSVerifier(
            policy: .mns(extraHosts: certHost), maxClockSkew: TimeInterval(maxSkew), signedTarget: signedPath)
        let report = await verifier.verify(request, now: clock, evaluateAll: true) { url in
            if let pinned { return pinned }
            return try RSACertificate(pem: try await HTTPCertificateFetcher().fetch(url: url))
        }
        let summary = VerificationSummary(report: report, request: request)
        if json {
            print(try summary.jsonText())
        } else {
            print(summary.text(now: clock, maxSkew: maxSkew))
        }
        if !report.authentic { throw ExitCode(1) }
    }
}
