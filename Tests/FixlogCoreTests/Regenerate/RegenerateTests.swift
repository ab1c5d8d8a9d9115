import Foundation
import Testing
@testable import FixlogCore

/// Helpers shared by the regenerate tests.
enum RegenerateSupport {
    static let voice = TestSupport.packageRoot.appendingPathComponent("fixtures/projects/voice-backend").path
    static let history = TestSupport.packageRoot.appendingPathComponent("fixtures/projects/dockerfile-history").path

    static func golden(_ actual: [UInt8], _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        TestSupport.assertGolden(String(decoding: actual, as: UTF8.self), "../Regenerate/Goldens/" + name, sourceLocation: sourceLocation)
    }

    /// Regenerates `bytes` as if they were the log at `logPath` (the Dockerfiles are read, nothing is written).
    static func regenerate(_ bytes: [UInt8], logPath: String, dockerfile: String? = nil, results: VerificationResults? = nil,
                           options: Regenerator.Options = .init()) -> Regenerator.Outcome {
        let root = (logPath as NSString).deletingLastPathComponent
        return Regenerator.regenerate(source: SourceText(path: logPath, bytes: bytes), results: results, options: options) { log in
            CrossLinker.check(log: log, logPath: logPath, root: root, dockerfileOverride: dockerfile)
        }
    }

    static func read(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Hand-written results for voice-backend: passed, skipped, failed, cached and timed-out steps.
    static let voiceResults = VerificationResults(steps: [
        StepResult(incident: 5, record: 1, step: 1, title: "Healthcheck Killed Containers During Model Warm-up", label: "Verification Steps",
                   status: .passed, exitStatus: 0, durationMs: 12, startedAt: "2025-11-21T09:00:00Z", inputsHash: "a1b2c3d4e5f60718293a4b5c6d7e8f90"),
        StepResult(incident: 5, record: 1, step: 2, title: "Healthcheck Killed Containers During Model Warm-up", label: "Verification Steps",
                   status: .skipped, reason: "podman is not installed", inputsHash: "ffeeddccbbaa99887766554433221100"),
        StepResult(incident: 4, record: 2, step: 1, title: "Container Ran as Root; TRANSFORMERS_CACHE Deprecated", label: "Verification Steps",
                   status: .failed, reason: "expected line missing: '40:USER voice'\ngot '42:USER voice'", exitStatus: 0, durationMs: 8,
                   startedAt: "2025-11-21T09:00:01Z", inputsHash: "0011223344556677"),
        StepResult(incident: 2, record: 4, step: 1, title: "Wheel Build Downloaded torch a Second Time", label: "Verification Steps",
                   status: .cached, reason: "inputs unchanged since the run at 2025-11-20T08:00:00Z", exitStatus: 0,
                   startedAt: "2025-11-20T08:00:00Z", inputsHash: "9988776655443322"),
        StepResult(incident: 1, record: 5, step: 1, title: "soundfile Could Not Find libsndfile", label: "Verification",
                   status: .timedOut, reason: "no exit after 60s <timeout>", durationMs: 60000,
                   startedAt: "2025-11-21T09:00:02Z", inputsHash: "1234abcd"),
    ])

    /// The managed blocks' lines removed (with the blank line fixlog inserts before each), for comparing the rest.
    static func withoutBlocks(_ bytes: [UInt8]) -> [String] {
        let source = SourceText(path: "x", bytes: bytes)
        let blocks = ManagedRegions.scan(source).blocks
        var drop = Set<Int>()
        for b in blocks {
            for n in b.openLine...b.closeLine { drop.insert(n) }
            if b.openLine > 1, source.line(b.openLine - 1).isEmpty, !drop.contains(b.openLine - 1) { drop.insert(b.openLine - 1) }
        }
        var out: [String] = []
        for n in stride(from: 1, through: source.lineCount, by: 1) where !drop.contains(n) { out.append(source.line(n)) }
        return out
    }
}

@Suite("regenerate: goldens")
struct RegenerateGoldenTests {
    typealias S = RegenerateSupport

    @Test func voiceBackendWithoutResults() throws {
        let log = S.voice + "/DOCKERFILE_FIXES.md"
        let out = S.regenerate(try S.read(log), logPath: log)
        #expect(out.succeeded)
        #expect(out.fixedReferences.map(\.replacement) == ["lines 37-40"])
        #expect(out.statusBlocks == 5)
        S.golden(out.bytes, "voice-backend.no-results.md")
    }

    @Test func voiceBackendWithResultsAndSummary() throws {
        let log = S.voice + "/DOCKERFILE_FIXES.md"
        let out = S.regenerate(try S.read(log), logPath: log, results: S.voiceResults, options: .init(summary: true))
        #expect(out.succeeded)
        let text = String(decoding: out.bytes, as: UTF8.self)
        #expect(text.contains("step 2 (Verification Steps) – skipped: podman is not installed"))
        #expect(text.contains("✗ failed: expected line missing: '40:USER voice' got '42:USER voice'"))
        #expect(text.contains("✓ cached"))
        #expect(text.contains("\\<timeout>"), "a '<' in a reason is escaped")
        #expect(text.contains("<!-- fixlog:summary sha256="))
        S.golden(out.bytes, "voice-backend.results-summary.md")
    }

    @Test(arguments: ["03-current", "04-moved", "05-changed", "06-regression"])
    func dockerfileHistory(state: String) throws {
        let log = S.history + "/DOCKERFILE_FIXES.md"
        let out = S.regenerate(try S.read(log), logPath: log, dockerfile: S.history + "/states/\(state)/Dockerfile",
                               options: .init(summary: true))
        #expect(out.succeeded)
        S.golden(out.bytes, "dockerfile-history.\(state).md")
        // Idempotent: regenerating the output gives the same bytes.
        let again = S.regenerate(out.bytes, logPath: log, dockerfile: S.history + "/states/\(state)/Dockerfile",
                                 options: .init(summary: true))
        #expect(again.bytes == out.bytes)
        #expect(again.fixedReferences.isEmpty)
    }

    @Test func movedReferencesAreFixedUnlessAskedNotTo() throws {
        let log = S.history + "/DOCKERFILE_FIXES.md"
        let dockerfile = S.history + "/states/04-moved/Dockerfile"
        let fixed = S.regenerate(try S.read(log), logPath: log, dockerfile: dockerfile)
        #expect(fixed.fixedReferences.count == 4)
        #expect(String(decoding: fixed.bytes, as: UTF8.self).contains("#### Runtime Stage (lines 36-38)"))
        let kept = S.regenerate(try S.read(log), logPath: log, dockerfile: dockerfile, options: .init(fixLineReferences: false))
        #expect(kept.fixedReferences.isEmpty)
        #expect(S.withoutBlocks(kept.bytes) == S.withoutBlocks(try S.read(log)))
        #expect(String(decoding: kept.bytes, as: UTF8.self).contains("→ moved"))
    }
}

@Suite("regenerate: bytes")
struct RegenerateByteTests {
    typealias S = RegenerateSupport

    @Test func idempotentAndReingestable() throws {
        let log = S.voice + "/DOCKERFILE_FIXES.md"
        let original = try S.read(log)
        let once = S.regenerate(original, logPath: log, results: S.voiceResults, options: .init(summary: true))
        let twice = S.regenerate(once.bytes, logPath: log, results: S.voiceResults)
        #expect(twice.bytes == once.bytes)
        #expect(!twice.changed)
        // The status blocks are not records, changes or steps.
        let before = FixLogIngester.ingest(SourceText(path: log, bytes: original))
        let after = FixLogIngester.ingest(SourceText(path: log, bytes: once.bytes))
        #expect(after.incidents.map(\.title) == before.incidents.map(\.title))
        #expect(after.incidents.map(\.changes.count) == before.incidents.map(\.changes.count))
        #expect(after.incidents.map { $0.changes.map(\.code) } == before.incidents.map { $0.changes.map(\.code) })
        #expect(after.incidents.map(\.verifications.count) == before.incidents.map(\.verifications.count))
        #expect(after.incidents.map { $0.rootCauses.map(\.title) } == before.incidents.map { $0.rootCauses.map(\.title) })
        #expect(after.interludes.count == before.interludes.count)
        #expect(after.diagnostics == before.diagnostics)
    }

    @Test func crlfBomAndNoFinalNewlineAreKept() throws {
        let log = S.voice + "/DOCKERFILE_FIXES.md"
        let lf = try S.read(log)
        var crlf: [UInt8] = [0xEF, 0xBB, 0xBF]
        for b in lf { if b == 0x0A { crlf += [0x0D, 0x0A] } else { crlf.append(b) } }
        while crlf.last == 0x0A || crlf.last == 0x0D { crlf.removeLast() }
        let out = S.regenerate(crlf, logPath: log, results: S.voiceResults, options: .init(summary: true))
        #expect(out.succeeded)
        #expect(out.bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(out.bytes.last != 0x0A)
        #expect(!out.bytes.indices.contains { out.bytes[$0] == 0x0A && ($0 == 0 || out.bytes[$0 - 1] != 0x0D) }, "every line break is CRLF")
        // Same content as the LF regeneration.
        let lfOut = S.regenerate(lf, logPath: log, results: S.voiceResults, options: .init(summary: true))
        var normalised = Array(out.bytes.dropFirst(3)).filter { $0 != 0x0D }
        normalised.append(0x0A)
        #expect(normalised == lfOut.bytes)
        #expect(S.regenerate(out.bytes, logPath: log, results: S.voiceResults).bytes == out.bytes)
    }

    @Test func headingOnTheLastLineWithoutNewline() throws {
        let text = "# Fixes\n\n## Fix #1: Pin the base image (2025-01-02)"
        let out = S.regenerate(Array(text.utf8), logPath: S.voice + "/DOCKERFILE_FIXES.md")
        #expect(out.succeeded)
        let result = String(decoding: out.bytes, as: UTF8.self)
        #expect(result.hasPrefix(text + "\n\n<!-- fixlog:status sha256="))
        #expect(result.hasSuffix("<!-- /fixlog:status -->"))
        #expect(S.regenerate(out.bytes, logPath: S.voice + "/DOCKERFILE_FIXES.md").bytes == out.bytes)
    }

    @Test func handEditedBlockIsRefusedUnlessForced() throws {
        let log = S.voice + "/DOCKERFILE_FIXES.md"
        let once = S.regenerate(try S.read(log), logPath: log)
        var text = String(decoding: once.bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "2 of 2 documented changes hold; Step 1: Builder", with: "2 of 2 documented changes hold (checked by Ann); Step 1: Builder")
        let editedLine = text.components(separatedBy: "\n").firstIndex { $0.contains("checked by Ann") }.map { $0 + 1 - 2 } ?? 0
        let refused = S.regenerate(Array(text.utf8), logPath: log)
        #expect(!refused.succeeded)
        #expect(refused.bytes == Array(text.utf8))
        let d = try #require(refused.diagnostics.first { $0.id == .managedBlockEdited })
        #expect(d.range?.start.line == editedLine)
        #expect(d.formatted.contains(":\(editedLine):1: error: [managed-block-edited]"))
        let forced = S.regenerate(Array(text.utf8), logPath: log, options: .init(force: true))
        #expect(forced.succeeded)
        #expect(forced.bytes == once.bytes)
    }

    @Test func unterminatedBlockIsAnError() throws {
        let text = "# Fixes\n\n## Fix #1: Pin the base image (2025-01-02)\n\n<!-- fixlog:status sha256=00 -->\n> text\n"
        let out = S.regenerate(Array(text.utf8), logPath: S.voice + "/DOCKERFILE_FIXES.md")
        #expect(!out.succeeded)
        #expect(out.diagnostics.map(\.id) == [.managedBlockUnterminated])
        #expect(out.diagnostics.first?.range?.start.line == 5)
    }

    @Test func markersInsideCodeBlocksAreText() throws {
        let text = "# Fixes\n\n## Fix #1: Pin (2025-01-02)\n\n```\n<!-- fixlog:status sha256=00 -->\n```\n"
        let blocks = ManagedRegions.scan(SourceText(path: "x", bytes: Array(text.utf8)))
        #expect(blocks.blocks.isEmpty && blocks.diagnostics.isEmpty)
    }

    /// Random edits outside the managed blocks survive regeneration byte for byte.
    @Test func editsOutsideManagedRegionsSurvive() throws {
        let log = S.voice + "/DOCKERFILE_FIXES.md"
        let base = S.regenerate(try S.read(log), logPath: log, options: .init(summary: true)).bytes
        var rng = SeededRandom(seed: 0x5EED_0005)
        var compared = 0
        let alphabet = Array("abc XYZ 0123 \n\n-*`#_:()|.".utf8)
        for round in 0..<40 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let source = SourceText(path: "x", bytes: bytes)
                let blocked = ManagedRegions.scan(source).blocks.map { source.byteRange(of: source.range(ofLines: $0.openLine, through: $0.closeLine)) }
                let at = Int.random(in: 0...bytes.count, using: &rng)
                if blocked.contains(where: { $0.contains(at) }) { continue }
                if Bool.random(using: &rng) {
                    let insert = (0..<Int.random(in: 1...12, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
                    bytes.insert(contentsOf: insert, at: at)
                } else {
                    let end = min(bytes.count, at + Int.random(in: 1...20, using: &rng))
                    if blocked.contains(where: { $0.overlaps(at..<end) }) { continue }
                    bytes.removeSubrange(at..<end)
                }
            }
            // Keep the edits valid UTF-8 (a cut may split a character).
            guard SourceText.firstInvalidUTF8Offset(bytes) == nil else { continue }
            let out = S.regenerate(bytes, logPath: log, options: .init(fixLineReferences: false))
            if !out.succeeded { continue }
            #expect(S.withoutBlocks(out.bytes) == S.withoutBlocks(bytes), "round \(round)")
            compared += 1
        }
        #expect(compared >= 30, "most rounds produce a valid edited log that regenerates (\(compared) of 40)")
    }
}

@Suite("regenerate: atomic writes and diffs")
struct AtomicFileTests {
    @Test(arguments: [AtomicFile.InjectedFailure.afterWriting(7), .beforeRename])
    func injectedFailureLeavesTheOriginalIntact(failure: AtomicFile.InjectedFailure) throws {
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("LOG.md").path
            try Data("original\n".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o640)
            #expect(throws: AtomicFile.WriteError.self) {
                try AtomicFile.write(Array("regenerated content\n".utf8), to: path, injecting: failure)
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "original\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["LOG.md"])
            try AtomicFile.write(Array("new\n".utf8), to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o640)
        }
    }

    @Test func holdsComparesTheWholeFileWithoutMistakingAPrefixOrAnotherSize() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("out.md").path
            var rng = SeededRandom(seed: 0xA70_0001)
            // Larger than one read (1 MiB), so that the comparison runs over several pieces.
            let bytes = (0..<(3 << 20) + 17).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(!AtomicFile.holds(bytes, at: path))  // missing
            try AtomicFile.write(bytes, to: path)
            #expect(AtomicFile.holds(bytes, at: path))
            var changed = bytes
            changed[(2 << 20) + 5] ^= 1
            #expect(!AtomicFile.holds(changed, at: path))  // one byte in a later piece
            #expect(!AtomicFile.holds(Array(bytes.dropLast()), at: path))  // a prefix
            #expect(!AtomicFile.holds(bytes + [0], at: path))  // longer
            #expect(!AtomicFile.holds([], at: path))
            try AtomicFile.write([], to: path)
            #expect(AtomicFile.holds([], at: path))
            #expect(!AtomicFile.holds([], at: dir.path))  // a directory is not a file
        }
    }

    @Test func writesThroughASymbolicLink() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let target = dir.appendingPathComponent("real.md").path
            let link = dir.appendingPathComponent("LOG.md").path
            try Data("a\n".utf8).write(to: URL(fileURLWithPath: target))
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.md")
            try AtomicFile.write(Array("b\n".utf8), to: link)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.md")
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "b\n")
        }
    }

    @Test func unifiedDiff() {
        let old = Array("a\nb\nc\nd\ne\nf\ng\nh\n".utf8)
        let new = Array("a\nb\nc\nD\ne\nf\ng\nh\nx".utf8)
        #expect(UnifiedDiff.diff(old: old, new: new, oldName: "a/L", newName: "b/L") == """
            --- a/L
            +++ b/L
            @@ -1,8 +1,9 @@
             a
             b
             c
            -d
            +D
             e
             f
             g
             h
            +x
            \\ No newline at end of file

            """)
        #expect(UnifiedDiff.diff(old: old, new: old, oldName: "a", newName: "b").isEmpty)
        let ins = UnifiedDiff.diff(old: Array("1\n2\n3\n4\n5\n6\n7\n8\n9\n".utf8), new: Array("1\n2\n3\n4\n5\nX\n6\n7\n8\n9\n".utf8), oldName: "a", newName: "b")
        #expect(ins.contains("@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+X\n 6\n 7\n 8\n"))
    }
}
