import Foundation
import Testing
@testable import FixlogCore

/// The dockerfile-history fixture through the real ingester, parser and linker: statuses against
/// EXPECTED.md, and text / JSON / SARIF / GitHub goldens for every state.
@Suite struct FixtureGoldenTests {
    static let states = [
        "01-before-fixes", "02-after-fix-1", "03-current", "04-moved", "05-changed", "06-regression", "07-normalised",
    ]

    static func check(_ state: String, logPath: String = TestLog.fixtureRoot + "/DOCKERFILE_FIXES.md") -> CheckReport {
        let log = FixLogIngester.load(path: logPath, displayPath: "DOCKERFILE_FIXES.md")
        return CrossLinker.check(log: log, logPath: logPath, root: TestLog.fixtureRoot,
                                 dockerfileOverride: TestLog.fixtureRoot + "/states/\(state)/Dockerfile",
                                 logDisplayPath: "DOCKERFILE_FIXES.md")
    }

    @Test(arguments: states)
    func statusesMatchExpected(state: String) throws {
        let report = Self.check(state)
        let rows = try #require(FixtureVerdictTests.expected[state])
        #expect(report.results.count == 8)
        for r in report.results {
            let key = "#\(r.incident ?? 0)/\(r.change)"
            let row = try #require(rows[key], "unexpected change \(key)")
            #expect(r.status == row.status, "\(state) \(key)")
            if row.actual != "*" { #expect((r.actualLines?.description ?? "—") == row.actual, "\(state) \(key) actual") }
        }
    }

    @Test(arguments: states)
    func goldens(state: String) {
        let report = Self.check(state)
        Golden.assert(CheckTextRenderer.render(report), named: "\(state).txt")
        Golden.assert(CheckJSONRenderer.render(report), named: "\(state).json")
        Golden.assert(CheckSARIFRenderer.render(report), named: "\(state).sarif")
        Golden.assert(CheckGitHubRenderer.render(report), named: "\(state).github")
    }

    @Test func jsonCarriesTheCoreNames() throws {
        let data = Data(CheckJSONRenderer.render(Self.check("04-moved")).utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1)
        let results = try #require(json["results"] as? [[String: Any]])
        for key in ["incident", "change", "label", "file", "status", "documentedLines", "actualLines",
                    "suggestedLineRef", "supersededBy", "claims"] {
            #expect(results.allSatisfy { $0.keys.contains(key) }, "results lack '\(key)'")
        }
        let claims = results.flatMap { ($0["claims"] as? [[String: Any]]) ?? [] }
        for key in ["kind", "instruction", "status", "actualLines", "supersededBy", "detail"] {
            #expect(claims.allSatisfy { $0.keys.contains(key) }, "claims lack '\(key)'")
        }
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["moved"] as? Int == 4)
        #expect(summary["holds"] as? Int == 3)
        #expect(summary["superseded"] as? Int == 1)
    }

    @Test func sarifIsVersion210WithRelatedDockerfileLocations() throws {
        let data = Data(CheckSARIFRenderer.render(Self.check("06-regression")).utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["version"] as? String == "2.1.0")
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        let violated = try #require(results.first { $0["ruleId"] as? String == "violated" })
        #expect(violated["level"] as? String == "error")
        let related = try #require((violated["relatedLocations"] as? [[String: Any]])?.first)
        let physical = try #require(related["physicalLocation"] as? [String: Any])
        #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == 37)
    }

    /// `--fix` on a copy of the moved state: only the stale references change, a second run changes nothing.
    @Test func fixRewritesOnlyStaleReferencesAndIsIdempotent() throws {
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let logPath = dir + "/DOCKERFILE_FIXES.md"
        let original = try #require(FileManager.default.contents(atPath: TestLog.fixtureRoot + "/DOCKERFILE_FIXES.md"))
        _ = FileManager.default.createFile(atPath: logPath, contents: original, attributes: [.posixPermissions: 0o640])
        let report = Self.check("04-moved", logPath: logPath)
        let (applied, diagnostics) = LineReferenceFixer.fix(logPath: logPath, report: report)
        #expect(diagnostics.isEmpty)
        #expect(applied.count == 4)
        let fixed = try #require(FileManager.default.contents(atPath: logPath))
        let before = String(decoding: original, as: UTF8.self).components(separatedBy: "\n")
        let after = String(decoding: fixed, as: UTF8.self).components(separatedBy: "\n")
        #expect(before.count == after.count)
        let changedLines = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map { $0.offset + 1 }
        #expect(changedLines == [95, 152, 190, 202])
        #expect(after[94] == "**File:** `Dockerfile` (lines 40-44)")
        #expect(after[151] == "**Line:** 47")
        #expect(after[201] == "#### Runtime Stage (lines 36-38)")
        #expect(after[189].contains("22"))
        let mode = try FileManager.default.attributesOfItem(atPath: logPath)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["DOCKERFILE_FIXES.md"])

        // Second run: everything holds now, nothing to rewrite, bytes untouched.
        let again = Self.check("04-moved", logPath: logPath)
        #expect(again.results.filter { $0.status == .moved }.isEmpty)
        let (second, _) = LineReferenceFixer.fix(logPath: logPath, report: again)
        #expect(second.isEmpty)
        #expect(FileManager.default.contents(atPath: logPath) == fixed)
    }

    @Test func fixPreservesEveryOtherByte() {
        // CRLF, a BOM, non-ASCII text and no final newline survive a rewrite.
        let text = "\u{FEFF}# Log ✅\r\n\r\n## Fix #1: x (2025-01-01)\r\n\r\n**File:** `Dockerfile` (line 2)\r\n\r\n```dockerfile\r\nUSER app\r\n```\r\nTschüss"
        let source = SourceText(path: "x.md", string: text)
        let line = 5
        let col = Array("**File:** `Dockerfile` (".utf8).count + 1
        let range = SourceRange(start: SourceLocation(line: line, column: col),
                                end: SourceLocation(line: line, column: col + "line 2".utf8.count))
        #expect(source.text(range) == "line 2")
        let edit = LineReferenceFixer.Edit(range: range, original: "line 2", replacement: "line 3")
        let (bytes, applied) = LineReferenceFixer.apply([edit], to: source)
        #expect(applied.count == 1)
        #expect(String(decoding: bytes, as: UTF8.self) == text.replacingOccurrences(of: "(line 2)", with: "(line 3)"))
        // A stale edit (the text no longer reads the original) is skipped.
        let (same, none) = LineReferenceFixer.apply([edit], to: SourceText(path: "x.md", bytes: bytes))
        #expect(none.isEmpty)
        #expect(same == bytes)
    }

    @Test func atomicWriteFollowsSymbolicLinks() throws {
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        TestLog.write("old\n", to: dir + "/real.md")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.md", withDestinationPath: dir + "/real.md")
        try LineReferenceFixer.writeAtomically(Array("new\n".utf8), to: dir + "/link.md")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.md") == dir + "/real.md")
        #expect(FileManager.default.contents(atPath: dir + "/real.md") == Data("new\n".utf8))
    }
}
