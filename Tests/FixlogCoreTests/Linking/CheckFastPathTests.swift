import Foundation
import Testing
@testable import FixlogCore

/// The check's fast paths give what the plain code gave: byte-level string tests against the string-level
/// originals (kept here as references), the claim memo against fresh extraction, sorted supersession
/// against the scan, and the streamed JSON against the JSON value tree.
@Suite struct CheckFastPathTests {
    // MARK: - References: the code the fast paths replaced

    enum Reference {
        static func hasMarker(_ line: CodeLine, diff: Bool) -> Bool {
            var text = Substring(line.text)
            if diff, let first = text.first, first == "+" || first == "-" || first == " " { text = text.dropFirst() }
            return text.trimmedSpaces != line.content.trimmedSpaces
        }

        static func startsWithHash(_ s: String) -> Bool { s.trimmedSpaces.hasPrefix("#") }

        static func looksLikeImage(_ text: String, loose: Bool) -> Bool {
            let t = text.trimmedSpaces
            guard !t.isEmpty, !t.utf8.contains(UInt8(ascii: " ")), !t.utf8.contains(UInt8(ascii: "\t")) else { return false }
            guard t.utf8.allSatisfy({ ImageReference.isImageByte($0) }) else { return false }
            guard let first = t.first, first.isLetter || first.isNumber || first == "$" else { return false }
            if InstructionNormalizer.knownKeywords.contains(t.lowercased()) { return false }
            if loose { return true }
            if t.utf8.contains(UInt8(ascii: "@")) { return true }
            guard let colon = t.lastIndex(of: ":") else { return false }
            let tag = t[t.index(after: colon)...]
            return !tag.isEmpty && !tag.utf8.contains(UInt8(ascii: "/")) && !tag.allSatisfy(\.isNumber)
        }

        static func normalise(_ reference: String) -> String {
            var ref = reference.trimmedSpaces
            if ref.isEmpty || ref.utf8.contains(UInt8(ascii: "$")) { return ref }
            let lower = ref.lowercased()
            if lower == "scratch" { return ref }
            for prefix in ImageReference.hubPrefixes where lower.hasPrefix(prefix) {
                ref = String(ref.dropFirst(prefix.count))
                if ref.hasPrefix("library/") { ref = String(ref.dropFirst("library/".count)) }
                break
            }
            if !ImageReference.hasTagOrDigest(ref) { ref += ":latest" }
            return ref
        }

        static func writtenImage(_ original: String) -> String {
            original.split(separator: " ").dropFirst().first { !$0.hasPrefix("--") }.map(String.init) ?? ""
        }

        static func tokenize(_ s: String) -> [InstructionNormalizer.Token] {
            var tokens: [InstructionNormalizer.Token] = []
            let bytes = Array(s.utf8)
            var leadingStart = 0, i = 0
            let n = bytes.count
            func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }
            while i < n {
                while i < n, isSpace(bytes[i]) { i += 1 }
                guard i < n else { break }
                let start = i
                var quote: UInt8? = nil
                while i < n {
                    let b = bytes[i]
                    if let q = quote {
                        if b == 92 && q == 34 && i + 1 < n { i += 2; continue }
                        if b == q { quote = nil }
                        i += 1
                        continue
                    }
                    if isSpace(b) { break }
                    if b == 92, i + 1 < n { i += 2; continue }
                    if b == 34 || b == 39 { quote = b }
                    i += 1
                }
                tokens.append(.init(leading: String(decoding: bytes[leadingStart..<start], as: UTF8.self),
                                    text: String(decoding: bytes[start..<min(i, n)], as: UTF8.self)))
                leadingStart = min(i, n)
            }
            return tokens
        }

        static func escapeData(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A")
        }

        static func escapeProperty(_ s: String) -> String {
            escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
    }

    // MARK: - Inputs

    /// Hand-picked edge cases: combining marks after the characters the fast paths look at, CR LF, non-ASCII
    /// that lower-cases to ASCII (the Kelvin sign), tabs, quotes, empty text.
    static let tricky: [String] = [
        "", " ", "#", " # x", "#\u{301} x", "  #\u{301}", "#\r\n", "x", "+ RUN a", "+\u{301}RUN a", "-\u{301}", " \u{301}RUN",
        "python:3.11-slim", " python:3.11-slim\t", "docker.io/library/python:3.11", "DOCKER.IO/Library/ubuntu",
        "doc\u{212A}er.io/ubuntu", "index.docker.io/library/ubuntu", "registry-1.docker.io/foo/bar",
        "registry.hub.docker.com/library/alpine:3.20", "scratch", "SCRATCH", "scratch:1", "$BASE", "${BASE}:1",
        "localhost:8000", "localhost:5000/app", "ghcr.io/a/b@sha256:abc", "ubuntu", "RUN", "run", "healthcheck",
        "Healthcheck", "stopsignal", "1abc:2", "-x:1", "_x:1", "a:", "a:b/c", "é:1", "nvidia/cuda:12.4.1-runtime-ubuntu22.04",
        "FROM python:3.11 AS b", "FROM  --platform=$X  python:3.11", "FROM --platform=linux/amd64 ubuntu",
        "FROM\u{301} x", "FROM x\u{301}", "FROM  ", "FROM", "FROM a\r\nb", "RUN \"a b\" 'c d' e\\ f",
        "RUN   x  # comment", "COPY --chown=a:b --from=c x y", "RUN echo \"%s\" 100%, done: yes",
        "a\r\nb", "tab\there", "quote\"back\\slash", "\u{1}\u{1f}control", "ünïcödé ✓ —",
    ]

    static func randomStrings(count: Int, seed: UInt64) -> [String] {
        var random = SeededRandom(seed: seed)
        let alphabet: [String] = ["a", "Z", "0", "9", " ", "\t", "#", "+", "-", ":", "/", "@", "$", ".", "_", "\"", "'",
                                  "\\", "\r\n", "\n", "\r", "\u{301}", "é", "\u{212A}", "—", "{", "}", "%", ","]
        return (0..<count).map { _ in
            let length = Int(random.next() % 14)
            return (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
        }
    }

    static var inputs: [String] { tricky + randomStrings(count: 4000, seed: 20261130) }

    // MARK: - Byte-level string tests

    @Test func byteLevelTestsAgreeWithTheStringLevelOriginals() {
        for s in Self.inputs {
            #expect(ClaimExtractor.startsWithHash(s) == Reference.startsWithHash(s), "startsWithHash \(s.debugDescription)")
            for loose in [false, true] {
                #expect(ImageReference.looksLikeImage(s, loose: loose) == Reference.looksLikeImage(s, loose: loose),
                        "looksLikeImage \(s.debugDescription) loose \(loose)")
            }
            #expect(ImageReference.normalise(s) == Reference.normalise(s), "normalise \(s.debugDescription)")
            #expect(CrossLinker.writtenImage(s) == Reference.writtenImage(s), "writtenImage \(s.debugDescription)")
            #expect(InstructionNormalizer.tokenize(s) == Reference.tokenize(s), "tokenize \(s.debugDescription)")
            #expect(CheckTextRenderer.characterCount(s) == s.count, "characterCount \(s.debugDescription)")
            #expect(CheckGitHubRenderer.escapeProperty(s) == Reference.escapeProperty(s), "escape \(s.debugDescription)")
        }
    }

    @Test func markerTestAgreesWithTheStringLevelOriginal() {
        let inputs = Self.tricky + Self.randomStrings(count: 600, seed: 7)
        var random = SeededRandom(seed: 11)
        for text in inputs {
            // Content: the text itself, a trimmed or shortened form, or another input.
            let candidates = [text, text.trimmedSpaces, String(text.dropFirst()), inputs[Int(random.next() % UInt64(inputs.count))]]
            for content in candidates {
                let line = CodeLine(text: text, content: content, role: .present, line: 1)
                for diff in [false, true] {
                    #expect(ClaimExtractor.hasMarker(line, diff: diff) == Reference.hasMarker(line, diff: diff),
                            "\(text.debugDescription) / \(content.debugDescription) diff \(diff)")
                }
            }
        }
    }

    @Test func instructionsLookedUpThroughTheMemoAreTheSame() {
        // Same memo across many changes (repeated texts hit it) against a fresh extraction per change.
        var memo = ClaimExtractor.Memo(logPath: "FIXES.md")
        let changes: [DocumentedChange] = [
            TestLog.change("FROM python:3.11-slim AS builder\nRUN pip install x  # <--- ADDED\n", stage: "Builder"),
            TestLog.change("# OLD: python:3.10-slim\n# NEW: python:3.11-slim\nFROM python:3.11-slim\n"),
            TestLog.change("-RUN a \\\n-  && b\n+RUN a && c\n", role: .diff),
            TestLog.change("RUN x\nCOPY a b\n", role: .before),
            TestLog.change("# REMOVED: old\n# RUN pip install torch\nRUN pip install numpy\n", start: 40),
            TestLog.change("FROM python:3.11-slim AS builder\nRUN pip install x  # <--- ADDED\n", stage: "Runtime", start: 99),
            TestLog.change("RUN <<EOF\necho hi\nEOF\n"),
            TestLog.change("RUN [ \"a\",  \"b\" ]\nCMD   [\"x\"]\n", replacement: (from: "python:3.10", to: "python:3.11")),
            TestLog.change("this is not { Dockerfile\n\\\n"),
        ]
        for round in 0..<2 {
            for change in changes {
                let fresh = ClaimExtractor.claims(for: change, logPath: "FIXES.md")
                let memoised = ClaimExtractor.claims(for: change, memo: &memo)
                #expect(memoised.claims == fresh.claims, "round \(round): \(change.code.debugDescription)")
                #expect(memoised.diagnostics == fresh.diagnostics, "round \(round): \(change.code.debugDescription)")
            }
        }
    }

    // MARK: - Supersession and parallel map

    /// Records that all carry a date and a number, whose claims are removed, replaced and brought back by
    /// later ones in varying orders of date and number.
    static func supersessionLog(records: Int, dated: Bool, numbered: Bool) -> String {
        var out = "# Fixes\n\n"
        let images = ["python:3.10-slim", "python:3.11-slim", "node:20", "alpine:3.20"]
        for r in stride(from: records, to: 0, by: -1) {
            let date = "2025-0\(1 + r % 3)-1\(r % 7)"
            let heading = (numbered ? "Fix #\(r): " : "") + "Fix \(r * 37 % 101)" + (dated ? " (\(date))" : "")
            out += "## \(heading)\n\n**Issue:** x\n\n### Solution\n\n**File:** `Dockerfile`\n\n```dockerfile\n"
            out += "# OLD: \(images[r % 4])\nFROM \(images[(r + 1) % 4])\n"
            if r % 3 == 0 { out += "# REMOVED: gone\n# RUN pip install package-\(r % 5)\n" }
            out += "RUN pip install package-\(r % 5)\n```\n\n"
        }
        return out
    }

    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func sortedSupersessionEqualsTheScan(dated: Bool, numbered: Bool) throws {
        let dir = TestLog.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        TestLog.write("FROM python:3.11-slim AS builder\nRUN pip install package-1\nFROM node:20\nRUN pip install package-3\n",
                      to: dir + "/Dockerfile")
        TestLog.write(Self.supersessionLog(records: 120, dated: dated, numbered: numbered), to: dir + "/FIXES.md")
        let log = FixLogIngester.load(path: dir + "/FIXES.md", displayPath: "FIXES.md")
        let reports = [true, false].map { sorted in
            CrossLinker.check(log: log, logPath: dir + "/FIXES.md", root: dir, dockerfileOverride: nil,
                              logDisplayPath: "FIXES.md", similarityThreshold: CrossLinker.defaultSimilarityThreshold,
                              parallelMinimum: 1, sortedSupersession: sorted)
        }
        #expect(reports[0].results.count == 120)
        if dated || numbered {
            #expect(reports[0].results.contains { $0.claims.contains { $0.status == .superseded } })
        }
        #expect(reports[0].results == reports[1].results)
        #expect(CheckTextRenderer.render(reports[0]) == CheckTextRenderer.render(reports[1]))
    }

    @Test func statefulParallelMapKeepsOrder() {
        for count in [0, 1, 7, 100, 1001] {
            let items = Array(0..<count)
            let mapped = Parallel.map(items, minimumPerWorker: 1, state: { 0 }) { calls, x -> Int in
                calls += 1
                return x * 3 + 1
            }
            #expect(mapped == items.map { $0 * 3 + 1 })
        }
    }

    // MARK: - JSON

    /// Every report the fixtures make, plus a synthetic log with every verdict and odd strings.
    static func reports() -> [CheckReport] {
        var reports = FixtureGoldenTests.states.map { FixtureGoldenTests.check($0) }
        reports += [ParallelCheckTests.reports(records: 200, instructions: 120)[0]]
        var odd = reports[0]
        odd.log = "dir/\"quoted\"\\log\t\u{1}\u{1f}é✓.md"
        if !odd.results.isEmpty {
            odd.results[0].label = "label with \"quotes\", \\ back\nslash\r\u{7f}"
            odd.results[0].stageName = "ünïcödé"
            if !odd.results[0].claims.isEmpty {
                for (k, similarity) in [0.0, 0.5, 1.0, 0.33, 2e15, -.infinity, .nan].enumerated() {
                    var claim = odd.results[0].claims[0]
                    claim.similarity = similarity
                    claim.detail = k % 2 == 0 ? nil : "detail \(k)"
                    odd.results[0].claims.append(claim)
                }
            }
        }
        odd.diagnostics.append(Diagnostic(.warning, .lineRefStale, "m", file: nil,
                                          range: SourceRange(line: 3),
                                          notes: [.init(message: "n", file: "f", range: nil)]))
        return reports + [odd]
    }

    @Test func streamedJSONEqualsTheSortedValueTree() {
        for report in Self.reports() {
            #expect(CheckJSONRenderer.render(report) == CheckJSONRenderer.value(report).sortingKeys().rendered(newline: true))
        }
    }

    @Test func streamedSARIFEqualsTheValueTree() {
        for report in Self.reports() {
            #expect(CheckSARIFRenderer.render(report) == CheckSARIFRenderer.value(report).rendered(newline: true))
        }
    }
}
