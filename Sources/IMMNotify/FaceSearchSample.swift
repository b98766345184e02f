import Foundation

/// Builds IMM face-search envelopes shaped like real ones (double-encoded content), for samples,
/// the benchmark and tests.
public enum FaceSearchSample {
    /// The task content of a face-search notification with `faces` matches for one source image.
    /// Deterministic: the same arguments give the same content (ids are derived from the task id), as
    /// a redelivered message is byte for byte the same.
    ///
    /// The matched images are `album/0000.jpg`, `album/0001.jpg`, ... by rank, easy to read in tests
    /// and samples; with `album`, each is one of that many images, picked by the face id, as in a
    /// production dataset where searches match faces across many images (the benchmark's case:
    /// five fixed images would put every face of a run under five index keys).
    public static func content(
        taskId: String, status: String, faces: Int, requestId: String? = nil, album: Int? = nil
    ) -> JSONValue {
        let requestId = requestId ?? ContentMD5.hexUpper(Array(("request|" + taskId).utf8))
        var content: [String: JSONValue] = [:]
        content["ProjectName"] = .string("photos-prod")
        content["DatasetName"] = .string("faces-2026")
        content["RequestId"] = .string(requestId)
        content["StartTime"] = .string("2026-11-20T08:00:00.123Z")
        content["EndTime"] = .string("2026-11-20T08:00:01.456789Z")
        content["UserData"] = .string(#"{"album":"a1"}"#)
        content["TaskType"] = .string("FacesSearching")
        content["TaskId"] = .string(taskId)
        content["Status"] = .string(status)
        content["Code"] = .string("")
        content["Message"] = .string("")
        content["EventSourceId"] = .string("")
        if status.lowercased() == "failed" {
            content["Code"] = .string("ResourceNotFound")
            content["Message"] = .string("The specified dataset does not exist.")
        } else if status.lowercased() == "succeeded" {
            let matches: [JSONValue] = (0..<max(0, faces)).map {
                match($0, taskId: taskId, album: album)
            }
            content["SimilarFaces"] = .array([
                .object(["URI": .string("oss://photos-bucket/query/selfie.jpg"), "SimilarFaces": .array(matches)])
            ])
        }
        return .object(content)
    }

    private static func match(_ index: Int, taskId: String, album: Int?) -> JSONValue {
        let boundary: [String: JSONValue] = [
            "Left": .number(Double(10 + index)), "Top": .number(Double(20 + index)), "Width": .number(120),
            "Height": .number(140),
        ]
        let faceId = ContentMD5.hexUpper(Array("face|\(index)|\(taskId)".utf8)).lowercased()
        let image = album.map { Int(UInt32(faceId.prefix(8), radix: 16) ?? 0) % max(1, $0) } ?? index
        let uri = "oss://photos-bucket/album/" + String(format: "%04d", image) + ".jpg"
        var match: [String: JSONValue] = [:]
        match["URI"] = .string(uri)
        match["FaceId"] = .string(faceId)
        match["Similarity"] = .number(Double(99 - index % 99) / 100)
        match["Boundary"] = .object(boundary)
        return .object(match)
    }

    /// The IMM envelope text, with the content serialized into a string as IMM does.
    public static func envelope(eventId: String, content: JSONValue, time: Date) -> String {
        JSONValue.object([
            "id": .string(eventId), "source": .string("acs.imm"), "type": .string("imm:Task:FacesSearching"),
            "subject": .string("acs:imm:cn-hangzhou:1234567890123456:photos-prod/imm:Task:FacesSearching"),
            "time": .string(String(Int64(time.timeIntervalSince1970 * 1000))),
            "content": .string(content.jsonText()),
        ]).jsonText()
    }
}
