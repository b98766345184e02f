import Foundation
import GRDB
import GatewayCore
import GatewayServer
import GatewayStore
import GatewayTestSupport
import IMMNotify
import Testing

@Suite("imm-gateway bench: external targets and prefill")
struct BenchTests {
    /// Bench options for a short run.
    private func options(requests: Int = 200) -> BenchRunner.Options {
        var options = BenchRunner.Options()
        options.requests = requests
        options.connections = 8
        return options
    }

    /// The fixture key and certificate URL, which `TestGateway.config()` pins.
    private func target(ingest: Int, admin: Int?, key: RSASigningKey? = nil) throws -> BenchTarget {
        try BenchTarget(
            ingest: "http://127.0.0.1:\(ingest)", admin: admin.map { "http://127.0.0.1:\($0)" },
            signingKey: try key ?? RSASigningKey(pem: Fixtures.testKeyPEM()),
            certificateURL: Fixtures.testCertificateURL)
    }

    /// A live gateway on the real clock (the bench signs pushes now).
    private func liveGateway(benchRoute: Bool = false) async throws -> Gateway {
        var config = try TestGateway.config()
        config.ingest.benchRoute = benchRoute
        return try await buildGateway(config: config, clock: SystemWallClock())
    }

    @Test(
        "--target loads a running gateway: every phase but end to end, every push stored",
        .timeLimit(.minutes(1)), arguments: [false, true])
    func externalTarget(benchRoute: Bool) async throws {
        let gateway = try await liveGateway(benchRoute: benchRoute)
        try await gateway.running { ingest, admin in
            var options = options()
            options.target = try target(ingest: ingest, admin: admin)
            let report = try await BenchRunner(options: options, executable: "").run { _ in }
            #expect(report.contains("durability unknown (external)"))
            #expect(report.contains(benchRoute ? "baseline (bare 204)" : "baseline (404 on GET /)"), "\(report)")
            #expect(report.contains("ingest (verify+commit)"))
            // The no-store phase needs the bench route; its pushes are never stored (counted below).
            #expect(report.contains("verify+decode, no store") == benchRoute, "\(report)")
            #expect(report.contains("admin GET /v1/tasks/{id}"))
            #expect(report.contains("end to end: skipped (external target"))
            #expect(report.contains("gateway memory: unknown (external)"))
        }
        // The check push, the ingest phase and the paced half-rate phase, each stored once.
        let summary = try await gateway.store.statusSummary(at: Date())
        #expect(summary.events == 1 + 200 + 100)
        #expect(try await gateway.store.rejections(limit: 10, before: nil).items.isEmpty)
    }

    @Test("a target that does not trust the key is named in one error before any load", .timeLimit(.minutes(1)))
    func untrustedKey() async throws {
        let gateway = try await liveGateway()
        let stranger = try RSASigningKey.generate(bits: 1024)
        try await gateway.running { ingest, _ in
            var options = options()
            options.target = try target(ingest: ingest, admin: nil, key: stranger)
            let error = try await #require(throws: BenchError.self) {
                _ = try await BenchRunner(options: options, executable: "").run { _ in }
            }
            #expect(error.description.contains("refused a signed push"), "\(error)")
            #expect(error.description.contains("bad_signature"), "\(error)")
        }
        #expect(try await gateway.store.rejections(limit: 10, before: nil).items.count == 1)
    }

    @Test("--target options are checked, each mistake named")
    func targetValidation() throws {
        let key = try Fixtures.testKeyPEM()
        let url = Fixtures.testCertificateURL
        func mistake(_ build: () throws -> BenchTarget) -> String {
            (try? #require(throws: BenchError.self) { _ = try build() })?.description ?? ""
        }
        #expect(
            mistake { try BenchTarget(ingest: "ftp://127.0.0.1", keyPEM: key, certificateURL: url) }.contains(
                "--target"))
        #expect(
            mistake { try BenchTarget(ingest: "127.0.0.1:8080", keyPEM: key, certificateURL: url) }.contains("--target")
        )
        #expect(
            mistake {
                try BenchTarget(ingest: "http://127.0.0.1:8080", adminToken: "t", keyPEM: key, certificateURL: url)
            }
            .contains("--admin-target"))
        #expect(
            mistake {
                try BenchTarget(
                    ingest: "http://127.0.0.1:8080", admin: "http://127.0.0.1:8081/v1", keyPEM: key, certificateURL: url
                )
            }.contains("--admin-target"))
        #expect(
            mistake { try BenchTarget(ingest: "http://127.0.0.1:8080", keyPEM: Array("no".utf8), certificateURL: url) }
                .contains("--key"))
        #expect(
            mistake { try BenchTarget(ingest: "http://127.0.0.1:8080", keyPEM: key, certificateURL: "http://x/c.pem") }
                .contains("--cert-url"))
        let other = try RSASigningKey.generate(bits: 1024).selfSignedCertificatePEM(commonName: "other")
        #expect(
            mistake {
                try BenchTarget(
                    ingest: "http://127.0.0.1:8080", keyPEM: key, certificateURL: url, certificatePEM: other)
            }
            .contains("--cert"))
        let fine = try BenchTarget(
            ingest: "http://127.0.0.1:8080/mns", keyPEM: key, certificateURL: url,
            certificatePEM: try Fixtures.testCertificatePEM())
        #expect(fine.ingestBase == "http://127.0.0.1:8080" && fine.mnsPath == "/mns")
        #expect(
            try BenchTarget(ingest: "http://127.0.0.1:8080", keyPEM: key, certificateURL: url).mnsPath
                == "/notifications")
    }

    @Test("--store-only commits the pushes in this process and reports CPU per event", .timeLimit(.minutes(1)))
    func storeOnly() async throws {
        var options = options(requests: 300)
        options.storeOnly = true
        options.durability = "normal"
        let report = try await BenchRunner(options: options, executable: "/nonexistent").run { _ in }
        #expect(report.hasPrefix("store commit alone (no HTTP): "), "\(report)")
        #expect(report.contains("300 events in batches of 4"), "\(report)")
        #expect(report.hasSuffix("synchronous=NORMAL"), "\(report)")
        // The CPU figure is a real measurement: committing 300 five-face events cannot be free.
        let cpu = try #require(
            report.split(separator: ":", maxSplits: 1).last?.split(separator: " ").first.flatMap { Double($0) })
        #expect(cpu > 0)
    }

    @Test("--store-only refuses --target and --prefill, naming them")
    func storeOnlyAlone() async throws {
        var withPrefill = options()
        withPrefill.storeOnly = true
        withPrefill.prefill = 10
        withPrefill.withoutHook = true
        var withTarget = options()
        withTarget.storeOnly = true
        withTarget.target = try target(ingest: 1, admin: nil)
        for options in [withPrefill, withTarget] {
            await #expect {
                _ = try await BenchRunner(options: options, executable: "/nonexistent").run { _ in }
            } throws: { error in
                "\(error)".contains("--store-only")
            }
        }
    }

    @Test(
        "prefill stores events as ingest does: raw request, evidence, a task and its faces each",
        .timeLimit(.minutes(1)))
    func prefillRows() async throws {
        let path = TestGateway.temporaryDatabase()
        let store = try SQLiteStore(path: path, durability: .normal)
        let key = try RSASigningKey(pem: try Fixtures.testKeyPEM())
        let filler = BenchPrefill(
            signingKey: key, certificateURL: Fixtures.testCertificateURL,
            certificate: try RSACertificate(pem: try Fixtures.testCertificatePEM()), batchSize: 700)
        let result = try await filler.fill(store, count: 2_000)
        #expect(result.events == 2_000)
        #expect(result.databaseBytes > 0)
        let counts = try await DatabaseQueue(path: path).read { db in
            (
                events: try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM event WHERE length(requestBody) > 0 AND decodeState = 'decoded'"),
                tasks: try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM task WHERE immStatus = 'Succeeded' AND resultEventId IS NOT NULL"),
                faces: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM face"),
                evidence: try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM event WHERE evidence LIKE '%certificate_fingerprint%'")
            )
        }
        #expect(counts.events == 2_000)
        #expect(counts.tasks == 2_000)
        #expect(counts.faces == 10_000)
        #expect(counts.evidence == 2_000)
        let newest = try #require(try await store.events(limit: 1, before: nil).items.first)
        #expect(newest.decoded.taskId?.hasPrefix("CreateFacesSearchingTask-prefill-") == true)
    }

    @Test(
        "--prefill measures ingest on an empty database, prefills, measures again and reports the ratio",
        .timeLimit(.minutes(2)))
    func prefillPhase() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: CrashSafetyTests.executable),
            "build the imm-gateway product first")
        var options = options(requests: 100)
        options.withoutHook = true
        options.prefill = 2_000
        let report = try await BenchRunner(options: options, executable: CrashSafetyTests.executable).run { _ in }
        #expect(report.contains("ingest, empty database"), "\(report)")
        #expect(report.contains("ingest, 2000 events prefilled"), "\(report)")
        #expect(report.contains("baseline again, after the prefill"), "each ingest has a baseline of its moment")
        let lines = report.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("prefill: 2000 events stored") }, "\(report)")
        let ratio = try #require(lines.first { $0.hasPrefix("prefilled vs empty: ") }, "\(report)")
        #expect(ratio.contains("x (target >= 0.90x): ingest ") && ratio.contains("raw throughput"), "\(ratio)")
        let value = Double(ratio.dropFirst("prefilled vs empty: ".count).prefix { $0 != "x" })
        #expect(value.map { $0 > 0 && $0.isFinite } == true, "\(ratio)")
        #expect(
            lines.contains { $0.hasPrefix("gateway CPU per push (us): ") && $0.contains("prefilled vs") }, "\(report)")
    }

    @Test("a self-started run with the sink hook: end to end, the drained backlog and CPU per request")
    func selfStartedWithHook() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: CrashSafetyTests.executable),
            "build the imm-gateway product first")
        let report = try await BenchRunner(options: options(requests: 100), executable: CrashSafetyTests.executable)
            .run { _ in }
        #expect(report.contains("end to end: 100 of 100 deliveries"), "\(report)")
        #expect(report.contains("fan-out alone: a backlog of 50 deliveries drained"), "\(report)")
        // The half-max phase's 50 pushes, as the gateway's own commit histogram saw them.
        let commits = try #require(
            report.split(separator: "\n").first { $0.hasPrefix("gateway ingest commits during the half-max phase: ") })
        #expect(commits.contains("99% within") && !commits.contains(": none"), "\(commits)")
        #expect(
            report.split(separator: "\n").contains {
                $0.hasPrefix("CPU per delivery, fan-out alone (us, gateway + loader's sink): ")
            },
            "\(report)")
        let cpu = try #require(report.split(separator: "\n").first { $0.hasPrefix("CPU per request") })
        // The gateway's ingest work is measurable even at 100 requests (the clock ticks every 10 ms;
        // the baseline's few milliseconds may round to 0, ingest's tens of milliseconds do not).
        #expect(!cpu.contains("ingest 0 +"), "\(cpu)")
        #expect(cpu.contains(", no store "), "\(cpu)")
        #expect(report.contains("verify+decode, no store"), "\(report)")
    }

    @Test("--prefill refuses a target and a sink hook")
    func prefillNeeds() async throws {
        var options = options()
        options.prefill = 10
        let hooked = try await #require(throws: BenchError.self) {
            _ = try await BenchRunner(options: options, executable: "").run { _ in }
        }
        #expect(hooked.description.contains("--without-hook"))
        options.withoutHook = true
        options.target = try target(ingest: 1, admin: nil)
        let targeted = try await #require(throws: BenchError.self) {
            _ = try await BenchRunner(options: options, executable: "").run { _ in }
        }
        #expect(targeted.description.contains("--target"))
    }
}
