import Foundation
import Testing
@testable import FixlogCore

/// fixtures/projects/voice-backend: the Dockerfile beside the log, checked as EXPECTED.md says.
@Suite struct VoiceBackendTests {
    static let root = TestLog.packageRoot + "/fixtures/projects/voice-backend"

    static func check(logPath: String = root + "/DOCKERFILE_FIXES.md", root: String = root) -> CheckReport {
        let log = FixLogIngester.load(path: logPath, displayPath: "DOCKERFILE_FIXES.md")
        return CrossLinker.check(log: log, logPath: logPath, root: root, logDisplayPath: "DOCKERFILE_FIXES.md")
    }

    @Test func verdictsMatchExpected() {
        let report = Self.check()
        let rows = report.results.map { "#\($0.incident ?? 0)/\($0.change) \($0.status.rawValue) \($0.actualLines?.description ?? "—") \($0.suggestedLineRef ?? "—")" }
        #expect(rows == [
            "#5/0 holds — lines 43-44", "#5/1 holds 43-44 lines 43-44",
            "#4/0 moved 37-40 lines 37-40", "#4/1 holds 21-23 lines 21-23",
            "#3/0 superseded — —",
            "#2/0 holds 10-16 lines 10-16", "#2/1 holds 28-32 lines 28-32",
            "#1/0 holds 6-8 lines 6-8", "#1/1 holds 24-26 lines 24-26",
        ])
        #expect(report.results.first { $0.incident == 3 }?.supersededBy?.incident == 4)
        #expect(report.exitCode == 1)
        Golden.assert(CheckTextRenderer.render(report), named: "voice-backend.txt")
    }

    @Test func fixCorrectsTheOneStaleReference() throws {
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["DOCKERFILE_FIXES.md", "Dockerfile"] {
            try FileManager.default.copyItem(atPath: Self.root + "/" + name, toPath: dir + "/" + name)
        }
        let logPath = dir + "/DOCKERFILE_FIXES.md"
        let before = try #require(FileManager.default.contents(atPath: logPath))
        let (applied, _) = LineReferenceFixer.fix(logPath: logPath, report: Self.check(logPath: logPath, root: dir))
        #expect(applied.map(\.replacement) == ["lines 37-40"])
        let after = try #require(FileManager.default.contents(atPath: logPath))
        let expected = String(decoding: before, as: UTF8.self)
            .replacingOccurrences(of: "**File:** `Dockerfile` (lines 35-38)", with: "**File:** `Dockerfile` (lines 37-40)")
        #expect(String(decoding: after, as: UTF8.self) == expected)
        let again = Self.check(logPath: logPath, root: dir)
        #expect(again.exitCode == 0)
        #expect(LineReferenceFixer.edits(for: again).isEmpty)
    }
}
