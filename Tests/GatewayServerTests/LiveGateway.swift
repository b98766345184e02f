import GatewayServer

extension Gateway {
    /// Runs `gateway` on loopback ports, hands the ports to `body`, then shuts it down gracefully.
    func running(
        _ body: (_ ingest: Int, _ admin: Int) async throws -> Void
    ) async throws {
        try await serviceGroup(signals: []).running {
            try await body(await self.listeners.port("ingest"), await self.listeners.port("admin"))
        }
    }

}
