import Foundation
import Testing
@testable import FixlogCore

/// Ingesting an edited copy from the memo of the first ingest (what regenerate does after correcting line
/// references) must give exactly the log a fresh ingest gives — whatever the edit, in any line.
@Suite struct ReingestTests {
    /// Every fixture log, the generated logs of the property tests, and the reference log when present.
    static func logs() throws -> [(name: String, text: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for path in TestSupport.fixtureFiles(under: "", ext: "md") {
            out.append((path, try TestSupport.read(path)))
        }
        for seed in 0..<12 { out.append(("generated-\(seed)", Array(IngestPropertyTests.generate(seed: UInt64(seed)).text.utf8))) }
        if TestSupport.seedAvailable, let seed = FileManager.default.contents(atPath: TestSupport.seedLog.path) {
            out.append(("seed", [UInt8](seed)))
        }
        return out
    }

    /// Mutations of one line that keep it one line: line references re-numbered (regenerate's own edit), and
    /// edits that change the structure (headings, fences, list items, link definitions, setext underlines).
    static let replacements = ["# New heading", "## Fix #7: Added (2025-02-03)", "```", "~~~", "", "- item", "1. first",
                               "> quoted", "[ref]: /url", "===", "---", "<div>", "    indented code", "**File:** `Dockerfile` (line 3)",
                               "#### Builder Stage (lines 1-25)", "# REMOVED: old", "RUN echo hi", "text"]

    static func mutate(_ line: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        let digits = line.indices.filter { line[$0] >= 48 && line[$0] <= 57 }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0 where !digits.isEmpty:
            var out = line
            let i = digits[Int.random(in: 0..<digits.count, using: &rng)]
            out[i] = UInt8(48 + Int.random(in: 0...9, using: &rng))
            if Bool.random(using: &rng) { out.insert(UInt8(48 + Int.random(in: 1...9, using: &rng)), at: i) }  // 9 -> 19
            return out
        case 1 where !line.isEmpty:
            var out = line
            out.remove(at: Int.random(in: 0..<out.count, using: &rng))
            return out
        case 2:
            var out = line
            out.insert(Array("x*`#-".utf8)[Int.random(in: 0..<5, using: &rng)], at: Int.random(in: 0...out.count, using: &rng))
            return out
        default:
            return Array(replacements[Int.random(in: 0..<replacements.count, using: &rng)].utf8)
        }
    }

    /// A copy of `original` with a random number (in `lines`) of its lines mutated within themselves, and those
    /// lines; nil when a mutation changed the number of lines. The last line keeps whatever break it had.
    static func edit(_ original: SourceText, lines count: ClosedRange<Int>, _ rng: inout SeededRandom)
        -> (SourceText, Set<Int>)? {
        var lines = (0..<original.lineStarts.count).map { Array(original.slice(for: $0 + 1)) }
        var edited = Set<Int>()
        for _ in 0..<Int.random(in: count, using: &rng) {
            let n = Int.random(in: 1...lines.count, using: &rng)
            let (content, ending) = split(lines[n - 1])
            lines[n - 1] = mutate(content, &rng) + ending
            edited.insert(n)
        }
        let copy = SourceText(path: "log.md", bytes: lines.flatMap { $0 })
        return copy.lineStarts.count == original.lineStarts.count ? (copy, edited) : nil
    }

    @Test func reingestingAnEditedLogEqualsIngestingItAfresh() throws {
        var rng = SeededRandom(seed: 0xE017_0001)
        var compared = 0
        var reused = 0
        for (name, bytes) in try Self.logs() {
            let original = SourceText(path: "log.md", bytes: bytes)
            guard original.lineStarts.count > 1 else { continue }
            let memo = IngestMemo()
            let first = FixLogIngester.ingest(original, keeping: memo)
            #expect(first == FixLogIngester.ingest(original), "\(name): keeping a memo changes nothing")
            for round in 0..<6 {
                guard let (edited2, edited) = Self.edit(original, lines: 1...5, &rng) else { continue }
                let again = FixLogIngester.ingest(edited2, editedLines: edited, since: memo)
                let fresh = FixLogIngester.ingest(edited2)
                #expect(again == fresh, "\(name) round \(round): lines \(edited.sorted())")
                compared += 1
                reused += memo.reusedRecords
            }
        }
        #expect(compared > 100)
        #expect(reused > 100)  // records outside the edits were taken over, not read again
    }

    @Test func reparsedTreeEqualsTheTreeOfOneParse() throws {
        var rng = SeededRandom(seed: 0xE017_0002)
        var reparsed = 0
        for (name, bytes) in try Self.logs() {
            let original = SourceText(path: "log.md", bytes: bytes)
            let document = MarkdownDocument(source: original)
            let mayDefineLinks = ChunkedParse.mayDefineAnyLink(original, lines: 1...max(1, original.lineStarts.count))
            for _ in 0..<6 {
                var lines = (0..<original.lineStarts.count).map { Array(original.slice(for: $0 + 1)) }
                guard !lines.isEmpty else { break }
                let n = Int.random(in: 1...lines.count, using: &rng)
                let (content, ending) = Self.split(lines[n - 1])
                lines[n - 1] = Self.mutate(content, &rng) + ending
                let edited = SourceText(path: "log.md", bytes: lines.flatMap { $0 })
                guard edited.lineStarts.count == original.lineStarts.count else { continue }
                if let result = ChunkedParse.reparse(edited, previous: document, previousMayDefineLinks: mayDefineLinks,
                                                     edited: [n])
                {
                    #expect(result.root == MarkdownDocument(source: edited).root, "\(name): line \(n)")
                    // What the re-read of headings relies on: the edited line is in a run parsed again, and every
                    // block outside those runs is the previous tree's block at the same place.
                    #expect(result.runs.contains { $0.contains(n) }, "\(name): line \(n)")
                    let before = Dictionary(document.root.children.compactMap { b in b.range.map { ($0.start, b) } },
                                            uniquingKeysWith: { a, _ in a })
                    for block in result.root.children {
                        guard let start = block.range?.start, !result.runs.contains(where: { $0.contains(start.line) })
                        else { continue }
                        #expect(before[start] == block, "\(name): line \(n), block at \(start)")
                    }
                    reparsed += 1
                }
            }
        }
        #expect(reparsed > 100)  // most edits are parsed again in place, not refused
    }

    @Test func onItsLastUseTheMemoGivesUpItsTreeAndTheReadingIsTheSame() throws {
        var rng = SeededRandom(seed: 0xE017_0003)
        var compared = 0
        for (name, bytes) in try Self.logs() {
            let original = SourceText(path: "log.md", bytes: bytes)
            guard original.lineStarts.count > 1 else { continue }
            for round in 0..<3 {
                let memo = IngestMemo()
                _ = FixLogIngester.ingest(original, keeping: memo)
                guard let (copy, edited) = Self.edit(original, lines: 1...4, &rng) else { continue }
                let again = FixLogIngester.ingest(copy, editedLines: edited, since: memo, lastUse: true)
                #expect(again == FixLogIngester.ingest(copy), "\(name) round \(round): lines \(edited.sorted())")
                #expect(memo.document == nil, "\(name): the memo's tree was handed over")
                compared += 1
            }
        }
        #expect(compared > 50)
    }

    /// `ChunkedParse.linesReaching` as it was: a set of each edited line and the lines before it that end less
    /// than 1,002 bytes before its start.
    static func linesReachingReference(_ edited: Set<Int>, in source: SourceText) -> Set<Int> {
        var lines = edited
        for line in edited where line >= 1 && line <= source.lineStarts.count {
            let start = source.lineStarts[line - 1]
            var earlier = line - 1
            while earlier >= 1, source.lineStarts[earlier] > start - 1002 {
                lines.insert(earlier)
                earlier -= 1
            }
        }
        return lines
    }

    @Test func linesALabelCouldReachAreListedOnceInOrder() throws {
        var rng = SeededRandom(seed: 0xE017_0004)
        for (_, bytes) in try Self.logs() {
            let text = SourceText(path: "log.md", bytes: bytes)
            let count = text.lineStarts.count
            guard count > 1 else { continue }
            for _ in 0..<20 {
                var edited = Set((0..<Int.random(in: 1...12, using: &rng)).map { _ in Int.random(in: 1...count, using: &rng) })
                if Bool.random(using: &rng) { edited.insert(count + 3) }  // past the end: ignored by both
                let listed = ChunkedParse.linesReaching(edited, in: text)
                #expect(listed == listed.sorted() && Set(listed).count == listed.count)
                #expect(Set(listed) == Self.linesReachingReference(edited, in: text).filter { $0 <= count })
            }
        }
    }

    @Test func anEditThatCompletesALinkDefinitionBegunAboveIsParsedAfresh() throws {
        // Line 5 begins a label that only the edited line 6 closes: `[foo\n]: /url` defines a link for the whole
        // document, so no run may be parsed alone.
        let before = "# Log\n\n## Fix #1: A (2025-01-01)\n\n[foo\nbar\n\nSee [foo].\n\n## Fix #2: B (2025-01-02)\n\nText [foo].\n"
        let after = "# Log\n\n## Fix #1: A (2025-01-01)\n\n[foo\n]: /url\n\nSee [foo].\n\n## Fix #2: B (2025-01-02)\n\nText [foo].\n"
        let old = SourceText(path: "log.md", string: before), new = SourceText(path: "log.md", string: after)
        #expect(ChunkedParse.reparse(new, previous: MarkdownDocument(source: old), previousMayDefineLinks: false, edited: [6]) == nil)
        let memo = IngestMemo()
        _ = FixLogIngester.ingest(old, keeping: memo)
        #expect(FixLogIngester.ingest(new, editedLines: [6], since: memo) == FixLogIngester.ingest(new))
    }

    @Test func anUneditedCopyReusesEverything() throws {
        let text = SourceText(path: "log.md", bytes: try TestSupport.read("fixtures/projects/voice-backend/DOCKERFILE_FIXES.md"))
        let memo = IngestMemo()
        let first = FixLogIngester.ingest(text, keeping: memo)
        #expect(!memo.records.isEmpty && !memo.headings.isEmpty)
        #expect(FixLogIngester.ingest(text, editedLines: [], since: memo) == first)
        // Lines that differ but are not named as edited: the copy is not trusted, and a fresh ingest is made.
        var bytes = text.bytes
        if let digit = bytes.firstIndex(where: { $0 == UInt8(ascii: "1") }) { bytes[digit] = UInt8(ascii: "2") }
        let changed = SourceText(path: "log.md", bytes: bytes)
        #expect(FixLogIngester.ingest(changed, editedLines: [], since: memo) == FixLogIngester.ingest(changed))
    }

    /// A line's content and its line break (`\n`, `\r\n` or none).
    static func split(_ line: [UInt8]) -> ([UInt8], [UInt8]) {
        if line.last == 0x0A {
            let crlf = line.count >= 2 && line[line.count - 2] == 0x0D
            return (Array(line.dropLast(crlf ? 2 : 1)), crlf ? [0x0D, 0x0A] : [0x0A])
        }
        return (line, [])
    }
}

extension SourceText {
    /// The bytes of line `n` with its line break.
    func slice(for n: Int) -> ArraySlice<UInt8> {
        let start = lineStarts[n - 1]
        let end = n < lineStarts.count ? lineStarts[n] : bytes.count
        return bytes[start..<end]
    }
}
