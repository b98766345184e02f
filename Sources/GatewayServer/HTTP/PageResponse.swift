import GatewayCore

/// A page of a listing as JSON: `{"<name>": [...], "next_cursor": "…" | null}`.
struct PageResponse<Item: Encodable>: Encodable {
    let name: String
    let items: [Item]
    let nextCursor: Int64?

    init(_ name: String, _ items: [Item], nextCursor: Int64?) {
        self.name = name
        self.items = items
        self.nextCursor = nextCursor
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DynamicKey.self)
        try container.encode(items, forKey: DynamicKey(name))
        try container.encode(nextCursor.map(Cursor.encode), forKey: DynamicKey("next_cursor"))
    }
}
