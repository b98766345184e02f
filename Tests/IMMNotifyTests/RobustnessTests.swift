import Foundation
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("Mutated and hostile inputs fail cleanly, never crash")
struct RobustnessTests {
    /// Flips, drops, duplicates and truncates bytes of `seed`, deterministically.
    static func mutations(of seed: [UInt8], count: Int, using generator: inout SplitMix64) -> [[UInt8]] {
        let interesting: [UInt8] = Array("<>&;\"'{}[]:,\\/!-?#x0".utf8) + [0, 0xFF, 0x0A]
        return (0..<count).map { _ in
            var bytes = seed
            for _ in 0..<Int.random(in: 1...8, using: &generator) where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(interesting.randomElement(using: &generator) ?? 0, at: index)
                case 3: bytes.removeSubrange(index...)
                default: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + 16)], at: index)
                }
            }
            return bytes
        }
    }

    @Test("mutated fixture bodies through every parser", arguments: Fixtures.acceptedNames)
    func mutatedBodies(name: String) throws {
        let body = try Fixtures.request(name).body
        var generator = SplitMix64(seed: UInt64(name.utf8.count))
        var parsed = 0
        for bytes in Self.mutations(of: body, count: 400, using: &generator) {
            if let push = try? MNSPush.parse(body: bytes) {
                parsed += 1
                if let envelope = try? IMMEnvelope.decode(message: push.message), let content = envelope.content {
                    _ = IMMTaskContent(json: content).faceResults
                }
            }
            _ = try? JSONValue.parse(bytes)
            _ = try? XMLElementNode.parse(bytes)
            _ = try? CloudEvent.parse(body: bytes)
        }
        // Some mutations (inside text) keep the document valid: the parsers are not just rejecting everything.
        #expect(parsed > 0)
    }

    @Test("mutated captured requests parse or throw")
    func mutatedRequests() throws {
        let raw = try Fixtures.request("succeeded-json").serialized()
        var generator = SplitMix64(seed: 99)
        for bytes in Self.mutations(of: Array(raw.prefix(900)), count: 400, using: &generator) {
            if let request = try? CapturedRequest.parse(bytes) {
                _ = MNSSignature.stringToSign(request, signedTarget: nil)
            }
        }
    }

    @Test("random bytes never crash the parsers")
    func randomBytes() {
        var generator = SplitMix64(seed: 2026)
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? MNSPush.parse(body: bytes)
            _ = try? XMLElementNode.parse([UInt8(ascii: "<")] + bytes)
            _ = try? JSONValue.parse([UInt8(ascii: "{")] + bytes)
            _ = try? CapturedRequest.parse(bytes)
            _ = IMMTime.parse(String(decoding: bytes, as: UTF8.self))
            _ = HTTPDate.parse(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test("deep nesting of every kind is refused with tooDeep, not a stack overflow")
    func deepNesting() {
        let xml = String(repeating: "<a>", count: 100_000)
        #expect(throws: WireFormatError(.tooDeep, "XML nested deeper than 32 levels")) {
            try XMLElementNode.parse(Array(xml.utf8))
        }
        let json = "{\"Message\":" + String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: WireFormatError(.tooDeep, "JSON nested deeper than 64 levels")) {
            try MNSPush.parse(body: Array(json.utf8))
        }
        let envelope = "{\"content\":\"" + String(repeating: "[", count: 10_000) + "\"}"
        #expect((try? IMMEnvelope.decode(message: envelope))?.content == nil)
    }

    @Test("numbers JSON cannot write back are refused (found by the face-content fuzz target)")
    func nonFiniteNumbers() throws {
        // 2e308 used to parse as infinity: stored as `null` by jsonText(), refused by JSONEncoder.
        #expect(throws: WireFormatError.self) { try JSONValue.parse("2e308") }
        #expect(throws: WireFormatError.self) { try JSONValue.parse(#"{"Similarity":-1e400}"#) }
        #expect(try JSONValue.parse("1.7976931348623157e308") == .number(.greatestFiniteMagnitude))
        for text in ["nan", "-inf", "infinity", " NaN "] { #expect(JSONValue.string(text).doubleValue == nil) }
        #expect(JSONValue.string(" 0.5 ").doubleValue == 0.5)
        let content = IMMTaskContent(
            json: try JSONValue.parse(#"{"SimilarFaces":[{"SimilarFaces":[{"Similarity":"nan","URI":"oss://b/o"}]}]}"#))
        let face = try #require(content.faceResults?.first?.faces.first)
        #expect(face.uri == "oss://b/o")
        #expect(face.similarity == nil)
        #expect(throws: Never.self) { try JSONEncoder().encode(content) }
    }

    @Test("an unreadable source entry keeps its place, so later sources keep their index")
    func sourceIndexKept() throws {
        let content = IMMTaskContent(
            json: try JSONValue.parse(
                #"{"SimilarFaces":[null,7,{"URI":"oss://b/q2","SimilarFaces":[{"URI":"oss://b/m","Similarity":0.9}]}]}"#
            ))
        let sources = try #require(content.faceResults)
        #expect(sources.count == 3)
        #expect(sources[0].faces.isEmpty && sources[1].faces.isEmpty)
        #expect(sources[2].sourceURI == "oss://b/q2")
        #expect(sources[2].faces.first?.uri == "oss://b/m")
    }

    @Test("a lone high surrogate becomes U+FFFD and the escape after it is kept")
    func loneHighSurrogate() throws {
        #expect(try JSONValue.parse(#""\uD83D\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONValue.parse(#""\uD83D\uDE00""#) == .string("\u{1F600}"))
        #expect(try JSONValue.parse(#""\uD83D\n""#) == .string("\u{FFFD}\n"))
    }

    @Test("the nesting limits are exact: 32 XML levels and 64 JSON levels parse")
    func limits() throws {
        let ok = String(repeating: "<a>", count: 32) + String(repeating: "</a>", count: 32)
        #expect(throws: Never.self) { try XMLElementNode.parse(Array(ok.utf8)) }
        let deep = String(repeating: "<a>", count: 33) + String(repeating: "</a>", count: 33)
        #expect(throws: WireFormatError.self) { try XMLElementNode.parse(Array(deep.utf8)) }
        let json = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(json) }
        let deeper = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: WireFormatError.self) { try JSONValue.parse(deeper) }
    }
}
