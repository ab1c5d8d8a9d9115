import Foundation
import Testing
@testable import FixlogCore

/// A check session (regenerate: check, correct the references, check again) must report exactly what a fresh
/// check of each version reports, while taking over the evaluation of changes whose records did not change.
@Suite struct CheckSessionTests {
    /// The generated log of the parallel-check tests against its Dockerfile, and every fixture project.
    static func projects() throws -> [(dir: String, log: String, cleanup: Bool)] {
        var out: [(String, String, Bool)] = []
        let dir = TestLog.temporaryDirectory()
        TestLog.write(ParallelCheckTests.dockerfile(400), to: dir + "/Dockerfile")
        TestLog.write(ParallelCheckTests.log(records: 120, instructions: 400), to: dir + "/FIXES.md")
        out.append((dir, dir + "/FIXES.md", true))
        let projects = TestSupport.fixtures.appendingPathComponent("projects").path
        for name in ["voice-backend", "busybox-app", "hostile"] {
            out.append((projects + "/" + name, projects + "/" + name + "/DOCKERFILE_FIXES.md", false))
        }
        let states = projects + "/dockerfile-history/states"
        for state in try FileManager.default.contentsOfDirectory(atPath: states).sorted() {
            let log = projects + "/dockerfile-history/DOCKERFILE_FIXES.md"
            out.append((states + "/" + state, log, false))
        }
        return out
    }

    @Test func aSecondCheckEqualsAFreshCheck() throws {
        var reused = 0
        var rng = SeededRandom(seed: 0xC4EC_0001)
        for project in try Self.projects() {
            defer { if project.cleanup { try? FileManager.default.removeItem(atPath: project.dir) } }
            let text = SourceText(path: project.log, bytes: [UInt8](FileManager.default.contents(atPath: project.log) ?? Data()))
            let log = FixLogIngester.ingest(text)
            let session = CheckSession(logPath: project.log, root: project.dir, dockerfileOverride: project.dir + "/Dockerfile")
            let first = session.check(log, parallelMinimum: 1)
            let fresh = CrossLinker.check(log: log, logPath: project.log, root: project.dir,
                                          dockerfileOverride: project.dir + "/Dockerfile")
            #expect(first == fresh, "\(project.dir): first check")
            // The same log again: everything is taken over, nothing changes.
            #expect(session.check(log, parallelMinimum: 1) == fresh)
            // Stale references corrected, as regenerate does, then random edits of a few lines.
            let corrected = Regenerator.applyLineReferenceEdits(LineReferenceFixer.edits(for: first), to: text).bytes
            let correctedText = SourceText(path: project.log, bytes: corrected)
            var lines = correctedText.lineStarts.indices.map { Array(correctedText.slice(for: $0 + 1)) }
            for _ in 0..<2 where !lines.isEmpty {
                let n = Int.random(in: 0..<lines.count, using: &rng)
                let (content, ending) = ReingestTests.split(lines[n])
                lines[n] = ReingestTests.mutate(content, &rng) + ending
            }
            let edited = FixLogIngester.ingest(SourceText(path: project.log, bytes: lines.flatMap { $0 }))
            let second = session.check(edited, parallelMinimum: 1)
            #expect(second == CrossLinker.check(log: edited, logPath: project.log, root: project.dir,
                                                dockerfileOverride: project.dir + "/Dockerfile"),
                    "\(project.dir): check after edits")
            reused += session.reusedChanges
        }
        #expect(reused > 50)  // unchanged records' changes were taken over, not evaluated again
    }
}
