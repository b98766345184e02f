import ServiceLifecycle

extension ServiceGroup {
    /// Runs the group while `body` runs, then shuts it down gracefully (whether `body` returned or
    /// threw) and waits for it to finish.
    ///
    /// Never by cancelling its task: a listener whose serving task is cancelled can drop a
    /// connection it had just accepted and not yet handed to a handler, and SwiftNIO traps on the
    /// abandoned channel ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#2637).
    /// Seen in the test suite as a crash of the whole run when a client connected during teardown.
    nonisolated public func running<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await self.run() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            await triggerGracefulShutdown()
            do {
                try await tasks.waitForAll()
            } catch {
                // The body's own error says more than the shutdown's.
                if case .success = result { throw error }
            }
            return try result.get()
        }
    }
}
