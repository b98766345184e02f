import Foundation
import Synchronization

/// The allow-list a signing-certificate URL must pass before the gateway will fetch it: https only
/// (`http` is upgraded), no userinfo, no port, and an exactly matching host.
public struct CertificateURLPolicy: Sendable {
    private let exactHosts: Set<String>
    private let patterns: [@Sendable (String) -> Bool]
    /// Answers already given: every push names the same certificate URL, and parsing it with
    /// URLComponents was over 1 % of the gateway's CPU under load. Bounded (cleared when full), so a
    /// flood of distinct forged URLs costs what it did before and no more memory.
    private let answers = Memo()

    private final class Memo: Sendable {
        let entries = Mutex<[String: Result<String, CertificateURLRejection>]>([:])
    }

    /// MNS: `mnstest.oss-cn-hangzhou.aliyuncs.com`, `mns-cert.oss-cn-<region>.aliyuncs.com`, plus `extraHosts`.
    public static func mns(extraHosts: [String]) -> CertificateURLPolicy {
        CertificateURLPolicy(
            exactHosts: ["mnstest.oss-cn-hangzhou.aliyuncs.com"] + extraHosts,
            patterns: [{ host in matchRegion(host, prefix: "mns-cert.oss-cn-", suffix: ".aliyuncs.com") }])
    }

    /// EventBridge: `<region>-eventbridge.oss-accelerate.aliyuncs.com` and
    /// `<region>-eventbridge.oss-<region>.aliyuncs.com`, plus `extraHosts`, where `<region>` is one
    /// of Alibaba Cloud's region ids (`alibabaRegions`). The host names an OSS bucket, and bucket
    /// names are first come, first served: any `<word>-eventbridge` bucket with acceleration on would
    /// pass a pattern that took any word, and sign forged events with its owner's certificate. A
    /// region added after this list goes in `eventbridge.cert_hosts`.
    public static func eventBridge(extraHosts: [String]) -> CertificateURLPolicy {
        CertificateURLPolicy(
            exactHosts: Set(extraHosts),
            patterns: [
                { host in
                    guard let dash = host.range(of: "-eventbridge.oss-") else { return false }
                    let region = String(host[..<dash.lowerBound])
                    let rest = host[dash.upperBound...]
                    guard alibabaRegions.contains(region), rest.hasSuffix(".aliyuncs.com") else { return false }
                    let middle = String(rest.dropLast(".aliyuncs.com".count))
                    return middle == "accelerate" || middle == region
                }
            ])
    }

    /// Alibaba Cloud's public region ids (2026), the only `<region>` EventBridge certificate hosts may name.
    public static let alibabaRegions: Set<String> = [
        "cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu", "cn-hangzhou", "cn-shanghai",
        "cn-nanjing", "cn-fuzhou", "cn-wuhan-lr", "cn-shenzhen", "cn-heyuan", "cn-guangzhou", "cn-chengdu",
        "cn-hongkong", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-south-1", "us-east-1", "us-west-1", "eu-central-1",
        "eu-west-1", "me-east-1", "me-central-1", "na-south-1", "cn-shanghai-finance-1", "cn-shenzhen-finance-1",
        "cn-beijing-finance-1", "cn-north-2-gov-1",
    ]

    /// Creates a policy from exact host names (compared case-insensitively) and host predicates.
    init(exactHosts: some Sequence<String>, patterns: [@Sendable (String) -> Bool]) {
        self.exactHosts = Set(exactHosts.map { $0.lowercased() })
        self.patterns = patterns
    }

    /// Checks `url`; returns the URL to fetch (`http` upgraded to `https`) or why it is refused.
    ///
    /// The returned URL is rebuilt from the checked parts (scheme, host, path), so what is fetched is
    /// exactly the host that passed: no fragment, no empty `:` port, no encoded host. The query is
    /// dropped too: a certificate is named by host and path (Alibaba's URLs carry no query), and a
    /// query would let every forged push name a "new" certificate, each one a fetch and a cache entry.
    public func check(_ url: String) -> Result<String, CertificateURLRejection> {
        if let known = answers.entries.withLock({ $0[url] }) { return known }
        let answer = evaluate(url)
        answers.entries.withLock { entries in
            if entries.count >= 64 { entries.removeAll() }
            entries[url] = answer
        }
        return answer
    }

    private func evaluate(_ url: String) -> Result<String, CertificateURLRejection> {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return .failure(.init(reason: "'\(url)' is not a URL"))
        }
        guard scheme == "https" || scheme == "http" else {
            return .failure(.init(reason: "certificate URL scheme '\(scheme)' is not https"))
        }
        // Any '@' is refused, not just parsed userinfo: parsers disagree on where the authority ends.
        guard components.user == nil, components.password == nil, !url.contains("@") else {
            return .failure(.init(reason: "certificate URL must not carry userinfo"))
        }
        guard components.port == nil, !Self.authority(of: url).contains(":") else {
            return .failure(.init(reason: "certificate URL must not name a port"))
        }
        guard let encodedHost = components.percentEncodedHost, !encodedHost.isEmpty else {
            return .failure(.init(reason: "certificate URL has no host"))
        }
        // A percent-encoded host decodes to one name here but may be resolved as another by the fetcher.
        guard !encodedHost.contains("%"), encodedHost.utf8.allSatisfy({ $0 < 0x80 }) else {
            return .failure(.init(reason: "certificate host '\(encodedHost)' must be plain ASCII"))
        }
        let host = encodedHost.lowercased()
        guard exactHosts.contains(host) || patterns.contains(where: { $0(host) }) else {
            return .failure(.init(reason: "certificate host '\(host)' is not on the allow-list"))
        }
        return .success("https://" + host + Self.canonicalPath(components.percentEncodedPath))
    }

    /// The one spelling of a certificate URL that caches, pins and the certificate table key on:
    /// `https`, the host in lower case, unreserved characters in the path unescaped and the other
    /// escapes in upper case, no query or fragment. Every spelling of one certificate (`MNSTEST.…`,
    /// `/x509%5Fpublic…`) is then one fetch and one stored row, not one per spelling a forger sends.
    /// A string that is not a URL is returned as it is.
    public static func canonical(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.percentEncodedHost, !host.isEmpty
        else { return url }
        return "https://" + host.lowercased() + canonicalPath(components.percentEncodedPath)
    }

    /// `path` with escapes of unreserved characters (RFC 3986 2.3) decoded and the rest upper-cased.
    static func canonicalPath(_ path: String) -> String {
        var bytes = Array(path.utf8)[...]
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%"), bytes.count >= 2, let high = hex(bytes[bytes.startIndex]),
                let low = hex(bytes[bytes.startIndex + 1])
            else {
                out.append(byte)
                continue
            }
            bytes = bytes.dropFirst(2)
            let decoded = high << 4 | low
            let unreserved =
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(decoded)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(decoded)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(decoded) || Array("-._~".utf8).contains(decoded)
            out += unreserved ? [decoded] : Array("%\(String(decoded, radix: 16, uppercase: true).leftPadded)".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text between `//` and the next `/`, `?` or `#` (empty when there is no `//`).
    private static func authority(of url: String) -> Substring {
        guard let slashes = url.range(of: "//") else { return "" }
        let rest = url[slashes.upperBound...]
        return rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    }

    /// Whether `host` is `prefix` + a region name + `suffix`.
    static func matchRegion(_ host: String, prefix: String, suffix: String) -> Bool {
        guard host.hasPrefix(prefix), host.hasSuffix(suffix), host.count > prefix.count + suffix.count else {
            return false
        }
        return isRegion(String(host.dropFirst(prefix.count).dropLast(suffix.count)))
    }

    /// Whether `text` is a region name: 1–40 of `[a-z0-9-]`, checked byte by byte (ASCII only).
    static func isRegion(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return !bytes.isEmpty && bytes.count <= 40
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}

extension String {
    /// A one-digit hex string padded to two.
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
