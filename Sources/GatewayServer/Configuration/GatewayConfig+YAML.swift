import Yams

extension GatewayConfig {
    /// Flattens a YAML document into dotted keys (`ingest.port`), string lists joined by commas, and
    /// the `{url, file}` lists apart. Unknown keys are errors, so a typo never silently falls back to
    /// a default.
    static func flatten(
        yaml: String, file: String
    ) throws -> (values: [String: String], pinned: [String: [PinnedCertificate]]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError("\(file) is not valid YAML: \(error)")
        }
        guard let root else { return ([:], [:]) }
        guard let mapping = root.mapping else { throw ConfigurationError("\(file): the top level must be a mapping") }
        var values: [String: String] = [:]
        var pinned: [String: [PinnedCertificate]] = [:]
        try walk(mapping, prefix: "", values: &values, pinned: &pinned)
        return (values, pinned)
    }

    private static func walk(
        _ mapping: Node.Mapping, prefix: String, values: inout [String: String],
        pinned: inout [String: [PinnedCertificate]]
    ) throws {
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.scalar?.string else { throw ConfigurationError("non-string key under '\(prefix)'") }
            let key = prefix.isEmpty ? name : "\(prefix).\(name)"
            if pinnedListKeys.contains(key) {
                pinned[key] = try pinnedList(valueNode, key: key)
            } else if let child = valueNode.mapping {
                try walk(child, prefix: key, values: &values, pinned: &pinned)
            } else if !scalarKeys.contains(key) {
                throw ConfigurationError("unknown configuration key '\(key)'")
            } else if let scalar = valueNode.scalar {
                values[key] = scalar.string
            } else if let sequence = valueNode.sequence {
                let items = try sequence.map { item in
                    guard let text = item.scalar?.string else { throw ConfigurationError("'\(key)' must be a list of strings") }
                    return text
                }
                values[key] = items.joined(separator: ",")
            }
        }
    }

    private static func pinnedList(_ node: Node, key: String) throws -> [PinnedCertificate] {
        guard let sequence = node.sequence else {
            if node.scalar?.string.isEmpty ?? false { return [] }
            throw ConfigurationError("'\(key)' must be a list of {url, file}")
        }
        return try sequence.enumerated().map { index, item in
            guard let entry = item.mapping else { throw ConfigurationError("'\(key)[\(index)]' must be {url, file}") }
            var url = "", file = ""
            for (k, v) in entry {
                switch k.scalar?.string {
                case "url": url = v.scalar?.string ?? ""
                case "file": file = v.scalar?.string ?? ""
                default: throw ConfigurationError("unknown key '\(k.scalar?.string ?? "?")' in '\(key)[\(index)]'")
                }
            }
            return PinnedCertificate(url: url, file: file)
        }
    }
}
