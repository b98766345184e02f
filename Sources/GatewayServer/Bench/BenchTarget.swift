import Foundation
import IMMNotify

/// An already-running gateway for `imm-gateway bench --target`: where to send, and how to sign so
/// that it accepts the pushes (the target must pin `certificateURL` to the certificate of
/// `signingKey`, as the sample config pins the sample key's).
public struct BenchTarget: Sendable {
    /// The ingest listener: scheme, host and port, no path.
    public let ingestBase: String
    /// The MNS endpoint path on it.
    public let mnsPath: String
    /// The admin listener (scheme, host, port), for the task lookup phase; nil skips that phase.
    public let adminBase: String?
    /// The admin bearer token, if the target needs one.
    public let adminToken: String?
    /// The key the pushes are signed with.
    public let signingKey: RSASigningKey
    /// The certificate URL the pushes name.
    public let certificateURL: String

    /// Checks and combines the `--target` options; every mistake is a `BenchError` naming the flag.
    /// `ingest` may end in the MNS path (default `/notifications`); `certificatePEM`, when given, must
    /// hold the public half of `keyPEM`.
    public init(
        ingest: String, admin: String? = nil, adminToken: String? = nil, keyPEM: [UInt8], certificateURL: String,
        certificatePEM: [UInt8]? = nil
    ) throws {
        let key: RSASigningKey
        do {
            key = try RSASigningKey(pem: keyPEM)
        } catch {
            throw BenchError("--key is not a PEM RSA private key: \(error)")
        }
        try self.init(
            ingest: ingest, admin: admin, adminToken: adminToken, signingKey: key, certificateURL: certificateURL,
            certificatePEM: certificatePEM)
    }

    /// The same, with the signing key already loaded.
    public init(
        ingest: String, admin: String? = nil, adminToken: String? = nil, signingKey: RSASigningKey,
        certificateURL: String, certificatePEM: [UInt8]? = nil
    ) throws {
        let (ingestBase, path) = try Self.parse(ingest, flag: "--target")
        self.ingestBase = ingestBase
        self.mnsPath = path.isEmpty || path == "/" ? "/notifications" : path
        if let admin {
            let (adminBase, adminPath) = try Self.parse(admin, flag: "--admin-target")
            guard adminPath.isEmpty || adminPath == "/" else {
                throw BenchError("--admin-target takes the admin listener's base URL (no path), not \(admin)")
            }
            self.adminBase = adminBase
        } else {
            guard adminToken == nil else { throw BenchError("--admin-token needs --admin-target") }
            self.adminBase = nil
        }
        self.adminToken = adminToken
        self.signingKey = signingKey
        guard let url = URLComponents(string: certificateURL), url.scheme?.lowercased() == "https",
            let host = url.host, !host.isEmpty
        else {
            throw BenchError(
                "--cert-url must be an https URL (the certificate URL the target pins), not \(certificateURL)")
        }
        self.certificateURL = certificateURL
        if let certificatePEM {
            let certificate: RSACertificate
            do {
                certificate = try RSACertificate(pem: certificatePEM)
            } catch {
                throw BenchError("--cert is not a PEM certificate: \(error)")
            }
            let probe = Array("imm-gateway bench".utf8)
            guard
                certificate.verify(
                    signature: try signingKey.sign(message: probe, digest: .sha1), message: probe, digest: .sha1)
            else { throw BenchError("--cert does not hold the public key of --key") }
        }
    }

    /// Splits an `http(s)://host[:port][/path]` URL into its base and path.
    private static func parse(_ text: String, flag: String) throws -> (base: String, path: String) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { throw BenchError("\(flag) must be an http(s) URL such as http://127.0.0.1:8080, not \(text)") }
        guard url.query == nil, url.fragment == nil, url.user == nil else {
            throw BenchError("\(flag) must not have a query, fragment or credentials: \(text)")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return ("\(scheme)://\(hostPart)\(url.port.map { ":\($0)" } ?? "")", url.path)
    }
}
