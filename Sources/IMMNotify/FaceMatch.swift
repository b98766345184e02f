/// One similar face.
public struct FaceMatch: Sendable, Codable, Equatable {
    /// The matching image.
    public var uri: String?
    /// The matching face's id.
    public var faceId: String?
    /// Similarity from 0 to 1.
    public var similarity: Double?
    /// The face's box.
    public var boundary: FaceBoundary?

    /// Creates a match.
    public init(uri: String?, faceId: String?, similarity: Double?, boundary: FaceBoundary?) {
        self.uri = uri
        self.faceId = faceId
        self.similarity = similarity
        self.boundary = boundary
    }

    /// Reads one match; nil when it is not an object.
    public init?(json: JSONValue) {
        guard json.objectValue != nil else { return nil }
        uri = json["URI"]?.stringValue
        faceId = json["FaceId"]?.stringValue
        similarity = json["Similarity"]?.doubleValue
        boundary = json["Boundary"].flatMap(FaceBoundary.init(json:))
    }
}
