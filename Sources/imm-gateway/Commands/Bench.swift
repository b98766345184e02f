import ArgumentParser
import Foundation
import GatewayServer
import IMMNotify

/// `imm-gateway bench`: the built-in benchmark (see the README's Performance section).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Measure ingest, delivery and lookups against a bare-204 baseline, on a gateway bench starts itself or on --target."
    )

    @Option(help: "Requests per phase.") var requests = 20_000
    @Option(help: "Keep-alive connections.") var connections = 32
    @Option(help: "full or normal (default full; the self-started gateway only).") var durability: String?
    @Flag(help: "No sink hook: measure ingest alone (no deliveries).") var withoutHook = false
    @Option(help: "Self-started only, with --without-hook: then store N more events and measure ingest again.")
    var prefill = 0
    @Flag(
        help:
            "Measure only the store's ingest commit, in this process: --requests events in batches of --connections / 2, CPU per event."
    )
    var storeOnly = false
    @Option(help: "Load this running gateway's ingest listener instead (http(s)://host:port[/mns-path]).")
    var target: String?
    @Option(help: "With --target: its admin listener (http(s)://host:port), for the task lookup phase.")
    var adminTarget: String?
    @Option(help: "With --admin-target: the admin bearer token (env IMM_GATEWAY_ADMIN_TOKEN).")
    var adminToken: String?
    @Option(help: "With --target: the PEM RSA private key that signs the pushes (default: the sample key).")
    var key: String?
    @Option(
        help: "With --target: the certificate URL the pushes name; the target pins it (default: the sample config's).")
    var certUrl: String?
    @Option(
        help: "With --target: the certificate PEM of --key: checked against it, and the pin to configure is printed.")
    var cert: String?

    func run() async throws {
        var options = BenchRunner.Options()
        options.requests = max(100, requests)
        options.connections = max(1, connections)
        guard prefill >= 0 else { throw ValidationError("--prefill must be 0 or more") }
        options.prefill = prefill
        options.withoutHook = withoutHook
        options.storeOnly = storeOnly
        if let target {
            for (flag, given) in [("--durability", durability != nil), ("--prefill", prefill > 0)] where given {
                throw ValidationError(
                    "\(flag) applies to the gateway bench starts itself, not to --target (its own config decides)")
            }
            options.target = try externalTarget(target)
        } else {
            for (flag, value) in [
                ("--admin-target", adminTarget), ("--admin-token", adminToken), ("--key", key), ("--cert-url", certUrl),
                ("--cert", cert),
            ]
            where value != nil {
                throw ValidationError(
                    "\(flag) needs --target (without it bench starts its own gateway with a throwaway key)")
            }
            let durability = durability ?? "full"
            guard ["full", "normal"].contains(durability) else {
                throw ValidationError("--durability must be full or normal")
            }
            options.durability = durability
        }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        do {
            let report = try await BenchRunner(options: options, executable: executable).run { line in
                FileHandle.standardError.write(Data("… \(line)\n".utf8))
            }
            print(report)
        } catch let error as BenchError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func externalTarget(_ target: String) throws -> BenchTarget {
        let keyPath = key ?? "Samples/certs/sample-mns-key.pem"
        guard let keyPEM = FileManager.default.contents(atPath: keyPath) else {
            throw ValidationError(
                "cannot read --key \(keyPath)\(key == nil ? " (run from the repository root, or pass --key)" : "")")
        }
        var certificatePEM: [UInt8]?
        if let cert {
            guard let data = FileManager.default.contents(atPath: cert) else {
                throw ValidationError("cannot read --cert \(cert)")
            }
            certificatePEM = Array(data)
        }
        do {
            let resolved = try BenchTarget(
                ingest: target, admin: adminTarget,
                adminToken: adminToken
                    ?? (adminTarget == nil ? nil : ProcessInfo.processInfo.environment["IMM_GATEWAY_ADMIN_TOKEN"]),
                keyPEM: Array(keyPEM), certificateURL: certUrl ?? MNSPushBuilder.defaultCertificateURL,
                certificatePEM: certificatePEM)
            if let cert {
                FileHandle.standardError.write(
                    Data(
                        "… the target must pin (mns.pinned_certificates):\n    - { url: \"\(resolved.certificateURL)\", file: \(cert) }\n"
                            .utf8))
            }
            return resolved
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
    }
}
