import Foundation
import GatewayCore
import GatewayStore
import IMMNotify

/// Re-runs decoding on stored raw requests (after an upgrade that understands a new shape): events
/// that were `undecodable` become decodable and are joined to their tasks, optionally fanned out.
/// Nothing is re-verified or re-fetched: the stored evidence stands.
public struct Reprocessor: Sendable {
    let store: SQLiteStore
    let clock: any WallClock

    /// Creates the reprocessor.
    public init(store: SQLiteStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// What a run did.
    public struct Result: Sendable, Encodable {
        /// Events examined.
        public var examined = 0
        /// Events whose decode state changed.
        public var changed = 0
        /// Deliveries created for them.
        public var deliveries = 0
    }

    /// Re-decodes every stored event in `state` (default: undecodable).
    public func run(state: DecodeState = .undecodable, fanOut: Bool) async throws -> Result {
        var result = Result()
        var cursor: Int64 = 0
        while true {
            let events = try await store.events(decodeState: state, after: cursor, limit: 200)
            guard let last = events.last else { return result }
            cursor = last.id
            for event in events {
                result.examined += 1
                let decoded = Self.decode(event)
                guard decoded != event.decoded else { continue }
                result.changed += decoded.state != event.decoded.state ? 1 : 0
                result.deliveries += try await store.updateDecoded(
                    eventId: event.id, decoded: decoded, fanOut: fanOut && decoded.state != .undecodable,
                    at: clock.now())
            }
        }
    }

    /// Decodes a stored event's raw body the way ingest does.
    static func decode(_ event: StoredEvent) -> DecodedNotification {
        switch event.channel {
        case .mns:
            guard let push = try? MNSPush.parse(body: event.request.body) else { return event.decoded }
            return NotificationDecoder.decode(push)
        case .eventbridge:
            guard let cloudEvent = try? CloudEvent.parse(body: event.request.body) else { return event.decoded }
            return NotificationDecoder.decode(cloudEvent)
        }
    }
}
