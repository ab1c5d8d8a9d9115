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

    @Test func trailingDateOnBytesEqualsTheDateOnCharacters() {
        var rng = SeededRandom(seed: 0x5EED_0D47)
        let dates = ["2025-10-13", "2025-13-45", "Oct 13, 2025", "13 October 2025", "2025/10/13", "2025-1-3", "v2", ""]
        var compared = 0
        for _ in 0..<30_000 {
            var text = Self.randomText(&rng, maxPieces: 5)
            if Bool.random(using: &rng) {
                let (open, close) = Bool.random(using: &rng) ? ("(", ")") : ("[", "]")
                let pad = [" ", "", "  ", "\t"][Int.random(in: 0..<4, using: &rng)]
                text += " \(open)\(pad)\(dates[Int.random(in: 0..<dates.count, using: &rng)])\(pad)\(close)"
                if Bool.random(using: &rng) { text += [" ", "  ", ".", "\t"][Int.random(in: 0..<4, using: &rng)] }
            } else if Bool.random(using: &rng) {
                text += [" - ", ": ", " | ", "-", " "][Int.random(in: 0..<5, using: &rng)] + dates[Int.random(in: 0..<dates.count, using: &rng)]
            }
            guard let fast = TitleReader.splitTrailingDateASCII(text) else { continue }
            let slow = TitleReader.splitTrailingDateCharacters(text)
            #expect(fast.0 == slow.0 && fast.1 == slow.1 && fast.2 == slow.2, "\(text.debugDescription)")
            compared += 1
        }
        #expect(compared > 5_000)
        for text in ["CI/CD PyTorch Layer Size Issue (2025-10-13)", "Pin torch [2025-01-09]", "Title (no date)", "(2025-10-13)",
                     "Title ( 2025-10-13 )", "Title 2025-10-13)", "Bad (2025-13-45)", "Title (Oct 13, 2025) ",
                     "Builder Port Timeout Torch Issue", "Title | Oct 13, 2025"] {
            let fast = TitleReader.splitTrailingDateASCII(text)
            #expect(fast != nil, "\(text)")
            let slow = TitleReader.splitTrailingDateCharacters(text)
            #expect(fast?.0 == slow.0 && fast?.1 == slow.1 && fast?.2 == slow.2, "\(text)")
        }
        // Left to the character-level code: a separator inside the date itself, trailing words.
        for text in ["Title - 2025-10-13", "Title: 2025-13-45", "Fix: x"] {
            #expect(TitleReader.splitTrailingDateASCII(text) == nil, "\(text)")
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

    // MARK: - Session 4 fast paths

    static let codePieces = ["FROM", "from", "RUN", "run", "COPY", "Copy", "ENTRYPOINT", "FROMX", "apt-get", "# ", "#", "##", " ",
                             "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{85}", "\u{A0}", "\u{3000}",
                             "\u{301}", "é", "ß", "x", "python", ":", "{", ",", "`", "dockerfile", "bash", "→", "->", "=>", "to"]

    static func randomCode(_ rng: inout SeededRandom, maxPieces: Int = 10) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) {
            out += codePieces[Int.random(in: 0..<codePieces.count, using: &rng)]
        }
        return out
    }

    @Test func dockerfileGuessOnBytesEqualsTheGuessOnCharacters() {
        var rng = SeededRandom(seed: 0x5EED_0006)
        var decided = 0
        for _ in 0..<20_000 {
            var code = Self.randomCode(&rng)
            let slow = CodeAnnotationReader.looksLikeDockerfileCharacters(code)
            if let fast = code.withUTF8({ CodeAnnotationReader.looksLikeDockerfileASCII($0) }) {
                decided += 1
                #expect(fast == slow, "\(code.debugDescription)")
            }
            #expect(CodeAnnotationReader.looksLikeDockerfile(code) == slow, "\(code.debugDescription)")
        }
        #expect(decided > 2_000)
        for code in ["FROM x\n", "# comment\nrun x", "# RUN x\n", "#\tCOPY a b", "\n\n  ENTRYPOINT [\"a\"]", "# only\n# comments", ""] {
            var copy = code
            #expect(copy.withUTF8({ CodeAnnotationReader.looksLikeDockerfileASCII($0) }) == CodeAnnotationReader.looksLikeDockerfileCharacters(code))
        }
        #expect(CodeAnnotationReader.looksLikeDockerfile("# NOTE\n# RUN pip install x\n"))
        #expect(!CodeAnnotationReader.looksLikeDockerfile("pip install x\nRUN y\n"))
    }

    @Test func languageTagOnBytesEqualsTheSplitOnCharacters() {
        var rng = SeededRandom(seed: 0x5EED_0007)
        var decided = 0
        for _ in 0..<20_000 {
            var info = Self.randomCode(&rng, maxPieces: 5)
            let slow = MarkdownNode.firstWordCharacters(of: info)
            if let fast = info.withUTF8({ MarkdownNode.firstWordASCII(of: $0) }) {
                decided += 1
                #expect((fast.isEmpty ? nil : fast) == slow, "\(info.debugDescription)")
            }
            var node = MarkdownNode(kind: .codeBlock)
            node.fenceInfo = info
            #expect(node.language == slow, "\(info.debugDescription)")
        }
        #expect(decided > 2_000)
    }

    @Test func byteSearchForASCIIEqualsFoundationContains() {
        var rng = SeededRandom(seed: 0x5EED_0008)
        var plain = 0
        for _ in 0..<20_000 {
            let text = Self.randomCode(&rng, maxPieces: 8)
            let needle = Self.randomCode(&rng, maxPieces: 2)
            if RecordReader.isPlainASCII(text) && RecordReader.isPlainASCII(needle) { plain += 1 }
            #expect(RecordReader.contains(text, needle) == text.contains(needle), "\(text.debugDescription) / \(needle.debugDescription)")
        }
        #expect(plain > 2_000)
    }

    /// `RecordReader.replacement(_:range:)` as it was: Foundation's search for every arrow.
    static func replacementReference(_ value: String) -> (String, String, String)? {
        var spans: [String] = []
        var between: [String] = []
        var rest = Substring(value)
        var lastEnd = value.startIndex
        var prefix = ""
        while let open = rest.firstIndex(of: "`") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "`") else { break }
            if spans.isEmpty { prefix = String(value[value.startIndex..<open]) } else { between.append(String(value[lastEnd..<open])) }
            spans.append(String(rest[after..<close]))
            lastEnd = rest.index(after: close)
            rest = rest[lastEnd...]
        }
        guard spans.count >= 2, let sep = between.first else { return nil }
        let s = sep.trimmedSpaces.lowercased()
        guard s.contains("→") || s.contains("->") || s.contains("=>") || s == "to" || s.contains("⇒") || s.contains("➡") else { return nil }
        var subject = prefix.trimmedSpaces
        if subject.lowercased().hasSuffix(" from") { subject = String(subject.dropLast(5)) }
        if subject.lowercased() == "from" { subject = "" }
        return (subject.trimmedSpaces, spans[0], spans[1])
    }

    @Test func replacementArrowsFoundAsBefore() {
        var rng = SeededRandom(seed: 0x5EED_0009)
        var found = 0
        let range = SourceRange(line: 1)
        for _ in 0..<10_000 {
            var value = ""
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                value += ["`", "`a`", "`b c`", " → ", " -> ", " => ", " to ", " ⇒ ", " ➡ ", "From ", " x ", "-", ">", "é"][
                    Int.random(in: 0..<14, using: &rng)]
            }
            let fast = RecordReader.replacement(value, range: range)
            let slow = Self.replacementReference(value)
            if fast != nil { found += 1 }
            #expect(fast.map { [$0.subject, $0.from, $0.to] } == slow.map { [$0.0, $0.1, $0.2] }, "\(value)")
        }
        #expect(found > 100)
    }

    @Test func lineReferencesScannedOnBytesEqualTheScanOfTheString() {
        var rng = SeededRandom(seed: 0x5EED_000A)
        let parts = ["line", "lines", "Line", " ", "1", "25", "-", "–", " to ", "#L", "L3", "Dockerfile:", "backend/Dockerfile.prod:",
                     "(", ")", "x", "é", "0", "99999999999999999999", ":", "a"]
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...8, using: &rng) { text += parts[Int.random(in: 0..<parts.count, using: &rng)] }
            #expect(LineReferenceReader.scan(bytes: Array(text.utf8)) == LineReferenceReader.scan(text), "\(text)")
        }
    }

    /// `FieldReader.field(onLine:source:)`'s test as it was: any `**`/`__` pair on the line, then the prefix read on
    /// the line's string.
    static func fieldLineStartsWithMarkerReference(_ text: String) -> Bool {
        let b = Array(text.utf8)
        var hasPair = false
        var k = 0
        while k + 1 < b.count {
            if (b[k] == UInt8(ascii: "*") || b[k] == UInt8(ascii: "_")) && b[k + 1] == b[k] { hasPair = true; break }
            k += 1
        }
        guard hasPair else { return false }
        var i = 0
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == UInt8(ascii: ">") { i += 1 }
        if i + 1 < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "*") || b[i] == UInt8(ascii: "+"), b[i + 1] == 32 {
            i += 2
            while i < b.count, b[i] == 32 { i += 1 }
        }
        return i + 2 < b.count && ((b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "*"))
            || (b[i] == UInt8(ascii: "_") && b[i + 1] == UInt8(ascii: "_")))
    }

    @Test func fieldPrefilterOnSourceBytesEqualsTheTestOnTheLine() {
        var rng = SeededRandom(seed: 0x5EED_000B)
        let parts = ["**", "__", "*", "_", "- ", "* ", "+ ", "> ", " ", "\t", "File:", "File", ":", " `Dockerfile`", "1. ", "x", "é", "-",
                     "**File:**", "**Status**:", "__Date:__", "- **Line:** 12"]
        var fields = 0
        for _ in 0..<20_000 {
            var line = ""
            for _ in 0..<Int.random(in: 0...7, using: &rng) { line += parts[Int.random(in: 0..<parts.count, using: &rng)] }
            let source = SourceText(path: "t.md", string: "first\n" + line + "\nlast\n")
            let fast = line.utf8.withContiguousStorageIfAvailable { FieldReader.markerPairStart($0) != nil }
                ?? Array(line.utf8).withUnsafeBufferPointer { FieldReader.markerPairStart($0) != nil }
            #expect(fast == Self.fieldLineStartsWithMarkerReference(line), "\(line.debugDescription)")
            let field = FieldReader.field(onLine: 2, source: source)
            if field != nil { fields += 1 }
            if !Self.fieldLineStartsWithMarkerReference(line) { #expect(field == nil, "\(line.debugDescription)") }
        }
        #expect(fields > 500)
    }

    @Test func markerOnBytesEqualsTheMarkerOnCharacters() {
        var rng = SeededRandom(seed: 0x5EED_000C)
        let parts = ["#", "##", " ", "  ", "\t", "OLD", "Old", "old", "NEW", "New", "REMOVED", "Removed", "Before", "AFTER", "BAD", "FIXED",
                     "Previously", ":", "(", "-", ",", "x", "pip install", "RUN", "é", "\u{301}", "—", "❌", "\r", "\n", "1"]
        var decided = 0
        for _ in 0..<30_000 {
            var comment = ""
            for _ in 0..<Int.random(in: 0...7, using: &rng) { comment += parts[Int.random(in: 0..<parts.count, using: &rng)] }
            let slow = CodeAnnotationReader.markerCharacters(in: comment)
            if let fast = comment.withUTF8({ CodeAnnotationReader.markerASCII(in: $0) }) {
                decided += 1
                #expect(fast?.kind == slow?.kind && fast?.value == slow?.value, "\(comment.debugDescription)")
            }
            let marker = CodeAnnotationReader.marker(in: comment)
            #expect(marker?.kind == slow?.kind && marker?.value == slow?.value, "\(comment.debugDescription)")
        }
        #expect(decided > 5_000)
    }

    @Test func keywordWordOnBytesEqualsTheWordOnCharacters() {
        var rng = SeededRandom(seed: 0x5EED_000D)
        for _ in 0..<20_000 {
            let text = Self.randomCode(&rng, maxPieces: 5)
            #expect(CodeAnnotationReader.startsWithKeyword(text) == CodeAnnotationReader.startsWithKeywordCharacters(text),
                    "\(text.debugDescription)")
        }
    }

    @Test func expectedMarkerOnBytesEqualsTheMarkerOnCharacters() {
        var rng = SeededRandom(seed: 0x5EED_000E)
        let parts = ["#", "##", " ", "\t", "Expected", "expected output", "EXPECTED RESULT", "Output", "should print", "Should See",
                     "prints", "result", "Salida esperada", "预期输出", ":", "(", ")", "abridged", "2.6.0", "True", "é", "\u{301}", "\r", "x"]
        var decided = 0
        for _ in 0..<30_000 {
            var line = ""
            for _ in 0..<Int.random(in: 0...6, using: &rng) { line += parts[Int.random(in: 0..<parts.count, using: &rng)] }
            let slow = ExpectedOutputReader.markerValueCharacters(line)
            if let fast = line.withUTF8({ ExpectedOutputReader.markerValueASCII($0) }) {
                decided += 1
                #expect(fast == slow, "\(line.debugDescription)")
            }
            #expect(ExpectedOutputReader.markerValue(line) == slow, "\(line.debugDescription)")
        }
        #expect(decided > 5_000)
    }

    @Test func outputGuessOnBytesEqualsTheGuessOnCharacters() {
        var rng = SeededRandom(seed: 0x5EED_000F)
        let parts = ["docker", "podman build", "$ ", "./run", "# note", "Error", "error:", "ERROR: x", "Traceback", "  ", " ", "\n", "\t",
                     "True", "ok", "x", "[[", "[", "at ", "Successfully", "é", "\u{301}", "\r\n", "warning", "#", "step 1", "=>"]
        var decided = 0
        for _ in 0..<30_000 {
            var code = ""
            for _ in 0..<Int.random(in: 0...8, using: &rng) { code += parts[Int.random(in: 0..<parts.count, using: &rng)] }
            let slow = ExpectedOutputReader.looksLikeOutputCharacters(code)
            if let fast = code.withUTF8({ ExpectedOutputReader.looksLikeOutputASCII($0) }) {
                decided += 1
                #expect(fast == slow, "\(code.debugDescription)")
            }
            #expect(ExpectedOutputReader.looksLikeOutput(code) == slow, "\(code.debugDescription)")
        }
        #expect(decided > 5_000)
    }
}
