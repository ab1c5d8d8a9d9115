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
            let corrected = LineReferenceFixer.apply(LineReferenceFixer.edits(for: first), to: text).bytes
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

/// The regenerate sequence (check, correct the references, read again only the edited records, check again),
/// then further random edits, all in one session: every check equals a fresh check of its log.
@Suite struct CheckSessionRegenerateTests {
    /// The log with `edits` applied to random lines (each edit stays within its line), read again as
    /// regenerate reads it (only the records holding an edited line), or afresh when an edit adds a line break.
    static func edited(_ text: SourceText, memo: IngestMemo, count: Int, _ rng: inout SeededRandom)
        -> (SourceText, FixLog) {
        var lines = text.lineStarts.indices.map { Array(text.slice(for: $0 + 1)) }
        var touched = Set<Int>()
        for _ in 0..<count where !lines.isEmpty {
            let n = Int.random(in: 0..<lines.count, using: &rng)
            let (content, ending) = ReingestTests.split(lines[n])
            let mutated = ReingestTests.mutate(content, &rng)
            lines[n] = mutated + ending
            touched.insert(n + 1)
        }
        let next = SourceText(path: text.path, bytes: lines.flatMap { $0 })
        guard next.lineStarts.count == text.lineStarts.count else { return (next, FixLogIngester.ingest(next)) }
        return (next, FixLogIngester.ingest(next, editedLines: touched, since: memo))
    }

    @Test func everyCheckOfARegenerateSessionEqualsAFreshCheck() throws {
        var rng = SeededRandom(seed: 0xC4EC_0002)
        var rejudged = 0, takenOverSupersessions = 0, reused = 0
        for project in try CheckSessionTests.projects() {
            defer { if project.cleanup { try? FileManager.default.removeItem(atPath: project.dir) } }
            // With the Dockerfile given, and without (as `fixlog regenerate` runs: each change's file resolved
            // from the log, missing files and parser warnings reported by the session's loads).
            for override in [project.dir + "/Dockerfile", nil] {
                func fresh(_ log: FixLog) -> CheckReport {
                    CrossLinker.check(log: log, logPath: project.log, root: project.dir, dockerfileOverride: override)
                }
                var text = SourceText(path: project.log, bytes: [UInt8](FileManager.default.contents(atPath: project.log) ?? Data()))
                let memo = IngestMemo()
                var log = FixLogIngester.ingest(text, keeping: memo)
                let session = CheckSession(logPath: project.log, root: project.dir, dockerfileOverride: override,
                                           scratch: .keepUntilExit)
                session.preload()
                let first = session.check(log, parallelMinimum: 1)
                #expect(first == fresh(log), "\(project.dir): first check")
                // Stale references corrected and only the records holding them read again, as regenerate does.
                let corrected = LineReferenceFixer.apply(LineReferenceFixer.edits(for: first), to: text)
                if !corrected.applied.isEmpty {
                    text = SourceText(path: project.log, bytes: corrected.bytes)
                    log = FixLogIngester.ingest(text, editedLines: Set(corrected.applied.map(\.range.start.line)), since: memo)
                    #expect(session.check(log, parallelMinimum: 1) == fresh(log), "\(project.dir): corrected")
                    rejudged += session.rejudgedChanges
                    takenOverSupersessions += session.tookOverSupersessions ? 1 : 0
                    reused += session.reusedChanges
                }
                // Random edits, a few lines at a time, each version checked in the same session.
                for round in 0..<4 {
                    (text, log) = Self.edited(text, memo: memo, count: 1 + round, &rng)
                    #expect(session.check(log, parallelMinimum: round % 2 == 0 ? 1 : 256) == fresh(log),
                            "\(project.dir) override \(override ?? "none"): edit round \(round)")
                    takenOverSupersessions += session.tookOverSupersessions ? 1 : 0
                    rejudged += session.rejudgedChanges
                }
            }
        }
        #expect(rejudged > 10)  // changes differing only in their line reference were judged again from their claims
        #expect(takenOverSupersessions > 2)
        #expect(reused > 20)
    }

    /// A default Dockerfile that is not a regular file (a FIFO: opening it would wait for a writer) is not preloaded:
    /// the preload returns at once, and only a check that needs the file meets it.
    @Test func aFifoIsNotPreloaded() throws {
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/Dockerfile", 0o600) == 0)
        TestLog.write("# Fixes\n\nNo records.\n", to: dir + "/FIXES.md")
        let session = CheckSession(logPath: dir + "/FIXES.md", root: dir)
        session.preload()  // returns: were the FIFO opened, this would wait for a writer
        let log = FixLogIngester.ingest(SourceText(path: dir + "/FIXES.md", string: "# Fixes\n\nNo records.\n"))
        #expect(session.check(log).results.isEmpty)
    }

    /// The default target loaded ahead (in the background or not) gives the same checks as loading it on demand.
    @Test func preloadedTargetsGiveTheSameChecks() throws {
        for project in try CheckSessionTests.projects() {
            defer { if project.cleanup { try? FileManager.default.removeItem(atPath: project.dir) } }
            let log = FixLogIngester.ingest(SourceText(path: project.log,
                bytes: [UInt8](FileManager.default.contents(atPath: project.log) ?? Data())))
            for override in [project.dir + "/Dockerfile", nil] {
                let fresh = CrossLinker.check(log: log, logPath: project.log, root: project.dir, dockerfileOverride: override)
                let ahead = CheckSession(logPath: project.log, root: project.dir, dockerfileOverride: override)
                ahead.preloadInBackground()
                #expect(ahead.check(log) == fresh, "\(project.dir) override \(override ?? "none"): background")
                let before = CheckSession(logPath: project.log, root: project.dir, dockerfileOverride: override)
                before.preload()
                before.preload()
                #expect(before.check(log) == fresh, "\(project.dir) override \(override ?? "none"): preloaded")
            }
        }
        // A log beside no Dockerfile: nothing to preload, the check reports the missing file as before.
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        TestLog.write(ParallelCheckTests.log(records: 3, instructions: 40), to: dir + "/FIXES.md")
        let log = FixLogIngester.ingest(SourceText(path: dir + "/FIXES.md",
            bytes: [UInt8](FileManager.default.contents(atPath: dir + "/FIXES.md") ?? Data())))
        let session = CheckSession(logPath: dir + "/FIXES.md", root: dir)
        session.preload()
        let report = session.check(log)
        #expect(report == CrossLinker.check(log: log, logPath: dir + "/FIXES.md", root: dir))
        #expect(report.results.contains { $0.status == .error })
    }

    /// A session whose next log has fewer or more records and changes than the previous one.
    @Test func logsOfAnotherShapeInOneSession() throws {
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        TestLog.write(ParallelCheckTests.dockerfile(200), to: dir + "/Dockerfile")
        let session = CheckSession(logPath: dir + "/FIXES.md", root: dir)
        for records in [40, 12, 40, 41, 0, 5] {
            let text = ParallelCheckTests.log(records: records, instructions: 200)
            let log = FixLogIngester.ingest(SourceText(path: dir + "/FIXES.md", bytes: Array(text.utf8)))
            #expect(session.check(log, parallelMinimum: 1)
                    == CrossLinker.check(log: log, logPath: dir + "/FIXES.md", root: dir), "\(records) records")
        }
    }
}

/// `LineReferenceFixer.edits(for:)` chooses what the first implementation (a set of suggestions per reference) chose.
@Suite struct LineReferenceEditsTests {
    static func reference(_ report: CheckReport) -> [LineReferenceFixer.Edit] {
        var byRange: [SourceRange: (original: String, suggestions: Set<String>)] = [:]
        var order: [SourceRange] = []
        for r in report.results {
            guard let range = r.lineRefRange, r.lineRef != nil else { continue }
            if byRange[range] != nil {
                if r.needsLineRefFix, let s = r.suggestedLineRef { byRange[range]?.suggestions.insert(s) }
                continue
            }
            order.append(range)
            byRange[range] = (r.lineRef ?? "", r.needsLineRefFix ? Set([r.suggestedLineRef].compactMap { $0 }) : [])
        }
        return order.compactMap { range in
            guard let e = byRange[range], e.suggestions.count == 1, let s = e.suggestions.first else { return nil }
            return LineReferenceFixer.Edit(range: range, original: e.original, replacement: s)
        }
    }

    @Test func sameEditsAsTheSetOfSuggestions() throws {
        var rng = SeededRandom(seed: 0xED17_0001)
        var compared = 0
        for project in try CheckSessionTests.projects() {
            defer { if project.cleanup { try? FileManager.default.removeItem(atPath: project.dir) } }
            let log = FixLogIngester.ingest(SourceText(path: project.log,
                bytes: [UInt8](FileManager.default.contents(atPath: project.log) ?? Data())))
            var report = CrossLinker.check(log: log, logPath: project.log, root: project.dir,
                                           dockerfileOverride: project.dir + "/Dockerfile")
            #expect(LineReferenceFixer.edits(for: report) == Self.reference(report))
            // Shared references, agreeing and disagreeing suggestions, references that hold.
            let withRefs = report.results.indices.filter { report.results[$0].lineRefRange != nil }
            guard withRefs.count > 1 else { continue }
            for _ in 0..<20 {
                for i in withRefs {
                    let other = withRefs[Int.random(in: 0..<withRefs.count, using: &rng)]
                    if Int.random(in: 0..<3, using: &rng) == 0 {
                        report.results[i].lineRefRange = report.results[other].lineRefRange
                    }
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: report.results[i].suggestedLineRef = report.results[i].lineRef
                    case 1: report.results[i].suggestedLineRef = "line \(Int.random(in: 1...3, using: &rng))"
                    case 2: report.results[i].suggestedLineRef = nil
                    default: break
                    }
                }
                #expect(LineReferenceFixer.edits(for: report) == Self.reference(report))
                compared += 1
            }
        }
        #expect(compared > 20)
    }
}
