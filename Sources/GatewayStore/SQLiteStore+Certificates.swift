import Foundation
import GRDB
import GatewayCore

extension SQLiteStore: CertificateStore {
    /// The persisted certificate for `url`, if one was fetched before.
    public func loadCertificate(url: String) async throws -> [UInt8]? {
        try await writer.read { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT pem FROM certificate WHERE url = ?"), arguments: [url])
                .map(Array.init)
        }
    }

    /// Persists a fetched certificate so a restart needs no network.
    public func saveCertificate(url: String, pem: [UInt8], fingerprint: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO certificate (url, pem, fingerprint, fetchedAt) VALUES (?, ?, ?, ?)
                    ON CONFLICT(url) DO UPDATE SET pem = excluded.pem, fingerprint = excluded.fingerprint,
                        fetchedAt = excluded.fetchedAt
                    """,
                arguments: [url, Data(pem), fingerprint, Date().millisecondsSince1970])
        }
    }
}
