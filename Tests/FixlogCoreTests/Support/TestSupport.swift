import Foundation
import Testing

/// Paths and golden files for tests.
enum TestSupport {
    /// The package root, derived from this file's location.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var fixtures: URL { packageRoot.appendingPathComponent("fixtures") }
    static var goldens: URL { packageRoot.appendingPathComponent("Tests/FixlogCoreTests/Goldens") }

    /// `FIXLOG_CORPUS`, default `../shared/corpus` beside the package.
    static var corpus: URL {
        if let env = ProcessInfo.processInfo.environment["FIXLOG_CORPUS"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }

    /// The reference log the project was started from: `FIXLOG_SEED`, default `../shared/seed/DOCKERFILE_FIXES.md`.
    static var seedLog: URL {
        if let env = ProcessInfo.processInfo.environment["FIXLOG_SEED"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/seed/DOCKERFILE_FIXES.md")
    }

    static var seedAvailable: Bool { FileManager.default.fileExists(atPath: seedLog.path) }

    static var recording: Bool { ProcessInfo.processInfo.environment["FIXLOG_RECORD"] == "1" }

    /// Every file under `fixtures/<subdirectory>` with the given extension, as paths relative to the package root.
    static func fixtureFiles(under subdirectory: String, ext: String) -> [String] {
        let base = fixtures.appendingPathComponent(subdirectory)
        guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var out: [String] = []
        for case let url as URL in e where url.pathExtension == ext {
            let rel = url.path.replacingOccurrences(of: packageRoot.path + "/", with: "")
            out.append(rel)
        }
        return out.sorted()
    }

    static func read(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: packageRoot.appendingPathComponent(relativePath)))
    }

    /// Compares `actual` with the golden file at `Goldens/<name>`. A missing golden is written and the test
    /// fails ("recorded"); `FIXLOG_RECORD=1` re-records every golden.
    static func assertGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = goldens.appendingPathComponent(name)
        let existing = try? String(contentsOf: url, encoding: .utf8)
        if recording || existing == nil {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            if !recording {
                Issue.record("recorded new golden file \(name); review it and run the tests again", sourceLocation: sourceLocation)
            }
            return
        }
        if existing != actual {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = existing!.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
            let got = first < a.count ? String(a[first]) : "<end>"
            let want = first < e.count ? String(e[first]) : "<end>"
            Issue.record("""
                output differs from golden \(name) at line \(first + 1):
                  got:  \(got)
                  want: \(want)
                (FIXLOG_RECORD=1 swift test re-records goldens)
                """, sourceLocation: sourceLocation)
        }
    }

    /// A fresh temporary directory, removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) rethrows -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }
}

/// A small deterministic random generator (SplitMix64) so property and fuzz tests are reproducible.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
