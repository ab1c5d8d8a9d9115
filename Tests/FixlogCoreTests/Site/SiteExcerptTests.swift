import Foundation
import Testing
@testable import FixlogCore

/// A change whose claims lie far apart in the Dockerfile (a base image at the top, an install near the end)
/// is shown and marked claim by claim, not as one block from the first claim to the last.
@Suite("Site: far-apart claims")
struct SiteExcerptTests {
    static func site() throws -> [String: String] {
        try TestSupport.withTemporaryDirectory { dir in
            var dockerfile = "FROM python:3.11-slim AS runtime\n"
            for i in 2...499 { dockerfile += "ENV VAR_\(i)=\(i)\n" }
            dockerfile += "RUN pip install --no-cache-dir numpy==1.26.4\n"
            try Data(dockerfile.utf8).write(to: dir.appendingPathComponent("Dockerfile"))
            let log = """
                # Fixes

                ## Fix #1: Pin numpy on the slim base (2025-01-02)

                ### Solution

                **File:** `Dockerfile`

                ```dockerfile
                FROM python:3.11-slim AS runtime
                RUN pip install --no-cache-dir numpy==1.26.4
                ```

                """
            let logPath = dir.appendingPathComponent("DOCKERFILE_FIXES.md").path
            try Data(log.utf8).write(to: URL(fileURLWithPath: logPath))
            let source = SourceText(path: "DOCKERFILE_FIXES.md", string: log)
            let fixLog = FixLogIngester.ingest(source)
            let report = CrossLinker.check(log: fixLog, logPath: logPath, root: dir.path, logDisplayPath: "DOCKERFILE_FIXES.md")
            let input = SiteInput(log: fixLog, logText: source, logName: "DOCKERFILE_FIXES.md", report: report, results: nil,
                                  dockerfiles: SiteInput.loadDockerfiles(for: report), options: SiteOptions())
            return SiteFixture.text(try SiteBuilder.render(input, templates: SiteFixture.templates()))
        }
    }

    @Test func recordPageShowsEachClaimWithTheGapLeftOut() throws {
        let files = try Self.site()
        let record = try #require(files["records/fix-1.html"])
        #expect(record.contains("496 lines not shown"), "the lines between the two claims (and their context lines) are elided")
        #expect(record.contains(">1</a><code>FROM python:3.11-slim AS runtime</code>"))
        #expect(record.contains(">500</a><code>RUN pip install --no-cache-dir numpy==1.26.4</code>"))
        #expect(!record.contains("ENV VAR_250=250"), "the middle of the file is not in the excerpt")
        #expect(record.contains("lines 1–500 as they are now (2 excerpts)"))
    }

    @Test func dockerfilePageMarksOnlyTheClaimedLines() throws {
        let files = try Self.site()
        let page = try #require(files["dockerfiles/Dockerfile.html"])
        let markedRows = page.components(separatedBy: "class=\"line marked").count - 1
        #expect(markedRows == 2, "the FROM and the RUN, not the 498 lines between them")
    }
}
