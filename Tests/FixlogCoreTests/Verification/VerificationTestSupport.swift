import Foundation
import Testing
@testable import FixlogCore

/// Shared helpers for the verification tests: temporary directories, steps built in code, process
/// group checks, golden files.
enum VT {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A fresh temporary directory (removed by the caller's `defer`).
    static func tempDir() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fixlog-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    static func write(_ text: String, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static let range = SourceRange(start: SourceLocation(line: 1, column: 1), end: SourceLocation(line: 1, column: 1))

    static func step(_ script: String, expected: [ExpectedLine] = [], options: [String: String] = [:],
                     label: String? = nil, line: Int = 10) -> VerificationStep {
        VerificationStep(language: "bash", script: script, expectedOutput: expected, options: options,
                         label: label, range: range, contentStartLine: line)
    }

    static func lines(_ texts: String...) -> [ExpectedLine] { texts.map { ExpectedLine(text: $0) } }

    /// A plan for `records` with the log at `root/DOCKERFILE_FIXES.md` (or `logDir`).
    static func plan(_ records: [VerificationRecord], root: String, logDirectory: String? = nil,
                     timeout: StepDuration = StepDuration(seconds: 30), containerCLI: ContainerCLI? = nil,
                     path: String? = nil) -> VerificationPlan {
        VerificationPlan(records: records, logPath: (logDirectory ?? root) + "/DOCKERFILE_FIXES.md", root: root,
                         searchPath: path ?? environment()["PATH"] ?? VerificationSettings.defaultPath,
                         defaultTimeout: timeout, containerCLI: containerCLI)
    }

    static func environment(extra: [String: String] = [:], names: [String] = []) -> [String: String] {
        VerificationSettings.environment(parent: ProcessInfo.processInfo.environment, names: names, values: extra)
    }

    static func engine(jobs: Int = 2, useCache: Bool = true, environment: [String: String]? = nil,
                       masker: SecretMasker = SecretMasker(secrets: [])) -> VerificationEngine {
        VerificationEngine(settings: VerificationSettings(
            jobs: jobs, useCache: useCache, grace: .milliseconds(300), outputLimit: 256 * 1024,
            excerptLimit: 1024, environment: environment ?? self.environment(), masker: masker))
    }

    /// Runs single-step records and returns the results.
    static func run(_ steps: [VerificationStep], root: String, engine: VerificationEngine? = nil,
                    previous: VerificationResults? = nil, timeout: StepDuration = StepDuration(seconds: 30)) async -> [StepResult] {
        let plan = plan(steps.enumerated().map { VerificationRecord(number: $0.offset + 1, title: "R\($0.offset + 1)", steps: [$0.element]) },
                        root: root, timeout: timeout)
        return await (engine ?? self.engine()).run(plan.steps, logPath: "DOCKERFILE_FIXES.md", previous: previous)
    }

    /// Whether any live (non-zombie) process is still in group `pgid`. Zombies are dead: on this VM the
    /// init process reaps orphans only about once a second, so `kill(-pgid, 0)` alone would see them.
    static func groupAlive(_ pgid: Int32) -> Bool {
        guard kill(-pgid, 0) == 0 else { return false }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return true }
        for entry in entries where Int32(entry) != nil {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { continue }
            let fields = stat[close.upperBound...].split(separator: " ")
            // fields[0] = state, fields[1] = ppid, fields[2] = pgrp
            if fields.count > 2, Int32(fields[2]) == pgid, fields[0] != "Z", fields[0] != "X" { return true }
        }
        return false
    }

    /// Reads a pid written by a script (`echo $$ > file`).
    static func readPid(_ path: String) -> Int32? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Waits briefly for a killed group to be reaped by the kernel (SIGKILL delivery is asynchronous).
    static func groupGone(_ pgid: Int32) async -> Bool {
        for _ in 0..<100 {
            if !groupAlive(pgid) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !groupAlive(pgid)
    }

    /// Compares `actual` with the golden file `Goldens/verify/<name>` (see `TestSupport.assertGolden`).
    static func assertGolden(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        TestSupport.assertGolden(actual, "verify/" + name, sourceLocation: sourceLocation)
    }
}
