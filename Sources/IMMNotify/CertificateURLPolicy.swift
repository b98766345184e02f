import Foundation

/// Why a certificate URL was refused before any fetch.
public struct CertificateURLRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the URL.
    public let reason: String

    /// Creates a rejection.
    public init(reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}

/// The allow-list a signing-certificate URL must pass before the gateway will fetch it: https only
/// (`http` is upgraded), no userinfo, no port, and an exactly matching host.
public struct CertificateURLPolicy: Sendable {
    private let exactHosts: Set<String>
    private let patterns: [@Sendable (String) -> Bool]

    /// MNS: `mnstest.oss-cn-hangzhou.aliyuncs.com`, `mns-cert.oss-cn-<region>.aliyuncs.com`, plus `extraHosts`.
    public static func mns(extraHosts: [String]) -> CertificateURLPolicy {
        CertificateURLPolicy(
            exactHosts: ["mnstest.oss-cn-hangzhou.aliyuncs.com"] + extraHosts,
            patterns: [{ host in matchRegion(host, prefix: "mns-cert.oss-cn-", suffix: ".aliyuncs.com") }])
    }

    /// EventBridge: `<region>-eventbridge.oss-accelerate.aliyuncs.com` and
    /// `<region>-eventbridge.oss-<region>.aliyuncs.com`, plus `extraHosts`.
    public static func eventBridge(extraHosts: [String]) -> CertificateURLPolicy {
        CertificateURLPolicy(
            exactHosts: Set(extraHosts),
            patterns: [
                { host in
                    guard let dash = host.range(of: "-eventbridge.oss-") else { return false }
                    let region = String(host[..<dash.lowerBound])
                    let rest = host[dash.upperBound...]
                    guard isRegion(region), rest.hasSuffix(".aliyuncs.com") else { return false }
                    let middle = String(rest.dropLast(".aliyuncs.com".count))
                    return middle == "accelerate" || middle == region
                }
            ])
    }

    init(exactHosts: some Sequence<String>, patterns: [@Sendable (String) -> Bool]) {
        self.exactHosts = Set(exactHosts.map { $0.lowercased() })
        self.patterns = patterns
    }

    /// Checks `url`; returns the URL to fetch (`http` upgraded to `https`) or why it is refused.
    public func check(_ url: String) -> Result<String, CertificateURLRejection> {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return .failure(.init(reason: "'\(url)' is not a URL"))
        }
        guard scheme == "https" || scheme == "http" else {
            return .failure(.init(reason: "certificate URL scheme '\(scheme)' is not https"))
        }
        guard components.user == nil, components.password == nil, !url.contains("@") else {
            return .failure(.init(reason: "certificate URL must not carry userinfo"))
        }
        guard components.port == nil else { return .failure(.init(reason: "certificate URL must not name a port")) }
        guard let host = components.host?.lowercased(), !host.isEmpty else {
            return .failure(.init(reason: "certificate URL has no host"))
        }
        guard exactHosts.contains(host) || patterns.contains(where: { $0(host) }) else {
            return .failure(.init(reason: "certificate host '\(host)' is not on the allow-list"))
        }
        var upgraded = components
        upgraded.scheme = "https"
        return .success(upgraded.string ?? url)
    }

    static func matchRegion(_ host: String, prefix: String, suffix: String) -> Bool {
        guard host.hasPrefix(prefix), host.hasSuffix(suffix), host.count > prefix.count + suffix.count else {
            return false
        }
        return isRegion(String(host.dropFirst(prefix.count).dropLast(suffix.count)))
    }

    static func isRegion(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 40 && text.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
