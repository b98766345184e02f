/// A JSON document as a value: what the tolerant decoders walk. Parsing is hand-written so that
/// hostile input (deep nesting, huge numbers, invalid UTF-8) fails cleanly instead of crashing.
public enum JSONValue: Sendable, Hashable, Codable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// Any number (JSON does not distinguish integers).
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; duplicate keys keep the last value.
    case object([String: JSONValue])

    /// The deepest nesting `parse` accepts.
    public static let maxDepth = 64

    /// Parses a complete JSON text (surrounding whitespace allowed). With `rejectingDuplicateKeys`,
    /// a member name repeated within one object is an error (for request bodies, where JSON
    /// decoders disagree on which one wins); otherwise the last one wins.
    public static func parse(_ bytes: [UInt8], rejectingDuplicateKeys: Bool = false) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, rejectsDuplicateKeys: rejectingDuplicateKeys)
        return try parser.parseDocument()
    }

    /// Parses a complete JSON text.
    public static func parse(_ text: String) throws -> JSONValue { try parse(Array(text.utf8)) }

    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// A string, or a scalar rendered as one (integral numbers without `.0`).
    public var stringValue: String? {
        switch self {
        case .string(let string): return string
        case .number(let number):
            if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return String(number)
        case .bool(let bool): return bool ? "true" : "false"
        default: return nil
        }
    }

    /// A finite number, or a string holding one. Not `"nan"` or `"inf"`, which `Double` would
    /// read: JSON cannot carry them back out (`JSONEncoder` throws on them).
    public var doubleValue: Double? {
        let number: Double?
        switch self {
        case .number(let value): number = value
        case .string(let string): number = Double(string.trimmingSpaces())
        default: number = nil
        }
        return number?.isFinite == true ? number : nil
    }

    /// An integer (from a number or numeric string with no fractional part, in range).
    public var intValue: Int? {
        guard let double = doubleValue, double.isFinite, double == double.rounded(),
            abs(double) <= Double(Int32.max) * 1024
        else { return nil }
        return Int(double)
    }

    /// The members of an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Compact JSON text with sorted keys.
    public func jsonText() -> String {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.text
    }

    /// Writes this value as compact JSON with sorted keys.
    public func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.raw("null")
        case .bool(let bool): writer.raw(bool ? "true" : "false")
        case .number(let number): writer.number(number)
        case .string(let string): writer.string(string)
        case .array(let elements):
            writer.raw("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { writer.raw(",") }
                element.write(to: &writer)
            }
            writer.raw("]")
        case .object(let members):
            writer.raw("{")
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { writer.raw(",") }
                writer.key(key)
                members[key]?.write(to: &writer)
            }
            writer.raw("}")
        }
    }

    /// Decodes any JSON through `Codable` (used when JSONValue sits inside a Codable model).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes as plain JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .number(let number): try container.encode(number)
        case .string(let string): try container.encode(string)
        case .array(let elements): try container.encode(elements)
        case .object(let members): try container.encode(members)
        }
    }
}
