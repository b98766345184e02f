import Foundation
import GatewayCore
import IMMNotify

/// Builds stored-notification records without HTTP, for store and core tests.
public enum Records {
    /// An accepted MNS notification for a face-search task. `taskId: nil` leaves the TaskId out of
    /// the content (so only the envelope id can correlate it).
    public static func notification(
        taskId: String?, status: String = "Succeeded", eventId: String = "0ED-\(UUID().uuidString)",
        faces: Int = 2, receivedAt: Date = Fixtures.fixtureDate, project: String = "photos-prod"
    ) -> NotificationRecord {
        var content = FaceSearchSample.content(taskId: taskId ?? "", status: status, faces: faces)
        if case .object(var members) = content {
            if taskId == nil { members["TaskId"] = nil }
            members["ProjectName"] = .string(project)
            content = .object(members)
        }
        let message = FaceSearchSample.envelope(eventId: eventId, content: content, time: receivedAt)
        let push = MNSPush(format: .simplified, messageId: UUID().uuidString, message: message)
        return NotificationRecord(
            receivedAt: receivedAt, channel: .mns, mnsMessageId: push.messageId,
            request: CapturedRequest(method: "POST", target: "/notifications", headers: [], body: Array(message.utf8)),
            evidence: VerificationEvidence(
                method: "mns-rsa-sha1", certificateURL: nil, certificateFingerprint: nil, format: "simplified"),
            decoded: NotificationDecoder.decode(push))
    }
}
