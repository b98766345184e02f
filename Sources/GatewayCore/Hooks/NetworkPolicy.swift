import Foundation

/// Which destination addresses deliveries may connect to. By default loopback, private, link-local,
/// CGNAT, multicast and reserved ranges are refused, so a hook URL cannot turn the gateway into a
/// tool for reaching internal services; operators can allow all private networks or given CIDRs.
public struct NetworkPolicy: Sendable, Equatable {
    /// Allow every address (trusted, internal-only deployments and tests).
    public var allowPrivateNetworks: Bool
    /// Ranges allowed even though they are private or reserved.
    public var allowedCIDRs: [CIDR]

    /// Creates a policy.
    public init(allowPrivateNetworks: Bool = false, allowedCIDRs: [CIDR] = []) {
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedCIDRs = allowedCIDRs
    }

    /// Nil when `address` (a numeric IPv4 or IPv6 address) may be connected to, else why not.
    public func refusal(for address: String) -> String? {
        guard let bytes = CIDR.parseAddress(address) else { return "refused: \(address) is not an IP address" }
        guard let kind = Self.restrictedKind(bytes) else { return nil }
        if allowPrivateNetworks || allowedCIDRs.contains(where: { $0.contains(bytes) }) { return nil }
        return "refused: \(address) is \(kind) address"
    }

    /// The kind of restricted range `bytes` falls in, or nil for a public address.
    static func restrictedKind(_ bytes: [UInt8]) -> String? {
        if bytes.count == 16 {
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return restrictedKind(Array(bytes[12..<16]))  // IPv4-mapped
            }
            // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765): as restricted as the address it carries.
            if bytes[0..<8].allSatisfy({ $0 == 0 }) && bytes[8] == 0xFF && bytes[9] == 0xFF && bytes[10] == 0
                && bytes[11] == 0, let kind = restrictedKind(Array(bytes[12..<16]))
            {
                return kind + " (IPv4-translated)"
            }
            if bytes.allSatisfy({ $0 == 0 }) { return "an unspecified" }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "a loopback" }
            // ::a.b.c.d (IPv4-compatible, deprecated): some stacks still route it to the IPv4 host.
            if bytes[0..<12].allSatisfy({ $0 == 0 }) { return "a reserved (IPv4-compatible)" }
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return "a site-local" }
            // 2002::/16 (6to4) carries an IPv4 address in bytes 2-5: as restricted as that address.
            if bytes[0] == 0x20 && bytes[1] == 0x02, let kind = restrictedKind(Array(bytes[2..<6])) {
                return kind + " (6to4)"
            }
            // 2001::/32 (Teredo) tunnels to an IPv4 host the address only obscures.
            if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0 && bytes[3] == 0 { return "a Teredo" }
            if bytes[0] == 0x01 && bytes[1..<8].allSatisfy({ $0 == 0 }) { return "a reserved (discard-only)" }
            if bytes[0] == 0xFF { return "a multicast" }
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "a link-local" }
            if bytes[0] & 0xFE == 0xFC { return "a private (unique local)" }
            if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 {
                return "a reserved (documentation)"
            }
            if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B { return "a NAT64" }
            return nil
        }
        guard bytes.count == 4 else { return "an invalid" }
        let (a, b) = (bytes[0], bytes[1])
        switch true {
        case a == 127: return "a loopback"
        case a == 10, a == 172 && (16...31).contains(b), a == 192 && b == 168: return "a private"
        case a == 169 && b == 254: return "a link-local"
        case a == 100 && (64...127).contains(b): return "a CGNAT"
        case a >= 224 && a <= 239: return "a multicast"
        case a == 0, a >= 240: return "a reserved"
        case a == 192 && b == 0 && bytes[2] == 0, a == 192 && b == 0 && bytes[2] == 2, a == 198 && (b == 18 || b == 19),
            a == 198 && b == 51 && bytes[2] == 100, a == 203 && b == 0 && bytes[2] == 113:
            return "a reserved"
        default: return nil
        }
    }
}

/// An address range, `10.0.0.0/8` or `fd00::/8`.
public struct CIDR: Sendable, Equatable, CustomStringConvertible {
    let network: [UInt8]
    let prefix: Int

    /// Parses `address/prefix` (a bare address is a single host).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let network = Self.parseAddress(parts[0]) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : network.count * 8
        guard let prefix, (0...(network.count * 8)).contains(prefix) else { return nil }
        self.network = network
        self.prefix = prefix
    }

    /// The range as written.
    public var description: String {
        network.count == 4 ? network.map(String.init).joined(separator: ".") + "/\(prefix)" : "ipv6/\(prefix)"
    }

    /// Whether `bytes` is inside the range.
    public func contains(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == network.count else { return false }
        var remaining = prefix
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != network[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The bytes of a numeric IPv4 or IPv6 address (brackets allowed), nil otherwise.
    public static func parseAddress(_ text: String) -> [UInt8]? {
        var text = text
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        // A zone (`fe80::1%eth0`) belongs to IPv6 only: `8.8.8.8%x` is not an address, and taking
        // it for 8.8.8.8 let the check pass while the HTTP client resolved the whole name itself.
        if let zone = text.firstIndex(of: "%") {
            guard text[..<zone].contains(":") else { return nil }
            text = String(text[..<zone])
        }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
