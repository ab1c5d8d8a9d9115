import Foundation
import Testing

@testable import FixlogCore

/// Parsing a file in pieces on several cores must give exactly the tree of one cmark parse.
@Suite("Markdown: parsing in pieces")
struct ChunkedParseTests {
    /// Every Markdown file of the repository (fixtures, docs, the project's own log) and the seed log.
    static var markdownFiles: [URL] {
        var out: [URL] = []
        let root = TestSupport.packageRoot
        for dir in ["fixtures", "docs"] {
            guard let e = FileManager.default.enumerator(at: root.appendingPathComponent(dir), includingPropertiesForKeys: nil)
            else { continue }
            for case let url as URL in e where url.pathExtension == "md" { out.append(url) }
        }
        out.append(root.appendingPathComponent("DOCKERFILE_FIXES.md"))
        out.append(root.appendingPathComponent("README.md"))
        if TestSupport.seedAvailable { out.append(TestSupport.seedLog) }
        return out.sorted { $0.path < $1.path }
    }

    static func assertSameTree(_ source: SourceText, pieces: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Int {
        let serial = MarkdownDocument(source: source, pieces: 1)
        let chunked = MarkdownDocument(source: source, pieces: pieces)
        if chunked.root != serial.root {
            Issue.record("\(source.path) in \(pieces) pieces: \(firstDifference(chunked.root, serial.root))",
                         sourceLocation: sourceLocation)
        }
        #expect(chunked.flattened == serial.flattened, sourceLocation: sourceLocation)
        return chunked.pieces
    }

    /// Where two trees first differ, in a short form.
    static func firstDifference(_ a: MarkdownNode, _ b: MarkdownNode, path: String = "root") -> String {
        if a.kind != b.kind || a.range != b.range || a.literal != b.literal || a.children.count != b.children.count
            || a.isFenced != b.isFenced || a.fenceInfo != b.fenceInfo
        {
            let show = { (n: MarkdownNode) in
                "\(n.kind) \(n.range.map { "\($0)" } ?? "-") \(n.children.count) children \(n.literal.map { "\($0.debugDescription)" } ?? "")"
            }
            if a.children.count == b.children.count, a.kind == b.kind {
                for (i, (x, y)) in zip(a.children, b.children).enumerated() where x != y {
                    return firstDifference(x, y, path: path + "/\(i)")
                }
            }
            return "\(path): pieces gave \(show(a)); one parse gave \(show(b))"
        }
        for (i, (x, y)) in zip(a.children, b.children).enumerated() where x != y {
            return firstDifference(x, y, path: path + "/\(i)")
        }
        return "\(path): differs"
    }

    @Test func repositoryMarkdownGivesTheSameTree() throws {
        var cutFiles = 0
        for url in Self.markdownFiles {
            let source = SourceText(path: url.lastPathComponent, bytes: [UInt8](try Data(contentsOf: url)))
            var cut = false
            for pieces in [2, 3, 7, 50] {
                cut = Self.assertSameTree(source, pieces: pieces) > 1 || cut
            }
            if cut { cutFiles += 1 }
        }
        // The check must have exercised real cuts, not only the serial fallback.
        #expect(cutFiles >= 20, "only \(cutFiles) files were cut")
    }

    /// Extra files to check, e.g. the benchmark logs: `FIXLOG_CHUNK_FILES=a.md:b.md swift test --filter ChunkedParse`.
    @Test func extraFilesGiveTheSameTree() throws {
        let paths = (ProcessInfo.processInfo.environment["FIXLOG_CHUNK_FILES"] ?? "").split(separator: ":").map(String.init)
        for path in paths {
            let source = SourceText(path: path, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(Self.assertSameTree(source, pieces: 16) > 1, "\(path) was not cut")
        }
    }

    @Test func seedLogIsCutAtRecordHeadings() throws {
        try #require(TestSupport.seedAvailable, "seed log not found (FIXLOG_SEED)")
        let source = SourceText(path: "seed.md", bytes: [UInt8](try Data(contentsOf: TestSupport.seedLog)))
        #expect(Self.assertSameTree(source, pieces: 4) > 1)
    }

    /// Blocks chosen to stress the cut rule: headings inside fences and HTML blocks, unclosed fences,
    /// containers running up to a heading, setext headings, CRLF, tabs.
    static let fragments: [String] = [
        "## Fix #1: Title (2025-01-01)\n", "# Top\n", "### Sub\n", "####### seven\n", "#no space\n", "#\n",
        "Paragraph text\nwith two lines\n", "Setext\n---\n", "Setext 2\n===\n", "\n", "\n\n",
        "```dockerfile\nRUN a\n## not a heading\n```\n", "~~~~\n~~~\n## still in\n~~~~\n",
        "````\n```\n````\n", "```bash\n# comment\n```", "``` \n```\t\n",
        "<!-- comment\n## heading in comment\n-->\n", "<div>\n## in html\n</div>\n", "<!-- fixlog:status -->\n",
        "- item\n\n  para\n", "1. one\n2. two\n", "- item\n  ```\n  code\n  ```\n",
        "> quote\n> ## quoted heading\n", "> lazy\ncontinuation\n", "    indented code\n    ## code\n",
        "Text with `code` and **bold** and [link](http://x).\n", "* * *\n", "line\r\n## crlf heading\r\n", "\tTabbed\n",
        "[not a def] text\n", "- [ ] task\n", "Term[^1]\n", "> ```\n> quoted code\n",
    ]
    /// Fragments that leave something open (fences, HTML, lists ending in an open fence): rarer.
    static let openers: [String] = [
        "```\nunclosed fence\n## inside\n", "  ```\n  indented fence\n## after\n", "<div>\n", "<script>\n## x\n",
        "</script>\n", "- item\n- item 2\n  ```\n  code\n", "<!--\n", "-->\n", "> ```\n> open in quote\n",
        "<pre>\n", "</pre>\n", "<?php\n", "?>\n", "<!DOCTYPE html>\n", "<![CDATA[\n", "]]>\n", "Setext end\n---",
        "- a\n  - b\n    ```\n    deep\n", "> - q\n>   ~~~\n", "1. x\n\n   Setext in list\n   ===\n",
    ]

    @Test func generatedDocumentsGiveTheSameTree() {
        var random = SeededRandom(seed: 0xC0FFEE)
        var cut = 0
        for n in 0..<(Int(ProcessInfo.processInfo.environment["FIXLOG_CHUNK_CASES"] ?? "") ?? 600) {
            var text = ""
            for _ in 0..<Int.random(in: 5...60, using: &random) {
                if Int.random(in: 0..<12, using: &random) == 0 {
                    text += Self.openers[Int.random(in: 0..<Self.openers.count, using: &random)]
                } else {
                    text += Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &random)]
                }
            }
            let source = SourceText(path: "gen-\(n).md", string: text)
            let pieces = Self.assertSameTree(source, pieces: Int.random(in: 2...12, using: &random))
            if pieces > 1 { cut += 1 }
        }
        #expect(cut > 40, "only \(cut) generated documents were cut")
    }

    /// The direct copy of cmark's tree equals the iterator walk wherever it applies, and declines (leaving
    /// the walk to flatten) exactly when containers nest past the limit.
    @Test func directCopyEqualsTheIteratorWalk() throws {
        var texts = try Self.markdownFiles.map { String(decoding: try Data(contentsOf: $0), as: UTF8.self) }
        var random = SeededRandom(seed: 7)
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<Int.random(in: 5...40, using: &random) {
                text += Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &random)]
            }
            texts.append(text)
        }
        for depth in [126, 127, 128, 129, 200] {
            texts.append(String(repeating: "> ", count: depth) + "deep\n")
            texts.append(String(repeating: "> ", count: depth) + "\n")
            texts.append(String(repeating: "- ", count: depth) + "item\n")
        }
        var declined = 0
        for text in texts {
            let (direct, walked, flattened) = CMarkConverter.parseBothWays(Array(text.utf8))
            if let direct {
                #expect(!flattened)
                #expect(direct == walked)
            } else {
                declined += 1
                #expect(flattened)
            }
        }
        #expect(declined >= 6)
    }

    @Test func linkReferenceDefinitionsTurnCuttingOff() {
        let text = "# Log\n\nSee [the docs][d].\n\n## Fix #1: A (2025-01-01)\n\nText.\n\n## Fix #2: B (2025-01-02)\n\n[d]: https://example.com\n"
        let source = SourceText(path: "defs.md", string: text)
        #expect(Self.assertSameTree(source, pieces: 3) == 1)
        let multiLine = "# Log\n\n## A\n\n[\nlabel\n]: /url\n\n## B\n\n[label]\n"
        #expect(Self.assertSameTree(SourceText(path: "m.md", string: multiLine), pieces: 3) == 1)
        let notADefinition = "# Log\n\n## A\n\n```json\n[\n  1,\n  2\n]\n```\n\n## B\n\n- [x] done\n"
        #expect(Self.assertSameTree(SourceText(path: "n.md", string: notADefinition), pieces: 3) > 1)
    }

    @Test func unclosedFenceBeforeACutFallsBackToOnePiece() {
        let text = "# Log\n\n## A\n\n```\ncode\n\n## B\n\ntext\n"
        #expect(Self.assertSameTree(SourceText(path: "f.md", string: text), pieces: 3) == 1)
        let html = "# Log\n\n## A\n\n<div>\nhtml\n## B\n\ntext\n"
        #expect(Self.assertSameTree(SourceText(path: "h.md", string: html), pieces: 3) == 1)
    }
}
