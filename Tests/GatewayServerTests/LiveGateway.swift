import GatewayServer

extension Gateway {
    /// Runs `gateway` on loopback ports, hands the ports to `body`, then shuts it down.
    func running(
        _ body: (_ ingest: Int, _ admin: Int) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run(signals: []) }
            let ingest = await self.listeners.port("ingest")
            let admin = await self.listeners.port("admin")
            do {
                try await body(ingest, admin)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

}
