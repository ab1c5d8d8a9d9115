import Foundation
import Testing

@Suite("fixlog parse (end to end)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct ParseCommandTests {
    static let fixtures = FixlogBinary.packageRoot.appendingPathComponent("fixtures")

    @Test func defaultLogInTheCurrentDirectory() throws {
        let project = Self.fixtures.appendingPathComponent("projects/voice-backend").path
        let out = try FixlogBinary.run(["parse"], in: project)
        #expect(out.status == 0)
        #expect(out.stdout.hasPrefix("DOCKERFILE_FIXES.md: 5 records"))
        #expect(out.stdout.contains("#4  2025-11-04  Container Ran as Root; TRANSFORMERS_CACHE Deprecated"))
        #expect(out.stderr.isEmpty)
    }

    @Test func jsonIsVersionedAndComplete() throws {
        let log = Self.fixtures.appendingPathComponent("projects/voice-backend/DOCKERFILE_FIXES.md").path
        let out = try FixlogBinary.run(["parse", log, "--format", "json"])
        #expect(out.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
        let incidents = try #require(object["incidents"] as? [[String: Any]])
        #expect(incidents.count == 5)
        for key in ["number", "title", "status", "date", "summary", "range", "sections", "rootCauses", "changes",
                    "verifications", "alternatives", "impact", "lessons"] {
            #expect(incidents[0].keys.contains(key), "incident key \(key)")
        }
        let change = try #require((incidents[1]["changes"] as? [[String: Any]])?.first)
        for key in ["label", "file", "stage", "lineRef", "language", "code", "annotations", "range"] {
            #expect(change.keys.contains(key), "change key \(key)")
        }
    }

    @Test func errorsExitOneWithLocatedMessages() throws {
        let missing = try FixlogBinary.run(["parse", "no-such-log.md"], in: FileManager.default.temporaryDirectory.path)
        #expect(missing.status == 1)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr == "no-such-log.md: error: [file-not-found] no such file 'no-such-log.md'\n")

        let malformed = Self.fixtures.appendingPathComponent("logs/malformed").path
        let utf8 = try FixlogBinary.run(["parse", "invalid-utf8.md"], in: malformed)
        #expect(utf8.status == 1)
        #expect(utf8.stderr.hasPrefix("invalid-utf8.md:3:15: error: [invalid-utf8] invalid UTF-8 at byte offset 34"))

        let warnings = try FixlogBinary.run(["parse", "duplicate-record-number.md"], in: malformed)
        #expect(warnings.status == 0)
        #expect(warnings.stderr.contains("duplicate-record-number.md:13:1: warning: [duplicate-record-number]"))

        let usage = try FixlogBinary.run(["parse", "--format", "yaml"])
        #expect(usage.status == 2)
    }
}
