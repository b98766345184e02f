import Foundation

/// Corpus files on disk: what `imm-fuzz <target> <path>...` replays, and what the corpus test reads
/// from `Tests/Fuzz/corpus/<target>/`.
public enum FuzzCorpus {
    /// Every regular file named by `paths`, folders walked recursively, hidden files skipped, sorted.
    public static func files(under paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let children = try FileManager.default.subpathsOfDirectory(atPath: path)
            for child in children.sorted() where !child.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                let full = (path as NSString).appendingPathComponent(child)
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                    files.append(full)
                }
            }
        }
        return files
    }

    /// Runs every file through `target`, calling `willRun` first (so a crash can be pinned to its
    /// input); returns the broken invariants by file.
    public static func replay(
        _ target: FuzzTarget, files: [String], willRun: (String) -> Void = { _ in }
    ) async throws -> [(file: String, finding: FuzzFinding)] {
        var findings: [(file: String, finding: FuzzFinding)] = []
        for file in files {
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
            willRun(file)
            do throws(FuzzFinding) {
                try await target.run(bytes)
            } catch {
                findings.append((file, error))
            }
        }
        return findings
    }
}
