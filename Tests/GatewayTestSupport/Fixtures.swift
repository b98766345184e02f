import Foundation
import IMMNotify

/// The MNS fixtures (copied from the shared fixtures so the tests stand on their own).
public enum Fixtures {
    /// The certificate URL every synthetic fixture names.
    public static let testCertificateURL = "https://mnstest.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem"
    /// The `Date` of every synthetic fixture: 2026-11-25T05:00:00Z.
    public static let fixtureDate = Date(timeIntervalSince1970: 1_795_582_800)
    /// The `Date` of the real 2023 push: Wed, 29 Mar 2023 08:41:27 GMT.
    public static let realDate = Date(timeIntervalSince1970: 1_680_079_287)
    /// The synthetic requests that must be accepted.
    public static let acceptedNames = ["succeeded-xml", "succeeded-json", "succeeded-simplified", "failed-xml"]
    /// The synthetic requests that must be refused.
    public static let refusedNames = ["tampered-body", "tampered-header", "tampered-signature", "foreign-cert-host"]
    /// Every synthetic request.
    public static var allSyntheticNames: [String] { acceptedNames + refusedNames }

    /// The bytes of a file under `Fixtures/mns/`.
    public static func bytes(_ path: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "Fixtures/mns/\(path)", withExtension: nil),
            let data = FileManager.default.contents(atPath: url.path)
        else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        return Array(data)
    }

    /// A captured request, e.g. `succeeded-xml` or `real-2023/request`.
    public static func request(_ name: String) throws -> CapturedRequest {
        try CapturedRequest.parse(try bytes("\(name).http"))
    }

    /// The synthetic fixtures' certificate (512-bit, expired).
    public static func testCertificatePEM() throws -> [UInt8] { try bytes("test-key/cert.pem") }

    /// The synthetic fixtures' private key.
    public static func testKeyPEM() throws -> [UInt8] { try bytes("test-key/key.pem") }

    /// The certificate Alibaba served for the real 2023 push.
    public static func realCertificatePEM() throws -> [UInt8] { try bytes("real-2023/cert.pem") }
}
