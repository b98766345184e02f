import Foundation
import GatewayTestSupport
import IMMNotify

/// Re-signs captured pushes with the fixture key after changing them, to build authentic requests
/// with unusual bodies.
enum SignedRequests {
    static func resigned(_ request: CapturedRequest, body: [UInt8]) throws -> CapturedRequest {
        var request = request
        request.body = body
        request.headers = request.headers.map { header in
            switch header.name.lowercased() {
            case "content-md5": .init(name: header.name, value: ContentMD5.hexUpper(body))
            case "content-length": .init(name: header.name, value: String(body.count))
            default: header
            }
        }
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let signature = try key.sign(
            message: Array(MNSSignature.stringToSign(request, signedTarget: nil).utf8), digest: .sha1)
        request.headers = request.headers.map { header in
            header.name.lowercased() == "authorization"
                ? .init(name: header.name, value: Data(signature).base64EncodedString()) : header
        }
        return request
    }
}
