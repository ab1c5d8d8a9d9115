import Foundation
import Testing

@Suite("fixlog check (end to end)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct CheckCommandTests {
    static let fixture = FixlogBinary.packageRoot.appendingPathComponent("fixtures/projects/dockerfile-history").path

    /// A copy of the fixture log plus one Dockerfile state, as a little repository of its own.
    func project(state: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        let log = try String(contentsOfFile: Self.fixture + "/DOCKERFILE_FIXES.md", encoding: .utf8)
        let dockerfile = try String(contentsOfFile: Self.fixture + "/states/\(state)/Dockerfile", encoding: .utf8)
        _ = try dir.write("DOCKERFILE_FIXES.md", log)
        _ = try dir.write("Dockerfile", dockerfile)
        return dir
    }

    @Test func exitStatusFollowsTheVerdicts() throws {
        let log = Self.fixture + "/DOCKERFILE_FIXES.md"
        let holds = try FixlogBinary.run(["check", log, "--root", Self.fixture, "--dockerfile", Self.fixture + "/states/03-current/Dockerfile"])
        #expect(holds.status == 0)
        #expect(holds.stdout.contains("8 changes: 7 holds, 1 superseded"))
        let moved = try FixlogBinary.run(["check", log, "--root", Self.fixture, "--dockerfile", Self.fixture + "/states/04-moved/Dockerfile"])
        #expect(moved.status == 1)
        #expect(moved.stdout.contains("4 moved"))
        let regression = try FixlogBinary.run(["check", log, "--root", Self.fixture, "--dockerfile", Self.fixture + "/states/06-regression/Dockerfile", "--format", "github"])
        #expect(regression.status == 1)
        #expect(regression.stdout.contains("::error file="))
    }

    @Test func usageAndInputErrorsExitTwo() throws {
        let dir = try project(state: "03-current")
        defer { dir.cleanup() }
        let log = dir.url.appendingPathComponent("DOCKERFILE_FIXES.md").path
        #expect(try FixlogBinary.run(["check", log, "--format", "yaml"]).status == 2)
        #expect(try FixlogBinary.run(["check", dir.url.appendingPathComponent("nope.md").path]).status == 2)
        #expect(try FixlogBinary.run(["check", log, "--root", dir.url.appendingPathComponent("nope").path]).status == 2)
        let missingDockerfile = try FixlogBinary.run(["check", log, "--dockerfile", dir.url.appendingPathComponent("nope").path])
        #expect(missingDockerfile.status == 2)
        #expect(missingDockerfile.stderr.contains("[file-not-found]"))
        // The Dockerfile beside the log is found through **File:** and the default.
        #expect(try FixlogBinary.run(["check", log, "--root", dir.url.path]).status == 0)
    }

    @Test func fixRewritesStaleReferencesOnce() throws {
        let dir = try project(state: "04-moved")
        defer { dir.cleanup() }
        let log = dir.url.appendingPathComponent("DOCKERFILE_FIXES.md").path
        let before = try String(contentsOfFile: log, encoding: .utf8)
        let first = try FixlogBinary.run(["check", log, "--root", dir.url.path, "--fix"])
        #expect(first.status == 0, "after --fix the log holds: \(first.stdout)")
        #expect(first.stderr.components(separatedBy: "fixed:").count - 1 == 4)
        let after = try String(contentsOfFile: log, encoding: .utf8)
        #expect(after != before)
        #expect(after.contains("#### Runtime Stage (lines 36-38)"))
        let second = try FixlogBinary.run(["check", log, "--root", dir.url.path, "--fix"])
        #expect(second.status == 0)
        #expect(!second.stderr.contains("fixed:"))
        #expect(try String(contentsOfFile: log, encoding: .utf8) == after)
    }

    @Test func formatsAndColour() throws {
        let dir = try project(state: "05-changed")
        defer { dir.cleanup() }
        let log = dir.url.appendingPathComponent("DOCKERFILE_FIXES.md").path
        let json = try FixlogBinary.run(["check", log, "--root", dir.url.path, "--format", "json"])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["schemaVersion"] as? Int == 1)
        let sarif = try FixlogBinary.run(["check", log, "--root", dir.url.path, "--format", "sarif"])
        #expect(sarif.stdout.contains("\"version\": \"2.1.0\""))
        let plain = try FixlogBinary.run(["check", log, "--root", dir.url.path])
        #expect(!plain.stdout.contains("\u{1B}["), "no colour when not on a terminal")
        let coloured = try FixlogBinary.run(["check", log, "--root", dir.url.path, "--color"])
        #expect(coloured.stdout.contains("\u{1B}[33mchanged"))
    }
}
