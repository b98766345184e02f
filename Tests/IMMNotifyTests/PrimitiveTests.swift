import Foundation
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("XML, JSON, Content-MD5 and the certificate URL allow-list")
struct PrimitiveTests {
    @Test("XML: namespaces, entities, CDATA, comments")
    func xml() throws {
        let text =
            #"<?xml version="1.0"?><!-- c --><m:Notification xmlns:m="urn:x">"#
            + #"<m:Message>a &lt;b&gt; &amp; &#x41;&#66; <![CDATA[<raw & stuff>]]></m:Message></m:Notification>"#
        let root = try XMLElementNode.parse(Array(text.utf8))
        #expect(root.name == "Notification")
        #expect(root.child("Message")?.text == "a <b> & AB <raw & stuff>")
    }

    @Test(
        "XML: DTDs, unknown entities, deep nesting and garbage are refused",
        arguments: [
            #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Notification>&lol;</Notification>"#,
            #"<Notification>&lol;</Notification>"#,
            #"<!DOCTYPE x SYSTEM "file:///etc/passwd"><Notification/>"#,
            String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40),
            "<a><b></a></b>", "<a", "<a x=1/>", "\u{0}\u{1}<",
        ])
    func xmlRefused(text: String) {
        #expect(throws: WireFormatError.self) { try XMLElementNode.parse(Array(text.utf8)) }
    }

    @Test("JSON: deep nesting, invalid input and huge numbers fail cleanly")
    func jsonLimits() throws {
        #expect(throws: WireFormatError.self) {
            try JSONValue.parse(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        }
        for bad in ["", "{", "{\"a\"}", "[1,]", "tru", "\"\\x\"", "1 2", "{\"a\":1,}"] {
            #expect(throws: WireFormatError.self, "\(bad)") { try JSONValue.parse(bad) }
        }
        #expect(throws: WireFormatError.self) { try JSONValue.parse("1e400") }  // infinity cannot be written back
        #expect(try JSONValue.parse(#""\ud83d\ude00 é""#) == .string("😀 é"))
        let invalidUTF8 = try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22])
        #expect(invalidUTF8.stringValue != nil)
        let sorted = try JSONValue.parse(#"{"b":[1,2.5,true,null],"a":"x"}"#).jsonText()
        #expect(sorted == #"{"a":"x","b":[1,2.5,true,null]}"#)
    }

    @Test("Content-MD5: upper hex, lower hex, Base64 of hex, Base64 of digest; anything else mismatches")
    func contentMD5() {
        let body = Array("hello".utf8)
        let hex = "5d41402abc4b2a76b9719d911017c592"
        #expect(ContentMD5.hexUpper(body) == hex.uppercased())
        #expect(ContentMD5.matches(header: hex.uppercased(), body: body))
        #expect(ContentMD5.matches(header: hex, body: body))
        #expect(ContentMD5.matches(header: Data(hex.utf8).base64EncodedString(), body: body))
        #expect(ContentMD5.matches(header: "XUFAKrxLKna5cZ2REBfFkg==", body: body))
        #expect(!ContentMD5.matches(header: hex, body: Array("hellO".utf8)))
        #expect(!ContentMD5.matches(header: "", body: body))
    }

    @Test(
        "certificate URLs: allowed",
        arguments: [
            (Fixtures.testCertificateURL, Fixtures.testCertificateURL),
            ("http://mnstest.oss-cn-hangzhou.aliyuncs.com/x.pem", "https://mnstest.oss-cn-hangzhou.aliyuncs.com/x.pem"),
            (
                "https://mns-cert.oss-cn-shanghai.aliyuncs.com/c.pem",
                "https://mns-cert.oss-cn-shanghai.aliyuncs.com/c.pem"
            ),
            // One spelling per certificate: host case and escapes of unreserved characters are
            // normalised, so a forger cannot make each push name a "new" certificate.
            (
                "https://MNSTEST.oss-cn-hangzhou.aliyuncs.com/c.pem",
                "https://mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem"
            ),
            (
                "https://mNstest.oss-cn-hangzhou.aliyuncs.com/x509%5Fpublic%5fcertificate%2epem",
                "https://mnstest.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem"
            ),
            (
                "https://mnstest.oss-cn-hangzhou.aliyuncs.com/a%2fb%20c.pem",
                "https://mnstest.oss-cn-hangzhou.aliyuncs.com/a%2Fb%20c.pem"
            ),
            ("https://certs.example.com/c.pem", "https://certs.example.com/c.pem"),
            (
                "HTTP://mns-cert.oss-cn-hongkong.aliyuncs.com/c.pem?v=1#frag",
                "https://mns-cert.oss-cn-hongkong.aliyuncs.com/c.pem"
            ),
            (
                "https://mns-cert.oss-cn-ap-southeast-1.aliyuncs.com/c.pem",
                "https://mns-cert.oss-cn-ap-southeast-1.aliyuncs.com/c.pem"
            ),
        ])
    func allowed(url: String, fetched: String) throws {
        #expect(try CertificateURLPolicy.mns(extraHosts: ["certs.example.com"]).check(url).get() == fetched)
    }

    @Test(
        "certificate URLs: refused",
        arguments: [
            "https://mnstest.oss-cn-hangzhou.aliyuncs.com.evil.com/c.pem",
            "https://evil.com/mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem",
            "https://mnstest.oss-cn-hangzhou.aliyuncs.com:8443/c.pem",
            "https://user@mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem",
            "ftp://mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem",
            "file:///etc/passwd",
            "https://mns-cert.oss-cn-.aliyuncs.com/c.pem",
            "https://mns-cert.oss-cn-sh/anghai.aliyuncs.com/c.pem",
            "https://127.0.0.1/c.pem",
            "not a url",
            "https://mnstest.oss-cn-hangzhou.aliyuncs.com./c.pem",
            "https://mnstest%2Eoss-cn-hangzhou.aliyuncs.com/c.pem",
            "https://mnstest.oss-cn-hangzhou.aliyuncs.com:/c.pem",
            "https://mnstest.oss-cn-hangzhou.aliyuncs.com:443/c.pem",
            "https://mnstest.oss-cn-hangzhou.aliyuncs.com\\@evil.com/c.pem",
            "https://evil.com#@mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem",
            "https:///mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem",
            "https:mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem",
            "https://mns-cert.oss-cn-SHANGHAI.aliyuncs.com.evil.com/c.pem",
            "https://mns-cert.oss-cn-shang.hai.aliyuncs.com/c.pem",
            "https://xmns-cert.oss-cn-shanghai.aliyuncs.com/c.pem",
            "https://mns-cert.oss-us-west-1.aliyuncs.com/c.pem",
            "https://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/c.pem",
            "javascript:alert(1)",
            "",
        ])
    func refused(url: String) {
        #expect(throws: CertificateURLRejection.self) { try CertificateURLPolicy.mns(extraHosts: []).check(url).get() }
    }

    @Test("EventBridge certificate hosts")
    func eventBridgeHosts() {
        let policy = CertificateURLPolicy.eventBridge(extraHosts: [])
        #expect((try? policy.check("https://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/c.pem").get()) != nil)
        #expect((try? policy.check("https://cn-hangzhou-eventbridge.oss-cn-hangzhou.aliyuncs.com/c.pem").get()) != nil)
        #expect((try? policy.check("https://cn-hangzhou-eventbridge.oss-cn-beijing.aliyuncs.com/c.pem").get()) == nil)
        #expect((try? policy.check("https://mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem").get()) == nil)
        // The host names a bucket anyone may create: only Alibaba's region ids make it Alibaba's.
        #expect((try? policy.check("https://evil-eventbridge.oss-accelerate.aliyuncs.com/c.pem").get()) == nil)
        #expect((try? policy.check("https://cn-evil-eventbridge.oss-accelerate.aliyuncs.com/c.pem").get()) == nil)
        #expect(
            (try? policy.check("https://ap-southeast-1-eventbridge.oss-accelerate.aliyuncs.com/c.pem").get()) != nil)
        let extended = CertificateURLPolicy.eventBridge(extraHosts: ["xx-new-1-eventbridge.oss-accelerate.aliyuncs.com"]
        )
        #expect((try? extended.check("https://xx-new-1-eventbridge.oss-accelerate.aliyuncs.com/c.pem").get()) != nil)
    }

    @Test("a rejection says why")
    func rejectionReasons() {
        let policy = CertificateURLPolicy.mns(extraHosts: [])
        func reason(_ url: String) -> String {
            if case .failure(let rejection) = policy.check(url) { return rejection.reason }
            return "accepted"
        }
        #expect(reason("ftp://mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem").contains("scheme"))
        #expect(reason("https://mnstest.oss-cn-hangzhou.aliyuncs.com:8443/c.pem").contains("port"))
        #expect(reason("https://u:p@mnstest.oss-cn-hangzhou.aliyuncs.com/c.pem").contains("userinfo"))
        #expect(reason("https://evil.com/c.pem").contains("allow-list"))
    }

    @Test("JSON accessors convert scalars sensibly")
    func jsonAccessors() throws {
        let value = try JSONValue.parse(#"{"i":3,"f":0.25,"s":"12","b":true,"n":null,"big":1e300,"neg":-7,"a":[1]}"#)
        #expect(value["i"]?.stringValue == "3")
        #expect(value["f"]?.stringValue == "0.25")
        #expect(value["b"]?.stringValue == "true")
        #expect(value["n"]?.stringValue == nil)
        #expect(value["s"]?.doubleValue == 12)
        #expect(value["s"]?.intValue == 12)
        #expect(value["f"]?.intValue == nil)
        #expect(value["big"]?.intValue == nil)
        #expect(value["neg"]?.intValue == -7)
        #expect(value["a"]?.arrayValue?.count == 1)
        #expect(value["a"]?["x"] == nil)
        #expect(value["missing"] == nil)
        #expect(value.objectValue?.count == 8)
        #expect(JSONValue.string("a\"b\n\u{1}").jsonText() == #""a\"b\n\u0001""#)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(value.jsonText().utf8))
        #expect(decoded == value)
    }

    @Test("header lookup ignores ASCII case only: letters match across case, other bytes exactly")
    func headerCase() {
        let request = CapturedRequest(
            method: "POST", target: "/",
            headers: [
                .init(name: "X-MNS-Signing-Cert-URL", value: "u"), .init(name: "a[", value: "bracket"),
                .init(name: "Date", value: "d1"), .init(name: "DATE", value: "d2"),
            ], body: [])
        #expect(request.header("x-mns-signing-cert-url") == "u")
        #expect(request.header("X-Mns-Signing-Cert-Url") == "u")
        #expect(request.header("a{") == nil)  // '[' | 0x20 == '{', but they are not letters
        #expect(request.header("a[") == "bracket")
        #expect(request.header("x-mns-signing-cert-ur") == nil)
        #expect(request.headerValues("date") == ["d1", "d2"])
    }

    @Test("JSONWriter escapes exactly what JSON requires and round-trips through Foundation")
    func jsonWriterEscaping() throws {
        let samples = [
            "", "plain ascii", "quote \" and backslash \\ end", "\u{0}\u{8}\u{b}\u{c}\u{1f}\t\r\n",
            "ünïcödé 中文 😀 \u{7f}", String(repeating: "a\"", count: 300), "\\",
        ]
        for sample in samples {
            var writer = JSONWriter()
            writer.string(sample)
            let decoded = try JSONDecoder().decode(String.self, from: Data(writer.bytes))
            #expect(decoded == sample)
        }
        var writer = JSONWriter()
        writer.string("\u{1}\u{1f}é")
        #expect(writer.text == #""\u0001\u001fé""#)
    }

    @Test("XML: attributes, single quotes, a byte order mark, whitespace and comments around the root")
    func xmlDetails() throws {
        let text =
            "\u{FEFF}<?xml version='1.0'?>\n<!-- a -->\n<r a='1' b=\"x &amp; y\">"
            + "<c/><c>2</c><d:c xmlns:d='u'>3</d:c><e>&#233;&#xE9;</e></r>\n<!-- z -->\n"
        let root = try XMLElementNode.parse(Array(text.utf8))
        #expect(root.attributes == ["a": "1", "b": "x & y"])
        #expect(root.children.map(\.name) == ["c", "c", "c", "e"])
        #expect(root.child("c")?.text == "")
        #expect(root.children[2].text == "3")
        #expect(root.child("e")?.text == "éé")
        for bad in ["<r>&#xD800;</r>", "<r>&#99999999;</r>", "<r>&amp</r>", "<r/><r/>", "text<r/>", "<r>", "<r></R>"] {
            #expect(throws: WireFormatError.self, "\(bad)") { try XMLElementNode.parse(Array(bad.utf8)) }
        }
    }
}
