import Foundation
import GRDB
import GatewayCore

extension SQLiteStore {
    static func hook(from row: Row) throws -> Hook {
        let schedule: String? = row["retrySchedule"]
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(millisecondsSince1970:)) }
        return Hook(
            id: row["id"], name: row["name"], url: row["url"], enabled: row["enabled"],
            filter: try hookFilter(row["filter"]), timeoutSeconds: row["timeoutSeconds"],
            maxInFlight: row["maxInFlight"], ratePerSecond: row["ratePerSecond"],
            retrySchedule: try schedule.map { try decodeJSON([Int].self, $0) },
            headers: try decodeJSON([String: String].self, row["headers"]), disabledReason: row["disabledReason"],
            lastSuccessAt: date("lastSuccessAt"), failingSince: date("failingSince"),
            createdAt: Date(millisecondsSince1970: row["createdAt"]), origin: row["origin"],
            ed25519Key: row["ed25519Key"])
    }

    static func hook(named name: String, _ db: Database) throws -> Hook {
        guard
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM hook WHERE name = ?"), arguments: [name])
        else {
            throw HookError.notFound(name)
        }
        return try hook(from: row)
    }

    /// Every hook, by name.
    public func hooks() async throws -> [Hook] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM hook ORDER BY name").map(Self.hook(from:))
        }
    }

    /// One hook.
    public func hook(named name: String) async throws -> Hook? {
        try await writer.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM hook WHERE name = ?"), arguments: [name]).map(
                Self.hook(from:))
        }
    }

    /// The secrets that sign for a hook at `now`, newest first.
    public func secrets(hookId: Int64, at now: Date) async throws -> [String] {
        try await writer.read { db in try Self.secrets(hookId: hookId, at: now, db) }
    }

    static func secrets(hookId: Int64, at now: Date, _ db: Database) throws -> [String] {
        try String.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT secret FROM hookSecret WHERE hookId = ? AND (expiresAt IS NULL OR expiresAt > ?) ORDER BY id DESC"
            ),
            arguments: [hookId, now.millisecondsSince1970])
    }

    /// Creates a hook.
    public func createHook(_ hook: Hook, secrets: [String], at now: Date) async throws -> Hook {
        try hook.validate()
        return try await writer.write { db in
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM hook WHERE name = ?"), arguments: [hook.name])
                == true
            {
                throw HookError.conflict(hook.name)
            }
            let ms = now.millisecondsSince1970
            try db.cachedStatement(
                sql: """
                    INSERT INTO hook (name, url, enabled, filter, timeoutSeconds, maxInFlight, ratePerSecond,
                        retrySchedule, headers, origin, ed25519Key, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                hook.name, hook.url, hook.enabled, try jsonText(hook.filter), hook.timeoutSeconds, hook.maxInFlight,
                hook.ratePerSecond, try hook.retrySchedule.map(jsonText), try jsonText(hook.headers), hook.origin,
                hook.ed25519Key, ms, ms,
            ])
            let id = db.lastInsertedRowID
            for secret in secrets {
                try db.cachedStatement(sql: "INSERT INTO hookSecret (hookId, secret, createdAt) VALUES (?, ?, ?)")
                    .execute(arguments: [id, secret, ms])
            }
            return try Self.hook(named: hook.name, db)
        }
    }

    /// Replaces a hook's settings.
    public func updateHook(_ hook: Hook, at now: Date) async throws -> Hook {
        try hook.validate()
        return try await writer.write { db in
            _ = try Self.hook(named: hook.name, db)
            try db.cachedStatement(
                sql: """
                    UPDATE hook SET url = ?, filter = ?, timeoutSeconds = ?, maxInFlight = ?, ratePerSecond = ?,
                        retrySchedule = ?, headers = ?, origin = ?, ed25519Key = ?, updatedAt = ? WHERE name = ?
                    """
            ).execute(arguments: [
                hook.url, try jsonText(hook.filter), hook.timeoutSeconds, hook.maxInFlight, hook.ratePerSecond,
                try hook.retrySchedule.map(jsonText), try jsonText(hook.headers), hook.origin, hook.ed25519Key,
                now.millisecondsSince1970, hook.name,
            ])
            return try Self.hook(named: hook.name, db)
        }
    }

    /// Deletes a hook, its secrets and its deliveries (with their attempts).
    ///
    /// A hook may hold millions of deliveries, and one transaction deleting them all (the cascade
    /// from the hook row) held the database for many seconds, every push waiting behind it: long
    /// enough for MNS to give up on some. So the hook is disabled first (nothing more is sent), its
    /// deliveries go `batch` per transaction, and the hook row, with the few deliveries ingest made
    /// meanwhile, goes last.
    public func deleteHook(named name: String) async throws {
        try await deleteHook(named: name, batch: 2_000)
    }

    /// `deleteHook(named:)`, `batch` deliveries per transaction.
    func deleteHook(named name: String, batch: Int) async throws {
        let hookId = try await writer.write { db in
            let hook = try Self.hook(named: name, db)
            try db.cachedStatement(sql: "UPDATE hook SET enabled = 0, disabledReason = ? WHERE id = ?").execute(
                arguments: ["being deleted", hook.id])
            return hook.id
        }
        while try await writer.write({ db in
            try db.cachedStatement(
                sql: "DELETE FROM delivery WHERE id IN (SELECT id FROM delivery WHERE hookId = ? LIMIT ?)"
            ).execute(arguments: [hookId, batch])
            return db.changesCount
        }) >= batch {}
        try await writer.write { db in
            try db.cachedStatement(sql: "DELETE FROM hook WHERE id = ?").execute(arguments: [hookId])
        }
    }

    /// Enables (releasing paused deliveries) or disables (pausing unfinished ones) a hook.
    public func setHookEnabled(named name: String, enabled: Bool, reason: String?, at now: Date) async throws -> Hook {
        let hook = try await writer.write { db in
            let hook = try Self.hook(named: name, db)
            try Self.setEnabled(hookId: hook.id, enabled: enabled, reason: reason, at: now, db)
            return try Self.hook(named: name, db)
        }
        try await settleDeliveries(hookId: hook.id, at: now)
        return hook
    }

    /// Brings a hook's deliveries in line with its enabled flag, `batch` per transaction: paused ones
    /// become pending (due now) while it is enabled, pending and failed ones paused while it is not.
    ///
    /// A hook can hold millions of them (a backlog after an outage, or days of pauses), and one
    /// statement moving them all held the database, and every push waiting on it, for many seconds.
    /// Nothing depends on the move being whole: the dispatcher claims only for enabled hooks and only
    /// pending or failed deliveries. Each batch rechecks the flag, so a flip meanwhile stops it.
    /// Each batch is read from a partial index of exactly the hook's deliveries still to move
    /// (`settleSQL`), and the ones it moves leave that index: no cursor, and nothing else is read,
    /// however many deliveries other hooks or other states hold.
    public func settleDeliveries(hookId: Int64, at now: Date, batch: Int = 2_000) async throws {
        let ms = now.millisecondsSince1970
        guard
            let enabled = try await writer.read({ db in
                try Bool.fetchOne(db, sql: "SELECT enabled FROM hook WHERE id = ?", arguments: [hookId])
            })
        else { return }
        while try await writer.write({ db in
            // The flag flipped meanwhile: the call that flipped it settles the other way.
            guard
                try Bool.fetchOne(db, sql: "SELECT enabled FROM hook WHERE id = ?", arguments: [hookId]) == enabled
            else { return false }
            let ids = try Int64.fetchAll(
                db.cachedStatement(sql: Self.settleSQL(enabled: enabled)), arguments: [hookId, batch])
            guard !ids.isEmpty else { return false }
            // Released ones are due now; paused ones keep their time.
            try db.execute(
                sql: """
                    UPDATE delivery SET status = ?, nextAttemptAt = COALESCE(?, nextAttemptAt), updatedAt = ?
                    WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                    """,
                arguments: [(enabled ? DeliveryStatus.pending : .paused).rawValue, enabled ? ms : nil, ms]
                    + StatementArguments(ids))
            return ids.count == batch
        }) {}
    }

    /// The ids of a hook's deliveries to move (arguments: hook id, limit): its paused ones when it is
    /// enabled, its pending and failed ones when it is not.
    public static func settleSQL(enabled: Bool) -> String {
        enabled
            ? "SELECT id FROM delivery INDEXED BY delivery_paused WHERE hookId = ? AND status = 'paused' LIMIT ?"
            : """
            SELECT id FROM delivery INDEXED BY delivery_hookDue
            WHERE hookId = ? AND status IN ('pending', 'failed') LIMIT ?
            """
    }

    /// Settles every hook's deliveries (`settleDeliveries`). A flip's settling runs after the flip's
    /// own transaction (for a 410, in the background): a process stopped in between left a disabled
    /// hook's backlog pending (claimed by nobody) or an enabled hook's deliveries paused (sent by
    /// nobody) until the hook was flipped again. The dispatcher runs this when it starts.
    public func settleHooks(at now: Date) async throws {
        let ids = try await writer.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM hook ORDER BY id") }
        for id in ids { try await settleDeliveries(hookId: id, at: now) }
    }

    static func setEnabled(hookId: Int64, enabled: Bool, reason: String?, at now: Date, _ db: Database) throws {
        let ms = now.millisecondsSince1970
        try db.cachedStatement(
            sql:
                "UPDATE hook SET enabled = ?, disabledReason = ?, failingSince = CASE WHEN ? THEN NULL ELSE failingSince END, updatedAt = ? WHERE id = ?"
        ).execute(arguments: [enabled, enabled ? nil : reason, enabled, ms, hookId])
        // Its deliveries follow in batches (`settleDeliveries`), outside this transaction.
    }

    /// Adds a secret; the existing ones keep signing until `oldExpireAt`.
    public func rotateSecret(named name: String, newSecret: String, oldExpireAt: Date, at now: Date) async throws
        -> Hook
    {
        try await writer.write { db in
            let hook = try Self.hook(named: name, db)
            try db.cachedStatement(
                sql: "UPDATE hookSecret SET expiresAt = ? WHERE hookId = ? AND (expiresAt IS NULL OR expiresAt > ?)"
            ).execute(arguments: [oldExpireAt.millisecondsSince1970, hook.id, oldExpireAt.millisecondsSince1970])
            try db.cachedStatement(sql: "INSERT INTO hookSecret (hookId, secret, createdAt) VALUES (?, ?, ?)").execute(
                arguments: [hook.id, newSecret, now.millisecondsSince1970])
            return hook
        }
    }
}

extension SQLiteStore {
    /// Makes a hook the config file no longer declares an API hook, as it is (not validated: one
    /// stored under older, looser rules must still become removable).
    public func handOverToAPI(hookNamed name: String, at now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE hook SET origin = 'api', updatedAt = ? WHERE name = ? AND origin = 'config'",
                arguments: [now.millisecondsSince1970, name])
        }
    }

    /// Makes `secrets` exactly the hook's signing secrets (for hooks declared in the config file,
    /// where the file is the source of truth).
    public func replaceSecrets(named name: String, secrets: [String], at now: Date) async throws {
        try await writer.write { db in
            let hook = try Self.hook(named: name, db)
            let current = try Self.secrets(hookId: hook.id, at: now, db)
            guard Set(current) != Set(secrets) else { return }
            try db.cachedStatement(sql: "DELETE FROM hookSecret WHERE hookId = ?").execute(arguments: [hook.id])
            for secret in secrets {
                try db.cachedStatement(sql: "INSERT INTO hookSecret (hookId, secret, createdAt) VALUES (?, ?, ?)")
                    .execute(arguments: [hook.id, secret, now.millisecondsSince1970])
            }
        }
    }
}
