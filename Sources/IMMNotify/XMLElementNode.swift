/// A parsed XML element: local name (prefix dropped), attributes, text and children. Enough for
/// MNS's flat `Notification` document; deliberately no DTDs and no entity expansion beyond the five
/// predefined entities and character references, so entity bombs and external entities cannot exist.
public struct XMLElementNode: Sendable, Equatable {
    /// The element's local name (namespace prefix removed).
    public var name: String
    /// Attributes by qualified name.
    public var attributes: [String: String]
    /// The concatenated character data directly inside the element.
    public var text: String
    /// Child elements in order.
    public var children: [XMLElementNode]

    /// The deepest nesting accepted.
    public static let maxDepth = 32

    /// The first child with local name `name`.
    public func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }

    /// Parses a document and returns its root element.
    public static func parse(_ bytes: [UInt8]) throws -> XMLElementNode {
        var parser = XMLParserCore(bytes: bytes)
        return try parser.parseDocument()
    }
}
