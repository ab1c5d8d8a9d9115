import Foundation
import Testing
@testable import FixlogCore

/// Generated logs with known content must read back to exactly that content, whatever the layout; random
/// damage to real logs must never crash the ingester or break the tiling of the file.
@Suite struct IngestPropertyTests {
    struct GeneratedRecord {
        var number: Int
        var title: String
        var date: String
        var lineRef: LineSpan
        var expected: [String]
    }

    static let titles = ["Numpy Wheel Conflict", "Podman Layer Too Large", "Missing libsndfile", "Healthcheck Port",
                         "Slow npm ci", "Timezone Not Set", "Root User in Runtime", "Cache Mount Lost"]

    /// Writes records in one of the record shapes, with random separators, heading levels for sections,
    /// reference forms, line endings and final newline.
    static func generate(seed: UInt64) -> (text: String, records: [GeneratedRecord]) {
        var rng = SeededRandom(seed: seed)
        let count = Int.random(in: 1...6, using: &rng)
        var records: [GeneratedRecord] = []
        let shape = Int.random(in: 0...2, using: &rng)
        var out = "# Dockerfile Fixes\n\nIntro text for the log.\n\n"
        if shape == 1 { out += "## Issues Fixed\n\n" }
        for i in 0..<count {
            let number = count - i
            let first = Int.random(in: 1...40, using: &rng)
            let last = first + Int.random(in: 0...9, using: &rng)
            let date = DateReader.iso(2025, Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
            let title = titles[Int.random(in: 0..<titles.count, using: &rng)]
            let value = String(Int.random(in: 1...99, using: &rng))
            records.append(GeneratedRecord(number: number, title: title, date: date,
                                           lineRef: LineSpan(first: first, last: last), expected: [value]))
            let sectionLevel: Int
            switch shape {
            case 0:
                out += "## Fix #\(number): \(title) (\(date))\n\n"
                sectionLevel = Bool.random(using: &rng) ? 2 : 3
            case 1:
                out += "### \(number). \(title)\n\n**Date:** \(date)\n\n"
                sectionLevel = 4
            default:
                out += "## Issue \(number): \(title) — ✅ FIXED\n\n**Date:** \(date)\n\n"
                sectionLevel = 3
            }
            let h = String(repeating: "#", count: sectionLevel)
            out += "**Issue:** something broke in record \(number)\n\n"
            out += "\(h) Problem\n\nThe build failed:\n\n```\nERROR: failed to solve\n```\n\n"
            let ref: String
            switch Int.random(in: 0...3, using: &rng) {
            case 0: ref = "\(h) Solution\n\n**File:** `Dockerfile` (lines \(first)-\(last))\n\n"
            case 1: ref = "\(h) Solution\n\n#\(h) Builder Stage (lines \(first)–\(last))\n\n"
            case 2: ref = "\(h) Solution\n\n**File:** `Dockerfile`\n**Lines:** \(first)-\(last)\n\n"
            default: ref = "\(h) Solution\n\nSee [Dockerfile#L\(first)-L\(last)](https://example.com/Dockerfile#L\(first)-L\(last)):\n\n"
            }
            out += ref
            out += "```dockerfile\nRUN pip install --no-cache-dir numpy==1.25.2  # <--- ADDED\n```\n\n"
            out += "\(h) Verification\n\n```bash\necho \(value)\n# Expected output:\n# \(value)\n```\n\n"
            if Bool.random(using: &rng) { out += "---\n\n" }
        }
        if Bool.random(using: &rng) { out = out.replacingOccurrences(of: "\n", with: "\r\n") }
        if Bool.random(using: &rng) { while out.hasSuffix("\n") || out.hasSuffix("\r") { out.removeLast() } }
        return (out, records)
    }

    @Test(arguments: 0..<60)
    func generatedLogsReadBack(_ seed: Int) throws {
        let (text, records) = Self.generate(seed: UInt64(seed) &* 7919)
        let log = FixLogIngester.ingest(SourceText(path: "gen.md", string: text))
        try #require(log.incidents.count == records.count, "seed \(seed): \(log.incidents.map(\.title))")
        for (want, got) in zip(records, log.incidents) {
            #expect(got.number == want.number)
            #expect(got.title == want.title)
            #expect(got.date == want.date)
            #expect(got.changes.count == 1)
            #expect(got.changes.first?.lineRef?.span == want.lineRef)
            #expect(got.changes.first?.lines.first?.content == "RUN pip install --no-cache-dir numpy==1.25.2")
            #expect(got.verifications.first?.expectedOutput.map(\.text) == want.expected)
        }
        #expect(!log.diagnostics.contains { $0.severity == .error })
    }

    static let fuzzSeeds = TestSupport.fixtureFiles(under: "", ext: "md").filter { !$0.hasSuffix("README.md") }

    @Test(arguments: fuzzSeeds)
    func randomDamageNeverBreaksTheTiling(_ path: String) throws {
        let original = try TestSupport.read(path)
        var rng = SeededRandom(seed: path.utf8.reduce(UInt64(original.count)) { $0 &* 31 &+ UInt64($1) })
        let alphabet = Array("#`*-_>|[]()!:\n\r\t 0123456789~<".utf8) + [0xC3, 0xE2, 0x80, 0x00, 0xFF]
        for _ in 0..<40 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0...3, using: &rng) {
                case 0: bytes[at] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], at: at)
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...200, using: &rng)))
                }
            }
            let source = SourceText(path: "fuzz.md", bytes: bytes)
            let log = FixLogIngester.ingest(source)
            var rebuilt: [UInt8] = []
            for s in log.segments { rebuilt += source.slice(s) }
            #expect(rebuilt == bytes)
            _ = try JSONOutput.encode(ParseDocumentV1(log))
            _ = ParseOutline.render(log)
        }
    }

    @Test func deepNestingIsFlattenedNotFatal() {
        let text = "## Fix #1: Deep (2025-01-01)\n\n" + String(repeating: "> ", count: 20_000) + "x\n\n"
            + String(repeating: "- ", count: 20_000) + "y\n"
        let log = FixLogIngester.ingest(SourceText(path: "deep.md", string: text))
        #expect(log.incidents.count == 1)
        #expect(log.diagnostics.contains { $0.id == .nestingTooDeep })
    }

    @Test func hostileReferencesAndHugeLines() {
        let text = "## Fix #1: X (2025-01-01)\n\n### Solution (lines 99999999999-1)\n\n```dockerfile\nRUN "
            + String(repeating: "a", count: 2_000_000) + "\n```\n"
        let log = FixLogIngester.ingest(SourceText(path: "huge.md", string: text))
        #expect(log.incidents.first?.changes.count == 1)
        #expect(log.incidents.first?.changes.first?.lineRef == nil)
        #expect(log.diagnostics.contains { $0.id == .unreadableLineReference })
    }
}
