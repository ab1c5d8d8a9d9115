import Foundation
import Testing
@testable import FixlogCore

/// `ParseJSONWriter` (the direct byte writer behind `fixlog parse --format json`) must write exactly the
/// bytes of the `Encodable` path, `JSONOutput.encodeUTF8(ParseDocumentV1(log))`, sequentially and in parallel.
@Suite struct ParseJSONWriterTests {
    /// Every Markdown fixture (shapes, malformed, the projects' fix logs) and the repository's own fix log.
    static let logs = TestSupport.fixtureFiles(under: "", ext: "md").filter {
        !$0.hasSuffix("README.md") && !$0.hasSuffix("EXPECTED.md")
    } + ["DOCKERFILE_FIXES.md"]

    /// The writer's bytes in every mode, each checked against the `Encodable` path.
    static func expectSameBytes(_ log: FixLog, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let reference = try JSONOutput.encodeUTF8(ParseDocumentV1(log))
        expectEqual(try ParseJSONWriter.encode(log, parallel: false), reference, "sequential writer", sourceLocation)
        expectEqual(try ParseJSONWriter.encode(log), reference, "parallel writer", sourceLocation)
        for parallel in [false, true] {
            expectEqual(Array(try pieces(log, parallel: parallel).joined()), reference, "pieces (parallel: \(parallel))",
                        sourceLocation)
        }
    }

    /// The pieces `ParseJSONWriter.write` hands to its sink, copied.
    static func pieces(_ log: FixLog, parallel: Bool = true) throws -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        try ParseJSONWriter.write(log, parallel: parallel) { pieces.append(Array($0)) }
        return pieces
    }

    /// Expects equal bytes; on failure names the first differing byte with some text around it (not the
    /// whole documents).
    static func expectEqual(_ got: [UInt8], _ want: [UInt8], _ what: String,
                            _ sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let same = got == want
        guard !same else { return }
        let at = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        func around(_ bytes: [UInt8]) -> String {
            String(decoding: bytes[max(0, at - 80)..<min(bytes.count, at + 40)], as: UTF8.self)
        }
        Issue.record("""
            \(what): \(got.count) bytes instead of \(want.count), first difference at byte \(at)
            got:  …\(around(got))…
            want: …\(around(want))…
            """, sourceLocation: sourceLocation)
    }

    @Test(arguments: logs)
    func fixtureLogMatchesEncodable(_ path: String) throws {
        let log = FixLogIngester.ingest(SourceText(path: path, bytes: try TestSupport.read(path)))
        try Self.expectSameBytes(log)
    }

    @Test(.enabled(if: TestSupport.seedAvailable, "the seed log (FIXLOG_SEED or ../shared/seed) is not available"))
    func seedLogMatchesEncodable() throws {
        let bytes = [UInt8](try Data(contentsOf: TestSupport.seedLog))
        let log = FixLogIngester.ingest(SourceText(path: "DOCKERFILE_FIXES.md", bytes: bytes))
        #expect(!log.incidents.isEmpty)
        try Self.expectSameBytes(log)
    }

    /// A hand-built model where every optional value is present in one place and absent in another, with
    /// notes with and without file and range, option key sets that need Foundation's key ordering, and
    /// strings that need escaping — also checked against Foundation itself.
    @Test func everyKeyAndOptionalMatchesFoundation() throws {
        let r = { (l: Int, c: Int) in SourceRange(start: FixlogCore.SourceLocation(line: l, column: c), end: FixlogCore.SourceLocation(line: l + 1, column: 1)) }
        let text = "tab\there \"quoted\" back\\slash a/b é 😇 \u{2028} \u{1}\u{1F}\u{7F}\r\n"
        let ref = LineReference(first: 3, last: 12, text: "lines 3-12", range: r(4, 20), origin: .heading)
        let full = DocumentedChange(
            label: "Builder " + text, file: "backend/Dockerfile", stage: "builder", lineRef: ref,
            previousLineRef: LineReference(first: 1, last: 1, text: "line 1", range: r(5, 2), origin: .codeComment),
            language: "dockerfile", languageGuessed: true, code: "FROM a\n\n# OLD: b\nRUN x \\\n  && y",
            role: .diff, annotations: [Annotation(kind: .old, text: "b", line: 3), Annotation(kind: .added, text: text, line: 1)],
            lines: [CodeLine(text: "FROM a", content: "FROM a", role: .present, line: 1),
                    CodeLine(text: "", content: "", role: .blank, line: 2),
                    CodeLine(text: "# OLD: b", content: "# OLD: b", role: .comment, line: 3),
                    CodeLine(text: "RUN x \\", content: text, role: .absent, line: 4)],
            replacement: Replacement(subject: "Base image", from: "a", to: "b/c", range: r(9, 1)),
            range: r(6, 1), contentStartLine: 7)
        let bare = DocumentedChange(label: "", file: nil, stage: nil, lineRef: nil, language: nil, code: "",
                                    range: r(20, 1), contentStartLine: 21)
        let steps = [
            VerificationStep(language: "bash", script: "echo \"hi\"\n", expectedOutput: [
                ExpectedLine(text: "True", condition: "if CUDA GPU available", range: r(30, 3)),
                ExpectedLine(text: text),
            ], options: ["timeout": "30s", "requires": "podman", "skip": "", "A10": "x", "a2": "y", "Zeta": "z", "env": text],
            label: "Check", range: r(28, 1), contentStartLine: 29),
            VerificationStep(language: nil, script: "", expectedOutput: [], range: r(40, 1), contentStartLine: 41),
            VerificationStep(language: "sh", script: "true", expectedOutput: [], options: ["exit": "1"], range: r(44, 1),
                             contentStartLine: 45),
        ]
        let item = Item(title: "Massive layer", detail: text, range: r(50, 1))
        let incidents = [
            Incident(number: 12, title: "Title " + text, status: "FIXED", date: "2025-01-09", dateSource: .heading,
                     summary: "sum", shape: .fixHeading, heading: HeadingRef(text: "Fix #12", level: 2, range: r(2, 1)),
                     group: "Critical", range: r(2, 1),
                     fields: [Field(name: "Issue", value: text, range: r(3, 1))],
                     sections: [Section(kind: .rootCause, heading: "Root Cause", level: 3, range: r(10, 1))],
                     problems: [item], rootCauses: [item, item], solution: "Use `x`", changes: [full, bare],
                     verifications: steps, alternatives: [item], impact: [ImpactMetric(metric: "Build time", value: "-5 min", range: r(60, 1))],
                     result: ["ok", text], lessons: [item]),
            Incident(number: nil, title: "", shape: .singleDocument, heading: HeadingRef(text: "", level: 1, range: r(1, 1)),
                     range: r(70, 1)),
        ]
        let diagnostics = [
            Diagnostic.warning(.recordWithoutDate, "no date " + text, file: "log.md", range: r(2, 1),
                               notes: [Diagnostic.Note(message: "first"),
                                       Diagnostic.Note(message: "second", file: "Dockerfile"),
                                       Diagnostic.Note(message: "third", range: r(3, 4)),
                                       Diagnostic.Note(message: "fourth", file: "x", range: r(5, 6))]),
            Diagnostic.error(.fileNotFound, "missing"),
        ]
        let log = FixLog(source: "docs/DOCKERFILE_FIXES.md", preamble: Preamble(title: nil, range: r(1, 1)),
                         incidents: incidents,
                         interludes: [Interlude(heading: "Summary", role: .other, range: r(80, 1)),
                                      Interlude(heading: nil, role: .pairedProblem, range: r(90, 1))],
                         diagnostics: diagnostics,
                         layout: TextLayout(lineEnding: .crlf, hasBOM: true, endsWithNewline: false, lineCount: 100))
        try Self.expectSameBytes(log)
        Self.expectEqual(try ParseJSONWriter.encode(log), Array(try JSONOutput.foundationEncode(ParseDocumentV1(log)).utf8),
                         "against Foundation")

        let empty = FixLog(source: "", preamble: Preamble(title: "T", range: r(1, 1)), incidents: [], diagnostics: [],
                           layout: TextLayout(lineEnding: .lf, hasBOM: false, endsWithNewline: true, lineCount: 0))
        try Self.expectSameBytes(empty)
        Self.expectEqual(try ParseJSONWriter.encode(empty),
                         Array(try JSONOutput.foundationEncode(ParseDocumentV1(empty)).utf8), "empty log against Foundation")
    }

    static let alphabet: [String] = {
        var a = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
        a += ["\"", "\\", "/", "\u{7F}", "é", "ß", "漢", "😇", "👩‍👩‍👧", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{85}", " ", "'", "<", ">", "&"]
        a += ["a", "b", "Z", "0", "9", "lorem ipsum ", "RUN pip install --no-cache-dir ", "{", "}", "[", ":", ","]
        return a
    }()

    static func randomString(_ rng: inout SeededRandom) -> String {
        var s = ""
        let count = Int.random(in: 0...40, using: &rng)
        for _ in 0..<count {
            // Long runs of plain text exercise the eight-bytes-at-a-time scan, single characters its edges.
            if Int.random(in: 0..<4, using: &rng) == 0 {
                s += String(repeating: "x", count: Int.random(in: 1...20, using: &rng))
            } else {
                s += alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
            }
        }
        return s
    }

    /// The string escaper against Foundation's `JSONEncoder` with fixlog's options, on generated strings
    /// full of control characters, quotes, backslashes, slashes, non-ASCII, emoji and line separators.
    @Test(arguments: 0..<20)
    func stringEscapingMatchesFoundation(_ seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed) &* 104_729 &+ 1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<50 {
            let strings = (0..<Int.random(in: 1...4, using: &rng)).map { _ in Self.randomString(&rng) }
            // A small buffer, so that escaping also exercises growing it.
            var w = JSONByteWriter(capacity: 8)
            defer { w.deallocate() }
            w.array(strings, 0)
            let reference = Array(try encoder.encode(strings))
            let same = w.array == reference
            #expect(same, "scalars \(strings.map { $0.unicodeScalars.map(\.value) }): got \(String(decoding: w.array, as: UTF8.self))")
        }
    }

    /// Generated `options` key sets (the only keys that come from the input) print in Foundation's order.
    @Test func optionKeyOrderMatchesFoundation() throws {
        var rng = SeededRandom(seed: 42)
        let names = ["timeout", "requires", "skip", "exit", "env", "A10", "a2", "a10", "Zeta", "zeta", "ä", "_x", "x1", "x01", "X1", "k\"q", "a/b"]
        var steps: [VerificationStep] = []
        for n in 0..<40 {
            var options: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                options[names[Int.random(in: 0..<names.count, using: &rng)]] = Self.randomString(&rng)
            }
            steps.append(VerificationStep(language: "bash", script: "echo \(n)", expectedOutput: [], options: options,
                                          range: SourceRange(line: n + 1), contentStartLine: n + 2))
        }
        let incident = Incident(number: 1, title: "t", shape: .fixHeading,
                                heading: HeadingRef(text: "t", level: 2, range: SourceRange(line: 1)),
                                range: SourceRange(line: 1), verifications: steps)
        let log = FixLog(source: "x.md", preamble: Preamble(title: nil, range: SourceRange(line: 1)), incidents: [incident],
                         diagnostics: [], layout: TextLayout(lineEnding: .lf, hasBOM: false, endsWithNewline: true, lineCount: 1))
        try Self.expectSameBytes(log)
        Self.expectEqual(try ParseJSONWriter.encode(log), Array(try JSONOutput.foundationEncode(ParseDocumentV1(log)).utf8),
                         "against Foundation")
    }

    /// A generated log with many records of varied content, read through the ingester.
    static func manyRecordLog(records: Int, seed: UInt64) -> String {
        var rng = SeededRandom(seed: seed)
        var out = "# Dockerfile Fixes \"log\" 😇\n\nIntro with a \\ backslash.\n\n"
        for n in stride(from: records, to: 0, by: -1) {
            let day = Int.random(in: 1...28, using: &rng)
            let date = n % 7 == 0 ? "no date" : "2025-03-\(day < 10 ? "0" : "")\(day)"
            out += "## Fix #\(n): Title \(n) with `code` and \"quotes\" é (\(date))\n\n"
            out += "**Issue:** broke \(n) → \u{2028}tab\there\n\n### Problem\n\n```\nERROR: \(n) failed\t\"x\"\n```\n\n"
            out += "### Root Cause\n\n1. **Cause \(n)**: detail / path\n2. **Other**: more\n\n"
            out += "### Solution\n\nUse a `better` image.\n\n#### Builder Stage (lines \(n)-\(n + Int.random(in: 0...5, using: &rng)))\n"
            out += "```dockerfile\n# OLD: python:3.10\n# NEW: debian:bookworm\nFROM debian:bookworm\n\n"
            out += "RUN pip install pkg==\(n)  # <--- ADDED\n# REMOVED: old\n# RUN echo \(n)\n```\n\n"
            if Bool.random(using: &rng) { out += "**Changed:** Base image from `a:\(n)` → `b:\(n)`\n\n" }
            let options = ["", " timeout=30s", " requires=podman timeout=5m", " skip exit=1 env=HOME"][Int.random(in: 0...3, using: &rng)]
            out += "### Verification\n\n```bash\(options)\necho \(n)\n# Expected output:\n# \(n)\n# True (if CUDA GPU available)\n```\n\n"
            out += "### Impact\n\n- **Build time**: Reduced by ~\(n % 10) minutes\n\n### Lessons Learned\n\n1. **Lesson**: keep it small\n\n"
            if Int.random(in: 0..<5, using: &rng) == 0 { out += "---\n\n" }
        }
        out += "## Summary\n\nAll done.\n"
        return out
    }

    @Test func parallelEqualsSequentialOnManyRecords() throws {
        let text = Self.manyRecordLog(records: 300, seed: 7)
        let log = FixLogIngester.ingest(SourceText(path: "many.md", string: text))
        try #require(log.incidents.count >= ParseJSONWriter.parallelThreshold, "the generated log must take the parallel path")
        #expect(log.incidents.contains { !$0.verifications.isEmpty && $0.verifications[0].options.count > 1 })
        let sequential = try ParseJSONWriter.encode(log, parallel: false)
        for _ in 0..<3 {
            Self.expectEqual(try ParseJSONWriter.encode(log, parallel: true), sequential, "parallel")
            let pieces = try Self.pieces(log)
            #expect(pieces.count > 3, "the parallel path hands over several ranges")
            Self.expectEqual(Array(pieces.joined()), sequential, "parallel pieces")
        }
        Self.expectEqual(sequential, try JSONOutput.encodeUTF8(ParseDocumentV1(log)), "sequential")
    }

    @Test func smallLogsStayOnOneThread() throws {
        let text = Self.manyRecordLog(records: ParseJSONWriter.parallelThreshold - 1, seed: 3)
        let log = FixLogIngester.ingest(SourceText(path: "few.md", string: text))
        // The same pieces as the sequential path: the parallel path (which hands over the head on its own)
        // was not taken.
        let same = try Self.pieces(log, parallel: true) == Self.pieces(log, parallel: false)
        #expect(same)
        try Self.expectSameBytes(log)
    }
}
