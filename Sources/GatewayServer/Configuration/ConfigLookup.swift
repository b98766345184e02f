import Configuration
import Foundation

/// Typed reads over a `ConfigReader` that fail loudly: a key that is set but cannot be converted is
/// an error naming the key, never a silent fallback to the default.
struct ConfigLookup {
    let reader: ConfigReader

    private func raw(_ key: String) -> String? { reader.string(forKey: ConfigKey(key)) }

    func string(_ key: String, default value: String) throws -> String { raw(key) ?? value }

    func path(_ key: String, default value: String) throws -> String {
        let path = raw(key) ?? value
        guard path.hasPrefix("/") else { throw ConfigurationError("\(key) must start with '/', not '\(path)'") }
        return path
    }

    func int(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = raw(key) else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw ConfigurationError(
                "\(key) must be an integer in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
        }
        return number
    }

    func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let text = raw(key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "1", "on": return true
        case "false", "no", "0", "off": return false
        default: throw ConfigurationError("\(key) must be true or false, not '\(text)'")
        }
    }

    func list(_ key: String) throws -> [String] {
        guard let text = raw(key) else { return [] }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
