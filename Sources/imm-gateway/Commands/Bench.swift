import ArgumentParser
import Foundation
import GatewayServer

/// `imm-gateway bench`: the built-in benchmark (see the README's Performance section).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a gateway and a sink on 127.0.0.1 and measure ingest, delivery and lookups against a bare-204 baseline.")

    @Option(help: "Requests per phase.") var requests = 20_000
    @Option(help: "Keep-alive connections.") var connections = 32
    @Option(help: "full or normal.") var durability = "full"
    @Flag(help: "No sink hook: measure ingest alone (no deliveries).") var withoutHook = false

    func run() async throws {
        var options = BenchRunner.Options()
        options.requests = max(100, requests)
        options.connections = max(1, connections)
        guard ["full", "normal"].contains(durability) else { throw ValidationError("--durability must be full or normal") }
        options.durability = durability
        options.withoutHook = withoutHook
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let report = try await BenchRunner(options: options, executable: executable).run { line in
            FileHandle.standardError.write(Data("… \(line)\n".utf8))
        }
        print(report)
    }
}
