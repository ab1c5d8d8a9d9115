import Crypto
import Foundation

/// Computes a step's `inputsHash` and decides whether an earlier result can be reused.
///
/// The hash is SHA-256 over, in this order: a format tag, the script, the options (sorted), the
/// container CLI swap, and for each input file (sorted by path, deduplicated) its path relative to
/// the root and its bytes. Input files are the target Dockerfiles (those the script's `build`
/// commands use and the `Dockerfile`/`Containerfile` beside the log) plus every file the script
/// names that exists. A missing file contributes its path and a `missing` marker.
public struct ResultsCache: Sendable {
    /// Earlier results keyed by `record.step`.
    public var previous: [String: StepResult]

    public init(previous: VerificationResults?) {
        var map: [String: StepResult] = [:]
        for step in previous?.steps ?? [] { map[Self.key(record: step.record, step: step.step)] = step }
        self.previous = map
    }

    static func key(record: Int, step: Int) -> String { "\(record).\(step)" }

    /// The earlier result for this step when it passed (or was itself cached) with the same hash.
    public func reusable(record: Int, step: Int, inputsHash: String) -> StepResult? {
        guard let old = previous[Self.key(record: record, step: step)], old.inputsHash == inputsHash,
              old.status == .passed || old.status == .cached else { return nil }
        return old
    }

    /// SHA-256 (hex) of a step's inputs. `files` are (path relative to root, absolute path).
    public static func inputsHash(script: String, options: [String: String], containerCLI: ContainerCLI?,
                                  files: [(relative: String, absolute: String)]) -> String {
        var hasher = SHA256()
        func add(_ s: String) {
            hasher.update(data: Array(s.utf8))
            hasher.update(data: [0])
        }
        add("fixlog-inputs-v1")
        add(script)
        for key in options.keys.sorted() { add("option \(key)=\(options[key] ?? "")") }
        add("container-cli \(containerCLI?.rawValue ?? "-")")
        var seen: Set<String> = []
        for file in files.sorted(by: { $0.relative < $1.relative }) where !seen.contains(file.relative) {
            seen.insert(file.relative)
            add("file \(file.relative)")
            guard let handle = FileHandle(forReadingAtPath: file.absolute) else {
                add("missing")
                continue
            }
            defer { try? handle.close() }
            var size = 0
            while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += chunk.count
            }
            add("size \(size)")
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
