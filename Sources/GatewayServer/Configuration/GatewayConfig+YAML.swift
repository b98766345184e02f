import Foundation
import IMMNotify
import Yams

extension GatewayConfig {
    /// Flattens a YAML document into dotted keys (`ingest.port`), string lists joined by commas, and
    /// the `{url, file}` lists apart. Unknown keys are errors, so a typo never silently falls back to
    /// a default.
    static func flatten(
        yaml: String, file: String
    ) throws -> (values: [String: String], pinned: [String: [PinnedCertificate]], hooks: [HookSpec]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError("\(file) is not valid YAML: \(error)")
        }
        guard let root else { return ([:], [:], []) }
        guard let mapping = root.mapping else { throw ConfigurationError("\(file): the top level must be a mapping") }
        var values: [String: String] = [:]
        var pinned: [String: [PinnedCertificate]] = [:]
        var hooks: [HookSpec] = []
        for (key, value) in mapping where key.scalar?.string == "hooks" {
            hooks = try hookList(value)
        }
        let rest = Node.Mapping(mapping.filter { $0.key.scalar?.string != "hooks" })
        try walk(rest, prefix: "", values: &values, pinned: &pinned)
        return (values, pinned, hooks)
    }

    private static func walk(
        _ mapping: Node.Mapping, prefix: String, values: inout [String: String],
        pinned: inout [String: [PinnedCertificate]]
    ) throws {
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.scalar?.string else {
                throw ConfigurationError("non-string key under '\(prefix)'")
            }
            let key = prefix.isEmpty ? name : "\(prefix).\(name)"
            // `key: ~` / `key: null` / `key:` is YAML's "no value": the default, never the text "~".
            if valueNode.null != nil, valueNode.scalar?.style == .plain || valueNode.scalar == nil {
                guard scalarKeys.contains(key) || pinnedListKeys.contains(key) else {
                    throw ConfigurationError("unknown configuration key '\(key)'")
                }
                continue
            }
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
                    guard let text = item.scalar?.string else {
                        throw ConfigurationError("'\(key)' must be a list of strings")
                    }
                    return text
                }
                values[key] = items.joined(separator: ",")
            }
        }
    }

    private static func hookList(_ node: Node) throws -> [HookSpec] {
        if node.null != nil { return [] }
        if node.scalar?.string.isEmpty ?? false { return [] }
        guard let sequence = node.sequence else { throw ConfigurationError("'hooks' must be a list of hook objects") }
        return try sequence.enumerated().map { index, item in
            let json = try jsonValue(item, path: "hooks[\(index)]")
            let known = Set(HookSpec.CodingKeys.allCases.map(\.rawValue))
            for key in json.objectValue?.keys.sorted() ?? [] where !known.contains(key) {
                throw ConfigurationError("unknown configuration key 'hooks[\(index)].\(key)'")
            }
            do {
                let spec = try JSONValueDecoder().decode(HookSpec.self, from: json)
                guard spec.name != nil, spec.url != nil else {
                    throw ConfigurationError("hooks[\(index)] needs 'name' and 'url'")
                }
                return spec
            } catch let error as ConfigurationError {
                throw error
            } catch let error as DecodingError {
                throw ConfigurationError("hooks[\(index)]: \(JSONBody.describe(error))")
            } catch {
                throw ConfigurationError("hooks[\(index)]: \(error)")
            }
        }
    }

    /// Converts a YAML node to JSON, resolving scalars to numbers and booleans where YAML would.
    private static func jsonValue(_ node: Node, path: String) throws -> JSONValue {
        if let mapping = node.mapping {
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { throw ConfigurationError("non-string key under '\(path)'") }
                members[name] = try jsonValue(value, path: "\(path).\(name)")
            }
            return .object(members)
        }
        if let sequence = node.sequence {
            return .array(try sequence.enumerated().map { try jsonValue($1, path: "\(path)[\($0)]") })
        }
        guard let scalar = node.scalar else { return .null }
        if scalar.style == .plain {
            if let bool = Bool.construct(from: scalar) { return .bool(bool) }
            if let int = Int.construct(from: scalar) { return .number(Double(int)) }
            if let double = Double.construct(from: scalar) { return .number(double) }
            if scalar.string == "null" || scalar.string == "~" { return .null }
        }
        return .string(scalar.string)
    }

    private static func pinnedList(_ node: Node, key: String) throws -> [PinnedCertificate] {
        guard let sequence = node.sequence else {
            if node.scalar?.string.isEmpty ?? false { return [] }
            throw ConfigurationError("'\(key)' must be a list of {url, file}")
        }
        return try sequence.enumerated().map { index, item in
            guard let entry = item.mapping else { throw ConfigurationError("'\(key)[\(index)]' must be {url, file}") }
            var url = ""
            var file = ""
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
