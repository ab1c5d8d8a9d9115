import Foundation
import Testing
@testable import FixlogCore

/// Statuses, supersession, suggestions and target resolution on small hand-written projects.
@Suite struct StatusTests {
    /// Write a Dockerfile into a fresh root and check `log` against it.
    func check(_ log: FixLog, dockerfile: String, files: [String: String] = [:]) -> (CheckReport, String) {
        let root = TestLog.temporaryDirectory()
        TestLog.write(dockerfile, to: root + "/Dockerfile")
        for (path, text) in files { TestLog.write(text, to: root + "/" + path) }
        TestLog.write("# log\n", to: root + "/FIXES.md")
        let report = CrossLinker.check(log: log, logPath: root + "/FIXES.md", root: root, logDisplayPath: "FIXES.md")
        return (report, root)
    }

    let dockerfile = """
        FROM python:3.11 AS builder
        # Remove numpy wheels
        RUN rm -f /wheels/numpy-*.whl
        FROM python:3.11-slim
        RUN pip install --no-cache-dir "numpy>=1.24.0,<2.0"
        USER app

        """

    @Test func holdsMovedChangedMissing() {
        let log = TestLog.log([TestLog.incident(1, changes: [
            TestLog.change("RUN rm -f /wheels/numpy-*.whl", stage: "Builder Stage", lineRef: (3, 3, "line 3", 5)),
            TestLog.change("RUN rm -f /wheels/numpy-*.whl", lineRef: (2, 2, "line 2", 7)),
            TestLog.change(#"RUN pip install --no-cache-dir "numpy>=1.24.0,<1.26.0""#, stage: "Runtime"),
            TestLog.change("WORKDIR /srv"),
            TestLog.change("USER app", stage: "Builder Stage"),
        ])])
        let (report, root) = check(log, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(report.results.map(\.status) == [.holds, .moved, .changed, .missing, .moved])
        #expect(report.results[0].suggestedLineRef == "line 3")
        #expect(report.results[1].suggestedLineRef == "line 3")
        #expect(report.results[2].claims[0].diff?.plain.contains(#"[-"numpy>=1.24.0,<1.26.0"-] {+"numpy>=1.24.0,<2.0"+}"#) == true)
        #expect(report.results[2].actualLines == LineSpan(line: 5))
        #expect(report.results[4].claims[0].detail?.contains("not in the hinted stage") == true)
        #expect(report.exitCode == 1)
    }

    @Test func commentsAboveAreIncludedWhenTheReferenceIncludedThem() {
        let code = "# Remove numpy wheels\nRUN rm -f /wheels/numpy-*.whl"
        let log = TestLog.log([TestLog.incident(1, changes: [
            TestLog.change(code, lineRef: (5, 6, "lines 5-6", 5)),
            TestLog.change(code, lineRef: (5, 5, "line 5", 9)),
        ])])
        let (report, root) = check(log, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(report.results[0].suggestedLineRef == "lines 2-3")
        #expect(report.results[1].suggestedLineRef == "line 3")
    }

    @Test func absentClaimsHoldOrAreViolated() {
        let log = TestLog.log([TestLog.incident(1, changes: [
            TestLog.change("""
                FROM python:3.11-slim
                # REMOVED: old install
                # RUN pip install \\
                #   torch
                """, stage: "Runtime"),
            TestLog.change("# OLD: python:3.10\nFROM python:3.11 AS builder", stage: "Builder"),
            TestLog.change("-USER app\n+USER root", role: .diff),
            TestLog.change("USER app", role: .before),
        ])])
        let (report, root) = check(log, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(report.results[0].status == .holds)
        #expect(report.results[0].claims.map(\.kind) == [.present, .absent])
        #expect(report.results[0].claims[1].instruction == "RUN pip install torch")
        #expect(report.results[1].status == .holds)
        #expect(report.results[1].claims.contains { $0.kind == .absent && $0.instruction == "FROM python:3.10" })
        #expect(report.results[2].status == .violated)
        #expect(report.results[2].claims.first { $0.kind == .absent }?.actualLines == LineSpan(line: 6))
        #expect(report.results[3].status == .violated)
    }

    @Test func supersededNamesTheLaterRecord() {
        // Newest first, as logs usually are. #2 removes what #1 added; #3 brings back what #2 removed... no:
        // #3 re-adds `USER app`, which #1 removed.
        let log = TestLog.log([
            TestLog.incident(3, date: "2025-03-01", title: "Three", changes: [TestLog.change("USER app")]),
            TestLog.incident(2, date: "2025-02-01", title: "Two", changes: [
                TestLog.change("# REMOVED: torch\n# RUN pip install torch"),
            ]),
            TestLog.incident(1, date: "2025-01-01", title: "One", changes: [
                TestLog.change("RUN pip install torch"),
                TestLog.change("USER app", role: .before),
                TestLog.change("RUN pip install flask"),
            ]),
        ])
        let (report, root) = check(log, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let one = report.results.filter { $0.incident == 1 }
        #expect(one.map(\.status) == [.superseded, .superseded, .missing])
        #expect(one[0].supersededBy?.incident == 2)
        #expect(one[0].supersededBy?.title == "Two")
        #expect(one[1].supersededBy?.incident == 3)
        // An earlier record cannot supersede a later one.
        let reversed = TestLog.log([
            TestLog.incident(1, date: "2025-01-01", changes: [TestLog.change("# REMOVED: x\n# RUN pip install torch")]),
            TestLog.incident(2, date: "2025-02-01", changes: [TestLog.change("RUN pip install torch")]),
        ])
        let (r2, root2) = check(reversed, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root2) }
        #expect(r2.results[1].status == .missing)
    }

    @Test func replacementMakesBothClaims() {
        let log = TestLog.log([TestLog.incident(1, changes: [
            TestLog.change("RUN true", replacement: (from: "python:3.10", to: "python:3.11-slim")),
        ])])
        let (report, root) = check(log, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let claims = report.results[0].claims
        #expect(claims.contains { $0.kind == .absent && $0.instruction == "FROM python:3.10" && $0.status == .holds })
        #expect(claims.contains { $0.kind == .present && $0.instruction == "FROM python:3.11-slim" && $0.status == .holds })
    }

    @Test func targetFilesResolveInsideTheRootOnly() throws {
        let log = TestLog.log([TestLog.incident(1, changes: [
            TestLog.change("USER app", file: "Dockerfile"),
            TestLog.change("USER app", file: "/app/Dockerfile"),
            TestLog.change("USER app", file: "backend/Dockerfile"),
            TestLog.change("USER app", file: "../../etc/passwd"),
            TestLog.change("USER app", file: "/etc/passwd"),
            TestLog.change("USER app", file: "nope/Dockerfile"),
        ])])
        let (report, root) = check(log, dockerfile: dockerfile, files: ["backend/Dockerfile": "FROM a\nUSER app\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(report.results.map(\.status) == [.holds, .holds, .holds, .error, .error, .error])
        #expect(report.results[1].file == "Dockerfile")
        #expect(report.results[2].file == "backend/Dockerfile")
        #expect(report.results[3].diagnostics.first?.id == .pathOutsideRoot)
        #expect(report.results[4].diagnostics.first?.id == .fileNotFound)
        #expect(report.results[5].diagnostics.first?.id == .fileNotFound)
        #expect(report.exitCode == 2)

        // A symbolic link pointing out of the root is refused too.
        let outside = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outside) }
        TestLog.write("FROM a\nUSER app\n", to: outside + "/Dockerfile")
        try FileManager.default.createSymbolicLink(atPath: root + "/linked", withDestinationPath: outside)
        let resolver = TargetResolver(root: root, logPath: root + "/FIXES.md")
        guard case .failure(let e) = resolver.resolve("linked/Dockerfile") else {
            Issue.record("a link out of the root resolved")
            return
        }
        #expect(e.diagnostic.id == .pathOutsideRoot)
    }

    @Test func nonDockerfileChangesAreUnchecked() {
        var yaml = TestLog.change("services: {}", language: "yaml")
        yaml.file = "docker-compose.yml"
        let log = TestLog.log([TestLog.incident(1, changes: [yaml, TestLog.change("USER app")])])
        let (report, root) = check(log, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(report.results.map(\.status) == [.unchecked, .holds])
        #expect(report.exitCode == 0)
    }

    @Test func sharedReferencesAreRewrittenOnceOrNotAtAll() {
        let agree = TestLog.log([TestLog.incident(1, changes: [
            TestLog.change("RUN rm -f /wheels/numpy-*.whl", lineRef: (2, 2, "line 2", 5), role: .before),
            TestLog.change("RUN rm -f /wheels/numpy-*.whl", lineRef: (2, 2, "line 2", 5)),
        ])])
        let (r1, root1) = check(agree, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root1) }
        #expect(r1.results.map(\.status) == [.violated, .moved])
        #expect(LineReferenceFixer.edits(for: r1).map(\.replacement) == ["line 3"])

        let disagree = TestLog.log([TestLog.incident(1, changes: [
            TestLog.change("RUN rm -f /wheels/numpy-*.whl", lineRef: (2, 2, "line 2", 5)),
            TestLog.change("USER app", lineRef: (2, 2, "line 2", 5)),
        ])])
        let (r2, root2) = check(disagree, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root2) }
        #expect(r2.results.map(\.suggestedLineRef) == ["line 3", "line 6"])
        #expect(LineReferenceFixer.edits(for: r2).isEmpty)
    }

    @Test func unparsableSnippetsAndDockerfilesAreReported() {
        let log = TestLog.log([TestLog.incident(1, changes: [
            TestLog.change("RUN echo <<EOF\nnever closed"),
        ])])
        let (report, root) = check(log, dockerfile: "FROM a\nRUN <<EOF\nstill open\n")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(report.results[0].status == .error)
        #expect(report.diagnostics.contains { $0.id == .dockerfileUnreadable })
        #expect(report.exitCode == 2)
    }

    @Test func documentedOrderAndEllipses() {
        let log = TestLog.log([TestLog.incident(1, changes: [
            // USER (line 6) documented before the pip install (line 5): the second claim is out of order.
            TestLog.change("USER app\nRUN pip install --no-cache-dir \"numpy>=1.24.0,<2.0\"", stage: "Runtime"),
            // `...` stands for omitted words.
            TestLog.change("RUN pip install ... \"numpy>=1.24.0,<2.0\"", lineRef: (5, 5, "line 5", 20)),
            TestLog.change("RUN pip install ... \"numpy>=9\""),
        ])])
        let (report, root) = check(log, dockerfile: dockerfile)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(report.results[0].claims.map(\.status) == [.holds, .moved])
        #expect(report.results[0].claims[1].detail?.contains("out of the documented order") == true)
        #expect(report.results[1].status == .holds)
        #expect(report.results[1].claims[0].normalisations == [.ellipsis])
        #expect(report.results[1].claims[0].actualLines == LineSpan(line: 5))
        #expect(report.results[2].status == .changed || report.results[2].status == .missing)
    }

    @Test func defaultRootIsTheGitTopLevelElseTheLogDirectory() throws {
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/repo/.git", withIntermediateDirectories: true)
        TestLog.write("# log\n", to: dir + "/repo/docs/FIXES.md")
        TestLog.write("# log\n", to: dir + "/plain/FIXES.md")
        let canonical = { (p: String) in URL(fileURLWithPath: p).resolvingSymlinksInPath().path }
        #expect(TargetResolver.defaultRoot(forLog: dir + "/repo/docs/FIXES.md") == canonical(dir + "/repo"))
        // A Dockerfile at the repository root is found for a log in docs/.
        TestLog.write("FROM a\nUSER app\n", to: dir + "/repo/Dockerfile")
        let resolver = TargetResolver(root: TargetResolver.defaultRoot(forLog: dir + "/repo/docs/FIXES.md"),
                                      logPath: dir + "/repo/docs/FIXES.md")
        guard case .success(let target) = resolver.resolve(nil) else {
            Issue.record("Dockerfile at the root not found")
            return
        }
        #expect(target.display == "Dockerfile")
        let plain = TargetResolver.defaultRoot(forLog: dir + "/plain/FIXES.md")
        #expect(plain == canonical(dir + "/plain") || FileManager.default.fileExists(atPath: plain + "/.git"))
    }
}
