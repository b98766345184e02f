/// The matches found for one source image.
public struct FaceSearchSourceResult: Sendable, Codable, Equatable {
    /// The source image, when IMM names it.
    public var sourceURI: String?
    /// The matches, most similar first.
    public var faces: [FaceMatch]

    /// Creates a result.
    public init(sourceURI: String?, faces: [FaceMatch]) {
        self.sourceURI = sourceURI
        self.faces = faces
    }

    /// Reads one entry of the outer `SimilarFaces` array; nil when it is not an object.
    public init?(json: JSONValue) {
        guard json.objectValue != nil else { return nil }
        sourceURI = json["URI"]?.stringValue
        faces = (json["SimilarFaces"]?.arrayValue ?? []).compactMap(FaceMatch.init(json:))
    }
}
