import Foundation
import Testing
@testable import FixlogCore

/// Each shape log under fixtures/logs/shapes has a hand-written `<name>.expected.json`: the records, changes,
/// verifications and diagnostics a reader of the log would list. The ingester must agree with all of it.
@Suite struct GroundTruthTests {
    struct Expected: Decodable {
        struct Record: Decodable {
            var number: Int?
            var title: String
            var date: String?
            var status: String?
            var changes: [Change]?
            var verifications: [Verification]?
        }
        struct Change: Decodable {
            var label: String?
            var file: String?
            var stage: String?
            var lineRef: Span?
        }
        struct Span: Decodable, Equatable {
            var first: Int
            var last: Int
        }
        struct Verification: Decodable {
            var expectedOutput: [Line]?
        }
        struct Line: Decodable, Equatable {
            var text: String
            var condition: String?
        }
        var records: [Record]
        var diagnostics: [String]?
    }

    static let cases = TestSupport.fixtureFiles(under: "", ext: "json").filter { $0.hasSuffix(".expected.json") }

    @Test(arguments: cases)
    func matchesGroundTruth(_ expectedPath: String) throws {
        let data = Data(try TestSupport.read(expectedPath))
        let expected = try JSONDecoder().decode(Expected.self, from: data)
        let logPath = expectedPath.replacingOccurrences(of: ".expected.json", with: ".md")
        let log = FixLogIngester.ingest(SourceText(path: logPath, bytes: try TestSupport.read(logPath)))
        try #require(log.incidents.count == expected.records.count,
                     "records: got \(log.incidents.map { "\($0.number.map(String.init) ?? "-") \($0.title)" })")
        for (i, (want, got)) in zip(expected.records, log.incidents).enumerated() {
            #expect(got.number == want.number, "record \(i) number")
            #expect(got.title == want.title, "record \(i) title")
            #expect(got.date == want.date, "record \(i) date")
            #expect(got.status == want.status, "record \(i) status")
            if let changes = want.changes {
                #expect(got.changes.count == changes.count, "record \(i) changes: got \(got.changes.map(\.label))")
                for (j, (w, g)) in zip(changes, got.changes).enumerated() {
                    if let label = w.label { #expect(g.label == label, "record \(i) change \(j) label") }
                    #expect(g.file == w.file, "record \(i) change \(j) file")
                    #expect(g.stage == w.stage, "record \(i) change \(j) stage")
                    #expect(g.lineRef.map { Expected.Span(first: $0.first, last: $0.last) } == w.lineRef,
                            "record \(i) change \(j) line reference")
                }
            }
            if let verifications = want.verifications {
                #expect(got.verifications.count == verifications.count, "record \(i) verifications")
                for (j, (w, g)) in zip(verifications, got.verifications).enumerated() {
                    let lines = g.expectedOutput.map { Expected.Line(text: $0.text, condition: $0.condition) }
                    #expect(lines == (w.expectedOutput ?? []), "record \(i) verification \(j) expected output")
                }
            }
        }
        if let ids = expected.diagnostics {
            #expect(Set(log.diagnostics.map(\.id.rawValue)) == Set(ids))
        }
    }
}
