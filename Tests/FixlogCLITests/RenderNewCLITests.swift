import Foundation
import Testing

@Suite("fixlog render and new (end to end)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct RenderNewCLITests {
    static let fixture = FixlogBinary.packageRoot.appendingPathComponent("fixtures/projects/voice-backend/DOCKERFILE_FIXES.md").path

    @Test func renderFindsTheDefaultTemplates() throws {
        let out = try FixlogBinary.run(["render", Self.fixture])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("# Dockerfile Fixes Documentation\n\n## Fix #5: "))
    }

    @Test func newAddsTheNextRecordAndRefusesBadInput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try dir.write("DOCKERFILE_FIXES.md", try String(contentsOfFile: Self.fixture, encoding: .utf8))
        let before = try String(contentsOfFile: log, encoding: .utf8)
        let bad = try FixlogBinary.run(["new", "Title", log, "--date", "2025-13-01"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("[new-record-date]"))
        let missing = try FixlogBinary.run(["new", "Title", log, "--templates", dir.url.appendingPathComponent("nope").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("[template-missing]"))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == before, "nothing written on errors")
        let ok = try FixlogBinary.run(["new", "Pin the Whisper Model", log, "--date", "2025-12-01"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr.contains("added Fix #6"))
        let after = try String(contentsOfFile: log, encoding: .utf8)
        #expect(after.contains("## Fix #6: Pin the Whisper Model (2025-12-01)\n"))
        #expect(after.range(of: "Fix #6")!.lowerBound < after.range(of: "Fix #5")!.lowerBound)
    }
}
