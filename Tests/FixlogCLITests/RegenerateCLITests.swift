import Foundation
import Testing

@Suite("fixlog regenerate (end to end)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct RegenerateCLITests {
    static let fixture = FixlogBinary.packageRoot.appendingPathComponent("fixtures/projects/dockerfile-history").path

    func project(state: String) throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        let log = try String(contentsOfFile: Self.fixture + "/DOCKERFILE_FIXES.md", encoding: .utf8)
        let dockerfile = try String(contentsOfFile: Self.fixture + "/states/\(state)/Dockerfile", encoding: .utf8)
        let path = try dir.write("DOCKERFILE_FIXES.md", log)
        _ = try dir.write("Dockerfile", dockerfile)
        return (dir, path)
    }

    func modificationDate(_ path: String) throws -> Date? {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }

    @Test func checkExitCodesAndMtimeKept() throws {
        let (dir, log) = try project(state: "04-moved")
        defer { dir.cleanup() }
        let original = try String(contentsOfFile: log, encoding: .utf8)
        let stale = try FixlogBinary.run(["regenerate", log, "--root", dir.url.path, "--check"])
        #expect(stale.status == 1)
        #expect(stale.stdout.hasPrefix("--- a/"))
        #expect(stale.stdout.contains("+<!-- fixlog:status sha256="))
        #expect(stale.stderr.contains("[log-out-of-date]"))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == original, "--check writes nothing")

        let run = try FixlogBinary.run(["regenerate", log, "--root", dir.url.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "fixed:").count - 1 == 4)
        let regenerated = try String(contentsOfFile: log, encoding: .utf8)
        #expect(regenerated != original)

        let current = try FixlogBinary.run(["regenerate", log, "--root", dir.url.path, "--check"])
        #expect(current.status == 0)
        #expect(current.stdout.isEmpty)

        // When nothing changes, the file is not rewritten: its modification time stays.
        let past = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: log)
        let again = try FixlogBinary.run(["regenerate", log, "--root", dir.url.path])
        #expect(again.status == 0)
        #expect(try modificationDate(log) == past)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == regenerated)
    }

    @Test func outputLeavesTheLogAlone() throws {
        let (dir, log) = try project(state: "03-current")
        defer { dir.cleanup() }
        let original = try String(contentsOfFile: log, encoding: .utf8)
        let out = dir.url.appendingPathComponent("out.md").path
        let run = try FixlogBinary.run(["regenerate", log, "--root", dir.url.path, "--output", out, "--summary"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == original)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("<!-- fixlog:summary sha256="))
    }

    @Test func handEditedBlockExitsTwoUnlessForced() throws {
        let (dir, log) = try project(state: "03-current")
        defer { dir.cleanup() }
        #expect(try FixlogBinary.run(["regenerate", log, "--root", dir.url.path]).status == 0)
        var text = try String(contentsOfFile: log, encoding: .utf8)
        text = text.replacingOccurrences(of: "documented changes hold;", with: "documented changes hold (edited);")
        try Data(text.utf8).write(to: URL(fileURLWithPath: log))
        let refused = try FixlogBinary.run(["regenerate", log, "--root", dir.url.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("error: [managed-block-edited]"))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == text)
        #expect(try FixlogBinary.run(["regenerate", log, "--root", dir.url.path, "--force"]).status == 0)
        #expect(!(try String(contentsOfFile: log, encoding: .utf8)).contains("(edited)"))
    }

    @Test func resultsFileBesideTheLogIsUsed() throws {
        let (dir, log) = try project(state: "03-current")
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent(".fixlog"), withIntermediateDirectories: true)
        _ = try dir.write(".fixlog/results.json", """
            {"schemaVersion": 1, "steps": [{"incident": 4, "record": 1, "step": 1, "status": "failed", "reason": "exit status 1",
              "durationMs": 5, "startedAt": "2025-03-04T10:00:00Z", "outputExcerpt": "", "expectation": {"missingLines": [], "uncheckedLines": [], "notApplicableLines": []}, "inputsHash": "abcdef0123456789"}]}
            """)
        let run = try FixlogBinary.run(["regenerate", log, "--root", dir.url.path])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("step 1 ✗ failed: exit status 1 — 2025-03-04T10:00:00Z, inputs abcdef01"))
        #expect(try FixlogBinary.run(["regenerate", log, "--results", dir.url.appendingPathComponent("nope.json").path]).status == 2)
    }
}
