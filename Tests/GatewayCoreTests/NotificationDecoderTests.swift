import GatewayCore
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("Notification decoding")
struct NotificationDecoderTests {
    @Test("fixtures decode to face-search notifications with their results")
    func fixtures() throws {
        let push = try MNSPush.parse(body: try Fixtures.request("succeeded-xml").body)
        let decoded = NotificationDecoder.decode(push)
        #expect(decoded.state == .decoded)
        #expect(decoded.taskId == "CreateFacesSearchingTask-0001")
        #expect(decoded.messageId == "0ED-fixture0001")
        #expect(decoded.source == "acs.imm")
        #expect(decoded.content?.faceResults?.first?.faces.count == 5)
        let failed = NotificationDecoder.decode(try MNSPush.parse(body: try Fixtures.request("failed-xml").body))
        #expect(failed.content?.status == "Failed")
        #expect(failed.content?.code?.isEmpty == false)
    }

    @Test("other task kinds are generic, broken messages undecodable, never errors")
    func tolerant() throws {
        let other = try MNSPush.parse(
            body: Array(
                #"{"id":"x1","source":"acs.imm","type":"imm:Task:MediaConvert","content":"{\"TaskId\":\"MC-1\",\"Status\":\"Succeeded\"}"}"#
                    .utf8))
        let generic = NotificationDecoder.decode(other)
        #expect(generic.state == .generic)
        #expect(generic.taskId == "MC-1")
        let broken = try MNSPush.parse(body: Array(#"{"MessageId":"m","Message":"%%% not json %%%"}"#.utf8))
        #expect(NotificationDecoder.decode(broken).state == .undecodable)
        let notObject = try MNSPush.parse(body: Array(#"{"id":"x2","source":"acs.imm","content":"[1,2]"}"#.utf8))
        #expect(NotificationDecoder.decode(notObject).state == .undecodable)
    }
}
