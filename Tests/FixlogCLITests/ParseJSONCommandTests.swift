import FixlogCore
import Foundation
import Testing

/// `fixlog parse --format json` writes its document with the direct writer (in pieces, in parallel for
/// large logs): its standard output must be exactly the `Encodable` encoding of the same log.
@Suite("fixlog parse --format json (bytes)",
       .enabled(if: FixlogBinary.exists, "fixlog binary not built at .build/debug/fixlog; run `swift build` first"))
struct ParseJSONCommandTests {
    static func expectSameAsEncodable(_ path: String) throws {
        let out = try FixlogBinary.run(["parse", path, "--format", "json"])
        let reference = try JSONOutput.encodeUTF8(ParseDocumentV1(FixLogIngester.load(path: path)))
        let stdout = Array(out.stdout.utf8)
        let same = stdout == reference
        let at = zip(stdout, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(stdout.count, reference.count)
        #expect(same, "\(stdout.count) bytes instead of \(reference.count), first difference at byte \(at)")
        #expect(out.status == 0)
        #expect(reference.count > 1000)
    }

    @Test func fixtureLog() throws {
        try Self.expectSameAsEncodable(
            FixlogBinary.packageRoot.appendingPathComponent("fixtures/projects/voice-backend/DOCKERFILE_FIXES.md").path)
    }

    /// Enough records for the parallel path.
    @Test func largeLog() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        var text = "# Dockerfile Fixes\n\n"
        for n in stride(from: 150, to: 0, by: -1) {
            text += "## Fix #\(n): Slow \"build\" \\ é 😇 (2025-02-\(10 + n % 18))\n\n**Issue:** layer \(n) too big\n\n"
            text += "### Solution\n\n#### Builder Stage (lines \(n)-\(n + 2))\n```dockerfile\nRUN pip install a==\(n)  # <--- ADDED\n```\n\n"
            text += "### Verification\n\n```bash timeout=30s requires=podman\necho \(n)\n# Expected output:\n# \(n)\n```\n\n"
        }
        try Self.expectSameAsEncodable(try dir.write("DOCKERFILE_FIXES.md", text))
    }
}
