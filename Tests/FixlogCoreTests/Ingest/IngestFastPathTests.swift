import Foundation
import Testing
@testable import FixlogCore

/// The ingester's byte-level fast paths must decide exactly as the character-level code they short-cut. Each
/// test draws many random inputs from the characters that matter (digits, brackets, separators, emoji,
/// combining marks, non-ASCII letters, CR) and compares the two, or compares with the code as it was before
/// the fast path (kept here as the reference).
@Suite struct IngestFastPathTests {
    static let pieces = ["Fix", "fix", "Issue", "BUG", "Problem", "error", "Step", "Note", "#", "##", "[", "]", "(", ")",
                         "1", "2", "42", "123456789012", "3.", "1.5", " ", "  ", ":", "-", "–", "—", ".", "|", "Title",
                         "é", "e\u{301}", "\u{301}", "🔧", "✅", "ß", "修复", "\r", "\t", "REMOVED", "Old", "before", "NEW", "x"]

    static func randomText(_ rng: inout SeededRandom, maxPieces: Int = 8) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) {
            out += pieces[Int.random(in: 0..<pieces.count, using: &rng)]
        }
        return out
    }

    @Test func numberingOnBytesEqualsNumberingOnCharacters() {
        var rng = SeededRandom(seed: 0x5EED_0001)
        var compared = 0
        for _ in 0..<20_000 {
            let text = Self.randomText(&rng)
            guard let fast = TitleReader.splitNumberingASCII(text) else { continue }
            let slow = TitleReader.splitNumberingCharacters(text)
            #expect(fast.0 == slow.0 && fast.1 == slow.1, "\(text.debugDescription)")
            compared += 1
        }
        #expect(compared > 2_000)  // the generator produces plenty of ASCII titles
        // Headings as logs write them.
        for text in ["Fix #2: CI/CD PyTorch Layer Size Issue", "3. Numpy conflict", "#3 Title", "[3] Title", "Issue 3 - x",
                     "Issue: Title", "Fix - Title", "1.5 upgrade", "Step 1", "Bug 12a", "Error 1.", "Fix #", "Fix 9.5 x"] {
            let fast = TitleReader.splitNumberingASCII(text)
            #expect(fast != nil)
            let slow = TitleReader.splitNumberingCharacters(text)
            #expect(fast?.0 == slow.0 && fast?.1 == slow.1, "\(text)")
        }
    }

    @Test func markerRejectionNeverHidesAMarker() {
        var rng = SeededRandom(seed: 0x5EED_0002)
        var rejected = 0
        for _ in 0..<20_000 {
            let comment = (Bool.random(using: &rng) ? "# " : "#") + Self.randomText(&rng, maxPieces: 5)
            if CodeAnnotationReader.startsWithoutMarker(comment) {
                rejected += 1
                #expect(CodeAnnotationReader.markerCharacters(in: comment) == nil, "\(comment.debugDescription)")
            }
        }
        #expect(rejected > 1_000)
        for comment in ["# Test build locally", "# REMOVED: old", "# Old: x", "# Before", "#OLD", "# ✅ Correct", "  ## new thing"] {
            #expect((CodeAnnotationReader.marker(in: comment) == nil) == (CodeAnnotationReader.markerCharacters(in: comment) == nil))
        }
        #expect(CodeAnnotationReader.marker(in: "# REMOVED: old install")?.kind == .removed)
        #expect(CodeAnnotationReader.startsWithoutMarker("# Test build locally"))
        #expect(CodeAnnotationReader.startsWithoutMarker("# 2.6.0"))
        #expect(CodeAnnotationReader.markerCharacters(in: "# 2\u{301} x") == nil)  // no marker word starts with a digit
    }

    @Test func keywordRejectionByFirstByteAgreesWithTheSearch() {
        var rng = SeededRandom(seed: 0x5EED_0003)
        let words = ["root cause", "testing", "latest", "not changed", "fixes applied", "问题", "verification", "p1",
                     "high", "before/after", "why", "step", "alternatives", "(lines 1-25)", "builder stage", "é"]
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...5, using: &rng) {
                text += [" ", "-", ":", "", "x"][Int.random(in: 0..<5, using: &rng)]
                text += words[Int.random(in: 0..<words.count, using: &rng)]
            }
            let hay = SectionClassifier.Haystack(Array(text.utf8))
            for keyword in SectionClassifier.allKeywords {
                #expect(hay.matches(keyword) == hay.searched(keyword), "\(text) / \(String(decoding: keyword, as: UTF8.self))")
            }
        }
    }

    /// `RecordReader.inlineFile(in:)` as it was: four searches over a String.
    static func inlineFileReference(_ text: String) -> String? {
        guard text.containsBytes("**") else { return nil }
        for marker in ["**File:**", "**File**:", "**Location:**", "**Path:**"] where text.containsBytes(marker) {
            if let r = text.byteRange(of: marker) {
                let rest = String(text[text.index(atByte: r.upperBound)...])
                return FieldReader.firstCodeSpan(rest).flatMap { $0.contains(" ") ? nil : $0 } ?? FieldReader.dockerfileName(in: rest)
            }
        }
        return nil
    }

    @Test func inlineFileInOnePassEqualsTheFourSearches() {
        var rng = SeededRandom(seed: 0x5EED_0004)
        let parts = ["**File:**", "**File**:", "**Location:**", "**Path:**", "**", "*", " `Dockerfile`", " `docker/Dockerfile.prod`",
                     " backend/Dockerfile", " (line 21)", " `a b`", " text ", "é", "`"]
        for _ in 0..<10_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...6, using: &rng) { text += parts[Int.random(in: 0..<parts.count, using: &rng)] }
            #expect(RecordReader.inlineFile(in: text) == Self.inlineFileReference(text), "\(text)")
        }
    }

    /// `FieldReader.label(of:)` as it was: the whole rest joined and counted.
    static func labelReference(_ block: MarkdownNode) -> (label: String, rest: String)? {
        guard block.kind == .paragraph, let first = block.children.first, first.kind == .strong || first.kind == .emphasis else {
            return nil
        }
        var label = first.plainText.trimmedSpaces
        let rest = block.children.dropFirst().map(\.plainText).joined().trimmedSpaces
        if label.hasSuffix(":") || label.hasSuffix("：") { label.removeLast() }
        let restCore = rest.hasPrefix(":") ? String(rest.dropFirst()).trimmedSpaces : rest
        if restCore.isEmpty || (restCore.hasPrefix("(") && restCore.count < 40) || restCore.count < 3 {
            return (label.trimmedSpaces, restCore)
        }
        return nil
    }

    @Test func labelCountedUpToTheLimitEqualsTheFullCount() {
        var rng = SeededRandom(seed: 0x5EED_0005)
        let parts = ["**Before:**", "**After**", "*Old*", "**Builder Stage Changes:**", ":", " (lines 24-51)", " ab",
                     " a longer explanation of what changed in this step", "🔧", "e\u{301}", "`code`", " ", "(", "x"]
        var paragraphs = 0
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...5, using: &rng) { text += parts[Int.random(in: 0..<parts.count, using: &rng)] }
            let document = MarkdownDocument(markdown: text + "\n")
            for block in document.root.children where block.kind == .paragraph {
                paragraphs += 1
                let fast = FieldReader.label(of: block), slow = Self.labelReference(block)
                #expect(fast?.label == slow?.label && fast?.rest == slow?.rest, "\(text)")
            }
        }
        #expect(paragraphs > 1_000)
    }
}
