import Foundation
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("MNS bodies, IMM envelopes and face-search content")
struct WireFormatTests {
    @Test(
        "each fixture's format, task and status",
        arguments: [
            ("succeeded-xml", MNSFormat.xml, "CreateFacesSearchingTask-0001", "Succeeded"),
            ("succeeded-json", .json, "CreateFacesSearchingTask-0002", "Succeeded"),
            ("succeeded-simplified", .simplified, "CreateFacesSearchingTask-0003", "Succeeded"),
            ("failed-xml", .xml, "CreateFacesSearchingTask-0004", "Failed"),
        ])
    func fixtures(name: String, format: MNSFormat, taskId: String, status: String) throws {
        let push = try MNSPush.parse(body: try Fixtures.request(name).body)
        #expect(push.format == format)
        let envelope = try IMMEnvelope.decode(message: push.message)
        #expect(envelope.source == "acs.imm")
        #expect(envelope.taskKind == "FacesSearching")
        let content = IMMTaskContent(json: try #require(envelope.content))
        #expect(content.taskId == taskId)
        #expect(content.status == status)
        #expect(content.isFaceSearch)
        #expect(content.projectName == "photos-prod")
        #expect(content.endedAt == IMMTime.parse("2026-11-20T08:00:01.456789Z"))
        if status == "Failed" {
            #expect(content.code == "InvalidArgument.ResourceNotFound")
            #expect(content.message == "The specified image does not exist.")
            #expect(content.faceResults == nil)
        } else {
            #expect(content.code == "")
            #expect(content.faceResults?.first?.faces.count == 5)
        }
    }

    @Test("the XML fixture's results: one source, five faces, similarity descending, boundaries")
    func faces() throws {
        let push = try MNSPush.parse(body: try Fixtures.request("succeeded-xml").body)
        #expect(push.messageId == "A3207B84B43A46AA9B5E05AC2A8B3540")
        #expect(push.topicName == "imm-faces")
        #expect(push.publishTime == "1795583320921")
        let content = IMMTaskContent(json: try #require(try IMMEnvelope.decode(message: push.message).content))
        let source = try #require(content.faceResults?.first)
        #expect(source.sourceURI == "oss://photos-bucket/query/selfie.jpg")
        #expect(source.faces.count == 5)
        #expect(source.faces.map(\.similarity) == [0.99, 0.98, 0.97, 0.96, 0.95])
        #expect(source.faces.first?.faceId == "dc9fd23f4e3e44d2a1f7bf70908b4e4f")
        #expect(source.faces.first?.boundary == FaceBoundary(left: 10, top: 20, width: 120, height: 140))
        #expect(content.startedAt == IMMTime.parse("2026-11-20T08:00:00.123Z"))
        #expect(content.userData == #"{"album":"a1"}"#)
    }

    @Test("content as an object, Message as Base64, both decode")
    func contentShapes() throws {
        let object = try IMMEnvelope.decode(
            message: #"{"id":"e1","source":"acs.imm","content":{"TaskId":"T1","Status":"Running"}}"#)
        #expect(IMMTaskContent(json: try #require(object.content)).taskId == "T1")
        let base64 = Data(#"{"id":"e2","content":"{\"TaskId\":\"T2\"}"}"#.utf8).base64EncodedString()
        let decoded = try IMMEnvelope.decode(message: base64)
        #expect(decoded.id == "e2")
        #expect(IMMTaskContent(json: try #require(decoded.content)).taskId == "T2")
        #expect(throws: WireFormatError.self) { try IMMEnvelope.decode(message: "not json, not base64 !!") }
    }

    @Test("odd result shapes never throw: wrong types are converted, skipped or kept in place empty")
    func tolerantResults() throws {
        let json = try JSONValue.parse(
            #"{"TaskId":42,"Status":"Succeeded","SimilarFaces":[7,{"SimilarFaces":[{"URI":"oss://b/o","#
                + #""Similarity":"0.5","Boundary":{"Left":"3"}},"x"]},{"URI":"oss://b/q"}],"Extra":{"a":1}}"#)
        let content = IMMTaskContent(json: json)
        #expect(content.taskId == "42")
        let results = try #require(content.faceResults)
        // One entry per request source: the unreadable `7` keeps its place (empty).
        #expect(results.count == 3)
        #expect(results[0].faces.isEmpty && results[0].sourceURI == nil)
        #expect(results[1].faces.first?.similarity == 0.5)
        #expect(results[1].faces.first?.boundary?.left == 3)
        #expect(results[2].faces.isEmpty && results[2].sourceURI == "oss://b/q")
        let other = IMMTaskContent(json: try JSONValue.parse(#"{"TaskId":"MC","TaskType":"MediaConvert"}"#))
        #expect(other.faceResults == nil)
        #expect(!other.isFaceSearch)
    }

    @Test(
        "MNS bodies that are not MNS bodies are errors, not crashes",
        arguments: [
            "", "   ", "hello", "[1,2]", "<Other/>", "<Notification><Message>x</Message>", "{\"a\":", "<Notification/>",
        ])
    func badBodies(body: String) {
        #expect(throws: WireFormatError.self) { try MNSPush.parse(body: Array(body.utf8)) }
    }

    @Test("a CloudEvent with data as an object or an escaped string")
    func cloudEvents() throws {
        let object = try CloudEvent.parse(
            body: Array(
                (#"{"id":"c1","source":"acs.imm","type":"imm:Task:FacesSearching","#
                    + #""aliyunpublishtime":"2026-11-20T16:00:01.500PRC","data":{"TaskId":"T"}}"#).utf8))
        #expect(object.data?["TaskId"]?.stringValue == "T")
        #expect(object.extensions["aliyunpublishtime"] == "2026-11-20T16:00:01.500PRC")
        let string = try CloudEvent.parse(
            body: Array(#"{"id":"c2","source":"acs.imm","data":"{\"TaskId\":\"U\"}"}"#.utf8))
        #expect(string.data?["TaskId"]?.stringValue == "U")
        #expect(throws: WireFormatError.self) { try CloudEvent.parse(body: Array(#"{"source":"acs.imm"}"#.utf8)) }
    }

    @Test(
        "IMM timestamps with 0–9 fractional digits and offsets",
        arguments: [
            ("2023-01-04T13:17:00Z", 1_672_838_220.0),
            ("2023-01-04T13:17:00.270Z", 1_672_838_220.27),
            ("2023-01-04T13:17:00.270148Z", 1_672_838_220.270148),
            ("2023-01-04T13:17:00.270148129+08:00", 1_672_809_420.270148129),
            ("2023-01-04T13:17:00-05:30", 1_672_858_020.0),
            ("2023-01-04T05:17:00.270148129Z", 1_672_809_420.270148129),
            ("2023-01-04t13:17:00.5z", 1_672_838_220.5),
            ("2024-02-29T00:00:00+00:00", 1_709_164_800.0), ("2000-02-29T00:00:00Z", 951_782_400.0),
        ])
    func times(text: String, expected: Double) throws {
        let date = try #require(IMMTime.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.000_01)
    }

    @Test(
        "invalid timestamps are nil",
        arguments: [
            "", "2023-01-04", "2023-13-04T13:17:00Z", "2023-01-04T13:17:00.1234567890Z", "2023-01-04T13:17:00",
            "2023-01-04T13:17:00.Z", "2023-01-04T13:17:00+0800", "2023-01-04T13:17:00+08:00junk",
            "2023-01-04T25:17:00Z", "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
        ])
    func badTimes(text: String) { #expect(IMMTime.parse(text) == nil) }

    @Test("HTTP dates round-trip")
    func httpDates() throws {
        #expect(HTTPDate.format(Fixtures.fixtureDate) == "Wed, 25 Nov 2026 05:00:00 GMT")
        #expect(HTTPDate.parse("Wed, 29 Mar 2023 08:41:27 GMT") == Fixtures.realDate)
        #expect(HTTPDate.parse("yesterday") == nil)
        #expect(HTTPDate.format(Fixtures.realDate) == "Wed, 29 Mar 2023 08:41:27 GMT")
        #expect(HTTPDate.parse("Wed, 29 Foo 2023 08:41:27 GMT") == nil)
        #expect(HTTPDate.parse("Wed, 29 Mar 2023 08:41:27 PST") == nil)
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    // A signed or huge field used to reach `hour * 3600` and trap on overflow: one unsigned request
    // with such a Date header stopped the whole gateway.
    @Test(
        "HTTP dates with signed, huge or short numeric fields are malformed, not arithmetic",
        arguments: [
            "Wed, 25 Nov 2026 -9999999999999999:00:00 GMT", "Wed, 25 Nov 2026 +1:00:00 GMT",
            "Wed, 25 Nov 2026 -1:00:00 GMT", "Wed, 25 Nov 2026 05:-1:00 GMT", "Wed, 25 Nov 2026 05:00:+1 GMT",
            "Wed, 25 Nov 2026 5:00:00 GMT", "Wed, 25 Nov 2026 05:00:00:00 GMT", "Wed, 25 Nov 2026 05::00 GMT",
            "Wed, -25 Nov 2026 05:00:00 GMT", "Wed, 25 Nov +2026 05:00:00 GMT",
            "Wed, 25 Nov 99999999999999999999 05:00:00 GMT", "Wed, 25 Nov 2026 99999999999999999999:00:00 GMT",
            "Wed, ٢٥ Nov 2026 05:00:00 GMT",
        ])
    func hostileHTTPDates(text: String) { #expect(HTTPDate.parse(text) == nil) }

    @Test("captured requests round-trip through the fixture format")
    func capturedRoundTrip() throws {
        let request = try Fixtures.request("succeeded-json")
        #expect(try CapturedRequest.parse(request.serialized()) == request)
        #expect(request.header("content-md5") == "4422097BFABB0395C909045AC988CA77")
        #expect(throws: WireFormatError.self) {
            try CapturedRequest.parse(Array("POST /x HTTP/1.1\r\nNoColon\r\n\r\n".utf8))
        }
    }

    @Test("the JSON wrapper: PublishTime as a number, Message as an object; SIMPLIFIED keeps the body verbatim")
    func jsonWrapperShapes() throws {
        let numericBody = #" {"TopicOwner":"1","MessageId":"M","PublishTime":1795583321018,"Message":"{\"id\":\"e\"}"}"#
        let numeric = try MNSPush.parse(body: Array(numericBody.utf8))
        #expect(numeric.format == .json)
        #expect(numeric.publishTime == "1795583321018")
        #expect(numeric.messageId == "M")
        #expect(try IMMEnvelope.decode(message: numeric.message).id == "e")
        let object = try MNSPush.parse(body: Array(#"{"Message":{"id":"e2","content":{"TaskId":"T"}}}"#.utf8))
        #expect(try IMMEnvelope.decode(message: object.message).id == "e2")
        let body = try Fixtures.request("succeeded-simplified").body
        let simplified = try MNSPush.parse(body: body)
        #expect(simplified.message == String(decoding: body, as: UTF8.self))
        #expect(simplified.topicOwner == nil)
        let json = try MNSPush.parse(body: try Fixtures.request("succeeded-json").body)
        #expect(json.messageMD5 == "56034B3CA34993EFB8E0ACB3A705C72E")
        #expect(ContentMD5.hexUpper(Array(json.message.utf8)) == json.messageMD5)
    }

    @Test("a SIMPLIFIED body in Base64, and JSON after a byte order mark, are read, not refused")
    func simplifiedBase64AndByteOrderMark() throws {
        let envelope = #"{"id":"e64","source":"acs.imm","content":"{\"TaskId\":\"T64\"}"}"#
        let base64 = "\r\n" + Data(envelope.utf8).base64EncodedString(options: .lineLength64Characters) + "\n"
        let push = try MNSPush.parse(body: Array(base64.utf8))
        #expect(push.format == .simplified)
        let decoded = try IMMEnvelope.decode(message: push.message)
        #expect(decoded.id == "e64")
        #expect(decoded.content?["TaskId"]?.stringValue == "T64")
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let simplified = try MNSPush.parse(body: bom + Array(envelope.utf8))
        #expect(simplified.format == .simplified)
        #expect(try IMMEnvelope.decode(message: simplified.message).id == "e64")
        let wrapped = try MNSPush.parse(body: bom + Array(#" {"MessageId":"M","Message":"x"}"#.utf8))
        #expect(wrapped.format == .json && wrapped.messageId == "M")
        #expect(throws: WireFormatError.self) { try MNSPush.parse(body: Array("plain words".utf8)) }
        #expect(throws: WireFormatError.self) {
            try MNSPush.parse(body: Array(Data("[1,2]".utf8).base64EncodedString().utf8))
        }
    }

    @Test("the envelope keeps content verbatim; Base64 may be wrapped; non-objects are refused")
    func envelopeDetails() throws {
        let text = #"{"id":"e","type":"imm:Task:MediaConvert","content":"{ \"TaskId\" : \"T\" }"}"#
        let envelope = try IMMEnvelope.decode(message: text)
        #expect(envelope.contentText == #"{ "TaskId" : "T" }"#)
        #expect(envelope.taskKind == "MediaConvert")
        let object = try IMMEnvelope.decode(message: #"{"content":{"b":1,"a":2}}"#)
        #expect(object.contentText == #"{"a":2,"b":1}"#)
        #expect(object.taskKind == nil)
        let empty = try IMMEnvelope.decode(message: #"{"id":"x"}"#)
        #expect(empty.content == nil && empty.contentText == nil)
        let notJSON = try IMMEnvelope.decode(message: #"{"content":"plain words"}"#)
        #expect(notJSON.content == nil)
        #expect(notJSON.contentText == "plain words")
        let wrapped = Data(#"{"id":"b64","content":"{}"}"#.utf8).base64EncodedString(options: .lineLength64Characters)
        #expect(try IMMEnvelope.decode(message: wrapped + "\n").id == "b64")
        for bad in ["[1,2]", "\"str\"", Data("[1]".utf8).base64EncodedString(), ""] {
            #expect(throws: WireFormatError.self, "\(bad)") { try IMMEnvelope.decode(message: bad) }
        }
    }

    @Test("task content round-trips through Codable and tolerates null results")
    func taskContentCodable() throws {
        let content = IMMTaskContent(json: try JSONValue.parse(#"{"TaskId":"T","SimilarFaces":null,"Code":7}"#))
        #expect(content.faceResults == nil)
        #expect(content.code == "7")
        #expect(!content.isFaceSearch)
        let full = IMMTaskContent(
            json: FaceSearchSample.content(taskId: "T", status: "Succeeded", faces: 2, requestId: "R"))
        #expect(full.isFaceSearch)
        let data = try JSONEncoder().encode(full)
        #expect(try JSONDecoder().decode(IMMTaskContent.self, from: data) == full)
        let odd = IMMTaskContent(json: try JSONValue.parse(#"{"SimilarFaces":{"not":"an array"},"UserData":{"k":1}}"#))
        #expect(odd.faceResults == nil)
        #expect(odd.userData == #"{"k":1}"#)
        #expect(IMMTaskContent(json: .array([])).taskId == nil)
    }

    @Test(
        "epoch milliseconds",
        arguments: [
            ("1795583320921", 1_795_583_320.921), ("0", 0), (" 1680079287576 ", 1_680_079_287.576),
        ])
    func epochMillis(text: String, expected: Double) throws {
        let date = try #require(IMMTime.parseEpochMillis(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.000_5)
    }

    @Test("invalid epoch milliseconds are nil", arguments: ["", "-1", "1.5", "abc", "99999999999999999999"])
    func badEpochMillis(text: String) { #expect(IMMTime.parseEpochMillis(text) == nil) }

    @Test("captured requests: LF line ends, Content-Length truncation, header lookups")
    func capturedDetails() throws {
        let raw = "POST /n?x=1 HTTP/1.1\nHost: h\nX-A:  1 \nx-a: 2\nContent-Length: 3\n\nabcdef"
        let request = try CapturedRequest.parse(Array(raw.utf8))
        #expect(request.method == "POST")
        #expect(request.target == "/n?x=1")
        #expect(request.body == Array("abc".utf8))
        #expect(request.header("x-a") == "1")
        #expect(request.headerValues("X-A") == ["1", "2"])
        #expect(request.header("missing") == nil)
        let longer = try CapturedRequest.parse(Array("GET / HTTP/1.1\r\nContent-Length: 99\r\n\r\nab".utf8))
        #expect(longer.body == Array("ab".utf8))
        #expect(String(decoding: request.serialized(), as: UTF8.self).hasPrefix("POST /n?x=1 HTTP/1.1\r\nHost: h\r\n"))
        for bad in ["", "POST\r\n\r\n", "POST / HTTP/1.1\r\nHost: h"] {
            #expect(throws: WireFormatError.self, "\(bad)") { try CapturedRequest.parse(Array(bad.utf8)) }
        }
        let data = try JSONEncoder().encode(request)
        #expect(try JSONDecoder().decode(CapturedRequest.self, from: data) == request)
    }
}

@Suite("RFC 3339 output")
struct RFC3339FormatTests {
    @Test(
        "formatting rounds to the millisecond and round-trips",
        arguments: [
            "2026-11-20T08:00:00.123Z", "1970-01-01T00:00:00.000Z", "2000-02-29T23:59:59.999Z",
            "2026-11-25T05:00:00.001Z",
        ])
    func roundTrip(text: String) throws {
        #expect(IMMTime.format(try #require(IMMTime.parse(text))) == text)
    }
}
