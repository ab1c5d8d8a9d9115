import Foundation
import Testing
@testable import FixlogCore

/// Hostile inputs: each must end in bounded time with a clear diagnostic (and never trap). Inputs are
/// generated at run time, large files in temporary directories.
@Suite("Hardening: hostile inputs")
struct HostileInputTests {
    func ingest(_ text: String) -> FixLog {
        FixLogIngester.ingest(SourceText(path: "hostile.md", string: text))
    }

    func ids(_ log: FixLog) -> Set<String> { Set(log.diagnostics.map(\.id.rawValue)) }

    @Test func tenThousandNestedLists() {
        let text = "# Log\n\n" + String(repeating: "- ", count: 10_000) + "deep\n"
        let log = ingest(text)
        #expect(ids(log).contains(DiagnosticID.nestingTooDeep.rawValue))
        #expect(FuzzProperties.checkIngest(Array(text.utf8)) == nil)
    }

    @Test func tenThousandNestedQuotes() {
        let text = "# Log\n\n" + String(repeating: "> ", count: 10_000) + "deep\n"
        let log = ingest(text)
        #expect(ids(log).contains(DiagnosticID.nestingTooDeep.rawValue))
        #expect(FuzzProperties.checkIngest(Array(text.utf8)) == nil)
    }

    @Test func tenThousandNestedInlines() {
        // Emphasis, links and brackets nest inline; cmark bounds some itself, the converter the rest.
        let text = "# Log\n\n## Fix 1: x\n\n" + String(repeating: "*a _b [c ", count: 10_000)
            + String(repeating: "](u) d_ e*", count: 10_000) + "\n"
        #expect(FuzzProperties.checkIngest(Array(text.utf8)) == nil)
        let doc = MarkdownDocument(source: SourceText(path: "x.md", string: text))
        var count = 0
        doc.root.forEach { _ in count += 1 }
        #expect(count > 0)
        #expect(!doc.root.plainText.isEmpty)
    }

    @Test func deepTreesCompareHashAndDeallocate() {
        // Synthesized Equatable/Hashable and deinit recurse over children; depth is capped by the converter.
        let text = String(repeating: "> ", count: 10_000) + "x\n"
        let a = MarkdownDocument(source: SourceText(path: "a.md", string: text))
        let b = MarkdownDocument(source: SourceText(path: "a.md", string: text))
        #expect(a.flattened)
        #expect(a.root == b.root)
        #expect(a.root.hashValue == b.root.hashValue)
        var depth = 0
        var node = a.root
        while let child = node.children.first { depth += 1; node = child }
        #expect(depth <= CMarkConverter.maximumDepth + 2)
    }

    @Test func fiftyMegabyteSingleLine() throws {
        var bytes = Array("# Log\n\n## Fix 1: long\n\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024)
        bytes.append(0x0A)
        let log = FixLogIngester.ingest(SourceText(path: "long.md", bytes: bytes))
        #expect(log.incidents.count == 1)
        let segments = log.segments
        #expect(segments.last.map { SourceText(path: "", bytes: bytes).offset(of: $0.end) } == bytes.count)
        // A Dockerfile line that long is refused the way BuildKit refuses it.
        var docker = Array("FROM scratch\nRUN ".utf8)
        docker += [UInt8](repeating: UInt8(ascii: "a"), count: 50 * 1024 * 1024)
        let parsed = DockerfileParser.parse(SourceText(path: "Dockerfile", bytes: docker))
        #expect(!parsed.diagnostics.isEmpty)
    }

    /// 100,000 records in optimized builds or with FIXLOG_HARDENING_FULL=1 (about 90 s in a debug build on
    /// this 2-core machine, linear in the count); 10,000 otherwise.
    static var recordCount: Int {
        #if DEBUG
        return ProcessInfo.processInfo.environment["FIXLOG_HARDENING_FULL"] == "1" ? 100_000 : 10_000
        #else
        return 100_000
        #endif
    }

    @Test func hundredThousandRecords() {
        let count = Self.recordCount
        var text = "# Log\n\n"
        text.reserveCapacity(count * 40)
        for i in 1...count {
            text += "## Fix \(i): thing \(i)\n\n**Problem:** broke\n\n"
        }
        let log = ingest(text)
        #expect(log.incidents.count == count)
    }

    @Test func nulBytesAndInvalidUTF8AreReported() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let nul = dir.appendingPathComponent("nul.md")
            try Data("# Log\n\n## Fix 1: a\u{0}b\n".utf8).write(to: nul)
            let a = FixLogIngester.load(path: nul.path)
            #expect(ids(a).contains(DiagnosticID.nulByte.rawValue))
            let bad = dir.appendingPathComponent("bad.md")
            try Data([0x23, 0x20, 0xC3, 0x28, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: bad)
            let b = FixLogIngester.load(path: bad.path)
            let d = try #require(b.diagnostics.first { $0.id == .invalidUTF8 })
            #expect(d.message.contains("byte offset 2"))
            #expect(d.formatted.contains("bad.md:1:3"))
            for bytes in [[UInt8]([0, 0, 0]), [0xFF], [0xC3], [0xED, 0xA0, 0x80]] {
                #expect(FuzzProperties.checkIngest(bytes) == nil)
                #expect(FuzzProperties.checkDockerfile(bytes) == nil)
                #expect(FuzzProperties.checkLineReferences(bytes) == nil)
            }
        }
    }

    @Test func oneGigabyteSparseFileIsRefusedUnread() throws {
        try TestSupport.withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("huge.md").path
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.truncate(atOffset: 1 << 30)   // sparse: no disk, no memory
            try handle.close()
            let log = FixLogIngester.load(path: path)
            let d = try #require(log.diagnostics.first)
            #expect(d.id == .fileTooLarge)
            #expect(d.message.contains("1073741824 bytes"))
            let docker = DockerfileParser.load(path: path)
            #expect(docker.dockerfile == nil)
            #expect(docker.diagnostics.contains { $0.id == .fileTooLarge })
            // The results file and the config are size-checked too.
            #expect(throws: ResultsFileError.self) { try VerificationResults.read(path: path) }
            let configDir = dir.appendingPathComponent("cfg")
            try FileManager.default.createDirectory(at: configDir, withIntermediateDirectories: true)
            let cfg = configDir.appendingPathComponent(VerificationConfig.fileName).path
            #expect(FileManager.default.createFile(atPath: cfg, contents: nil))
            let h2 = try #require(FileHandle(forWritingAtPath: cfg))
            try h2.truncate(atOffset: 1 << 30)
            try h2.close()
            let config = VerificationConfig.load(directory: configDir.path)
            #expect(config.diagnostics.contains { $0.id == .fileTooLarge })
        }
    }

    @Test func hundredThousandContinuationLines() {
        let text = "FROM scratch\nRUN echo \\\n" + String(repeating: "  a \\\n", count: 100_000) + "  end\n"
        let parsed = DockerfileParser.parse(SourceText(path: "Dockerfile", string: text))
        let run = parsed.dockerfile?.instructions.last
        #expect(run?.keyword.uppercased() == "RUN")
        #expect(run?.lines.last == 100_003)
    }

    @Test func unterminatedHeredocs() {
        let text = "FROM scratch\nRUN <<EOF\n" + String(repeating: "echo hi\n", count: 100_000)
        let parsed = DockerfileParser.parse(SourceText(path: "Dockerfile", string: text))
        #expect(FuzzProperties.checkDockerfile(Array(text.utf8)) == nil)
        // BuildKit takes the rest of the file as the body; either way the parser ends and reports.
        #expect(parsed.dockerfile != nil || !parsed.diagnostics.isEmpty)
        let many = "FROM scratch\n" + String(repeating: "RUN <<A <<B <<C\n", count: 10_000)
        #expect(FuzzProperties.checkDockerfile(Array(many.utf8)) == nil)
    }

    @Test func absurdLineReferences() throws {
        let scanned = LineReferenceReader.scan("see lines 99999999999-1 and line 99999999999999999999999")
        #expect(scanned.found.isEmpty)
        #expect(scanned.unreadable.count == 2)
        let text = "# Log\n\n## Fix 1: x\n\n**File:** `Dockerfile` (lines 99999999999-1)\n\n```dockerfile\nRUN x\n```\n"
        let log = ingest(text)
        #expect(log.incidents.first?.changes.first?.lineRef == nil)
        #expect(!log.diagnostics.isEmpty)
        #expect(FuzzProperties.checkIngest(Array(text.utf8)) == nil)
    }
}
