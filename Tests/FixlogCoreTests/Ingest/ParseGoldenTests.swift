import Foundation
import Testing
@testable import FixlogCore

/// Golden outputs of `fixlog parse` (text outline and JSON) for every Markdown fixture, and the tiling
/// invariant: the log's bytes are reproduced exactly from the model's spans.
@Suite struct ParseGoldenTests {
    static let logs = TestSupport.fixtureFiles(under: "", ext: "md").filter {
        !$0.hasSuffix("README.md") && !$0.hasSuffix("EXPECTED.md")
    }

    @Test(arguments: logs)
    func goldenOutline(_ path: String) throws {
        let log = FixLogIngester.ingest(SourceText(path: path, bytes: try TestSupport.read(path)))
        var text = ParseOutline.render(log)
        for d in log.diagnostics.sortedForOutput() { text += d.formatted + "\n" }
        TestSupport.assertGolden(text, "parse/" + path.replacingOccurrences(of: "fixtures/", with: "") + ".txt")
    }

    @Test(arguments: logs)
    func goldenJSON(_ path: String) throws {
        let log = FixLogIngester.ingest(SourceText(path: path, bytes: try TestSupport.read(path)))
        let json = try JSONOutput.encode(ParseDocumentV1(log))
        TestSupport.assertGolden(json, "parse/" + path.replacingOccurrences(of: "fixtures/", with: "") + ".json")
    }

    @Test(arguments: logs)
    func spansReproduceTheBytes(_ path: String) throws {
        let bytes = try TestSupport.read(path)
        let source = SourceText(path: path, bytes: bytes)
        let log = FixLogIngester.ingest(source)
        var rebuilt: [UInt8] = []
        var previousEnd = 0
        for segment in log.segments {
            let r = source.byteRange(of: segment)
            #expect(r.lowerBound == previousEnd, "segments must be contiguous")
            rebuilt += source.bytes[r]
            previousEnd = r.upperBound
        }
        #expect(rebuilt == bytes, "concatenated spans differ from the file")
        for incident in log.incidents {
            let outer = source.byteRange(of: incident.range)
            for inner in incident.sections.map(\.range) + incident.changes.map(\.range) + incident.verifications.map(\.range) {
                let r = source.byteRange(of: inner)
                #expect(outer.contains(r.lowerBound) && r.upperBound <= outer.upperBound,
                        "a node of '\(incident.title)' lies outside its record")
            }
            for change in incident.changes {
                if let ref = change.lineRef {
                    // The reference's range points at exactly its text in the log.
                    #expect(String(decoding: source.slice(ref.range), as: UTF8.self) == ref.text)
                }
                #expect(change.lines.map(\.text).joined(separator: "\n") == CodeAnnotationReader.splitLines(change.code).joined(separator: "\n"))
            }
        }
    }
}
