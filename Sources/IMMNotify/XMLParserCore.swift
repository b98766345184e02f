/// The hand-written XML reader behind `XMLElementNode.parse`.
struct XMLParserCore {
    /// The document.
    let bytes: [UInt8]
    /// The next byte to read.
    var index = 0

    /// Prepares to read `bytes`, skipping a UTF-8 byte order mark.
    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    private func error(_ message: String) -> WireFormatError {
        WireFormatError(.malformedXML, "\(message) at byte \(index)")
    }

    private func starts(with text: StaticString) -> Bool { matches(text, at: index) }

    private func matches(_ text: StaticString, at position: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        return text.withUTF8Buffer { pattern in
            for offset in 0..<count where bytes[position + offset] != pattern[offset] { return false }
            return true
        }
    }

    private mutating func skip(past text: StaticString) throws {
        let count = text.utf8CodeUnitCount
        while index + count <= bytes.count {
            if matches(text, at: index) {
                index += count
                return
            }
            index += 1
        }
        throw error("unterminated construct, expected '\(text)'")
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
    }

    /// Skips the prolog (declaration, comments, processing instructions), refusing any DTD.
    private mutating func skipMisc() throws {
        while true {
            skipWhitespace()
            if starts(with: "<?") {
                try skip(past: "?>")
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<!") {
                throw WireFormatError(.malformedXML, "DTDs and declarations are not accepted")
            } else {
                return
            }
        }
    }

    /// Reads the whole document: prolog, exactly one root element, trailing comments.
    mutating func parseDocument() throws -> XMLElementNode {
        try skipMisc()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw error("expected the root element") }
        let root = try parseElement(depth: 0)
        try skipMisc()
        guard index == bytes.count else { throw error("unexpected content after the root element") }
        return root
    }

    private mutating func parseName() throws -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isWhitespace(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
                || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "<")
            {
                break
            }
            index += 1
        }
        guard index > start else { throw error("expected a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func localName(_ qualified: String) -> String {
        guard let colon = qualified.lastIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }

    private mutating func parseElement(depth: Int) throws -> XMLElementNode {
        guard depth < XMLElementNode.maxDepth else {
            throw WireFormatError(.tooDeep, "XML nested deeper than \(XMLElementNode.maxDepth) levels")
        }
        index += 1  // '<'
        let qualified = try parseName()
        var attributes: [String: String] = [:]
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated start tag") }
            if starts(with: "/>") {
                index += 2
                return XMLElementNode(name: Self.localName(qualified), attributes: attributes, text: "", children: [])
            }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                break
            }
            let attribute = try parseName()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw error("expected '='") }
            index += 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw error("expected a quoted attribute value")
            }
            let quote = bytes[index]
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != quote { index += 1 }
            guard index < bytes.count else { throw error("unterminated attribute value") }
            attributes[attribute] = try Self.decodeEntities(bytes[start..<index])
            index += 1
        }
        var text = ""
        var children: [XMLElementNode] = []
        while index < bytes.count {
            if starts(with: "</") {
                index += 2
                let closing = try parseName()
                skipWhitespace()
                guard closing == qualified, index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                    throw error("mismatched end tag '\(closing)' for '\(qualified)'")
                }
                index += 1
                return XMLElementNode(
                    name: Self.localName(qualified), attributes: attributes, text: text, children: children)
            } else if starts(with: "<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>")
                text += String(decoding: bytes[start..<(index - 3)], as: UTF8.self)
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<?") {
                try skip(past: "?>")
            } else if starts(with: "<!") {
                throw WireFormatError(.malformedXML, "DTDs and declarations are not accepted")
            } else if bytes[index] == UInt8(ascii: "<") {
                children.append(try parseElement(depth: depth + 1))
            } else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
                text += try Self.decodeEntities(bytes[start..<index])
            }
        }
        throw error("unterminated element '\(qualified)'")
    }

    /// Decodes the five predefined entities and numeric character references; anything else is an error.
    static func decodeEntities(_ slice: ArraySlice<UInt8>) throws -> String {
        guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
        var result = String.UnicodeScalarView()
        var index = slice.startIndex
        var runStart = index
        while index < slice.endIndex {
            guard slice[index] == UInt8(ascii: "&") else {
                index += 1
                continue
            }
            result.append(contentsOf: String(decoding: slice[runStart..<index], as: UTF8.self).unicodeScalars)
            guard let semicolon = slice[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                throw WireFormatError(.malformedXML, "unterminated entity reference")
            }
            let name = String(decoding: slice[(index + 1)..<semicolon], as: UTF8.self)
            switch name {
            case "lt": result.append("<")
            case "gt": result.append(">")
            case "amp": result.append("&")
            case "quot": result.append("\"")
            case "apos": result.append("'")
            default:
                var value: UInt32?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    value = UInt32(name.dropFirst(2), radix: 16)
                } else if name.hasPrefix("#") {
                    value = UInt32(name.dropFirst(1))
                }
                guard let value, let scalar = Unicode.Scalar(value) else {
                    throw WireFormatError(.malformedXML, "unknown entity '&\(name);' (no DTD entities are expanded)")
                }
                result.append(scalar)
            }
            index = semicolon + 1
            runStart = index
        }
        result.append(contentsOf: String(decoding: slice[runStart..<slice.endIndex], as: UTF8.self).unicodeScalars)
        return String(result)
    }
}
