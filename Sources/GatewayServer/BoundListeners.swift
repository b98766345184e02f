import Synchronization

/// The ports the listeners actually bound (useful with port 0), published once each is running.
public final class BoundListeners: Sendable {
    private struct State {
        var ports: [String: Int] = [:]
        var waiters: [(name: String, continuation: CheckedContinuation<Int, Never>)] = []
    }

    private let state = Mutex(State())

    /// Creates an empty registry.
    public init() {}

    /// Records that listener `name` is running on `port`.
    func bound(_ name: String, port: Int) {
        let ready = state.withLock { state in
            state.ports[name] = port
            let ready = state.waiters.filter { $0.name == name }
            state.waiters.removeAll { $0.name == name }
            return ready
        }
        for waiter in ready { waiter.continuation.resume(returning: port) }
    }

    /// Waits until listener `name` (`ingest` or `admin`) is running and returns its port.
    public func port(_ name: String) async -> Int {
        await withCheckedContinuation { continuation in
            let port: Int? = state.withLock { state in
                if let port = state.ports[name] { return port }
                state.waiters.append((name, continuation))
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }
}
