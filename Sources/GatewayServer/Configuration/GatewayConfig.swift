import GatewayCore
import GatewayStore

/// Everything the gateway can be configured with. The defaults here are the embedded defaults the
/// gateway runs with when given no file; every key is documented in the README's configuration table.
public struct GatewayConfig: Sendable, Equatable {
    /// A TCP listener.
    public struct Listener: Sendable, Equatable {
        /// The address to bind.
        public var host: String
        /// The port to bind; 0 picks a free one.
        public var port: Int

        /// Creates a listener address.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// A certificate URL pinned to a local PEM file: that URL is never fetched.
    public struct PinnedCertificate: Sendable, Equatable {
        /// The certificate URL as the push names it.
        public var url: String
        /// The PEM file (relative paths are relative to the config file's folder).
        public var file: String

        /// Creates a pin.
        public init(url: String, file: String) {
            self.url = url
            self.file = file
        }
    }

    /// The public ingest listener.
    public struct Ingest: Sendable, Equatable {
        /// Where to listen.
        public var listener = Listener(host: "0.0.0.0", port: 8080)
        /// The path MNS pushes to.
        public var mnsPath = "/notifications"
        /// The path EventBridge posts to.
        public var eventBridgePath = "/eventbridge"
        /// The largest body accepted, in bytes.
        public var maxBodyBytes = 1_048_576
        /// How much of a refused request's body is kept in the rejections table.
        public var rejectionBodyBytes = 65_536
        /// The most concurrent connections; more wait in the accept queue.
        public var maxConnections = 1024
        /// A connection idle this long (no request being read or answered) is closed.
        public var idleTimeoutSeconds = 30
        /// A request head must be complete this long after the connection opens (or after the first
        /// byte of a next request on a kept-alive connection); otherwise `408` and the connection closes.
        public var headerTimeoutSeconds = 10
        /// A request body must be complete this long after its head; otherwise the connection closes.
        public var bodyTimeoutSeconds = 20
        /// The largest header block accepted (all fields together), in bytes.
        public var maxHeaderBytes = 65_536
        /// The most header fields accepted.
        public var maxHeaderCount = 100
        /// Benchmark only: adds `POST /bench/noop`, answering 204 without doing anything (the
        /// baseline `imm-gateway bench` measures the HTTP stack with), and `POST /bench/unstored`,
        /// an MNS push verified and decoded but not stored (ingest's ceiling without the database).
        public var benchRoute = false
    }

    /// The local admin listener.
    public struct Admin: Sendable, Equatable {
        /// Where to listen.
        public var listener = Listener(host: "127.0.0.1", port: 8081)
        /// Bearer token for every admin route but `/healthz`; required when the host is not loopback.
        public var token = ""
    }

    /// MNS push verification.
    public struct MNS: Sendable, Equatable {
        /// Certificate hosts added to Alibaba's built-in allow-list.
        public var certHosts: [String] = []
        /// Certificate URLs pinned to local files.
        public var pinnedCertificates: [PinnedCertificate] = []
        /// The largest accepted difference between the push's `Date` and the local clock.
        public var maxClockSkewSeconds = 900
        /// The public path MNS signed, when a reverse proxy rewrites it; empty means the path received.
        public var signedPath = ""
        /// Whether certificates that are neither pinned nor cached may be fetched over HTTPS.
        public var fetchCertificates = true
    }

    /// EventBridge verification.
    public struct EventBridge: Sendable, Equatable {
        /// Shared token expected in `x-eventbridge-signature-token`; empty disables the token check.
        public var token = ""
        /// The target URL as configured in EventBridge; set it to require the V2 signature.
        public var targetURL = ""
        /// Certificate hosts added to the built-in EventBridge allow-list.
        public var certHosts: [String] = []
        /// Certificate URLs pinned to local files.
        public var pinnedCertificates: [PinnedCertificate] = []
    }

    /// Outbound delivery.
    public struct Delivery: Sendable, Equatable {
        /// Retry delays in seconds (±20 % jitter); its length is the number of retries.
        public var retrySchedule = RetryPolicy.defaultSchedule
        /// The most deliveries in flight at once, all hooks together.
        public var maxInFlight = 64
        /// Allow hooks on loopback, private, link-local, CGNAT and reserved addresses.
        public var allowPrivateNetworks = false
        /// Ranges allowed even when private (e.g. `10.1.2.0/24`).
        public var allowedCIDRs: [String] = []
        /// A hook failing this long without a success is disabled.
        public var autoDisableAfterSeconds = 5 * 24 * 3600
    }

    /// The SQLite database file.
    public var database = "./imm-gateway.sqlite"
    /// `full` (default) or `normal`: how hard each commit waits for the disk.
    public var durability: SQLiteStore.Durability = .full
    /// The ingest listener.
    public var ingest = Ingest()
    /// The admin listener.
    public var admin = Admin()
    /// MNS verification.
    public var mns = MNS()
    /// EventBridge verification.
    public var eventBridge = EventBridge()
    /// Log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel = "info"
    /// Log line format: `text` (key=value metadata) or `json` (one object per line).
    public var logFormat = "text"
    /// Outbound delivery settings.
    public var delivery = Delivery()
    /// What is deleted when.
    public var retention = RetentionService.Policy()
    /// How long deliveries of a notification with no submission yet wait for one (0: not at all).
    public var waitForSubmissionSeconds = 0
    /// Hooks declared in the file, applied at start.
    public var hooks: [HookSpec] = []
    /// The most writes committed in one transaction.
    public var maxCommitBatch = 256

    /// The embedded defaults.
    public init() {}
}
