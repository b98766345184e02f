import IMMNotify
import Testing

@Suite("JSONValue decoder")
struct JSONValueDecoderTests {
    struct Inner: Decodable, Equatable {
        var count: Int
        var ratio: Double?
    }

    struct Outer: Decodable, Equatable {
        var name: String
        var flag: Bool?
        var items: [Inner]?
        var tags: [String: String]?
        var extra: JSONValue?
    }

    private func decode(_ text: String) throws -> Outer {
        try JSONValueDecoder().decode(Outer.self, from: try JSONValue.parse(text))
    }

    private func path(_ text: String) -> String? {
        do {
            _ = try decode(text)
            return nil
        } catch let error as DecodingError {
            let context: DecodingError.Context
            switch error {
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
            case .keyNotFound(let key, let c): return (c.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            @unknown default: return "?"
            }
            return context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        } catch {
            return "not a DecodingError: \(error)"
        }
    }

    @Test("decodes nested objects, arrays, dictionaries, optionals and raw JSON values")
    func decodes() throws {
        let outer = try decode(
            #"{"name":"n","flag":true,"items":[{"count":2,"ratio":0.5},{"count":-3}],"tags":{"a":"b"},"extra":{"x":[1,null]}}"#
        )
        #expect(outer.name == "n")
        #expect(outer.flag == true)
        #expect(outer.items == [Inner(count: 2, ratio: 0.5), Inner(count: -3, ratio: nil)])
        #expect(outer.tags == ["a": "b"])
        #expect(outer.extra == .object(["x": .array([.number(1), .null])]))
        #expect(try decode(#"{"name":"n","flag":null}"#).flag == nil)
    }

    @Test(
        "every error names the value at fault; numbers are integers only when whole and in range",
        arguments: [
            (#"{"name":"n","items":[{"count":1},{"count":2.5}]}"#, "items.1.count"),
            (#"{"name":"n","items":[{"count":1e30}]}"#, "items.0.count"),
            (#"{"name":"n","items":[{"count":"3"}]}"#, "items.0.count"),
            (#"{"name":"n","flag":"true"}"#, "flag"),
            (#"{"name":7}"#, "name"),
            (#"{"flag":true}"#, "name"),
            (#"{"name":"n","items":[{}]}"#, "items.0.count"),
            (#"{"name":"n","tags":{"a":1}}"#, "tags.a"),
            (#"{"name":"n","items":{"count":1}}"#, "items"),
        ])
    func errors(json: String, expected: String) {
        #expect(path(json) == expected, "\(json)")
    }
}
