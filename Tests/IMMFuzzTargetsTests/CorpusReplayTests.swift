import Foundation
import IMMFuzzTargets
import Testing

@Suite("The committed fuzz corpus is a regression suite")
struct CorpusReplayTests {
    /// `Tests/Fuzz/corpus`, found from this file so the corpus is read where it is committed.
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/corpus").path

    @Test("every committed input of every target runs without a finding", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) async throws {
        let files = try FuzzCorpus.files(under: [Self.corpus + "/" + target.rawValue])
        #expect(files.count >= 3, "Tests/Fuzz/corpus/\(target.rawValue) has \(files.count) seeds")
        for (file, finding) in try await FuzzCorpus.replay(target, files: files) {
            Issue.record("\(file): \(finding)")
        }
    }

    @Test("every corpus folder names a target, so no input is silently left out")
    func folders() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(FuzzTarget.allCases.map(\.rawValue)))
    }

    @Test("corpus inputs stay small: a few KB each, at most a few dozen per target")
    func sizes() throws {
        for target in FuzzTarget.allCases {
            let files = try FuzzCorpus.files(under: [Self.corpus + "/" + target.rawValue])
            #expect(files.count <= 60, "\(target.rawValue) has \(files.count) inputs")
            for file in files {
                let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
                #expect(size <= 8192, "\(file) is \(size) bytes")
            }
        }
    }
}
