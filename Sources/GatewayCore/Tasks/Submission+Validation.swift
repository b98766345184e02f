import Foundation

extension Submission {
    /// The most bytes IMM accepts in `UserData`.
    public static let maxUserDataBytes = 2048

    /// Checks every field against IMM's own limits and the gateway's, naming the first field at fault.
    public func validate() throws(SubmissionError) {
        let trimmed = taskId.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .invalid("TaskId", "is required") }
        guard taskId.utf8.count <= 256 else { throw .invalid("TaskId", "is longer than 256 bytes") }
        for (field, value) in [("TaskId", taskId), ("EventId", eventId ?? ""), ("RequestId", requestId ?? "")]
        where value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalid(field, "must not contain control characters")
        }
        if let maxResult, !(0...100).contains(maxResult) {
            throw .invalid("MaxResult", "must be from 0 to 100, not \(maxResult)")
        }
        if let userData, userData.utf8.count > Self.maxUserDataBytes {
            throw .invalid("UserData", "is \(userData.utf8.count) bytes; IMM accepts at most \(Self.maxUserDataBytes)")
        }
        for (index, source) in (sources ?? []).enumerated() where !Self.isOSSURI(source.uri) {
            throw .invalid("Sources[\(index)].URI", "must be oss://bucket/object, not '\(source.uri)'")
        }
        for (key, value) in labels ?? [:] {
            guard Self.isLabelKey(key) else {
                throw .invalid("labels", "key '\(key)' must be 1–64 characters of letters, digits, '_', '-', '.', '/'")
            }
            guard value.utf8.count <= 256 else { throw .invalid("labels.\(key)", "is longer than 256 bytes") }
        }
        for (field, value) in [("ProjectName", projectName), ("DatasetName", datasetName)] {
            if let value, value.utf8.count > 256 { throw .invalid(field, "is longer than 256 bytes") }
        }
    }

    /// Whether `uri` is `oss://bucket/object` with a valid bucket name and a non-empty object key.
    public static func isOSSURI(_ uri: String) -> Bool {
        guard uri.hasPrefix("oss://") else { return false }
        let rest = uri.dropFirst("oss://".count)
        guard let slash = rest.firstIndex(of: "/") else { return false }
        let bucket = rest[..<slash]
        let object = rest[rest.index(after: slash)...]
        guard (3...63).contains(bucket.count), !object.isEmpty else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        return bucket.allSatisfy(allowed.contains) && bucket.first != "-" && bucket.last != "-"
    }

    public static func isLabelKey(_ key: String) -> Bool {
        guard (1...64).contains(key.count) else { return false }
        return key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-./".contains($0)) }
    }
}
