/// A face's bounding box in pixels.
public struct FaceBoundary: Sendable, Codable, Equatable {
    /// Left edge.
    public var left: Int?
    /// Top edge.
    public var top: Int?
    /// Width.
    public var width: Int?
    /// Height.
    public var height: Int?

    /// Creates a box.
    public init(left: Int?, top: Int?, width: Int?, height: Int?) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }

    /// Reads a `Boundary` object; nil when it is not an object.
    public init?(json: JSONValue) {
        guard json.objectValue != nil else { return nil }
        left = json["Left"]?.intValue
        top = json["Top"]?.intValue
        width = json["Width"]?.intValue
        height = json["Height"]?.intValue
    }
}
