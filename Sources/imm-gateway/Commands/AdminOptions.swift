import ArgumentParser
import Foundation
import GatewayServer
import IMMNotify

/// Options every command that talks to a running gateway shares.
struct AdminOptions: ParsableArguments {
    @Option(name: .long, help: "Admin API base URL (env IMM_GATEWAY_SERVER; default http://127.0.0.1:8081).")
    var server: String?

    @Option(name: .long, help: "Admin bearer token (env IMM_GATEWAY_ADMIN_TOKEN).")
    var token: String?

    @Flag(name: .long, help: "Print the API's JSON instead of a table.")
    var json = false

    var client: AdminClient {
        let environment = ProcessInfo.processInfo.environment
        return AdminClient(
            server: server ?? environment["IMM_GATEWAY_SERVER"] ?? "http://127.0.0.1:8081",
            token: token ?? environment["IMM_GATEWAY_ADMIN_TOKEN"])
    }

    /// Prints `body` as JSON or through `render`.
    func print(_ body: JSONValue, _ render: (JSONValue) -> String) {
        Swift.print(json ? body.jsonText() : render(body))
    }
}

/// Runs an admin call, turning its failure into one line on stderr and exit code 1.
func runAdmin(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as AdminClientError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        throw ExitCode(1)
    }
}
