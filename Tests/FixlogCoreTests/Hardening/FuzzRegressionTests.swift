import Foundation
import Testing
@testable import FixlogCore

/// Every input the fuzzers found (crashes, hangs, property violations) is kept in
/// `Tests/FixlogCoreTests/Hardening/Inputs/<harness>/` and replayed here through the same property check.
@Suite("Hardening: fuzz regressions")
struct FuzzRegressionTests {
    static let inputs = TestSupport.packageRoot.appendingPathComponent("Tests/FixlogCoreTests/Hardening/Inputs")

    static func files(_ harness: String) -> [URL] {
        let dir = inputs.appendingPathComponent(harness)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
    }

    static func replay(_ harness: String, _ check: ([UInt8]) -> String?) throws -> Int {
        var count = 0
        for file in files(harness) {
            let bytes = [UInt8](try Data(contentsOf: file))
            if let violation = check(bytes) { Issue.record("\(harness)/\(file.lastPathComponent): \(violation)") }
            count += 1
        }
        return count
    }

    @Test func ingestInputs() throws {
        _ = try Self.replay("ingest", FuzzProperties.checkIngest)
    }

    @Test func lineReferenceInputs() throws {
        _ = try Self.replay("line-reference", FuzzProperties.checkLineReferences)
    }

    @Test func dockerfileInputs() throws {
        _ = try Self.replay("dockerfile", FuzzProperties.checkDockerfile)
    }

    @Test func regenerateInputs() throws {
        _ = try Self.replay("regenerate", FuzzProperties.checkRegenerate)
    }

    /// Found by FuzzRegenerate: a log whose record heading holds NUL bytes and invalid UTF-8 came back from
    /// `Regenerator.regenerate` with that heading line changed. Fixed: such a log is refused, bytes untouched.
    @Test func regenerateRefusesTextThatIsNotUTF8() throws {
        let dir = TestSupport.packageRoot.appendingPathComponent("Tests/FixlogCoreTests/Hardening/Inputs/regenerate")
        for name in ["nul-bytes-in-heading-rewritten.md"] {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            let outcome = Regenerator.regenerate(source: SourceText(path: name, bytes: bytes), results: nil) { log in
                CrossLinker.check(log: log, logPath: name, root: "/nonexistent/fixlog-test")
            }
            #expect(!outcome.succeeded)
            #expect(outcome.bytes == bytes)
            #expect(outcome.diagnostics.contains { $0.id == .invalidUTF8 || $0.id == .nulByte })
        }
    }

    /// Found by FuzzRegenerate in session 2: a fence line inside an HTML block (`<script>` … `</script>`) was
    /// code to `ManagedRegions.scan`'s line tracker but HTML to cmark, so the scanner did not recognise the
    /// status block regenerate inserted under the next record heading, and a second run added another.
    @Test func fenceInsideAnHTMLBlockDoesNotHideStatusBlocks() throws {
        let log = "# Fixes\n\n<script>\n```bash\n</script>\n\n## Fix #1: Pin it (2025-01-01)\n\nText.\n"
        let check = { (log: FixLog) in CrossLinker.check(log: log, logPath: "/nonexistent/x.md", root: "/nonexistent") }
        let once = Regenerator.regenerate(source: SourceText(path: "x.md", string: log), results: nil, check: check)
        #expect(once.succeeded && once.statusBlocks == 1)
        let twice = Regenerator.regenerate(source: SourceText(path: "x.md", bytes: once.bytes), results: nil, check: check)
        #expect(twice.bytes == once.bytes, "a second regenerate changes nothing")
        #expect(ManagedRegions.scan(SourceText(path: "x.md", bytes: once.bytes)).blocks.count == 1)
        // Kind 6 ends at a blank line: a fence after it is a fence again.
        let div = "<div>\n```\n</div>\n\n```\n<!-- fixlog:status -->\n```\n"
        #expect(ManagedRegions.scan(SourceText(path: "d.md", string: div)).blocks.isEmpty)
    }

    @Test func propertiesHoldOnTheFixtures() throws {
        // The seeds of `make fuzz`: every fixture log and Dockerfile satisfies the properties.
        let root = TestSupport.fixtures.path
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        var checked = 0
        for rel in all.sorted() {
            let url = URL(fileURLWithPath: root).appendingPathComponent(rel)
            let name = url.lastPathComponent
            guard let data = try? Data(contentsOf: url), data.count < 200_000 else { continue }
            let bytes = [UInt8](data)
            if name.hasSuffix(".md") {
                #expect(FuzzProperties.checkIngest(bytes) == nil, "\(rel)")
                #expect(FuzzProperties.checkLineReferences(bytes) == nil, "\(rel)")
                #expect(FuzzProperties.checkRegenerate(bytes) == nil, "\(rel)")
                checked += 1
            } else if name.hasPrefix("Dockerfile") {
                #expect(FuzzProperties.checkDockerfile(bytes) == nil, "\(rel)")
                checked += 1
            }
        }
        #expect(checked > 10)
    }

    @Test func propertyChecksDetectViolations() {
        // The checks can fail: a range past the end is not real.
        let source = SourceText(path: "x", string: "ab\ncd\n")
        #expect(FuzzProperties.realRange(SourceRange(start: .init(line: 1, column: 1), end: .init(line: 2, column: 3)), in: source) == 0..<5)
        #expect(FuzzProperties.realRange(SourceRange(start: .init(line: 1, column: 1), end: .init(line: 9, column: 1)), in: source) == nil)
        #expect(FuzzProperties.realRange(SourceRange(start: .init(line: 1, column: 7), end: .init(line: 2, column: 1)), in: source) == nil)
    }
}
