import Dispatch
import Foundation

/// The two C entry points of the `imm-fuzz` executable: libFuzzer's per-input callback (fuzz
/// build) and the corpus-replay tool (plain build). Both run on a thread outside Swift's
/// cooperative pool (libFuzzer's, or the process's main thread), so blocking it on a semaphore
/// cannot starve the task it waits for.
enum FuzzEntryPoints {
    /// The target named by `IMM_FUZZ_TARGET`, read once; exits with a message when it names none.
    static let environmentTarget: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["IMM_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            printError("IMM_FUZZ_TARGET must be one of: \(names)")
            exit(2)
        }
        return target
    }()

    /// Runs `body` to completion and returns its result, blocking the calling (non-pool) thread.
    static func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        // `immediate`: the task starts on this thread and, when nothing suspends (the fuzz targets
        // never do), finishes on it, so it is also freed here and the leak check sees no stray
        // allocation.
        let task = Task.immediate {
            box.value = await body()
            done.signal()
        }
        done.wait()
        withExtendedLifetime(task) {}
        return box.value!
    }

    /// Writes a line to standard error.
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `imm-fuzz <target> <file-or-folder>...`: 0 when every input ran without a finding.
    static func replay(arguments: [String]) async -> Int32 {
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[0]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            printError("usage: imm-fuzz <\(names)> <file-or-folder>...")
            return 2
        }
        do {
            let files = try FuzzCorpus.files(under: Array(arguments.dropFirst()))
            let findings = try await FuzzCorpus.replay(target, files: files) { printError($0) }
            for (file, finding) in findings { print("FINDING \(file): \(finding)") }
            print("\(target.rawValue): \(files.count) inputs, \(findings.count) findings")
            return findings.isEmpty ? 0 : 1
        } catch {
            printError("imm-fuzz: \(error)")
            return 1
        }
    }
}

extension FuzzTarget {
    /// `run`, with a broken invariant as a value.
    func finding(for bytes: [UInt8]) async -> FuzzFinding? {
        do throws(FuzzFinding) {
            try await run(bytes)
            return nil
        } catch {
            return error
        }
    }
}

/// Carries a value out of the task `runBlocking` waits for: written before the signal, read after the wait.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// libFuzzer's callback: one input through the `IMM_FUZZ_TARGET` target. A broken invariant aborts,
/// so libFuzzer saves the input like any crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let target = FuzzEntryPoints.environmentTarget
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let finding: FuzzFinding?
    do throws(FuzzFinding) {
        let finished = try target.runSynchronously(bytes)
        finding = finished ? nil : FuzzEntryPoints.runBlocking { await target.finding(for: bytes) }
    } catch {
        finding = error
    }
    if let finding {
        FuzzEntryPoints.printError("FuzzFinding [\(target.rawValue)]: \(finding)")
        abort()
    }
    return 0
}

/// The plain build's `main` (Sources/imm-fuzz/main.c): replays files through a target.
@_cdecl("imm_fuzz_replay")
public func immFuzzReplay(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let arguments = (0..<Int(argc)).dropFirst().compactMap { index in argv?[index].map { String(cString: $0) } }
    return FuzzEntryPoints.runBlocking { await FuzzEntryPoints.replay(arguments: arguments) }
}
