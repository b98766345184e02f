import Foundation
import GRDB
import Testing

@testable import GatewayStore

@Suite("Statement.run: binding through SQLite's C API")
struct StatementRunTests {
    @Test("every value kind round-trips as GRDB's own binding stores it")
    func roundTrip() throws {
        let queue = try DatabaseQueue()
        let text = "héllo \u{0}after-nul 😀"
        let blob = Data([0, 1, 2, 255])
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, c, d, e)")
            try db.cachedStatement(sql: "INSERT INTO t (a, b, c, d, e) VALUES (?, ?, ?, ?, ?)").run([
                .null, Int64.max.databaseValue, 0.25.databaseValue, text.databaseValue, blob.databaseValue,
            ])
            try db.execute(
                sql: "INSERT INTO t (a, b, c, d, e) VALUES (?, ?, ?, ?, ?)",
                arguments: [nil, Int64.max, 0.25, text, blob])
            let rows = try Row.fetchAll(
                db, sql: "SELECT a, b, c, CAST(d AS BLOB) AS d, e, typeof(d) AS kind FROM t ORDER BY id")
            #expect(rows.count == 2)
            #expect(rows[0] == rows[1])
            #expect(rows[0]["d"] == Data("héllo ".utf8), "text ends at a NUL, as GRDB binds it")
            #expect(rows[0]["kind"] == "text")
            #expect(rows[0]["e"] == blob)
            #expect(db.lastInsertedRowID == 2)
            // An empty body is an empty blob (requestBody is NOT NULL), never NULL.
            try db.cachedStatement(sql: "INSERT INTO t (e) VALUES (?)").run([Data().databaseValue])
            #expect(try String.fetchOne(db, sql: "SELECT typeof(e) FROM t WHERE id = 3") == "blob")
        }
    }

    @Test("a failing step throws SQLite's error and leaves the statement reusable")
    func failure() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)")
            let statement = try db.cachedStatement(sql: "INSERT INTO t (key) VALUES (?)")
            try statement.run(["a".databaseValue])
            #expect {
                try statement.run(["a".databaseValue])
            } throws: { error in
                (error as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT
            }
            #expect(throws: DatabaseError.self) { try statement.run([.null]) }
            try statement.run(["b".databaseValue])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 2)
            // Too few or too many values: refused, nothing stored (a missing one is not a NULL).
            #expect {
                try statement.run([])
            } throws: { error in
                (error as? DatabaseError)?.resultCode == .SQLITE_MISUSE
            }
            #expect(throws: DatabaseError.self) { try statement.run(["c".databaseValue, "d".databaseValue]) }
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 2)
        }
    }
}
