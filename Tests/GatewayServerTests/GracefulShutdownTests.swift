import Foundation
import GatewayCore
import GatewayServer
import GatewayTestSupport
import Testing

@Suite("Graceful shutdown of the dispatcher")
struct GracefulShutdownTests {
    @Test(
        "a delivery in flight when shutdown begins completes and is recorded delivered; nothing new is claimed",
        .timeLimit(.minutes(1)))
    func inFlightDeliveryCompletes() async throws {
        let receiver = RecordingReceiver()
        // The first delivery is held long enough for shutdown to begin while it is in flight.
        receiver.script([.init(delay: .seconds(2))])
        try await receiver.serve {
            var config = try TestGateway.config(hooks: [receiver.hook("photos") { $0.maxInFlight = 1 }])
            // A slow upload keeps the ingest listener draining for 3 s after shutdown begins.
            config.ingest.bodyTimeoutSeconds = 3
            let gateway = try await TestGateway.make(config)
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            let group = gateway.serviceGroup(signals: [])
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let ingest = await gateway.listeners.port("ingest")
                let deadline = ContinuousClock.now + .seconds(10)
                while receiver.received.isEmpty && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
                try #require(receiver.received.count == 1, "the first delivery reached the receiver")
                // Another task's event: it waits only for the hook's one slot, free once the first
                // send ends, two seconds from now, while the ingest listener is still draining.
                _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-json"))
                let upload = try await RawConnection.open(port: ingest)
                #expect(
                    await upload.send("POST /notifications HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n<")
                )
                try await Task.sleep(for: .milliseconds(200))
                let began = ContinuousClock.now
                await group.triggerGracefulShutdown()
                try await tasks.next()
                let took = ContinuousClock.now - began
                await upload.close()
                #expect(took >= .milliseconds(1500) && took < .seconds(10), "shutdown took \(took)")
            }
            let deliveries = try await gateway.store.deliveries(filter: .init(), limit: 10, before: nil).items
                .sorted { $0.id < $1.id }
            try #require(deliveries.count == 2)
            #expect(deliveries[0].status == .delivered, "the in-flight delivery is recorded, not left leased")
            #expect(deliveries[0].attempts == 1)
            let (_, attempts) = try #require(try await gateway.store.delivery(id: deliveries[0].id))
            #expect(attempts.map(\.statusCode) == [200])
            #expect(deliveries[1].status == .pending, "nothing is claimed after shutdown began")
            #expect(deliveries[1].attempts == 0)
            #expect(receiver.received.count == 1)
        }
    }

    @Test(
        "a send cut short by shutdown is not an attempt: the delivery keeps its lease and its retries",
        .timeLimit(.minutes(1)))
    func cutShortSendIsNotCounted() async throws {
        let receiver = RecordingReceiver()
        receiver.script([.init(delay: .seconds(4))])
        try await receiver.serve {
            let config = try TestGateway.config(hooks: [receiver.hook("photos") { $0.retrySchedule = [1] }])
            let gateway = try await TestGateway.make(
                config, overrides: .init(dispatcherSettings: { $0.shutdownGrace = .milliseconds(100) }))
            _ = await gateway.ingestor.ingestMNS(try Fixtures.request("succeeded-xml"))
            let group = gateway.serviceGroup(signals: [])
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let deadline = ContinuousClock.now + .seconds(10)
                while receiver.received.isEmpty && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                }
                try #require(receiver.received.count == 1, "the delivery reached the receiver")
                await group.triggerGracefulShutdown()
                try await tasks.next()
            }
            let delivery = try #require(try await TestGateway.deliveries(of: gateway).first)
            // Counted as a failure, two deploys during slow sends dead-lettered it (schedule [1]).
            #expect(delivery.attempts == 0)
            #expect(delivery.status == .inFlight, "left leased, due again when the lease ends")
            let (_, attempts) = try #require(try await gateway.store.delivery(id: delivery.id))
            #expect(attempts.isEmpty)
        }
    }
}
