import Testing
@testable import FixlogCore

@Suite struct SourceTextTests {
    @Test func lineTableAndOffsets() {
        let text = SourceText(path: "a.md", string: "ab\r\ncé\n\nlast")
        #expect(text.lineCount == 4)
        #expect(text.usesCRLF)
        #expect(!text.endsWithNewline)
        #expect(text.line(1) == "ab")
        #expect(text.line(2) == "cé")
        #expect(text.line(4) == "last")
        #expect(text.location(ofOffset: 5) == SourceLocation(line: 2, column: 2))
        #expect(text.offset(of: SourceLocation(line: 2, column: 2)) == 5)
        #expect(text.endLocation == SourceLocation(line: 4, column: 5))
    }

    @Test func invalidUTF8IsLocatedByByteOffset() {
        let bytes: [UInt8] = Array("ok\n".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(SourceText.firstInvalidUTF8Offset(bytes) == 3)
        let diags = SourceText(path: "x.md", bytes: bytes).validateText()
        #expect(diags.count == 1)
        #expect(diags[0].id == .invalidUTF8)
        #expect(diags[0].range?.start == SourceLocation(line: 2, column: 1))
        #expect(diags[0].formatted == "x.md:2:1: error: [invalid-utf8] invalid UTF-8 at byte offset 3 (byte 0xC3)")
    }

    @Test func validUTF8Passes() {
        #expect(SourceText.firstInvalidUTF8Offset(Array("héllo ✅ 🚀 修复".utf8)) == nil)
        #expect(SourceText.firstInvalidUTF8Offset([0xED, 0xA0, 0x80]) == 0)  // surrogate
        #expect(SourceText.firstInvalidUTF8Offset([0xF0, 0x9F, 0x9A]) == 0)  // truncated
    }
}
