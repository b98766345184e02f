import GRDB
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checkpoints of the write-ahead log, moved off the commit path: by default the connection that
/// commits also copies the log into the database whenever it passes 1,000 pages, inside that
/// commit, so one ingest batch in a thousand paid for everyone's pages. A `Checkpointer` has its
/// own connection; while it runs, commits never checkpoint, and it copies the log in the
/// background (PASSIVE: it never waits for, or blocks, the writer or readers).
public final class Checkpointer: Sendable {
    private let connection: DatabaseQueue
    private let store: SQLiteStore
    /// The log size and backfill the last checkpoint saw: unchanged means nothing new to copy.
    private let lastSeen = Mutex<(logPages: Int, copiedPages: Int)>((-1, -1))

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
    /// and a large log makes every page lookup slower. Past `restartPages` a RESTART checkpoint runs
    /// on the committing connection itself, between two commits: the next commit then begins the
    /// log again. From another connection it made the committer wait on a lock, and SQLite's busy
    /// handler sleeps 1, 2, 5, 10 ms between tries, which turned a 2 ms checkpoint into a 10–25 ms
    /// stall of every request in flight (measured: half-max p99 over 20 ms, every restart). While it
    /// waits for readers of the old log it uses a 2 ms busy timeout, not the writer's 5 s: a long
    /// reader (a backup) makes it give up and retry later, never holds commits back.
    ///
    /// `copied` is false when the log had nothing new since the last call (an idle gateway).
    @discardableResult
    public func checkpoint(restartPages: Int = 16_384) async throws -> (logPages: Int, copiedPages: Int, copied: Bool) {
        let path = store.path
        let (passive, copied) = try await connection.writeWithoutTransaction { db in
            let result = try db.checkpoint(.passive)
            let seen = (logPages: Int(result.walFrameCount), copiedPages: Int(result.checkpointedFrameCount))
            let copied = self.lastSeen.withLock { last in
                defer { last = seen }
                return last != seen && result.checkpointedFrameCount > 0
            }
            // A passive checkpoint that races the writer copies pages without syncing the database
            // file; the RESTART would then sync all of them while commits wait. Synced here, with
            // no lock held, the RESTART has only its last few pages to sync.
            if copied, let path { Self.sync(path) }
            return (result, copied)
        }
        guard passive.walFrameCount > restartPages else {
            return (Int(passive.walFrameCount), Int(passive.checkpointedFrameCount), copied)
        }
        let restarted = try? await store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = 2")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(SQLiteStore.busyTimeoutMilliseconds)") }
            return try db.checkpoint(.restart)
        }
        let result = restarted ?? passive
        return (Int(result.walFrameCount), Int(result.checkpointedFrameCount), copied)
    }

    /// Flushes the database file to disk (any descriptor of a file flushes all of its pages).
    private static func sync(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    /// Hands checkpoints back to the committing connection and closes this one.
    public func stop() async throws {
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
        try connection.close()
    }
}
