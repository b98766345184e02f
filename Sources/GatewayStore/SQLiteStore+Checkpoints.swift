import GRDB

/// Checkpoints of the write-ahead log, moved off the commit path: by default the connection that
/// commits also copies the log into the database whenever it passes 1,000 pages, inside that
/// commit, so one ingest batch in a thousand paid for everyone's pages. A `Checkpointer` has its
/// own connection; while it runs, commits never checkpoint, and it copies the log in the
/// background (PASSIVE: it never waits for, or blocks, the writer or readers).
public final class Checkpointer: Sendable {
    private let connection: DatabaseQueue
    private let store: SQLiteStore

    /// Opens the checkpointing connection of a file store (nil for an in-memory store) and takes
    /// checkpoints over from the committing connection.
    public init?(store: SQLiteStore) async throws {
        guard let path = store.path else { return nil }
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.store = store
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
    }

    /// Copies what it can of the log into the database; returns the log's size and the frames
    /// copied, in pages.
    ///
    /// A busy writer keeps appending while passive checkpoints copy, so the log never starts over,
    /// and a large log makes every page lookup slower. Past `restartPages` a RESTART checkpoint runs:
    /// it holds new commits back until the readers of the old log are done (at most the 1 s busy
    /// timeout; readers here are short) and makes the next commit begin the log again.
    @discardableResult
    public func checkpoint(restartPages: Int = 16_384) async throws -> (logPages: Int, copiedPages: Int) {
        try await connection.writeWithoutTransaction { db in
            var result = try db.checkpoint(.passive)
            if result.walFrameCount > restartPages, let restarted = try? db.checkpoint(.restart) {
                result = restarted
            }
            return (Int(result.walFrameCount), Int(result.checkpointedFrameCount))
        }
    }

    /// Hands checkpoints back to the committing connection and closes this one.
    public func stop() async throws {
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
        try connection.close()
    }
}
