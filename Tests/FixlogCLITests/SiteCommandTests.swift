import Foundation
import Testing

@Suite("fixlog site (end to end)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct SiteCommandTests {
    static let fixture = FixlogBinary.packageRoot.appendingPathComponent("fixtures/projects/voice-backend").path

    @Test func buildsTheSiteAndReplacesIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let out = dir.url.appendingPathComponent("site").path
        let first = try FixlogBinary.run(["site", Self.fixture + "/DOCKERFILE_FIXES.md", "--root", Self.fixture, "--out", out,
                                          "--title", "Voice <fixes>"])
        #expect(first.status == 0, "\(first.stderr)")
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(index.contains("Voice &lt;fixes&gt;"))
        #expect(FileManager.default.fileExists(atPath: out + "/records/fix-5.html"))
        #expect(FileManager.default.fileExists(atPath: out + "/dockerfiles/Dockerfile.html"))
        let again = try FixlogBinary.run(["site", Self.fixture + "/DOCKERFILE_FIXES.md", "--root", Self.fixture, "--out", out])
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8).contains("Dockerfile Fixes Documentation"))
    }

    @Test func templateAndUsageErrorsExit2AndLeaveTheSite() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let out = dir.url.appendingPathComponent("site").path
        #expect(try FixlogBinary.run(["site", Self.fixture + "/DOCKERFILE_FIXES.md", "--root", Self.fixture, "--out", out]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/index.html"))
        let templates = dir.url.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data("{{#x}}".utf8).write(to: templates.appendingPathComponent("layout.mustache"))
        let broken = try FixlogBinary.run(["site", Self.fixture + "/DOCKERFILE_FIXES.md", "--root", Self.fixture, "--out", out,
                                           "--templates", templates.path])
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("layout.mustache:1:"))
        #expect(broken.stderr.contains("[site-template-invalid] loadTemplates:"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/index.html")) == before)
        let badURL = try FixlogBinary.run(["site", Self.fixture + "/DOCKERFILE_FIXES.md", "--base-url", "javascript:alert(1)"])
        #expect(badURL.status == 2)
        let missingResults = try FixlogBinary.run(["site", Self.fixture + "/DOCKERFILE_FIXES.md", "--root", Self.fixture,
                                                   "--out", out, "--results", dir.url.appendingPathComponent("nope.json").path])
        #expect(missingResults.status == 2)
    }
}
