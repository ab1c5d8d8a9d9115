import Foundation
import Testing
@testable import FixlogCore

/// The faster paths of regenerate give the same results as the plain ones they replace.
@Suite("regenerate: fast paths")
struct RegenerateFastPathTests {
    typealias S = RegenerateSupport

    /// Every fixture log, the fuzz regression inputs and the regenerated voice-backend log.
    static func logs() throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        for dir in ["fixtures/logs/shapes", "fixtures/logs/malformed", "Tests/FixlogCoreTests/Hardening/Inputs/regenerate",
                    "Tests/FixlogCoreTests/Hardening/Inputs/regenerate-known"] {
            let url = TestSupport.packageRoot.appendingPathComponent(dir)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.sorted() ?? [] {
                out.append(("\(dir)/\(name)", [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))))
            }
        }
        let voice = S.voice + "/DOCKERFILE_FIXES.md"
        out.append((voice, try S.read(voice)))
        out.append(("regenerated", S.regenerate(try S.read(voice), logPath: voice, options: .init(summary: true)).bytes))
        return out
    }

    @Test("the marker scan opens blocks only where cmark reads the marker as an HTML block of its own")
    func scanAgreesWithCmark() throws {
        var rng = SeededRandom(seed: 0xFE2CE)
        let pieces = ["```", "~~~", "````", "``` info", "```` `x`", "   ```", "    ```", "```\r", "~~~ \t", "\u{FEFF}```",
                      "  ~~~~~~", "<!-- fixlog:status sha256=0011223344556677 -->", "<!-- /fixlog:status -->", "text", "- ```",
                      "```é", "é```", "", "<!-- fixlog:summary -->", "<!-- /fixlog:summary -->", "  ```` ", "``",
                      "<script>", "</script>", "<div>"]
        var inputs = try Self.logs().map(\.1)
        for _ in 0..<300 {
            let lines = (0..<Int.random(in: 1...14, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
            let nl = Bool.random(using: &rng) ? "\n" : "\r\n"
            inputs.append(Array((lines.joined(separator: nl) + (Bool.random(using: &rng) ? nl : "")).utf8))
        }
        var recognised = 0
        for bytes in inputs {
            let source = SourceText(path: "x", bytes: bytes)
            // The lines on which cmark starts an HTML block.
            var htmlStarts = Set<Int>()
            MarkdownDocument(source: source.replacingInvalidBytes()).root.forEach { node in
                if node.kind == .htmlBlock, let r = node.range { htmlStarts.insert(r.start.line) }
            }
            // Where the markers are well formed (no diagnostics), every block opens on a line cmark reads as an HTML
            // block of its own. (Inside an open block the content is fixlog's until the closing marker, whatever
            // cmark makes of it: a fence inside a block does not hide the block's end.)
            let scanned = ManagedRegions.scan(source)
            guard scanned.diagnostics.isEmpty else { continue }
            for block in scanned.blocks {
                recognised += 1
                #expect(htmlStarts.contains(block.openLine), "\(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription)")
            }
        }
        #expect(recognised >= 5, "the generated inputs recognise some blocks (\(recognised))")
    }

    /// `LineReferenceFixer.apply` as it was: each edit replaced in place, walking from the end (the reference for
    /// the one-pass version).
    static func applyReference(_ edits: [LineReferenceFixer.Edit], to source: SourceText)
        -> (bytes: [UInt8], applied: [LineReferenceFixer.Edit]) {
        var bytes = source.bytes
        var applied: [LineReferenceFixer.Edit] = []
        var lastStart = Int.max
        for edit in edits.sorted(by: { $0.range.start > $1.range.start }) {
            let r = source.byteRange(of: edit.range)
            guard r.upperBound <= lastStart, source.text(edit.range) == edit.original else { continue }
            bytes.replaceSubrange(r, with: Array(edit.replacement.utf8))
            lastStart = r.lowerBound
            applied.append(edit)
        }
        return (bytes, applied.reversed())
    }

    @Test("line-reference edits applied in one pass give the bytes and edits of replacing them one by one")
    func applyEdits() throws {
        var rng = SeededRandom(seed: 0xED175)
        for (name, bytes) in try Self.logs() {
            let source = SourceText(path: name, bytes: bytes)
            guard source.lineCount > 0 else { continue }
            // Random edits, some overlapping, some whose original text no longer matches.
            var edits: [LineReferenceFixer.Edit] = []
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                let line = Int.random(in: 1...source.lineCount, using: &rng)
                let length = source.line(line).utf8.count
                let a = Int.random(in: 1...(length + 1), using: &rng)
                let b = Int.random(in: a...(length + 1), using: &rng)
                let range = SourceRange(start: SourceLocation(line: line, column: a), end: SourceLocation(line: line, column: b))
                let original = Bool.random(using: &rng) ? source.text(range) : "nope"
                edits.append(.init(range: range, original: original, replacement: ["line 7", "lines 1-25", "", "x"][Int.random(in: 0..<4, using: &rng)]))
            }
            let fast = LineReferenceFixer.apply(edits, to: source)
            let reference = Self.applyReference(edits, to: source)
            #expect(fast.bytes == reference.bytes, "\(name)")
            #expect(fast.applied == reference.applied, "\(name)")
        }
    }
}
