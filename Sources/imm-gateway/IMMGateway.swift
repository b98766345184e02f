import ArgumentParser

/// The `imm-gateway` command: thin wiring over the library targets.
@main
struct IMMGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imm-gateway",
        abstract: "Receives, verifies and durably stores Alibaba Cloud IMM face-search notifications.",
        version: GatewayVersion.current,
        subcommands: [
            Serve.self, Verify.self, Sample.self, Submit.self, Tasks.self, Events.self, Hooks.self, Replay.self,
            Replays.self, Backup.self, Migrate.self, Status.self, Bench.self,
        ],
        defaultSubcommand: Serve.self)
}

/// The version reported by `--version` and in outbound User-Agent headers.
enum GatewayVersion {
    static let current = "0.1.0"
}
