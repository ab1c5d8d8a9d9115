import Foundation
import Testing
@testable import FixlogCore

/// The byte paths of the status blocks, the heading test, the edited line table and the edit check give what the
/// plain `String` paths give, on random inputs.
@Suite("regenerate: block fast paths")
struct RegenerateBlocksFastPathTests {
    typealias S = RegenerateSupport

    static let texts = ["Builder Stage", "Runtime:", "  Runtime Stage  ", "", " ", "::", "Étape de build", "café\u{301}",
                        "a<b", "two\nlines", "tab\tlabel\t", "\u{600}:", "x ", " x", "`code`", String(repeating: "long ", count: 50),
                        "e\u{301}", "\u{E9}", "Stage 2 (line 9)", "中文标签"]
    static let refs: [String?] = [nil, "lines 1-25", "12", "line 7", "", "１２", "lines 3-4 ", "<5>", "é", "0"]
    static let instructions = ["FROM python:3.10-slim", "RUN echo `x`", " RUN a ", "RUN a<b", "RUN é",
                               String(repeating: "RUN x ", count: 30), "RUN a\nb", "COPY . ."]

    static func randomResult(record: Int, change: Int, using rng: inout SeededRandom) -> ChangeResult {
        func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }
        let status = pick(CheckStatus.allCases)
        let span: LineSpan? = Bool.random(using: &rng) ? nil : pick([LineSpan(first: 3, last: 3), LineSpan(first: 10, last: 12345)])
        var claims: [ClaimResult] = []
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            claims.append(ClaimResult(kind: .present, origin: .snippet, instruction: pick(instructions),
                                      status: Bool.random(using: &rng) ? status : .holds,
                                      actualLines: Bool.random(using: &rng) ? LineSpan(first: 4, last: 9) : nil,
                                      logLines: LineSpan(first: 1, last: 1)))
        }
        let superseded: RecordReference? = Bool.random(using: &rng)
            ? RecordReference(incident: Bool.random(using: &rng) ? 7 : nil, title: pick(texts), date: nil, position: 1) : nil
        let diagnostics: [Diagnostic] = Bool.random(using: &rng) ? [.error(.fileNotFound, "gone", file: "x")] : []
        return ChangeResult(incident: nil, record: record, title: "t", date: nil, change: change, label: pick(texts),
                            file: Bool.random(using: &rng) ? pick(["Dockerfile", "a`b", "é"]) : nil,
                            fileAsWritten: Bool.random(using: &rng) ? pick(["docker/Dockerfile", " x<y "]) : nil,
                            status: status, documentedLines: nil, actualLines: span, lineRef: pick(refs), lineRefRange: nil,
                            suggestedLineRef: Bool.random(using: &rng) ? pick(refs) : nil, supersededBy: superseded,
                            stageHint: nil, stage: nil, stageName: nil,
                            logRange: SourceRange(line: 1), claims: claims, diagnostics: diagnostics)
    }

    static func randomSteps(using rng: inout SeededRandom) -> [StepResult]? {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return nil
        case 1: return []
        default:
            return (1...Int.random(in: 1...3, using: &rng)).map { n in
                StepResult(incident: 1, record: 1, step: n, label: Bool.random(using: &rng) ? "Verification" : nil,
                           status: StepStatus.allCases[Int.random(in: 0..<StepStatus.allCases.count, using: &rng)],
                           reason: Bool.random(using: &rng) ? "exit status 1" : nil,
                           startedAt: Bool.random(using: &rng) ? "2025-11-20T10:00:00Z" : nil, inputsHash: "0123456789abcdef")
            }
        }
    }

    @Test("a status block written into bytes equals the block of StatusBlock.lines, with LF and CRLF")
    func statusBlockBytes() throws {
        let voice = S.voice + "/DOCKERFILE_FIXES.md"
        let log = FixLogIngester.ingest(SourceText(path: voice, bytes: try S.read(voice)))
        let steps = log.incidents.flatMap(\.verifications)
        let base = try #require(log.incidents.first)
        #expect(!steps.isEmpty)
        var rng = SeededRandom(seed: 0xB10C5)
        var writer = StatusBlockWriter()
        for round in 0..<600 {
            let changes = (0..<Int.random(in: 0...5, using: &rng)).map { Self.randomResult(record: 0, change: $0, using: &rng) }
            // Equal changes now and then, to exercise the listing of equal items once.
            let all = changes + (Bool.random(using: &rng) ? changes.prefix(2) : [])
            var incident = base
            incident.verifications = Array(steps.prefix(Int.random(in: 0...min(2, steps.count), using: &rng)))
            let stepResults = Self.randomSteps(using: &rng)
            let nl = round % 3 == 0 ? "\r\n" : "\n"
            let plain = Regenerator.block(.status, StatusBlock.lines(incident: incident, position: 0, changes: all, steps: stepResults))
                .joined(separator: nl)
            let fast = writer.block(documented: incident.verifications.count, changes: all.indices, results: all,
                                    steps: stepResults, nl: Array(nl.utf8))
            #expect(String(decoding: fast, as: UTF8.self) == plain)
            #expect(fast == Array(plain.utf8))
        }
    }

    @Test("the heading's last line read from bytes agrees with the String reading")
    func headingLastLine() {
        var rng = SeededRandom(seed: 0x4EAD)
        let firsts = ["## Fix", "#", "####### x", "   ## a", "    ## a", "#\tx", "# \u{301}x", "#\u{301}", "\u{FEFF}## x", "\u{FEFF}x",
                      " # é", "Title", "**Bold**", "##", "## ", "#a", "é ## x", "  \t# x", "## \u{301}"]
        let seconds = ["===", "---", " --- ", "= =", "", "\t===\t", "-", "===\u{301}", "é", "--- x", "##"]
        var decided = 0
        for _ in 0..<2000 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                lines.append(Bool.random(using: &rng) ? firsts.randomElement(using: &rng)! : seconds.randomElement(using: &rng)!)
            }
            let nl = Bool.random(using: &rng) ? "\n" : "\r\n"
            var text = lines.joined(separator: nl) + (Bool.random(using: &rng) ? nl : "")
            if Bool.random(using: &rng), !text.hasPrefix("\u{FEFF}") { text = "\u{FEFF}" + text }
            let source = SourceText(path: "x", string: text)
            for first in 0...(source.lineCount + 1) {
                let fast = Regenerator.headingLastLineFast(first, source: source)
                let plain = Regenerator.headingLastLinePlain(first, source: source)
                if let fast {
                    #expect(fast == plain, "\(text.debugDescription) line \(first)")
                    decided += 1
                }
            }
        }
        #expect(decided > 2_000)  // the byte path decides most lines; only non-ASCII ones go to the plain code
    }

    @Test("the line table of an edited text derived from the old one equals a fresh one (CRLF, BOM, no final newline)")
    func editedLineTable() {
        var rng = SeededRandom(seed: 0x5EED7)
        let pieces = ["a", "line 12", "\n", "\r\n", "é", "\u{FEFF}", "", "xyz\n\n", "\r"]
        let replacements = ["", "lines 1-25", "\n", "x\r\ny", "é", "\n\n", "line 7"]
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let old = SourceText(path: "x", bytes: Array(text.utf8))
            var edits: [(range: Range<Int>, replacement: String)] = []
            var at = 0
            while at <= old.bytes.count, edits.count < 5, Bool.random(using: &rng) || edits.isEmpty {
                let a = Int.random(in: at...old.bytes.count, using: &rng)
                let b = Int.random(in: a...min(old.bytes.count, a + 4), using: &rng)
                edits.append((a..<b, replacements.randomElement(using: &rng)!))
                at = b
                if at == old.bytes.count { break }
            }
            var bytes: [UInt8] = []
            var copied = 0
            for e in edits {
                bytes += old.bytes[copied..<e.range.lowerBound]
                bytes += e.replacement.utf8
                copied = e.range.upperBound
            }
            bytes += old.bytes[copied...]
            let derived = SourceText(path: "x", bytes: bytes, editing: old, with: edits)
            let fresh = SourceText(path: "x", bytes: bytes)
            #expect(derived.lineStarts == fresh.lineStarts, "\(text.debugDescription) \(edits)")
            #expect(derived == fresh)
        }
    }

    @Test("checking an edit's original text on bytes decides as comparing strings")
    func holds() {
        var rng = SeededRandom(seed: 0x401D)
        let texts = ["line 12", "lines 1-2", "é", "e\u{301}", "\u{E9}", "", "x", "line 1"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...4, using: &rng)).map { _ in texts.randomElement(using: &rng)! }.joined()
            let source = SourceText(path: "x", string: text)
            let a = Int.random(in: 0...source.bytes.count, using: &rng)
            let b = Int.random(in: a...source.bytes.count, using: &rng)
            let original = Bool.random(using: &rng) ? String(decoding: source.bytes[a..<b], as: UTF8.self) : texts.randomElement(using: &rng)!
            let range = SourceRange(start: source.location(ofOffset: a), end: source.location(ofOffset: b))
            #expect(source.holds(original, at: source.byteRange(of: range)) == (source.text(range) == original))
        }
    }

    @Test("status blocks are the same whether the check results come grouped by record or shuffled")
    func changeIndexOrder() throws {
        var rng = SeededRandom(seed: 0x0DE7)
        for path in [S.voice + "/DOCKERFILE_FIXES.md", S.history + "/DOCKERFILE_FIXES.md"] {
            let source = SourceText(path: path, bytes: try S.read(path))
            let log = FixLogIngester.ingest(source)
            let report = CrossLinker.check(log: log, logPath: path, root: (path as NSString).deletingLastPathComponent)
            #expect(report.results.count >= 3)
            var shuffled = report
            shuffled.results.shuffle(using: &rng)
            // The shuffle keeps each record's results in their order (what grouping preserves).
            var byRecord: [Int: [ChangeResult]] = [:]
            for r in report.results { byRecord[r.record, default: []].append(r) }
            var seen: [Int: Int] = [:]
            for k in shuffled.results.indices {
                let r = shuffled.results[k].record
                shuffled.results[k] = byRecord[r]![seen[r, default: 0]]
                seen[r, default: 0] += 1
            }
            for summary in [false, true] {
                let a = Regenerator.renderBlocks(source: source, log: log, report: report, results: S.voiceResults, options: .init(summary: summary))
                let b = Regenerator.renderBlocks(source: source, log: log, report: shuffled, results: S.voiceResults, options: .init(summary: summary))
                #expect(a.bytes == b.bytes)
                #expect(a.statusBlocks == b.statusBlocks)
            }
        }
    }
}

@Suite("regenerate: spliced copy")
struct SplicedCopyTests {
    @Test("a spliced copy equals replacing the ranges one by one")
    func splicedCopy() {
        var rng = SeededRandom(seed: 0x5911CE)
        for _ in 0..<1000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0x61...0x66, using: &rng) }
            var ranges: [Range<Int>] = []
            var pieces: [[UInt8]] = []
            var at = 0
            while at <= bytes.count, Bool.random(using: &rng) {
                let a = Int.random(in: at...bytes.count, using: &rng)
                let b = Int.random(in: a...min(bytes.count, a + 5), using: &rng)
                ranges.append(a..<b)
                pieces.append((0..<Int.random(in: 0...6, using: &rng)).map { _ in UInt8.random(in: 0x30...0x39, using: &rng) })
                at = b
            }
            var expected: [UInt8] = []
            var copied = 0
            for (r, p) in zip(ranges, pieces) {
                expected += bytes[copied..<r.lowerBound]
                expected += p
                copied = r.upperBound
            }
            expected += bytes[copied...]
            let copy = SplicedCopy.apply(bytes, ranges: ranges, sizes: pieces.map(\.count)) { k, at in
                for (j, b) in pieces[k].enumerated() { at[j] = b }
            }
            #expect(copy == expected, "\(bytes) \(ranges) \(pieces)")
        }
    }
}
