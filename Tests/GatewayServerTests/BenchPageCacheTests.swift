import Foundation
import Testing

@testable import GatewayServer

@Suite("bench: how much of the database the page cache holds")
struct BenchPageCacheTests {
    @Test("a file just read is counted as cached, within its size; a missing or empty file gives nothing")
    func residency() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-cache-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("db")
        try Data(repeating: 7, count: 262_144).write(to: file)
        _ = try Data(contentsOf: file)
        let cached = try #require(BenchPageCache.residency(path: file.path))
        #expect(cached.total == 262_144)
        #expect(cached.resident > 0 && cached.resident <= cached.total)

        #expect(BenchPageCache.residency(path: directory.appendingPathComponent("missing").path) == nil)
        let empty = directory.appendingPathComponent("empty")
        try Data().write(to: empty)
        #expect(BenchPageCache.residency(path: empty.path) == nil)
    }

    @Test("the report line gives the share held before the phase and the size held after it")
    func line() {
        let megabyte = 1_048_576
        let before = BenchPageCache(resident: 3 * megabyte, total: 10 * megabyte)
        let after = BenchPageCache(resident: 4 * megabyte, total: 10 * megabyte)
        #expect(BenchPageCache.line(before: nil, after: after) == nil)
        #expect(
            BenchPageCache.line(before: before, after: after)
                == "database in the page cache before the prefilled ingest: 3 of 10 MB (30 %), after it 4 MB (a page not held is a disk read inside the single writer)"
        )
    }
}
