/// Why a submission was refused; the HTTP layer maps `invalid` to 400 and `conflict` to 409.
public struct SubmissionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason codes.
    public enum Code: String, Sendable {
        /// A field is missing or out of range; `field` names it.
        case invalid = "invalid_submission"
        /// A different submission with the same TaskId was already recorded.
        case conflict = "submission_conflict"
    }

    /// The reason.
    public let code: Code
    /// The field at fault, in the request's casing.
    public let field: String?
    /// What is wrong.
    public let message: String

    /// A field-level validation error.
    public static func invalid(_ field: String, _ message: String) -> SubmissionError {
        SubmissionError(code: .invalid, field: field, message: "\(field): \(message)")
    }

    /// A conflicting submission for an existing TaskId.
    public static func conflict(taskId: String) -> SubmissionError {
        SubmissionError(
            code: .conflict, field: "TaskId",
            message: "TaskId \(taskId) was already recorded with different fields")
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
