import Foundation
import Testing
@testable import FixlogCore

/// `fixlog check` spreads the claims of a large log over the cores; the report must be the same, byte for byte,
/// as when every change is checked on one core, and the same from run to run.
@Suite struct ParallelCheckTests {
    /// A Dockerfile of `count` instructions in four stages, with comments and continuations.
    static func dockerfile(_ count: Int) -> String {
        var out = ""
        let perStage = count / 4
        for i in 0..<count {
            if i % perStage == 0 { out += "FROM python:3.\(i / perStage)-slim AS stage\(i / perStage)\n"; continue }
            switch i % 4 {
            case 0: out += "RUN echo step-\(i) && make target-\(i) \\\n    && rm -rf /var/cache/build-\(i)\n"
            case 1: out += "COPY --chown=app:app src-\(i)/ /dst-\(i)/\n"
            case 2: out += "ENV KEY_\(i)=value-\(i)\n"
            default: out += "# step \(i)\nRUN pip install --no-cache-dir package-\(i)==1.\(i)\n"
            }
        }
        return out
    }

    /// Records whose changes hold, move, change, go missing, are superseded or violated, with stage hints and
    /// one target file that does not exist.
    static func log(records: Int, instructions: Int) -> String {
        var out = "# Fixes\n\n"
        for r in stride(from: records, to: 0, by: -1) {
            let i = (r * 7) % instructions
            let k = i - i % 4 + 3
            out += "## Fix #\(r): Fix number \(r) (2025-01-\(10 + r % 18))\n\n**Issue:** Something broke\n\n### Solution\n\n"
            let stage = ["Builder Stage", "Runtime", "stage `stage2`", "Nowhere Stage"][r % 4]
            out += "#### \(stage)\n\n"
            out += "**File:** `\(r % 29 == 0 ? "missing/Dockerfile" : "Dockerfile")` (line \(r % 400 + 1))\n\n```dockerfile\n"
            out += "# REMOVED: old install\n# RUN pip install --no-cache-dir package-\(k)==1.\(k - 4)\n"
            switch r % 5 {
            case 0: out += "RUN pip install --no-cache-dir package-\(k)==1.\(k)\n"
            case 1: out += "RUN pip install --no-cache-dir package-\(k)==2.\(r)\n"
            case 2: out += "COPY --chown=app:app src-\(k - 2)/ /dst-\(k - 2)/\n"
            case 3: out += "ENV KEY_\(k - 1)=value-\(k - 1)\n"
            default: out += "RUN echo step-\(k + 1) && make target-\(k + 1) && rm -rf /var/cache/build-\(k + 1)\n"
            }
            out += "```\n\n"
        }
        return out
    }

    static func reports(records: Int, instructions: Int) -> [CheckReport] {
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        TestLog.write(dockerfile(instructions), to: dir + "/Dockerfile")
        TestLog.write(log(records: records, instructions: instructions), to: dir + "/FIXES.md")
        let fixLog = FixLogIngester.load(path: dir + "/FIXES.md", displayPath: "FIXES.md")
        return [Int.max, 1, 1].map { minimum in
            CrossLinker.check(log: fixLog, logPath: dir + "/FIXES.md", root: dir, dockerfileOverride: nil,
                              logDisplayPath: "FIXES.md", similarityThreshold: CrossLinker.defaultSimilarityThreshold,
                              parallelMinimum: minimum)
        }
    }

    @Test func parallelCheckEqualsTheOneCoreCheck() throws {
        let reports = Self.reports(records: 600, instructions: 400)
        let one = reports[0]
        // The log exercises more than one verdict, and the missing file's error.
        #expect(Set(one.results.map(\.status)).count >= 3)
        #expect(one.diagnostics.contains { $0.id == .fileNotFound })
        for other in reports.dropFirst() {
            #expect(other.results == one.results)
            #expect(other.diagnostics == one.diagnostics)
            #expect(CheckJSONRenderer.render(other) == CheckJSONRenderer.render(one))
            #expect(CheckSARIFRenderer.render(other) == CheckSARIFRenderer.render(one))
            #expect(CheckTextRenderer.render(other) == CheckTextRenderer.render(one))
        }
    }

    @Test func parallelMapKeepsOrder() {
        for count in [0, 1, 7, 100, 1001] {
            let items = Array(0..<count)
            #expect(Parallel.map(items, minimumPerWorker: 1) { $0 * 3 + 1 } == items.map { $0 * 3 + 1 })
        }
    }
}
