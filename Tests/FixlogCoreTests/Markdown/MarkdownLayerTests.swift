import Testing
@testable import FixlogCore

@Suite struct MarkdownLayerTests {
    typealias Loc = FixlogCore.SourceLocation

    @Test func blocksKindsAndRanges() throws {
        let md = "# Título ✅\n\nSome *text*.\n\n```dockerfile {timeout=3}\nFROM x\n```\n\n- a\n- b\n"
        let doc = MarkdownDocument(path: "t.md", markdown: md)
        let kinds = doc.root.children.map(\.kind)
        #expect(kinds == [.heading, .paragraph, .codeBlock, .list])
        let heading = doc.root.children[0]
        #expect(heading.headingLevel == 1)
        #expect(heading.plainText == "Título ✅")
        // Columns count UTF-8 bytes: "# Título ✅" is 13 bytes (í is 2, ✅ is 3), so the range ends at column 14.
        #expect(heading.range == SourceRange(start: Loc(line: 1, column: 1), end: Loc(line: 1, column: 14)))
        let code = doc.root.children[2]
        #expect(code.fenceInfo == "dockerfile {timeout=3}")
        #expect(code.language == "dockerfile")
        #expect(code.literal == "FROM x\n")
        #expect(code.isFenced)
        #expect(code.range?.start.line == 5 && code.range?.end.line == 7)
        #expect(doc.root.children[3].children.count == 2)
    }

    @Test func indentedCodeIsNotFenced() {
        let doc = MarkdownDocument(markdown: "para\n\n    indented code\n")
        #expect(doc.root.children[1].kind == .codeBlock)
        #expect(!doc.root.children[1].isFenced)
        #expect(doc.root.children[1].language == nil)
    }

    @Test func smartPunctuationIsOff() {
        let doc = MarkdownDocument(markdown: "\"quoted\" -- dashes...\n")
        #expect(doc.root.plainText == "\"quoted\" -- dashes...")
    }

    @Test func htmlIsRenderedInSafeMode() {
        let html = MarkdownDocument.renderHTML("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b onclick=x>y</b>\n")
        #expect(!html.contains("<script"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("onclick"))
        #expect(html.contains("raw HTML omitted"))
        let unsafe = MarkdownDocument.renderHTML("<b>y</b>\n", options: MarkdownOptions(unsafeHTML: true))
        #expect(unsafe.contains("<b>y</b>"))
    }
}
