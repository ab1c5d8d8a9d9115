import Foundation
import Testing
@testable import FixlogCore

/// The reference log (a copy of the seed DOCKERFILE_FIXES.md) against a Dockerfile written to match it.
@Suite struct SeedLogTests {
    static let directory = TestLog.packageRoot + "/Tests/FixlogCoreTests/Linking/Fixtures/seed"

    static func check(dockerfile: String? = nil) -> CheckReport {
        let logPath = directory + "/DOCKERFILE_FIXES.md"
        let log = FixLogIngester.load(path: logPath, displayPath: "DOCKERFILE_FIXES.md")
        return CrossLinker.check(log: log, logPath: logPath, root: directory, dockerfileOverride: dockerfile,
                                 logDisplayPath: "DOCKERFILE_FIXES.md")
    }

    @Test func seedFixTwoHoldsAtItsDocumentedLines() throws {
        let report = Self.check()
        let two = report.results.filter { $0.incident == 2 }
        #expect(two.count == 2)
        #expect(two.map(\.status) == [.holds, .holds])
        #expect(two.map(\.documentedLines) == [LineSpan(first: 1, last: 25), LineSpan(first: 27, last: 49)])
        #expect(two.map(\.actualLines) == [LineSpan(line: 1), LineSpan(line: 27)])
        #expect(two.map(\.suggestedLineRef) == ["lines 1-25", "lines 27-49"])
        // The builder's FROM is checked in the builder stage, the runtime's in the last stage.
        #expect(two.map(\.stage) == [0, 1])
        // Absent claims: the removed torch install and the old CUDA base image.
        #expect(two[0].claims.contains { $0.kind == .absent && $0.instruction.hasPrefix("RUN pip install --no-cache-dir torch==") })
        #expect(two[0].claims.contains { $0.kind == .absent && $0.instruction == "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04" })
        #expect(report.exitCode == 0)
    }

    @Test func seedFixOneHoldsOrIsSupersededByFixTwo() throws {
        let report = Self.check()
        let one = report.results.filter { $0.incident == 1 }
        #expect(one.allSatisfy { $0.status == .holds || $0.status == .superseded })
        let superseded = one.filter { $0.status == .superseded }
        #expect(superseded.count == 1)
        #expect(superseded.first?.supersededBy?.incident == 2)
        let step1 = try #require(one.first { $0.documentedLines == LineSpan(line: 21) })
        #expect(step1.actualLines == LineSpan(line: 21))
        let marker = one.flatMap(\.claims).first { $0.instruction == #"RUN pip install --no-cache-dir "numpy>=1.24.0,<1.26.0""# && $0.normalisations.contains(.annotationMarker) }
        #expect(marker != nil, "the `# <--- ADDED THIS` marker is stripped and reported")
    }

    @Test func seedAfterARefactorSuggestsNewReferences() throws {
        // Two lines inserted at the top of the builder: #1's references go stale, #2's stage ranges still hold
        // for the builder FROM (line 3) but the runtime FROM moves to 29, still inside 27-49.
        let original = try String(contentsOfFile: Self.directory + "/Dockerfile", encoding: .utf8)
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        TestLog.write("# syntax=docker/dockerfile:1\n# refactored\n" + original, to: dir + "/Dockerfile")
        let report = Self.check(dockerfile: dir + "/Dockerfile")
        let two = report.results.filter { $0.incident == 2 }
        #expect(two.map(\.status) == [.holds, .holds])
        let one = report.results.filter { $0.incident == 1 && $0.lineRef != nil }
        #expect(one.map(\.status) == [.moved, .moved, .moved])
        #expect(one.map(\.suggestedLineRef) == ["line 23", "lines 34-35", "lines 42-47"])
        #expect(report.exitCode == 1)
    }
}
