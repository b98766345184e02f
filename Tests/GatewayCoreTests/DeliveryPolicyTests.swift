import Crypto
import Foundation
import GatewayCore
import Testing

@Suite("Signing, retry timing, destination policy, hook filters")
struct DeliveryPolicyTests {
    @Test("the Standard Webhooks specification's test vector")
    func standardWebhooksVector() {
        let signature = WebhookSigner.sign(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8),
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        let two = WebhookSigner.signatureHeader(
            id: "m", timestamp: 1, body: [],
            secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookSigner.generateSecret()])
        #expect(two.split(separator: " ").count == 2)
        #expect(WebhookSigner.isValidSecret(WebhookSigner.generateSecret()))
        #expect(!WebhookSigner.isValidSecret("whsec_short"))
        #expect(!WebhookSigner.isValidSecret("plain"))
    }

    @Test("the schedule with jitter bounds, exhaustion, and Retry-After")
    func retry() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 1, random: -1) == 4)
        #expect(policy.delay(afterAttempt: 1, random: 1) == 6)
        #expect(policy.delay(afterAttempt: 2, random: 0) == 300)
        #expect(policy.delay(afterAttempt: 7, random: 0) == 36_000)
        #expect(policy.delay(afterAttempt: 8) == nil)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 90) == 90)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 10_000_000) == 86_400)
        let now = Date(timeIntervalSince1970: 1_795_582_800)
        #expect(RetryPolicy.parseRetryAfter("120", now: now) == 120)
        #expect(RetryPolicy.parseRetryAfter("Wed, 25 Nov 2026 05:01:00 GMT", now: now) == 60)
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.parseRetryAfter(nil, now: now) == nil)
    }

    @Test(
        "restricted destinations",
        arguments: [
            ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
            ("192.168.1.1", "private"), ("169.254.169.254", "link-local"), ("100.64.0.1", "CGNAT"),
            ("224.0.0.1", "multicast"),
            ("0.0.0.0", "reserved"), ("240.0.0.1", "reserved"), ("fe80::1", "link-local"), ("fd00::1", "private"),
            ("::ffff:127.0.0.1", "loopback"), ("ff02::1", "multicast"), ("::127.0.0.1", "IPv4-compatible"),
            ("::169.254.169.254", "IPv4-compatible"), ("fec0::1", "site-local"), ("2002:7f00:1::1", "loopback (6to4)"),
            ("2002:a9fe:a9fe::1", "link-local (6to4)"), ("2001:0:4136:e378::1", "Teredo"),
            ("64:ff9b:1::a00:1", "NAT64"), ("100::1", "discard-only"), ("::ffff:0:127.0.0.1", "IPv4-translated"),
            ("::ffff:0:10.0.0.1", "IPv4-translated"),
        ])
    func refused(address: String, kind: String) {
        let refusal = NetworkPolicy().refusal(for: address)
        #expect(refusal?.contains(kind) == true, "\(address): \(refusal ?? "allowed")")
        #expect(refusal?.hasPrefix("refused: \(address) is") == true)
        #expect(NetworkPolicy(allowPrivateNetworks: true).refusal(for: address) == nil)
    }

    @Test("public destinations pass; allowed CIDRs open a private range")
    func allowed() {
        #expect(NetworkPolicy().refusal(for: "8.8.8.8") == nil)
        #expect(NetworkPolicy().refusal(for: "2606:4700:4700::1111") == nil)
        #expect(NetworkPolicy().refusal(for: "2002:808:808::1") == nil, "6to4 of a public address")
        let policy = NetworkPolicy(allowedCIDRs: [CIDR("10.1.0.0/16")!])
        #expect(policy.refusal(for: "10.1.200.7") == nil)
        #expect(policy.refusal(for: "10.2.0.1") != nil)
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(CIDR("nonsense") == nil)
    }

    @Test("a zone belongs to IPv6 only: an IPv4 literal with one is not an address")
    func zones() {
        #expect(CIDR.parseAddress("8.8.8.8%x.example") == nil)
        #expect(CIDR.parseAddress("127.0.0.1%09") == nil)
        #expect(CIDR.parseAddress("fe80::1%eth0") != nil)
    }

    @Test("hook filters: each list, labels, task types; empty matches everything")
    func filters() {
        let all = HookFilter()
        #expect(all.matches(status: nil, project: nil, dataset: nil, taskType: nil, labels: [:]))
        let filter = HookFilter(
            status: ["succeeded"], project: ["p"], labels: ["tenant": "acme"], taskTypes: ["FacesSearching"])
        #expect(
            filter.matches(
                status: "Succeeded", project: "p", dataset: "d", taskType: "FacesSearching", labels: ["tenant": "acme"])
        )
        #expect(
            !filter.matches(
                status: "Failed", project: "p", dataset: "d", taskType: "FacesSearching", labels: ["tenant": "acme"]))
        #expect(
            !filter.matches(
                status: "Succeeded", project: "q", dataset: "d", taskType: "FacesSearching", labels: ["tenant": "acme"])
        )
        #expect(
            !filter.matches(status: "Succeeded", project: "p", dataset: "d", taskType: "FacesSearching", labels: [:]))
        #expect(
            !filter.matches(
                status: "Succeeded", project: "p", dataset: "d", taskType: "MediaConvert", labels: ["tenant": "acme"]))
    }

    @Test(
        "hook validation names the field",
        arguments: [
            (Hook(name: "bad name", url: "https://x.example"), "name"),
            (Hook(name: "h", url: "ftp://x.example"), "url"),
            (Hook(name: "h", url: "https://user:pw@x.example"), "url"),
            (Hook(name: "h", url: "http://127.0.0.1%2509:9390/x"), "url"),
            (Hook(name: "h", url: "https://x.example", timeoutSeconds: 0), "timeout_seconds"),
            (Hook(name: "h", url: "https://x.example", retrySchedule: []), "retry_schedule"),
            // Each of these was accepted and then trapped the gateway when a delivery used it.
            (Hook(name: "h", url: "https://x.example", retrySchedule: [5, Int.max]), "retry_schedule"),
            (Hook(name: "h", url: "https://x.example", ratePerSecond: 1e-300), "rate_per_second"),
            (Hook(name: "h", url: "https://x.example", ratePerSecond: 1e9), "rate_per_second"),
            (Hook(name: "h", url: "https://x.example", filter: HookFilter(status: ["bogus"])), "filter.status"),
            (Hook(name: "h", url: "https://x.example", filter: HookFilter(labels: ["bad key!": "x"])), "filter.labels"),
            (Hook(name: "h", url: "https://x.example", filter: HookFilter(project: [""])), "filter.project"),
            (Hook(name: "h", url: "https://x.example", headers: ["Content-Length": "0"]), "headers"),
            (Hook(name: "h", url: "https://x.example", headers: ["webhook-signature": "v1,x"]), "headers"),
            (Hook(name: "h", url: "https://x.example", headers: ["X-A": "a\r\nX-B: b"]), "headers"),
            (Hook(name: "h", url: "https://x.example", headers: ["X(A)": "a"]), "headers"),
        ])
    func hookValidation(hook: Hook, field: String) {
        #expect(throws: HookError.self) { try hook.validate() }
        do { try hook.validate() } catch { #expect(error.field == field) }
    }

    @Test("valid filters, headers and bounds pass")
    func hookValidationPasses() throws {
        try Hook(
            name: "h", url: "https://x.example",
            filter: HookFilter(status: ["Succeeded", "failed"], labels: ["tenant": "acme"]),
            ratePerSecond: 0.5, retrySchedule: [0, 5, RetryPolicy.maxDelaySeconds],
            headers: ["Authorization": "Bearer t", "User-Agent": "mine"]
        ).validate()
    }

    @Test("a misspelt filter key is an error, not a filter that matches everything")
    func strictFilterDecoding() throws {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(HookFilter.self, from: Data(#"{"statuss":["succeeded"]}"#.utf8))
        }
        let filter = try JSONDecoder().decode(HookFilter.self, from: Data(#"{"task_types":["FacesSearching"]}"#.utf8))
        #expect(filter.taskTypes == ["FacesSearching"])
    }

    @Test("a stored schedule beyond the bound waits at most the bound")
    func clampedDelay() {
        let policy = RetryPolicy(schedule: [Int.max], jitter: 0)
        #expect(policy.delay(afterAttempt: 1) == TimeInterval(RetryPolicy.maxDelaySeconds))
    }
}

@Suite("Ed25519 (v1a) signatures")
struct AsymmetricSigningTests {
    @Test("v1a entries verify with the published public key")
    func verifies() throws {
        let key = WebhookSigner.generateSigningKey()
        let publicKey = try #require(WebhookSigner.publicKey(forSigningKey: key))
        #expect(publicKey.hasPrefix("whpk_"))
        let body = Array(#"{"a":1}"#.utf8)
        let header = WebhookSigner.signatureHeader(
            id: "msg_1", timestamp: 1_700_000_000, body: body, secrets: [WebhookSigner.generateSecret()],
            ed25519Key: key)
        let entry = try #require(header.split(separator: " ").first { $0.hasPrefix("v1a,") })
        let signature = try #require(Data(base64Encoded: String(entry.dropFirst(4))))
        let verifier = try Curve25519.Signing.PublicKey(
            rawRepresentation: try #require(Data(base64Encoded: String(publicKey.dropFirst(5)))))
        #expect(verifier.isValidSignature(signature, for: Data("msg_1.1700000000.".utf8) + Data(body)))
        #expect(!verifier.isValidSignature(signature, for: Data("msg_2.1700000000.".utf8) + Data(body)))
    }
}
