import Foundation
import GRDB
import GRDBSQLite

extension Statement {
    /// Runs this statement (an INSERT or UPDATE) once with `values` bound by position, straight
    /// through SQLite's C API.
    ///
    /// GRDB's `execute(arguments:)` converts each value through an existential, then binds with one
    /// nested closure per value (to borrow strings without copying): on the ingest path, with 24
    /// columns per event and 12 per face, that bookkeeping cost as much CPU as SQLite's own work
    /// for those rows (measured in the writer's profile). Here strings and blobs are copied by
    /// SQLite (`SQLITE_TRANSIENT`), which for a few kilobytes is cheaper than the closures. The
    /// statement is reset and its bindings cleared afterwards, as GRDB leaves it. Like GRDB, it
    /// refuses a value count that differs from the statement's parameters: a missing value would
    /// otherwise be stored as NULL without a word.
    func run(_ values: [DatabaseValue]) throws {
        let handle = sqliteStatement
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "wrong number of statement arguments: \(values.count), expected \(expected)", sql: sql)
        }
        sqlite3_reset(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value.storage {
            case .null: code = sqlite3_bind_null(handle, index)
            case .int64(let number): code = sqlite3_bind_int64(handle, index, number)
            case .double(let number): code = sqlite3_bind_double(handle, index, number)
            case .string(let text):
                // Bound as a C string, as GRDB binds text: an embedded NUL ends it the same way, so a
                // value written here compares equal to the same value bound by a GRDB query.
                code = sqlite3_bind_text(handle, index, text, -1, transient)
            case .blob(let data):
                code = data.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(
                        handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count),
                        transient)
                }
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: String(cString: sqlite3_errmsg(sqlite3_db_handle(sqliteStatement))), sql: sql)
    }
}

/// SQLite copies the bound bytes before the bind call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
