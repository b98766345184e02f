import AsyncHTTPClient
import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import Synchronization

/// Posts deliveries with AsyncHTTPClient, never following redirects, reading at most 4 KiB of the
/// answer, and refusing destinations the network policy forbids. The address is checked after
/// resolution and the connection is pinned to that checked address (a client per host and address,
/// via `dnsOverride`), so a DNS answer that changes between the check and the connect (rebinding)
/// cannot redirect the request.
///
/// One deadline, the hook's timeout, covers the whole attempt: the DNS lookup, the connection, the
/// response head and body. The dispatcher's lease outlasts it, so no attempt is still running when
/// its delivery can be claimed again (a lookup that outlived the lease let a second attempt send the
/// same delivery while the first one was still to send it).
///
/// The pinned clients live in one process-wide pool, like `HTTPClient.shared`: they are reused
/// across gateways built in one process (tests build many) and never torn down under a request.
public final class HTTPWebhookTransport: WebhookTransport {
    private let policy: NetworkPolicy
    private let connectionsPerHost: Int
    private let lookup: @Sendable (String) -> Result<[String], ResolveError>
    private static let clients = Mutex<(active: [String: HTTPClient], Void)>(([:], ()))
    private static let maxClients = 256

    /// Creates a transport that opens up to `connectionsPerHost` connections to one receiver (the
    /// dispatcher's global in-flight cap: AsyncHTTPClient's default of 8 would queue the rest
    /// inside the client, quietly capping a hook's `max_in_flight` at 8).
    public convenience init(policy: NetworkPolicy, connectionsPerHost: Int = 64) {
        self.init(policy: policy, connectionsPerHost: connectionsPerHost, lookup: Self.getaddrinfoLookup)
    }

    /// Creates a transport that resolves names with `lookup` (blocking; run off the cooperative
    /// pool), for tests of a slow resolver.
    init(
        policy: NetworkPolicy, connectionsPerHost: Int = 64,
        lookup: @escaping @Sendable (String) -> Result<[String], ResolveError>
    ) {
        self.policy = policy
        self.connectionsPerHost = max(1, connectionsPerHost)
        self.lookup = lookup
    }

    /// Posts one delivery.
    public func post(url: String, headers: [(String, String)], body: [UInt8], timeoutSeconds: Int) async
        -> TransportResult
    {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return TransportResult(statusCode: nil, error: "refused: \(url) is not an http(s) URL") }
        let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        let address: String
        switch await Self.resolve(host, until: deadline, timeoutSeconds: timeoutSeconds, lookup: lookup) {
        case .failure(let error): return TransportResult(statusCode: nil, error: error.description)
        case .success(let addresses):
            for candidate in addresses {
                if let refusal = policy.refusal(for: candidate) {
                    return TransportResult(statusCode: nil, error: refusal)
                }
            }
            guard let first = addresses.first else {
                return TransportResult(statusCode: nil, error: "DNS: \(host) has no address")
            }
            address = first
        }
        let client = self.client(host: host, address: address)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        // One deadline for the whole exchange: AsyncHTTPClient's own timeout ends when the response
        // head arrives, so a receiver that sent its head and then stalled the body held the delivery
        // (and its in-flight slot) for ever. Past the deadline the exchange is cancelled.
        let prepared = request
        return await withTaskGroup(of: TransportResult?.self) { group in
            group.addTask { await Self.exchange(client, prepared, until: deadline, timeoutSeconds: timeoutSeconds) }
            group.addTask {
                try? await Task.sleep(until: deadline + .milliseconds(100), clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
                ?? TransportResult(
                    statusCode: nil, error: "timeout: no complete answer within \(timeoutSeconds) s (body stalled)")
        }
    }

    /// Sends the request and reads the head and up to 4 KiB of the body.
    private static func exchange(
        _ client: HTTPClient, _ request: HTTPClientRequest, until deadline: ContinuousClock.Instant,
        timeoutSeconds: Int
    ) async -> TransportResult {
        do {
            let left = max(deadline - ContinuousClock.now, .milliseconds(1))
            let response = try await client.execute(request, timeout: .nanoseconds(nanoseconds(left)))
            var responseHeaders: [String: String] = [:]
            for (name, value) in response.headers { responseHeaders[name.lowercased()] = value }
            var kept: [UInt8] = []
            for try await chunk in response.body {
                kept += chunk.readableBytesView.prefix(4096 - kept.count)
                if kept.count >= 4096 { break }
            }
            return TransportResult(statusCode: Int(response.status.code), headers: responseHeaders, body: kept)
        } catch {
            return TransportResult(statusCode: nil, error: describe(error, timeoutSeconds: timeoutSeconds))
        }
    }

    /// Nothing to release: the pooled clients are process-wide and idle connections time out.
    public func shutdown() async {}

    private func client(host: String, address: String) -> HTTPClient {
        let key = "\(host)|\(address)|\(connectionsPerHost)"
        return Self.clients.withLock { clients in
            if let existing = clients.active[key] { return existing }
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
            if CIDR.parseAddress(host) == nil { configuration.dnsOverride = [host: address] }
            configuration.connectionPool = .init(
                idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
            configuration.connectionPool.retryConnectionEstablishment = false
            // No tracing: the default is the global no-op tracer, which still opens a span, casts
            // the tracer and sets its attributes on every request (3-4 % of the gateway's CPU per
            // delivery); the gateway bootstraps no tracer.
            configuration.tracing.tracer = nil
            let created = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            // An evicted client may still carry requests: it is shut down once the longest one
            // (a hook's timeout is at most 300 s) is over. Kept for ever, every eviction (many
            // hooks, or a receiver's DNS rotating addresses) leaked a client and its connections.
            if clients.active.count >= Self.maxClients, let victim = clients.active.keys.first,
                let evicted = clients.active.removeValue(forKey: victim)
            {
                Task {
                    try? await Task.sleep(for: .seconds(310))
                    try? await evicted.shutdown()
                }
            }
            clients.active[key] = created
            return created
        }
    }

    /// Resolves `host` to numeric addresses (a numeric host resolves to itself), giving up at
    /// `deadline`: `getaddrinfo` cannot be cancelled, so a lookup still running then is left to
    /// finish on its own thread and its answer is dropped.
    static func resolve(
        _ host: String, until deadline: ContinuousClock.Instant, timeoutSeconds: Int,
        lookup: @escaping @Sendable (String) -> Result<[String], ResolveError>
    ) async -> Result<[String], ResolveError> {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if CIDR.parseAddress(bare) != nil { return .success([bare]) }
        let left = max(deadline - ContinuousClock.now, .zero)
        return await withCheckedContinuation { continuation in
            let answer = OneAnswer(continuation)
            DispatchQueue.global().async { answer.give(lookup(bare)) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds(left)))) {
                answer.give(
                    .failure(
                        ResolveError(description: "timeout: DNS gave no answer for \(host) within \(timeoutSeconds) s"))
                )
            }
        }
    }

    /// The continuation of a lookup, resumed by whichever comes first: the answer or the deadline.
    private final class OneAnswer: Sendable {
        private let continuation: Mutex<CheckedContinuation<Result<[String], ResolveError>, Never>?>

        init(_ continuation: CheckedContinuation<Result<[String], ResolveError>, Never>) {
            self.continuation = Mutex(continuation)
        }

        func give(_ result: Result<[String], ResolveError>) {
            continuation.withLock { $0.take() }?.resume(returning: result)
        }
    }

    /// `getaddrinfo`: every address `host` resolves to, numeric, in the resolver's order.
    static let getaddrinfoLookup: @Sendable (String) -> Result<[String], ResolveError> = { bare in
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(bare, nil, &hints, &result)
        guard status == 0, let first = result else {
            return .failure(ResolveError(description: "DNS: cannot resolve \(bare)"))
        }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                NI_NUMERICHOST) == 0
            {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(text) { addresses.append(text) }
            }
            cursor = entry.pointee.ai_next
        }
        return .success(addresses)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    struct ResolveError: Error, CustomStringConvertible {
        let description: String
    }

    static func describe(_ error: any Error, timeoutSeconds: Int) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timeout after \(timeoutSeconds) s"
            default: return "HTTP client: \(error)"
            }
        }
        return "connection: \(error)"
    }
}
