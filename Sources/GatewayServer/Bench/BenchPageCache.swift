import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How much of a file the kernel holds in its page cache (`mincore` over a read-only mapping,
/// which reads nothing from disk).
///
/// Ingest reads a random index page per face, task and message id inside the single writer: a page
/// the cache no longer holds is a disk read that every commit waits for (measured on the bench's
/// VM: 40–170 ms each under ingest's writes). With a large database the share held decides the
/// prefilled figure as much as the gateway does, so the report gives it.
struct BenchPageCache {
    /// Bytes of the file in the page cache.
    let resident: Int
    /// The file's size in bytes.
    let total: Int

    /// The residency of the file at `path` now; nil when it cannot be read (or is empty).
    static func residency(path: String) -> BenchPageCache? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
        let size = Int(status.st_size)
        guard let mapping = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
            return nil
        }
        defer { munmap(mapping, size) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var pages = [UInt8](repeating: 0, count: (size + page - 1) / page)
        guard mincore(mapping, size, &pages) == 0 else { return nil }
        return BenchPageCache(resident: pages.reduce(0) { $0 + Int($1 & 1) } * page, total: size)
    }

    /// The report's line for the prefilled database, before and after its ingest phase.
    static func line(before: BenchPageCache?, after: BenchPageCache?) -> String? {
        guard let before else { return nil }
        let megabytes = { (bytes: Int) in bytes / 1_048_576 }
        var line = String(
            format: "database in the page cache before the prefilled ingest: %d of %d MB (%.0f %%)",
            megabytes(before.resident), megabytes(before.total),
            100 * Double(before.resident) / Double(max(before.total, 1)))
        if let after { line += ", after it \(megabytes(after.resident)) MB" }
        return line + " (a page not held is a disk read inside the single writer)"
    }
}
