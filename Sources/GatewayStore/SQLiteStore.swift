import Foundation
import GRDB
import GatewayCore
import Synchronization

/// The gateway's SQLite database: the only type that talks SQL. Writes go through invariant-keeping
/// transactions; the database is also the queue, so nothing lives only in memory.
public final class SQLiteStore: Sendable {
    /// How hard each commit waits for the disk.
    public enum Durability: String, Sendable, CaseIterable {
        /// `synchronous=FULL`: a commit survives power loss once acknowledged (default).
        case full
        /// `synchronous=NORMAL`: faster; the last commits may be lost on power loss (not on a crash).
        case normal
    }

    let writer: any DatabaseWriter

    /// How long a connection waits for a lock another holds before failing with SQLITE_BUSY.
    static let busyTimeoutMilliseconds = 5_000

    /// The durability every acknowledged write gets.
    public let durability: Durability

    /// How long deliveries of a notification without a submission wait for one (0: not at all).
    public let submissionWait: TimeInterval

    /// The database file path, or nil for an in-memory database.
    public let path: String?

    /// Why the last ingest commit failed and when, while no later one succeeded: `/readyz` answers
    /// 503 with it for `commitFailureWindow` (a full disk refuses every push while a bare probe
    /// transaction still succeeds). It expires so that an instance taken out of rotation by its
    /// probe, and so receiving no push that could succeed, is tried again.
    let lastCommitFailure = Mutex<(reason: String, at: ContinuousClock.Instant)?>(nil)

    /// How long a failed ingest commit keeps `/readyz` at 503 unless a commit succeeds first.
    public static let commitFailureWindow: Duration = .seconds(30)

    /// Opens (creating if needed) the database file at `path` in WAL mode and migrates it.
    public init(path: String, durability: Durability = .full, submissionWait: TimeInterval = 0) throws {
        self.submissionWait = submissionWait
        self.durability = durability
        var configuration = Configuration()
        configuration.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1000)
        configuration.foreignKeysEnabled = true
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // DatabasePool switches the writer to synchronous=NORMAL when it opens; set ours afterwards.
        let pragma = durability == .full ? "FULL" : "NORMAL"
        // temp_store=MEMORY also keeps the statement sub-journal of each ingest write's savepoint in
        // memory: on disk it cost a pwrite per touched page per write (measured: the largest syscall
        // count under ingest load).
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(pragma); PRAGMA temp_store = MEMORY")
        }
        self.writer = pool
        self.path = path
        try Self.migrator.migrate(pool)
    }

    /// Opens a fresh in-memory database (tests and dry runs).
    public init(inMemory: Void = (), submissionWait: TimeInterval = 0) throws {
        self.submissionWait = submissionWait
        self.durability = .normal
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: configuration)
        self.writer = queue
        self.path = nil
        try Self.migrator.migrate(queue)
    }

    /// A write transaction whose loss in a power failure is harmless because it is redone: delivery
    /// leases and attempt outcomes (a lost lease or outcome means the delivery is sent again, which
    /// at-least-once delivery allows). It commits with `synchronous=NORMAL` (no disk sync; still safe
    /// against a crash of the process), so the dispatcher's bookkeeping does not pay a disk sync per
    /// transaction. The next `FULL` commit (any ingest) syncs the log and makes it durable anyway.
    func bookkeepingWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard durability == .full else { return try await writer.write(body) }
        return try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// The `synchronous` pragma of the writer connection (2 = FULL, 1 = NORMAL).
    public func synchronousMode() async throws -> Int {
        try await writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The names of the migrations applied, in order.
    public func appliedMigrations() async throws -> [String] {
        try await writer.read { db in try Self.migrator.appliedMigrations(db) }
    }
}
